"""Separable convolutions: a depthwise filter, then a 1x1 channel mix.

`SeparableConv2D` and `SeparableConv1D` (the latter run as 2-D with a
spatial dimension of size 1, and stored that way, as in Sonnet 1).
"""

from typing import Any, Callable, Mapping, Optional, Sequence, Union

import tensorflow as tf

from sonnet.src.core import connected_property
from sonnet.src import conv
from sonnet.src import conv_args
from sonnet.src import conv_padding
from sonnet.src import conv_properties


class _SeparableConv(conv.ConvND):
  """Shared body of the separable convolutions."""

  def __init__(self, output_channels, channel_multiplier, kernel_shape, stride,
               rate, padding, use_bias, initializers, partitioners,
               regularizers, data_format, padding_value, custom_getter, name):
    channel_multiplier = conv_args.check_channel_multiplier(channel_multiplier)
    super().__init__(output_channels, kernel_shape, stride=stride, rate=rate,
                     padding=padding, use_bias=use_bias,
                     initializers=initializers, partitioners=partitioners,
                     regularizers=regularizers, data_format=data_format,
                     padding_value=padding_value, custom_getter=custom_getter,
                     name=name)
    self._channel_multiplier = channel_multiplier
    self._w_dw = None
    self._w_pw = None

  @classmethod
  def get_possible_initializer_keys(cls, use_bias=True):
    """The variable names: {"w_dw", "w_pw", "b"} ("b" only with a bias)."""
    keys = {"w_dw", "w_pw"}
    return keys | {"b"} if use_bias else keys

  def _create_weights(self, input_channels, dtype):
    leading = [1] * (2 - self._n)  # 1-D kernels are stored as 2-D.
    dw_shape = leading + list(self._kernel_shape) + [
        input_channels, self._channel_multiplier]
    pw_shape = [
        1, 1, input_channels * self._channel_multiplier, self.output_channels]
    self._w_dw = self._get_variable(
        "w_dw", dw_shape, dtype,
        conv_properties.create_weight_initializer(self._kernel_shape, dtype))
    self._w_pw = self._get_variable(
        "w_pw", pw_shape, dtype,
        conv_properties.create_weight_initializer(pw_shape[:3], dtype))
    self._w = (self._w_dw, self._w_pw)
    return self._w

  def _convolve(self, inputs, w):
    w_dw, w_pw = w
    strides, rate = self.stride, self._rate
    data_format = self._data_format
    if self._n == 1:
      axis = 1 if self._channels_last else 2
      inputs = tf.expand_dims(inputs, axis)
      strides = strides[:axis] + (1,) + strides[axis:]
      rate = (1,) + rate
      data_format = "NHWC" if self._channels_last else "NCHW"
    outputs = tf.nn.separable_conv2d(inputs, w_dw, w_pw, strides=strides,
                                     padding=self._conv_op_padding,
                                     data_format=data_format, dilations=rate)
    if self._n == 1:
      outputs = tf.squeeze(outputs, [axis])
    return outputs

  @property
  def channel_multiplier(self):
    """The number of depthwise filters per input channel."""
    return self._channel_multiplier

  w = connected_property.connected_property(
      "_w", """The pair `(w_dw, w_pw)`.

      Raises:
        NotConnectedError: before the first connection.
      """)

  w_dw = connected_property.connected_property(
      "_w_dw",
      """The depthwise kernel, `kernel_shape + [input_channels, multiplier]`.

      Raises:
        NotConnectedError: before the first connection.
      """)

  w_pw = connected_property.connected_property(
      "_w_pw",
      """The pointwise kernel, `[1, 1, input_channels * multiplier, outputs]`.

      Raises:
        NotConnectedError: before the first connection.
      """)

  def clone(self, name=None):
    """Returns a new, unconnected module with the same configuration.

    Args:
      name: the clone's name; defaults to this module's name + "_clone".
    """
    return type(self)(self.output_channels, self._channel_multiplier,
                      rate=self._rate, padding=self._paddings,
                      padding_value=self._padding_value, name=name or
                      self.module_name + "_clone", **self._shared_kwargs())


