"""Transposed convolutions: `Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`.

A transposed convolution is the gradient of a convolution with respect to
its input: it maps a small spatial grid to a larger one (e.g. for decoders),
and the convolution with the same kernel shape, stride and padding maps the
result back to the input's size.
"""

import numpy as np
import tensorflow as tf

from sonnet.src import base
from sonnet.src import conv
from sonnet.src import conv_args
from sonnet.src import conv_padding
from sonnet.src import conv_properties
from sonnet.src import default_initializers
from sonnet.src import errors
from sonnet.src import variable_options

tf1 = tf.compat.v1


def default_output_size(input_size, kernel_size, stride, padding):
  """The output size to use when none is given, for one spatial dimension.

  `SAME`: `input * stride`. `VALID`: `input * stride + max(kernel - stride,
  0)`, so that the kernel covers the whole output.

  >>> default_output_size(4, 3, 2, "VALID")
  9
  """
  size = input_size * stride
  if padding == conv_padding.VALID:
    size += max(kernel_size - stride, 0)
  return size


def forward_output_size(output_size, kernel_size, stride, padding):
  """The size a convolution maps `output_size` to: this module's input size."""
  if padding == conv_padding.VALID:
    output_size -= kernel_size - 1
  return -(-output_size // stride)


class ConvNDTranspose(base.AbstractModule, conv_properties.ConvProperties,
                      base.Transposable, variable_options.VariableOptions):
  """Base of the transposed convolutions; subclasses set `_n`."""

  _n = None

  def __init__(self, output_channels, output_shape=None, kernel_shape=None,
               stride=1, padding=conv_padding.SAME, use_bias=True,
               initializers=None, partitioners=None, regularizers=None,
               data_format=None, custom_getter=None, name="conv_nd_transpose"):
    """Checks the configuration; see the concrete classes for the arguments.

    Raises:
      TypeError, ValueError: for a missing or bad kernel shape, a bad output
        shape, stride, padding or data format.
      KeyError: for an unknown key in initializers / partitioners /
        regularizers.
    """
    n = self._n
    data_format = conv_args.check_data_format(data_format, n)
    output_channels = conv_args.check_output_channels(output_channels)
    if kernel_shape is None:
      raise ValueError("kernel_shape must be given (an int or %d ints)." % n)
    kernel_shape = conv_args.fill_shape(kernel_shape, n, "kernel_shape")
    stride = conv_args.fill_stride(stride, n, data_format.endswith("C"))
    if output_shape is not None and not callable(output_shape):
      output_shape = conv_args.fill_shape(output_shape, n, "output_shape")
    if padding not in (conv_padding.SAME, conv_padding.VALID):
      raise ValueError("padding of a transposed convolution must be 'SAME' "
                       "or 'VALID', got %r." % (padding,))
    keys = self.get_possible_initializer_keys(use_bias=use_bias)
    self._set_variable_options(initializers, partitioners, regularizers,
                               keys)

    super().__init__(custom_getter=custom_getter, name=name)
    self._output_channels = output_channels
    self._output_shape = output_shape
    self._kernel_shape = kernel_shape
    self._stride = stride
    self._padding = padding
    self._use_bias = use_bias
    self._data_format = data_format
    self._channels_last = data_format.endswith("C")
    self._input_shape = None
    self._input_channels = None
    self._w = None
    self._b = None

  @classmethod
  def get_possible_initializer_keys(cls, use_bias=True):
    """The variable names: {"w", "b"}, or {"w"} without a bias."""
    return {"w", "b"} if use_bias else {"w"}

  def _build(self, inputs):
    """Connects the transposed convolution.

    Args:
      inputs: a floating point tensor of rank `N + 2` in `data_format`. Its
        channels must be known and the same on every connection; its
        spatial sizes must be known unless `output_shape` was given, and
        must be what a convolution maps `output_shape` to.

    Returns:
      A tensor with `output_channels` channels and spatial shape
      `output_shape`.

    Raises:
      IncompatibleShapeError: for a wrong rank, changed channels, or
        spatial sizes that do not fit `output_shape`.
      UnderspecifiedError: if the rank, the channels, or (with no
        `output_shape`) the spatial sizes are unknown.
      ParentNotBuiltError: if `output_channels` / `output_shape` come from
        a module that is not connected yet.
      TypeError: if `inputs` is not floating point.
    """
    input_shape = conv_args.check_inputs(
        self.scope_name, inputs, self._data_format, self._input_channels)
    channel_axis = -1 if self._channels_last else 1
    input_channels = input_shape[channel_axis]
    in_spatial = conv_args.spatial_dims(input_shape, self._data_format)
    out_spatial = self._resolve_output_shape(in_spatial)
    self._check_sizes(in_spatial, out_spatial, input_shape)
    output_channels = self.output_channels
    self._input_shape = input_shape
    self._input_channels = input_channels
    self._output_shape = out_spatial

    fan_in = int(np.prod(self._kernel_shape)) * input_channels
    w_shape = list(self._kernel_shape) + [output_channels, input_channels]
    if self._n == 1:
      w_shape = [1] + w_shape  # Sonnet 1 stored the 1-D kernel as 2-D.
    self._w = self._get_variable("w", w_shape, inputs.dtype,
                                 default_initializers.weights(fan_in))
    outputs = self._convolve(inputs, out_spatial, output_channels)
    if self._use_bias:
      self._b = self._get_variable("b", [output_channels], inputs.dtype,
                                   default_initializers.bias())
      outputs = tf.nn.bias_add(
          outputs, self._b,
          data_format="N...C" if self._channels_last else "NC...")
    return outputs

  def _resolve_output_shape(self, in_spatial):
    output_shape = self._output_shape
    if callable(output_shape):
      try:
        output_shape = output_shape()
      except errors.NotConnectedError as e:
        raise errors.ParentNotBuiltError(
            "%s: its output shape comes from another module (e.g. the one it "
            "was transposed from); connect that module first. (%s)"
            % (self.scope_name, e))
      if any(s is None for s in output_shape):
        raise errors.UnderspecifiedError(
            "%s: the output shape %s taken from another module has unknown "
            "sizes." % (self.scope_name, tuple(output_shape)))
      return conv_args.fill_shape(output_shape, self._n, "output_shape")
    if output_shape is not None:
      return output_shape
    if any(s is None for s in in_spatial):
      raise errors.UnderspecifiedError(
          "%s: the spatial input sizes must be known to infer the output "
          "shape, got %s; give output_shape instead."
          % (self.scope_name, in_spatial))
    return tuple(default_output_size(i, k, s, self._padding) for i, k, s in
                 zip(in_spatial, self._kernel_shape, self._stride))

  def _check_sizes(self, in_spatial, out_spatial, input_shape):
    expected = tuple(
        forward_output_size(o, k, s, self._padding) for o, k, s in
        zip(out_spatial, self._kernel_shape, self._stride))
    if any(e < 1 for e in expected) or any(
        i is not None and i != e for i, e in zip(in_spatial, expected)):
      raise errors.IncompatibleShapeError(
          "%s: an output of spatial shape %s (kernel %s, stride %s, %s) "
          "needs inputs of spatial shape %s, got shape %s."
          % (self.scope_name, list(out_spatial), list(self._kernel_shape),
             list(self._stride), self._padding, list(expected), input_shape))

  def _get_variable(self, name, shape, dtype, default_initializer):
    return tf1.get_variable(
        name, shape=shape, dtype=dtype,
        initializer=self._initializers.get(name, default_initializer),
        partitioner=self._partitioners.get(name),
        regularizer=self._regularizers.get(name))

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
          tf.expand_dims(inputs, axis), self._w,
          tf.concat([batch, tail], 0), strides, padding=self._padding,
          data_format="NHWC" if self._channels_last else "NCHW")
      outputs = tf.squeeze(outputs, [axis])
      del tail[axis - 1]
    else:
      outputs = tf.nn.conv_transpose(
          inputs, self._w, tf.concat([batch, tail], 0), strides,
          padding=self._padding, data_format=self._data_format)
    outputs.set_shape([inputs.get_shape()[0]] + tail)
    return outputs

  # --- properties ----------------------------------------------------------

  @property
  def output_channels(self):
    """The number of output channels (resolving a callable).

    Raises:
      ParentNotBuiltError: if it comes from an unconnected module.
    """
    if callable(self._output_channels):
      try:
        self._output_channels = self._output_channels()
      except errors.NotConnectedError as e:
        raise errors.ParentNotBuiltError(
            "%s: its output channels come from another module (e.g. the one "
            "it was transposed from); connect that module first. (%s)"
            % (self.scope_name, e))
    return self._output_channels

  @property
  def output_shape(self):
    """The spatial output shape, a tuple of `N` ints.

    Raises:
      NotConnectedError: if it is inferred from inputs (or comes from
        another module) and the module is not connected yet.
    """
    if self._output_shape is None or callable(self._output_shape):
      self._ensure_is_connected()
    return self._output_shape

  @property
  def kernel_shape(self):
    """The kernel size per spatial dimension, a tuple of `N` ints."""
    return self._kernel_shape

  @property
  def stride(self):
    """The full-rank stride: `(1, s..., 1)`, or `(1, 1, s...)` channels first."""
    return conv_args.one_padded(self._stride, self._channels_last)

  @property
  def padding(self):
    """"SAME" or "VALID" (of the convolution this is the transpose of)."""
    return self._padding

  @property
  def conv_op_padding(self):
    """The padding given to TensorFlow's op: the same as `padding`."""
    return self._padding

  @property
  def w(self):
    """The kernel, `kernel_shape + [output_channels, input_channels]`.

    For 1-D it has a leading 1, as Sonnet 1 stored it.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._w

  def clone(self, name=None):
    """Returns a new, unconnected module with the same configuration.

    Args:
      name: the clone's name; defaults to this module's name + "_clone".
    """
    return type(self)(
        output_channels=self.output_channels, output_shape=self._output_shape,
        kernel_shape=self._kernel_shape, stride=self._stride,
        padding=self._padding, use_bias=self._use_bias,
        initializers=self._initializers, partitioners=self._partitioners,
        regularizers=self._regularizers, data_format=self._data_format,
        custom_getter=self._custom_getter,
        name=name or self.module_name + "_clone")

  def transpose(self, name=None):
    """Returns the convolution that maps this module's outputs back.

    Its output channels are this module's input channels, read when it is
    connected (so connect this module first).

    Args:
      name: defaults to this module's name + "_transpose".
    """
    conv_class = getattr(conv, type(self).__name__[:-len("Transpose")])
    return conv_class(
        output_channels=lambda: self.input_channels,
        kernel_shape=self._kernel_shape, stride=self._stride,
        padding=self._padding, use_bias=self._use_bias,
        initializers=self._initializers, partitioners=self._partitioners,
        regularizers=self._regularizers, data_format=self._data_format,
        custom_getter=self._custom_getter,
        name=name or self.module_name + "_transpose")


_ARGS_DOC = """
    Args:
      output_channels: the number of output channels, or a callable returning
        it when the module is first connected (used by `transpose()`).
      output_shape: the spatial output shape (an int or one per spatial
        dimension), or a callable returning it. None (default) infers it at
        the first connection: `input * stride` for SAME, plus
        `max(kernel - stride, 0)` for VALID.
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
      TypeError, ValueError: for a missing or bad kernel shape, a bad
        output shape, stride, padding or data format.
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

  def __init__(self, output_channels, output_shape=None, kernel_shape=None,
               stride=1, padding=conv_padding.SAME, use_bias=True,
               initializers=None, partitioners=None, regularizers=None,
               data_format="NWC", custom_getter=None,
               name="conv_1d_transpose"):
    super().__init__(
        output_channels, output_shape=output_shape, kernel_shape=kernel_shape,
        stride=stride, padding=padding, use_bias=use_bias,
        initializers=initializers, partitioners=partitioners,
        regularizers=regularizers, data_format=data_format,
        custom_getter=custom_getter, name=name)

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

  def __init__(self, output_channels, output_shape=None, kernel_shape=None,
               stride=1, padding=conv_padding.SAME, use_bias=True,
               initializers=None, partitioners=None, regularizers=None,
               data_format="NHWC", custom_getter=None,
               name="conv_2d_transpose"):
    super().__init__(
        output_channels, output_shape=output_shape, kernel_shape=kernel_shape,
        stride=stride, padding=padding, use_bias=use_bias,
        initializers=initializers, partitioners=partitioners,
        regularizers=regularizers, data_format=data_format,
        custom_getter=custom_getter, name=name)

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

  def __init__(self, output_channels, output_shape=None, kernel_shape=None,
               stride=1, padding=conv_padding.SAME, use_bias=True,
               initializers=None, partitioners=None, regularizers=None,
               data_format="NDHWC", custom_getter=None,
               name="conv_3d_transpose"):
    super().__init__(
        output_channels, output_shape=output_shape, kernel_shape=kernel_shape,
        stride=stride, padding=padding, use_bias=use_bias,
        initializers=initializers, partitioners=partitioners,
        regularizers=regularizers, data_format=data_format,
        custom_getter=custom_getter, name=name)

  __init__.__doc__ = "Configures the transposed convolution.\n" + _ARGS_DOC
