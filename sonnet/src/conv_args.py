"""Checks and normalizes the shape arguments of convolution modules."""

import numbers

import tensorflow as tf

from sonnet.src import errors

DATA_FORMATS = {
    1: ("NWC", "NCW"),
    2: ("NHWC", "NCHW"),
    3: ("NDHWC", "NCDHW"),
}


def _is_int(value):
  return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def fill_shape(value, n, name):
  """Returns `n` positive ints from an int or a sequence of `n` ints.

  Args:
    value: an int (used for every dimension) or a sequence of `n` ints.
    n: the number of spatial dimensions.
    name: the argument's name, for error messages.

  Returns:
    A tuple of `n` ints, each >= 1.

  Raises:
    TypeError: if `value` is neither an int nor a sequence of ints.
    ValueError: if the sequence has the wrong length or a value is < 1.

  >>> fill_shape(3, 2, "kernel_shape")
  (3, 3)
  """
  if _is_int(value):
    values = (int(value),) * n
  elif isinstance(value, (str, bytes)):
    raise TypeError("%s must be an int or a sequence of %d ints, got %r."
                    % (name, n, value))
  else:
    try:
      values = tuple(value)
    except TypeError:
      raise TypeError("%s must be an int or a sequence of %d ints, got %r."
                      % (name, n, value)) from None
    if len(values) != n:
      raise ValueError("%s must be an int or a sequence of %d ints (one per "
                       "spatial dimension), got %r." % (name, n, value))
    if not all(_is_int(v) for v in values):
      raise TypeError("%s must contain ints, got %r." % (name, value))
    values = tuple(int(v) for v in values)
  if any(v < 1 for v in values):
    raise ValueError("%s must be positive, got %r." % (name, value))
  return values


def fill_stride(stride, n, channels_last):
  """Returns the `n` spatial strides; also accepts the full-rank form.

  Args:
    stride: an int, `n` ints, or `n + 2` ints with 1 for the batch and
      channel dimensions (e.g. `[1, 2, 2, 1]` for 2-D channels last).
    n: the number of spatial dimensions.
    channels_last: where the channel dimension is in the full-rank form.

  Returns:
    A tuple of `n` ints.

  Raises:
    TypeError, ValueError: as for `fill_shape`, or if the full-rank form
      has a stride other than 1 over batch or channels.
  """
  if not _is_int(stride) and hasattr(stride, "__len__") and (
      len(stride) == n + 2):
    stride = tuple(stride)
    outer = (stride[0], stride[-1]) if channels_last else stride[:2]
    if tuple(outer) != (1, 1):
      raise ValueError("stride over the batch and channel dimensions must "
                       "be 1, got %r." % (stride,))
    stride = stride[1:-1] if channels_last else stride[2:]
  return fill_shape(stride, n, "stride")


def one_padded(spatial, channels_last):
  """Full-rank strides from spatial ones: `(1, s..., 1)` or `(1, 1, s...)`."""
  spatial = tuple(spatial)
  return (1,) + spatial + (1,) if channels_last else (1, 1) + spatial


def check_data_format(data_format, n):
  """Checks a data format for `n` spatial dimensions.

  Args:
    data_format: e.g. "NHWC" (channels last) or "NCHW" (channels first).
    n: the number of spatial dimensions.

  Returns:
    `data_format`.

  Raises:
    ValueError: if the format does not fit `n` spatial dimensions.
  """
  if data_format not in DATA_FORMATS[n]:
    raise ValueError("data_format must be one of %s for a %d-D convolution, "
                     "got %r." % (DATA_FORMATS[n], n, data_format))
  return data_format


def check_output_channels(output_channels):
  """Checks a positive int, or a callable returning one later.

  Raises:
    TypeError: if it is neither an int nor callable.
    ValueError: if it is < 1.
  """
  if callable(output_channels):
    return output_channels
  return check_positive_int(output_channels, "output_channels",
                            " or a callable returning one")


def check_positive_int(value, name, alternatives=""):
  """Returns `value` if it is an int >= 1.

  Raises:
    TypeError: if it is not an int.
    ValueError: if it is < 1.
  """
  if not _is_int(value):
    raise TypeError("%s must be an int%s, got %r."
                    % (name, alternatives, value))
  if value < 1:
    raise ValueError("%s must be positive, got %r." % (name, value))
  return int(value)


def check_stride_and_rate(stride, rate):
  """Raises ValueError when both a stride and a rate exceed 1."""
  if any(s > 1 for s in stride) and any(r > 1 for r in rate):
    raise ValueError(
        "stride and rate cannot both be greater than 1 (got stride=%r, "
        "rate=%r): TensorFlow's dilated convolution has unit strides."
        % (stride, rate))


_FLOAT_DTYPES = (tf.float16, tf.bfloat16, tf.float32, tf.float64)


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
    UnderspecifiedError: if the rank or the channel dimension is unknown.
    IncompatibleShapeError: if the rank is wrong or the channels differ from
      `input_channels`.
    TypeError: if `inputs` is not float16, bfloat16, float32 or float64.
  """
  rank = len(data_format)
  if inputs.get_shape().rank is None:
    raise errors.UnderspecifiedError(
        "Input Tensor must have rank %d corresponding to data_format %s, but "
        "its rank is unknown (module %s)." % (rank, data_format, scope_name))
  input_shape = tuple(inputs.get_shape().as_list())
  if len(input_shape) != rank:
    raise errors.IncompatibleShapeError(
        "Input Tensor must have rank %d corresponding to data_format %s, but "
        "instead was %s of rank %d (module %s)."
        % (rank, data_format, input_shape, len(input_shape), scope_name))
  if inputs.dtype.base_dtype not in _FLOAT_DTYPES:
    raise TypeError(
        "Input must have dtype tf.float16, tf.bfloat16, tf.float32 or "
        "tf.float64, but dtype was %s (module %s)."
        % (inputs.dtype, scope_name))
  channels = input_shape[data_format.index("C")]
  if channels is None:
    raise errors.UnderspecifiedError(
        "Number of input channels must be known at module build time (module "
        "%s, data_format %s, input shape %s)."
        % (scope_name, data_format, input_shape))
  if input_channels is not None and channels != input_channels:
    raise errors.IncompatibleShapeError(
        "Number of input channels must match the first connection's %d "
        "channels, but the input shape was %s (module %s)."
        % (input_channels, input_shape, scope_name))
  return input_shape


def spatial_dims(shape, data_format):
  """The spatial part of a full-rank shape in `data_format`."""
  shape = tuple(shape)
  return shape[1:-1] if data_format.endswith("C") else shape[2:]
