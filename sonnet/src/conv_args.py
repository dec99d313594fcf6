"""Checks and normalizes the shape arguments of convolution modules."""

import numbers

import numpy as np
import tensorflow as tf

from sonnet.src.core import errors

DATA_FORMAT_NWC = "NWC"
DATA_FORMAT_NCW = "NCW"
DATA_FORMAT_NHWC = "NHWC"
DATA_FORMAT_NCHW = "NCHW"
DATA_FORMAT_NDHWC = "NDHWC"
DATA_FORMAT_NCDHW = "NCDHW"
SUPPORTED_1D_DATA_FORMATS = frozenset({DATA_FORMAT_NWC, DATA_FORMAT_NCW})
SUPPORTED_2D_DATA_FORMATS = frozenset({DATA_FORMAT_NHWC, DATA_FORMAT_NCHW})
SUPPORTED_3D_DATA_FORMATS = frozenset({DATA_FORMAT_NDHWC, DATA_FORMAT_NCDHW})
DATA_FORMATS = {
    1: SUPPORTED_1D_DATA_FORMATS,
    2: SUPPORTED_2D_DATA_FORMATS,
    3: SUPPORTED_3D_DATA_FORMATS,}

FLOAT_DTYPES = (tf.float16, tf.bfloat16, tf.float32, tf.float64)


def _positive_int(value):
  """`value` as an int if it is a positive int (or TF1 `Dimension`)."""
  value = tf.compat.v1.dimension_value(value)
  if isinstance(value, numbers.Integral) and value > 0:
    return int(value)
  return None


def fill_shape(x, n):
  """Returns `n` positive ints from one positive int or a sequence of `n`.

  Args:
    x: a positive int (used for every dimension) or a sequence of `n` of
      them; TF1 `Dimension`s count as ints.
    n: the number of dimensions, a positive int.

  Returns:
    A tuple of `n` ints.

  Raises:
    TypeError: if `n` is not a positive int, or `x` is neither form.

  >>> fill_shape(3, 2)
  (3, 3)
  """
  if not isinstance(n, numbers.Integral) or n < 1:
    raise TypeError("n must be a positive integer")
  if not hasattr(x, "__len__") and _positive_int(x) is not None:
    return (_positive_int(x),) * n
  if hasattr(x, "__len__") and not isinstance(x,
                                              (str, bytes)) and (len(x) == n):
    values = tuple(_positive_int(v) for v in x)
    if None not in values:
      return values
  raise TypeError("x is {}, must be either a positive integer or an iterable "
                  "of positive integers of size {}".format(x, n))


def verified_shape(x, n, label):
  """`fill_shape(x, n)`, raising `IncompatibleShapeError` instead.

  Args:
    x: as for `fill_shape`.
    n: as for `fill_shape`.
    label: what `x` is ("kernel", "stride", "rate", ...), for the message.

  Returns:
    A tuple of `n` ints.

  Raises:
    IncompatibleShapeError: "Invalid <label> shape: ...", for a bad `x`.
  """
  try:
    return fill_shape(x, n)
  except TypeError as e:
    raise errors.IncompatibleShapeError("Invalid {} shape: {}".format(
        label, e)) from None


def is_full_rank(stride, n):
  """Whether `stride` has the `n + 2` entries of the batch/channel form."""
  return (not isinstance(stride, (str, bytes)) and
          hasattr(stride, "__len__") and len(stride) == n + 2)


def fill_stride(stride, n, data_format):
  """The `n` spatial strides of a convolution.

  Args:
    stride: an int, `n` ints, or the full-rank form with `n + 2` entries
      (e.g. `[1, 2, 2, 1]` for NHWC), whose batch and channel entries are
      ignored.
    n: the number of spatial dimensions.
    data_format: where the spatial entries of the full-rank form are.

  Returns:
    A tuple of `n` ints.

  Raises:
    IncompatibleShapeError: "Invalid stride shape: ...".
  """
  if is_full_rank(stride, n):
    stride = spatial_dims(stride, data_format)
  return verified_shape(stride, n, "stride")


def one_padded(spatial, data_format):
  """Full-rank strides from spatial ones: `(1, s..., 1)` or `(1, 1, s...)`."""
  spatial = tuple(spatial)
  if data_format.endswith("C"):
    return (1,) + spatial + (1,)
  return (1, 1) + spatial


def check_data_format(data_format, n):
  """Checks a data format for `n` spatial dimensions.

  Args:
    data_format: e.g. "NHWC" (channels last) or "NCHW" (channels first).
    n: the number of spatial dimensions.

  Returns:
    `data_format`.

  Raises:
    ValueError: "Invalid data_format ...", if it does not fit `n`.
  """
  if data_format not in DATA_FORMATS[n]:
    raise ValueError("Invalid data_format {}. Allowed formats {}".format(
        data_format, sorted(DATA_FORMATS[n])))
  return data_format


