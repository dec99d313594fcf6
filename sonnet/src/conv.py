"""N-d convolutions: the shared `ConvND` base and `Conv1D`/`2D`/`3D`.

Each of `Conv1D`, `Conv2D` and `Conv3D` is paired with its transpose in
`conv_transpose`, which `transpose()` constructs.
"""

from typing import Any, Callable, Mapping, Optional, Sequence, Union

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src import conv_args
from sonnet.src import conv_padding
from sonnet.src import conv_properties
from sonnet.src import conv_transpose
from sonnet.src.core import errors


class ConvND(conv_properties.ConvBase):
  """Base of the convolution modules: checks, padding, variables, bias.

  A subclass sets `_n` (the number of spatial dimensions) and may override
  `_create_weights` / `_convolve` (e.g. depthwise or separable kernels),
  `_check_input_channels` and `output_channels`.
  """

  def __init__(self, output_channels, kernel_shape, stride=1, rate=1,
               padding=conv_padding.SAME, use_bias=True, initializers=None,
               partitioners=None, regularizers=None, mask=None,
               data_format=None, padding_value=conv_padding.CONSTANT_PADDING,
               custom_getter=None, name="conv_nd"):
    """Checks the configuration; see the concrete classes for the arguments.

    Raises:
      ValueError: for a bad data format or padding value.
      IncompatibleShapeError: for a bad kernel shape, stride or rate.
      NotSupportedError: if a stride and a rate are both greater than 1.
      TypeError: for a bad padding or mask.
      KeyError: for an unknown key in initializers / partitioners /
        regularizers.
    """
    n = self._n
    data_format = conv_args.check_data_format(data_format, n)
    kernel_shape = conv_args.verified_shape(kernel_shape, n, "kernel")
    if conv_args.is_full_rank(stride, n):
      # Sonnet 1.36 took the middle entries whatever the data format, so
      # [1, 1, 3, 2] in NCHW means strides (1, 3): kept for its numbers.
      stride = tuple(stride)[1:-1]
    stride = conv_args.verified_shape(stride, n, "stride")
    rate = conv_args.verified_shape(rate, n, "rate")
    conv_args.check_stride_and_rate(stride, rate)
    paddings = conv_padding.check_padding(padding, n)
    padding_value = conv_padding.check_padding_value(padding_value)
    mask = conv_args.check_mask(mask)
    super().__init__(output_channels, kernel_shape, stride, use_bias,
                     initializers, partitioners, regularizers, data_format,
                     custom_getter, name)
    self._rate = rate
    self._paddings = paddings
    self._padding_value = padding_value
    self._conv_op_padding = conv_padding.conv_op_padding(
        paddings, padding_value)
    self._mask = mask

  # --- connection ----------------------------------------------------------

  def _build(self, inputs):
    """Connects the convolution.

    Args:
      inputs: a floating point tensor of rank `N + 2`, laid out as
        `data_format` says (e.g. `[batch, height, width, channels]`). The
        channel dimension must be known and the same on every connection;
        spatial sizes may change between connections.

    Returns:
      The convolved tensor, in the same layout.

    Raises:
      IncompatibleShapeError: if the rank is wrong, or a mask does not fit
        the kernel.
      ValueError: if the rank is unknown, or the number of input channels
        differs from the first connection's.
      UnderspecifiedError: if the channel dimension is unknown.
      TypeError: if `inputs` is not float16, bfloat16, float32 or float64.
    """
    input_shape = self._check_inputs(inputs)
    input_channels = input_shape[self._channel_axis]
    self._input_shape = input_shape
    self._input_channels = input_channels

    weights = self._create_weights(input_channels, inputs.dtype)
    if conv_padding.needs_explicit_padding(self._paddings, self._padding_value):
      inputs = conv_padding.pad_inputs(inputs, self._paddings,
                                       self._kernel_shape, self._rate,
                                       self._channels_last, self._padding_value)
    return self._add_bias(self._convolve(inputs, weights), inputs.dtype)

  def _check_inputs(self, inputs):
    """Checks rank, dtype and channels; returns the static input shape."""
    return conv_args.check_inputs(self.scope_name, inputs, self._data_format,
                                  self._input_channels)

  def _create_weights(self, input_channels, dtype):
    """Creates `w`, `kernel_shape + [input_channels, output_channels]`."""
    shape = list(self._kernel_shape) + [input_channels, self.output_channels]
    if self._mask is not None:
      conv_args.check_mask_shape(
          tuple(tf.TensorShape(self._mask.shape).as_list()), tuple(shape))
    self._w = self._get_variable(
        "w", shape, dtype,
        conv_properties.create_weight_initializer(shape[:-1], dtype))
    return self._w

  def _masked(self, w):
    """`w` times the mask, whose shape is a leading part of `w`'s."""
    if self._mask is None:
      return w
    mask = tf.cast(self._mask, w.dtype)
    missing = w.get_shape().rank - mask.get_shape().rank
    return w * tf.reshape(mask, mask.get_shape().as_list() + [1] * missing)

  def _convolve(self, inputs, w):
    return tf.nn.convolution(inputs, self._masked(w), strides=self._stride,
                             padding=self._conv_op_padding,
                             data_format=self._data_format,
                             dilations=self._rate)

  # --- properties ----------------------------------------------------------

  @property
  def rate(self):
    """The dilation rate per spatial dimension, a tuple of `N` ints."""
    return self._rate

  @property
  def padding(self):
    """The padding name, when every spatial dimension uses the same one.

    Raises:
      ValueError: if the dimensions use different paddings (see `paddings`).
    """
    if len(set(self._paddings)) != 1:
      raise ValueError(
          "This layer uses different paddings for different dimensions. Use "
          ".paddings if you want a tuple of per-dimension padding settings "
          "(%s pads %s)." % (self.scope_name, self._paddings))
    return self._paddings[0]

  @property
  def paddings(self):
    """The padding name of each spatial dimension, a tuple."""
    return self._paddings

  @property
  def conv_op_padding(self):
    """The padding given to TensorFlow's op after explicit padding."""
    return self._conv_op_padding

  @property
  def padding_value(self):
    """How padded positions are filled: "CONSTANT", "REFLECT", "SYMMETRIC"."""
    return self._padding_value

  @property
  def mask(self):
    """The mask multiplied into the kernel (NumPy array or tensor), or None."""
    return self._mask

  w = connected_property.connected_property(
      "_w", """The kernel variable (without any mask applied).

      Raises:
        NotConnectedError: before the first connection.
      """)

  def _clone_kwargs(self):
    return dict(super()._clone_kwargs(), rate=self._rate,
                padding=self._paddings, mask=self._mask,
                padding_value=self._padding_value)