_ARGS_DOC = """
    Args:
      output_channels: the number of output channels.
      channel_multiplier: the number of depthwise filters per input channel.
      kernel_shape: the depthwise kernel size, an int or one per spatial
        dimension.
      stride: an int, one per spatial dimension, or the full-rank form.
        Default 1. (Some of TensorFlow's kernels only run equal strides.)
      rate: the dilation rate. Default 1; cannot exceed 1 where the stride
        does.
      padding: "SAME" (default), "VALID", "FULL", "CAUSAL" or
        "REVERSE_CAUSAL", or one per spatial dimension.
      use_bias: whether to add a bias `b` per output channel.
      initializers: optional dict with keys "w_dw" / "w_pw" / "b"; defaults
        are truncated normals with stddev 1/sqrt(fan_in) and zeros.
      partitioners: optional dict with the same keys.
      regularizers: optional dict with the same keys.
      data_format: channels last (default) or channels first (GPU only in
        TensorFlow).
      padding_value: "CONSTANT" (zeros, default), "REFLECT" or "SYMMETRIC".
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: for a bad multiplier, data format or padding value.
      IncompatibleShapeError: for a bad kernel shape, stride or rate.
      NotSupportedError: if a stride and a rate are both greater than 1.
      TypeError: for a bad padding.
      KeyError: for an unknown key in initializers / partitioners /
        regularizers.
"""


class SeparableConv2D(_SeparableConv):
  """2-D separable convolution: depthwise `kernel_shape`, then 1x1.

  Variables: `w_dw` of shape `kernel_shape + [input_channels,
  channel_multiplier]`, `w_pw` of shape `[1, 1, input_channels *
  channel_multiplier, output_channels]` and `b` of shape
  `[output_channels]`.

  >>> conv = snt.SeparableConv2D(8, channel_multiplier=2, kernel_shape=3)
  >>> conv(tf.ones([1, 5, 5, 3])).shape.as_list()
  [1, 5, 5, 8]
  >>> [v.name for v in conv.get_variables()]
  ['separable_conv2d/w_dw:0', 'separable_conv2d/w_pw:0', 'separable_conv2d/b:0']
  """

  _n = 2

  def __init__(
      self, output_channels: Union[int, Callable[[], int]],
      channel_multiplier: int, kernel_shape: Union[int, Sequence[int]],
      stride: Union[int, Sequence[int]] = 1, rate: Union[int,
                                                         Sequence[int]] = 1,
      padding: Union[str, Sequence[str]] = conv_padding.SAME,
      use_bias: bool = True, initializers: Optional[Mapping[str, Any]] = None,
      partitioners: Optional[Mapping[str, Any]] = None,
      regularizers: Optional[Mapping[str,
                                     Any]] = None, data_format: str = "NHWC",
      padding_value: str = conv_padding.CONSTANT_PADDING,
      custom_getter: Optional[Union[Callable, Mapping[str, Callable]]] = None,
      name: str = "separable_conv2d"):
    super().__init__(output_channels, channel_multiplier, kernel_shape, stride,
                     rate, padding, use_bias, initializers, partitioners,
                     regularizers, data_format, padding_value, custom_getter,
                     name)

  __init__.__doc__ = "Configures the convolution.\n" + _ARGS_DOC


class SeparableConv1D(_SeparableConv):
  """1-D separable convolution over `[batch, width, channels]` inputs.

  Variables: `w_dw` of shape `[1, kernel, input_channels,
  channel_multiplier]` (2-D with a leading 1, as Sonnet 1 stored it),
  `w_pw` of shape `[1, 1, input_channels * channel_multiplier,
  output_channels]` and `b` of shape `[output_channels]`.

  >>> conv = snt.SeparableConv1D(8, channel_multiplier=2, kernel_shape=3)
  >>> conv(tf.ones([1, 10, 3])).shape.as_list()
  [1, 10, 8]
  >>> conv.w_dw.shape.as_list()
  [1, 3, 3, 2]
  """

  _n = 1

  def __init__(
      self, output_channels: Union[int, Callable[[], int]],
      channel_multiplier: int, kernel_shape: Union[int, Sequence[int]],
      stride: Union[int, Sequence[int]] = 1, rate: Union[int,
                                                         Sequence[int]] = 1,
      padding: Union[str, Sequence[str]] = conv_padding.SAME,
      use_bias: bool = True, initializers: Optional[Mapping[str, Any]] = None,
      partitioners: Optional[Mapping[str, Any]] = None,
      regularizers: Optional[Mapping[str,
                                     Any]] = None, data_format: str = "NWC",
      padding_value: str = conv_padding.CONSTANT_PADDING,
      custom_getter: Optional[Union[Callable, Mapping[str, Callable]]] = None,
      name: str = "separable_conv1d"):
    super().__init__(output_channels, channel_multiplier, kernel_shape, stride,
                     rate, padding, use_bias, initializers, partitioners,
                     regularizers, data_format, padding_value, custom_getter,
                     name)

  __init__.__doc__ = "Configures the convolution.\n" + _ARGS_DOC