def check_stride_and_rate(stride, rate):
  """Raises NotSupportedError when both a stride and a rate exceed 1."""
  if any(s > 1 for s in stride) and any(r > 1 for r in rate):
    raise errors.NotSupportedError(
        "Cannot have stride > 1 with rate > 1 (got stride {}, rate {}): "
        "TensorFlow's dilated convolution has unit strides.".format(
            stride, rate))


def check_channel_multiplier(channel_multiplier):
  """Returns a positive int (or TF1 `Dimension`) channel multiplier as int.

  Raises:
    ValueError: if it is not an integer (or `Dimension`), or is < 1.
  """
  value = tf.compat.v1.dimension_value(channel_multiplier)
  if not isinstance(value, numbers.Integral):
    raise ValueError(
        "channel_multiplier ({}), must be of type "
        "(`tf.Dimension`, `numbers.Integral`).".format(channel_multiplier))
  if value < 1:
    raise ValueError(
        "channel_multiplier ({}), must be >= 1".format(channel_multiplier))
  return int(value)


def check_mask(mask):
  """Checks a convolution mask's type and dtype.

  Args:
    mask: None, a tf.Tensor, or a NumPy array / list / tuple of floats.

  Returns:
    None, the tensor, or a NumPy array.

  Raises:
    TypeError: "Invalid type for mask ..." or "Mask needs to have dtype
      float16, bfloat16, float32 or float64".
  """
  if mask is None:
    return None
  if isinstance(mask, (tf.Tensor, tf.Variable)):
    dtype = mask.dtype.base_dtype
  elif isinstance(mask, (list, tuple, np.ndarray)):
    mask = np.asarray(mask)
    dtype = (tf.as_dtype(mask.dtype) if mask.dtype in (np.float16, np.float32,
                                                       np.float64) else None)
  else:
    raise TypeError("Invalid type for mask: {}".format(type(mask)))
  if dtype not in FLOAT_DTYPES:
    raise TypeError("Mask needs to have dtype float16, bfloat16, float32 or "
                    "float64, got {}.".format(mask.dtype))
  return mask


def check_mask_shape(mask_shape, w_shape):
  """Checks that a mask's shape is a leading part of the kernel's shape.

  Args:
    mask_shape: the mask's shape, a tuple.
    w_shape: the kernel's shape, a tuple.

  Raises:
    IncompatibleShapeError: "Invalid mask shape: ..." otherwise.
  """
  if len(mask_shape) > len(w_shape):
    raise errors.IncompatibleShapeError(
        "Invalid mask shape: {}. Max shape: rank {}".format(
            mask_shape, len(w_shape)))
  if mask_shape != w_shape[:len(mask_shape)]:
    raise errors.IncompatibleShapeError(
        "Invalid mask shape: {}. Weight shape: {}".format(mask_shape, w_shape))


def check_inputs(scope_name, inputs, data_format, input_channels=None):
  """Checks a convolution's inputs before any variable is made.

  Args:
    scope_name: the module's scope name, to name it in messages.
    inputs: the tensor given to the module.
    data_format: the module's data format (its length is the input rank).
    input_channels: the channels of the first connection, or None.

  Returns:
    The static input shape, a tuple.

  Raises:
    ValueError: if the rank is unknown, or the channels differ from
      `input_channels` (the variables could not be shared).
    IncompatibleShapeError: if the rank is wrong.
    TypeError: if `inputs` is not float16, bfloat16, float32 or float64.
    UnderspecifiedError: if the channel dimension is unknown.
  """
  rank = len(data_format)
  if inputs.get_shape().rank is None:
    raise ValueError(
        "as_list() is not defined on an unknown TensorShape: the inputs of "
        "%s must have a known rank, %d for data_format %s." %
        (scope_name, rank, data_format))
  input_shape = tuple(inputs.get_shape().as_list())
  if len(input_shape) != rank:
    raise errors.IncompatibleShapeError(
        "Input Tensor must have rank %d corresponding to data_format %s, but "
        "instead was %s of rank %d (module %s)." %
        (rank, data_format, input_shape, len(input_shape), scope_name))
  if inputs.dtype.base_dtype not in FLOAT_DTYPES:
    raise TypeError(
        "Input must have dtype tf.float16, tf.bfloat16, tf.float32 or "
        "tf.float64, but dtype was %s (module %s)." %
        (inputs.dtype, scope_name))
  channels = input_shape[data_format.index("C")]
  if channels is None:
    raise errors.UnderspecifiedError(
        "Number of input channels must be known at module build time (module "
        "%s, data_format %s, input shape %s)." %
        (scope_name, data_format, input_shape))
  if input_channels is not None and channels != input_channels:
    raise ValueError(
        "Trying to share variables of %s, but the inputs have %d channels "
        "(shape %s) where its first connection's had %d channels." %
        (scope_name, channels, input_shape, input_channels))
  return input_shape


def spatial_dims(shape, data_format):
  """The spatial part of a full-rank shape in `data_format`."""
  shape = tuple(shape)
  return shape[1:-1] if data_format.endswith("C") else shape[2:]