class _TransposableConv(ConvND, base.Transposable):
  """A plain convolution, paired with its transpose class."""

  def transpose(self, name=None):
    """Returns the matching transposed convolution.

    Its output channels and output shape are read from this module's
    inputs when it is connected, so connect this module before the
    transpose. The mask is not carried over.

    Args:
      name: defaults to this module's name + "_transpose".

    Raises:
      NotSupportedError: if this module is dilated (rate > 1), or does not
        use SAME (with zeros) or VALID padding in every dimension.
    """
    if any(r > 1 for r in self._rate):
      raise errors.NotSupportedError(
          "Cannot transpose a dilated convolution module (%s has rate %s)." %
          (self.scope_name, self._rate))
    if any(p != self._conv_op_padding for p in self._paddings):
      raise errors.NotSupportedError(
          "Cannot transpose a convolution using mixed paddings or paddings "
          "other than SAME or VALID (%s pads %s with %s)." %
          (self.scope_name, self._paddings, self._padding_value))
    return self._transposed(
        name, padding=self._conv_op_padding, output_shape=lambda: conv_args.
        spatial_dims(self.input_shape, self._data_format))


_ARGS_DOC = """
    Args:
      output_channels: the number of output channels (an int, or a whole
        number such as 12.0), or a callable returning it when the module is
        first connected (used by `transpose()`).
      kernel_shape: the kernel size, an int or one per spatial dimension.
      stride: the stride, an int, one per spatial dimension, or the
        full-rank form (e.g. `[1, 2, 2, 1]`), whose batch and channel
        entries are ignored. Default 1.
      rate: the dilation rate, an int or one per spatial dimension. Default
        1 (no dilation); cannot exceed 1 where a stride does.
      padding: "SAME" (default), "VALID", "FULL", "CAUSAL" or
        "REVERSE_CAUSAL", or one of them per spatial dimension.
      use_bias: whether to add a bias `b` per output channel.
      initializers: optional dict with keys "w" / "b"; defaults are a
        truncated normal with stddev 1/sqrt(fan_in) and zeros.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      mask: optional float array (NumPy, nested lists or a tensor)
        multiplied into the kernel; its shape must be a leading part of the
        kernel's `kernel_shape + [input_channels, output_channels]` (e.g.
        just `kernel_shape`), and it is broadcast over the rest.
      data_format: channels last (default) or channels first; TensorFlow
        runs channels-first 2-D and 3-D convolutions on GPU only.
      padding_value: how padded positions are filled: "CONSTANT" (zeros,
        default), "REFLECT" or "SYMMETRIC".
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: "Invalid data_format ...", or a bad padding value.
      IncompatibleShapeError: "Invalid kernel shape ..." (or stride, rate).
      NotSupportedError: if a stride and a rate are both greater than 1.
      TypeError: for a bad padding, or a mask that is not floats.
      KeyError: for an unknown key in initializers / partitioners /
        regularizers.
"""


