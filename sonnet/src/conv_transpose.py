"""Transposed convolutions: `ConvNDTranspose` and its 1-D, 2-D, 3-D forms.

A transposed convolution is the gradient of a convolution with respect to
its input: it maps a small spatial grid to a larger one (e.g. for decoders),
and the convolution with the same kernel shape, stride and padding maps the
result back to the input's size.
"""

from typing import Any, Callable, Mapping, Optional, Sequence, Union

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src import conv_args
from sonnet.src import conv_padding
from sonnet.src import conv_properties
from sonnet.src import deferred
from sonnet.src.core import errors


def default_transpose_size(input_shape, stride, kernel_shape=None,
                           padding=conv_padding.SAME):
  """The largest output shape a transposed convolution maps back from.

  `SAME`: `input * stride`. `VALID`: `input * stride + kernel - 1`. (A
  convolution with the same stride and padding maps this size back to
  `input_shape`.)

  Args:
    input_shape: the spatial input sizes, a sequence.
    stride: an int or one per spatial dimension.
    kernel_shape: an int or one per spatial dimension (needed for VALID).
    padding: `SAME` or `VALID`.

  Returns:
    A tuple of ints, one per spatial dimension.

  Raises:
    TypeError: if `input_shape` is empty or None.
    IncompatibleShapeError: for a bad stride or kernel shape.
    ValueError: if `padding` is neither `SAME` nor `VALID`.

  >>> default_transpose_size([4], 2, kernel_shape=3, padding="VALID")
  (10,)
  """
  if not input_shape:
    raise TypeError("input_shape is None; if using Sonnet, are you sure you "
                    "have connected the module to inputs?")
  n = len(input_shape)
  stride = conv_args.verified_shape(stride, n, "stride")
  padding = conv_padding.check_conv_op_padding(padding)
  output_shape = tuple(i * s for i, s in zip(input_shape, stride))
  if padding == conv_padding.VALID:
    kernel_shape = conv_args.verified_shape(kernel_shape, n, "kernel")
    output_shape = tuple(o + k - 1 for o, k in zip(output_shape, kernel_shape))
  return output_shape


def _transpose_stride(stride, n, data_format):
  """The spatial strides of a transposed convolution, checked as Sonnet 1 did.

  Unlike a convolution's, a full-rank stride must be 1 over batch and
  channels.

  Raises:
    IncompatibleShapeError: "Invalid stride ..." for a full-rank stride with
      other batch or channel entries, or "stride is ..." for a sequence of
      neither `n` nor `n + 2` entries.
    TypeError: for a non-positive int, or up to `n` bad entries.
  """
  if conv_args.is_full_rank(stride, n):
    if data_format.endswith("C") and not stride[0] == stride[-1] == 1:
      raise errors.IncompatibleShapeError(
          "Invalid stride: First and last element must be 1, got %s." %
          (stride,))
    if not data_format.endswith("C") and not stride[0] == stride[1] == 1:
      raise errors.IncompatibleShapeError(
          "Invalid stride: First and second element must be 1, got %s." %
          (stride,))
    return conv_args.fill_stride(stride, n, data_format)
  if hasattr(stride, "__len__") and len(stride) > n:
    raise errors.IncompatibleShapeError(
        "stride is {} ({}), must be either a positive integer or an iterable "
        "of positive integers of size {}".format(stride, type(stride), n))
  return conv_args.fill_shape(stride, n)


