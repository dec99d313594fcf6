"""`DepthwiseConv2D`: each input channel convolved with its own filters."""

from typing import Any, Callable, Mapping, Optional, Sequence, Union

import tensorflow as tf

from sonnet.src import conv
from sonnet.src import conv_args
from sonnet.src import conv_padding
from sonnet.src import conv_properties


class DepthwiseBase(conv.ConvND):
  """A 2-D convolution that never mixes channels: TensorFlow's depthwise op.

  Subclasses make the kernel `[height, width, input_channels, multiplier]`.
  """

  _n = 2

  def _convolve(self, inputs, w):
    return tf.nn.depthwise_conv2d(inputs, w, strides=self.stride,
                                  padding=self._conv_op_padding,
                                  data_format=self._data_format,
                                  dilations=self._rate)


class DepthwiseConv2D(DepthwiseBase):
  """Depthwise 2-D convolution: `channel_multiplier` filters per input channel.

  Output channel `c * channel_multiplier + m` is input channel `c`
  convolved with filter `w[:, :, c, m]`; channels are never mixed.
  Variables: `w` of shape `kernel_shape + [input_channels,
  channel_multiplier]` and `b` of shape `[input_channels *
  channel_multiplier]`.

  >>> conv = snt.DepthwiseConv2D(channel_multiplier=2, kernel_shape=3)
  >>> conv(tf.ones([1, 5, 5, 3])).shape.as_list()
  [1, 5, 5, 6]
  >>> conv.w.shape.as_list()
  [3, 3, 3, 2]
  """

  def __init__(
      self, channel_multiplier: int, kernel_shape: Union[int, Sequence[int]],
      stride: Union[int, Sequence[int]] = 1,
      padding: Union[str, Sequence[str]] = conv_padding.SAME,
      use_bias: bool = True, initializers: Optional[Mapping[str, Any]] = None,
      partitioners: Optional[Mapping[str, Any]] = None,
      regularizers: Optional[Mapping[str,
                                     Any]] = None, data_format: str = "NHWC",
      padding_value: str = conv_padding.CONSTANT_PADDING,
      custom_getter: Optional[Union[Callable, Mapping[str, Callable]]] = None,
      name: str = "conv_2d_depthwise"):
    """Configures the convolution.

    Args:
      channel_multiplier: the number of filters per input channel.
      kernel_shape: the kernel size, an int or one per spatial dimension.
      stride: an int, two ints, or the full-rank form. Default 1. (Some of
        TensorFlow's kernels only run equal strides.)
      padding: "SAME" (default), "VALID", "FULL", "CAUSAL" or
        "REVERSE_CAUSAL", or one per spatial dimension.
      use_bias: whether to add a bias per output channel.
      initializers: optional dict with keys "w" / "b"; defaults are a
        truncated normal with stddev 1/sqrt(kernel area) and zeros.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      data_format: "NHWC" (default) or "NCHW" (GPU only in TensorFlow).
      padding_value: "CONSTANT" (zeros, default), "REFLECT" or "SYMMETRIC".
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: for a bad multiplier, data format or padding value.
      IncompatibleShapeError: for a bad kernel shape or stride.
      TypeError: for a bad padding.
      KeyError: for an unknown key in initializers / partitioners /
        regularizers.
    """
    channel_multiplier = conv_args.check_channel_multiplier(channel_multiplier)
    super().__init__(channel_multiplier, kernel_shape, stride=stride,
                     padding=padding, use_bias=use_bias,
                     initializers=initializers, partitioners=partitioners,
                     regularizers=regularizers, data_format=data_format,
                     padding_value=padding_value, custom_getter=custom_getter,
                     name=name)
    self._channel_multiplier = channel_multiplier

  def _create_weights(self, input_channels, dtype):
    shape = list(self._kernel_shape) + [
        input_channels, self._channel_multiplier]
    self._w = self._get_variable(
        "w", shape, dtype,
        conv_properties.create_weight_initializer(self._kernel_shape, dtype))
    return self._w

  @property
  def channel_multiplier(self):
    """The number of filters per input channel."""
    return self._channel_multiplier

  @property
  def output_channels(self):
    """`input_channels * channel_multiplier`.

    Raises:
      NotConnectedError: before the first connection.
    """
    return self.input_channels * self._channel_multiplier

  def clone(self, name=None):
    """Returns a new, unconnected module with the same configuration.

    Args:
      name: the clone's name; defaults to this module's name + "_clone".
    """
    return DepthwiseConv2D(self._channel_multiplier, padding=self._paddings,
                           padding_value=self._padding_value, name=name or
                           self.module_name + "_clone", **self._shared_kwargs())