class Conv1D(_TransposableConv):
  """1-D convolution over `[batch, width, channels]` inputs.

  Variables: `w` of shape `[kernel, input_channels, output_channels]` and,
  with `use_bias`, `b` of shape `[output_channels]`.

  >>> conv = snt.Conv1D(output_channels=8, kernel_shape=3)
  >>> conv(tf.ones([2, 10, 3])).shape.as_list()
  [2, 10, 8]
  >>> conv.w.shape.as_list()
  [3, 3, 8]
  """

  _n = 1

  def __init__(self, output_channels: Union[int, Callable[[], int]],
               kernel_shape: Union[int, Sequence[int]],
               stride: Union[int,
                             Sequence[int]] = 1, rate: Union[int,
                                                             Sequence[int]] = 1,
               padding: Union[str, Sequence[str]] = conv_padding.SAME,
               use_bias: bool = True,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               mask: Any = None, data_format: str = "NWC",
               padding_value: str = conv_padding.CONSTANT_PADDING,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "conv_1d"):
    super().__init__(output_channels, kernel_shape, stride=stride, rate=rate,
                     padding=padding, use_bias=use_bias,
                     initializers=initializers, partitioners=partitioners,
                     regularizers=regularizers, mask=mask,
                     data_format=data_format, padding_value=padding_value,
                     custom_getter=custom_getter, name=name)

  __init__.__doc__ = "Configures the convolution.\n" + _ARGS_DOC


class Conv2D(_TransposableConv):
  """2-D convolution over `[batch, height, width, channels]` inputs.

  Variables: `w` of shape `kernel_shape + [input_channels, output_channels]`
  and, with `use_bias`, `b` of shape `[output_channels]`.

  >>> conv = snt.Conv2D(output_channels=8, kernel_shape=3, stride=2)
  >>> conv(tf.ones([2, 10, 10, 3])).shape.as_list()
  [2, 5, 5, 8]
  >>> [v.name for v in conv.get_variables()]
  ['conv_2d/w:0', 'conv_2d/b:0']
  """

  _n = 2

  def __init__(self, output_channels: Union[int, Callable[[], int]],
               kernel_shape: Union[int, Sequence[int]],
               stride: Union[int,
                             Sequence[int]] = 1, rate: Union[int,
                                                             Sequence[int]] = 1,
               padding: Union[str, Sequence[str]] = conv_padding.SAME,
               use_bias: bool = True,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               mask: Any = None, data_format: str = "NHWC",
               padding_value: str = conv_padding.CONSTANT_PADDING,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "conv_2d"):
    super().__init__(output_channels, kernel_shape, stride=stride, rate=rate,
                     padding=padding, use_bias=use_bias,
                     initializers=initializers, partitioners=partitioners,
                     regularizers=regularizers, mask=mask,
                     data_format=data_format, padding_value=padding_value,
                     custom_getter=custom_getter, name=name)

  __init__.__doc__ = "Configures the convolution.\n" + _ARGS_DOC


class Conv3D(_TransposableConv):
  """3-D convolution over `[batch, depth, height, width, channels]` inputs.

  Variables: `w` of shape `kernel_shape + [input_channels, output_channels]`
  and, with `use_bias`, `b` of shape `[output_channels]`.

  >>> conv = snt.Conv3D(output_channels=4, kernel_shape=3, padding=snt.VALID)
  >>> conv(tf.ones([1, 5, 6, 7, 2])).shape.as_list()
  [1, 3, 4, 5, 4]
  """

  _n = 3

  def __init__(self, output_channels: Union[int, Callable[[], int]],
               kernel_shape: Union[int, Sequence[int]],
               stride: Union[int,
                             Sequence[int]] = 1, rate: Union[int,
                                                             Sequence[int]] = 1,
               padding: Union[str, Sequence[str]] = conv_padding.SAME,
               use_bias: bool = True,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               mask: Any = None, data_format: str = "NDHWC",
               padding_value: str = conv_padding.CONSTANT_PADDING,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "conv_3d"):
    super().__init__(output_channels, kernel_shape, stride=stride, rate=rate,
                     padding=padding, use_bias=use_bias,
                     initializers=initializers, partitioners=partitioners,
                     regularizers=regularizers, mask=mask,
                     data_format=data_format, padding_value=padding_value,
                     custom_getter=custom_getter, name=name)

  __init__.__doc__ = "Configures the convolution.\n" + _ARGS_DOC


conv_properties.pair_transposes(Conv1D, conv_transpose.Conv1DTranspose)
conv_properties.pair_transposes(Conv2D, conv_transpose.Conv2DTranspose)
conv_properties.pair_transposes(Conv3D, conv_transpose.Conv3DTranspose)