class ConvNDTranspose(conv_properties.ConvBase, base.Transposable):
  """Base of the transposed convolutions; subclasses set `_n`.

  `conv.py` pairs each with its convolution, which `transpose()` makes.
  """

  def __init__(self, output_channels, output_shape=None, kernel_shape=None,
               stride=1, padding=conv_padding.SAME, use_bias=True,
               initializers=None, partitioners=None, regularizers=None,
               data_format=None, custom_getter=None, name="conv_nd_transpose"):
    """Checks the configuration; see the concrete classes for the arguments.

    Raises:
      ValueError: for a bad data format or padding, or no kernel shape.
      IncompatibleShapeError: for a bad output shape, kernel shape or
        stride.
      KeyError: for an unknown key in initializers / partitioners /
        regularizers.
    """
    n = self._n
    data_format = conv_args.check_data_format(data_format, n)
    if output_shape is not None and not callable(output_shape):
      output_shape = conv_args.verified_shape(output_shape, n, "output_shape")
    if kernel_shape is None:
      raise ValueError("`kernel_shape` cannot be None.")
    kernel_shape = conv_args.verified_shape(kernel_shape, n, "kernel")
    stride = _transpose_stride(stride, n, data_format)
    padding = conv_padding.check_conv_op_padding(padding)
    super().__init__(output_channels, kernel_shape, stride, use_bias,
                     initializers, partitioners, regularizers, data_format,
                     custom_getter, name)
    self._output_shape = output_shape
    self._use_default_output_shape = output_shape is None
    self._padding = padding

  def _build(self, inputs):
    """Connects the transposed convolution.

    Args:
      inputs: a float tensor of rank `N + 2` in `data_format`. Its channels
        must be known and the same on every connection; its spatial sizes
        must be known unless `output_shape` was given, and must be what a
        convolution maps `output_shape` to (else TensorFlow's op fails when
        it runs).

    Returns:
      A tensor with `output_channels` channels and spatial shape
      `output_shape`.

    Raises:
      IncompatibleShapeError: for a wrong rank.
      ValueError: if the rank is unknown, or the number of input channels
        differs from the first connection's.
      UnderspecifiedError: if the channels or (with no `output_shape`) the
        spatial sizes are unknown.
      NotConnectedError: if `output_channels` / `output_shape` come from a
        module that is not connected yet.
      TypeError: if `inputs` is not float16, bfloat16, float32 or float64.
    """
    input_shape = conv_args.check_inputs(self.scope_name, inputs,
                                         self._data_format,
                                         self._input_channels)
    input_channels = input_shape[self._channel_axis]
    if self._use_default_output_shape:
      self._output_shape = self._default_output_shape(input_shape)
    out_spatial = self.output_shape
    output_channels = self.output_channels
    if tf.executing_eagerly():
      self._check_input_fits_output(input_shape, out_spatial)
    self._input_shape = input_shape
    self._input_channels = input_channels

    w_shape = list(self._kernel_shape) + [output_channels, input_channels]
    if self._n == 1:
      w_shape = [1] + w_shape  # Sonnet 1 stored the 1-D kernel as 2-D.
    fan_in_shape = self._kernel_shape + (input_channels,)
    self._w = self._get_variable(
        "w", w_shape, inputs.dtype,
        conv_properties.create_weight_initializer(fan_in_shape, inputs.dtype))
    return self._add_bias(self._convolve(inputs, out_spatial, output_channels),
                          inputs.dtype)

  def _default_output_shape(self, input_shape):
    """`default_transpose_size` of the spatial input sizes."""
    in_spatial = conv_args.spatial_dims(input_shape, self._data_format)
    if None in in_spatial:
      raise errors.UnderspecifiedError(
          "%s: the spatial input sizes must be known to infer the output "
          "shape, got input shape %s; give output_shape instead." %
          (self.scope_name, input_shape))
    return default_transpose_size(in_spatial, self._stride, self._kernel_shape,
                                  self._padding)

  def _check_input_fits_output(self, input_shape, out_spatial):
    """Raises what TensorFlow's op would, with a clearer message.

    In graph mode the op itself fails when it runs (as in Sonnet 1).

    Raises:
      InvalidArgumentError: if a convolution would not map `out_spatial`
        to the spatial input sizes.
    """
    in_spatial = conv_args.spatial_dims(input_shape, self._data_format)
    expected = tuple(
        -(-(o - (k - 1 if self._padding == conv_padding.VALID else 0)) // s)
        for o, k, s in zip(out_spatial, self._kernel_shape, self._stride))
    if tuple(in_spatial) != expected:
      raise tf.errors.InvalidArgumentError(
          None, None,
          "%s: an output of spatial shape %s (kernel %s, stride %s, %s) "
          "needs inputs of spatial shape %s, got input shape %s." %
          (self.scope_name, list(out_spatial), list(self._kernel_shape),
           list(self._stride), self._padding, list(expected), input_shape))

  def _convolve(self, inputs, out_spatial, output_channels):
    batch = tf.shape(inputs)[:1]
    if self._channels_last:
      tail = list(out_spatial) + [output_channels]
    else:
      tail = [output_channels] + list(out_spatial)
    strides = self.stride
    if self._n == 1:
      # Run as 2-D with a leading spatial dimension of size 1.
      axis = 1 if self._channels_last else 2
      tail.insert(axis - 1, 1)
      strides = strides[:axis] + (1,) + strides[axis:]
      outputs = tf.nn.conv2d_transpose(
          tf.expand_dims(inputs, axis), self._w, tf.concat([batch, tail], 0),
          strides, padding=self._padding,
          data_format="NHWC" if self._channels_last else "NCHW")
      outputs = tf.squeeze(outputs, [axis])
      del tail[axis - 1]
    else:
      outputs = tf.nn.conv_transpose(inputs, self._w, tf.concat([batch, tail],
                                                                0), strides,
                                     padding=self._padding,
                                     data_format=self._data_format)
    outputs.set_shape([inputs.get_shape()[0]] + tail)
    return outputs

  # --- properties ----------------------------------------------------------

  @property
  def output_shape(self):
    """The spatial output shape, a tuple of `N` ints (resolving a callable).

    Raises:
      NotConnectedError: if it is inferred from inputs and this module is
        not connected yet, or it comes from a module (e.g. the one this was
        transposed from) that is not connected yet.
      IncompatibleShapeError: if a callable gives the wrong number of sizes.
      UnderspecifiedError: if a callable gives unknown sizes.
    """
    if self._output_shape is None:
      self._ensure_is_connected()
    return deferred.resolve(self, "_output_shape", self._checked_output_shape)

  def _checked_output_shape(self, output_shape):
    """The ints of an output shape (e.g. one that a callable gave)."""
    output_shape = tuple(tf.compat.v1.dimension_value(s) for s in output_shape)
    if len(output_shape) != self._n:
      raise errors.IncompatibleShapeError(
          "Output shape must have rank %d, but instead was %d (module %s)."  # pylint: disable=bad-string-format-type
          % (self._n, len(output_shape), self.scope_name))
    if None in output_shape:
      raise errors.UnderspecifiedError(
          "%s: the output shape %s taken from another module has unknown "
          "sizes." % (self.scope_name, output_shape))
    return output_shape

  @property
  def padding(self):
    """"SAME" or "VALID" (of the convolution this is the transpose of)."""
    return self._padding

  @property
  def conv_op_padding(self):
    """The padding given to TensorFlow's op: the same as `padding`."""
    return self._padding

  w = connected_property.connected_property(
      "_w", """The kernel, `kernel_shape + [output_channels, input_channels]`.

      For 1-D it has a leading 1, as Sonnet 1 stored it.

      Raises:
        NotConnectedError: before the first connection.
      """)

  def _clone_kwargs(self):
    output_shape = None if self._use_default_output_shape else (
        self._output_shape)
    return dict(super()._clone_kwargs(), output_shape=output_shape,
                padding=self._padding)

  def transpose(self, name=None):
    """Returns the convolution that maps this module's outputs back.

    Its output channels are this module's input channels, read when it is
    connected (so connect this module first).

    Args:
      name: defaults to this module's name + "_transpose".
    """
    return self._transposed(name, padding=self._padding)


_ARGS_DOC = """
    Args:
      output_channels: the number of output channels (an int, or a whole
        number such as 12.0), or a callable returning it when the module is
        first connected (used by `transpose()`).
      output_shape: the spatial output shape (an int, one per spatial
        dimension, or a `TensorShape`), or a callable returning it. None
        (default) infers it at each connection: `input * stride` for SAME,
        plus `kernel - 1` for VALID.
      kernel_shape: the kernel size, an int or one per spatial dimension
        (required).
      stride: an int, one per spatial dimension, or the full-rank form with
        1 over batch and channels. Default 1.
      padding: "SAME" (default) or "VALID": the padding of the convolution
        this is the transpose of.
      use_bias: whether to add a bias `b` per output channel.
      initializers: optional dict with keys "w" / "b"; defaults are a
        truncated normal with stddev 1/sqrt(fan_in) and zeros.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      data_format: channels last (default) or channels first; TensorFlow
        runs channels-first layouts on GPU only.
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: "Invalid data_format ...", a padding other than SAME or
        VALID, or no kernel shape.
      IncompatibleShapeError: "Invalid kernel shape ..." (or output_shape),
        or a bad full-rank or too long stride.
      TypeError: a non-positive stride.
      KeyError: for an unknown key in initializers / partitioners /
        regularizers.
"""


class Conv1DTranspose(ConvNDTranspose):
  """1-D transposed convolution over `[batch, width, channels]` inputs.

  Variables: `w` of shape `[1, kernel, output_channels, input_channels]`
  (2-D with a leading 1, as Sonnet 1 stored it) and `b` of shape
  `[output_channels]`.

  >>> up = snt.Conv1DTranspose(8, kernel_shape=3, stride=2)
  >>> up(tf.ones([2, 5, 3])).shape.as_list()
  [2, 10, 8]
  >>> up.w.shape.as_list()
  [1, 3, 8, 3]
  """

  _n = 1

  def __init__(
      self, output_channels: Union[int, Callable[[], int]],
      output_shape: Optional[Union[Sequence[int], Callable]] = None,
      kernel_shape: Optional[Union[int, Sequence[int]]] = None,
      stride: Union[int, Sequence[int]] = 1,
      padding: Union[str, Sequence[str]] = conv_padding.SAME,
      use_bias: bool = True, initializers: Optional[Mapping[str, Any]] = None,
      partitioners: Optional[Mapping[str, Any]] = None,
      regularizers: Optional[Mapping[str,
                                     Any]] = None, data_format: str = "NWC",
      custom_getter: Optional[Union[Callable, Mapping[str, Callable]]] = None,
      name: str = "conv_1d_transpose"):
    super().__init__(output_channels, output_shape=output_shape,
                     kernel_shape=kernel_shape, stride=stride, padding=padding,
                     use_bias=use_bias, initializers=initializers,
                     partitioners=partitioners, regularizers=regularizers,
                     data_format=data_format, custom_getter=custom_getter,
                     name=name)

  __init__.__doc__ = "Configures the transposed convolution.\n" + _ARGS_DOC


class Conv2DTranspose(ConvNDTranspose):
  """2-D transposed convolution over `[batch, height, width, channels]`.

  Variables: `w` of shape `kernel_shape + [output_channels, input_channels]`
  and `b` of shape `[output_channels]`.

  >>> up = snt.Conv2DTranspose(8, kernel_shape=3, stride=2)
  >>> up(tf.ones([2, 5, 5, 3])).shape.as_list()
  [2, 10, 10, 8]
  >>> [v.name for v in up.get_variables()]
  ['conv_2d_transpose/w:0', 'conv_2d_transpose/b:0']
  """

  _n = 2

  def __init__(
      self, output_channels: Union[int, Callable[[], int]],
      output_shape: Optional[Union[Sequence[int], Callable]] = None,
      kernel_shape: Optional[Union[int, Sequence[int]]] = None,
      stride: Union[int, Sequence[int]] = 1,
      padding: Union[str, Sequence[str]] = conv_padding.SAME,
      use_bias: bool = True, initializers: Optional[Mapping[str, Any]] = None,
      partitioners: Optional[Mapping[str, Any]] = None,
      regularizers: Optional[Mapping[str,
                                     Any]] = None, data_format: str = "NHWC",
      custom_getter: Optional[Union[Callable, Mapping[str, Callable]]] = None,
      name: str = "conv_2d_transpose"):
    super().__init__(output_channels, output_shape=output_shape,
                     kernel_shape=kernel_shape, stride=stride, padding=padding,
                     use_bias=use_bias, initializers=initializers,
                     partitioners=partitioners, regularizers=regularizers,
                     data_format=data_format, custom_getter=custom_getter,
                     name=name)

  __init__.__doc__ = "Configures the transposed convolution.\n" + _ARGS_DOC


class Conv3DTranspose(ConvNDTranspose):
  """3-D transposed convolution over `[batch, depth, height, width, channels]`.

  Variables: `w` of shape `kernel_shape + [output_channels, input_channels]`
  and `b` of shape `[output_channels]`.

  >>> up = snt.Conv3DTranspose(4, (6, 6, 6), 3, stride=2, padding=snt.VALID)
  >>> up(tf.ones([1, 2, 2, 2, 3])).shape.as_list()
  [1, 6, 6, 6, 4]
  """

  _n = 3

  def __init__(
      self, output_channels: Union[int, Callable[[], int]],
      output_shape: Optional[Union[Sequence[int], Callable]] = None,
      kernel_shape: Optional[Union[int, Sequence[int]]] = None,
      stride: Union[int, Sequence[int]] = 1,
      padding: Union[str, Sequence[str]] = conv_padding.SAME,
      use_bias: bool = True, initializers: Optional[Mapping[str, Any]] = None,
      partitioners: Optional[Mapping[str, Any]] = None,
      regularizers: Optional[Mapping[str,
                                     Any]] = None, data_format: str = "NDHWC",
      custom_getter: Optional[Union[Callable, Mapping[str, Callable]]] = None,
      name: str = "conv_3d_transpose"):
    super().__init__(output_channels, output_shape=output_shape,
                     kernel_shape=kernel_shape, stride=stride, padding=padding,
                     use_bias=use_bias, initializers=initializers,
                     partitioners=partitioners, regularizers=regularizers,
                     data_format=data_format, custom_getter=custom_getter,
                     name=name)

  __init__.__doc__ = "Configures the transposed convolution.\n" + _ARGS_DOC
