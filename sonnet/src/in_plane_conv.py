"""`InPlaneConv2D`: one 2-D filter applied to every channel separately."""

from typing import Any, Callable, Mapping, Optional, Sequence, Union

import tensorflow as tf

from sonnet.src import conv_padding
from sonnet.src import conv_properties
from sonnet.src import depthwise_conv


class InPlaneConv2D(depthwise_conv.DepthwiseBase):
  """Convolves every input channel with the same single-channel filter.

  The output has as many channels as the input. Variables: `w` of shape
  `kernel_shape + [1, 1]` (shared by all channels) and `b` of shape
  `[input_channels]`.

  >>> conv = snt.InPlaneConv2D(kernel_shape=3)
  >>> conv(tf.ones([1, 5, 5, 4])).shape.as_list()
  [1, 5, 5, 4]
  >>> conv.w.shape.as_list()
  [3, 3, 1, 1]
  """

  def __init__(
      self, kernel_shape: Union[int, Sequence[int]],
      stride: Union[int, Sequence[int]] = 1,
      padding: Union[str, Sequence[str]] = conv_padding.SAME,
      use_bias: bool = True, initializers: Optional[Mapping[str, Any]] = None,
      partitioners: Optional[Mapping[str, Any]] = None,
      regularizers: Optional[Mapping[str,
                                     Any]] = None, data_format: str = "NHWC",
      padding_value: str = conv_padding.CONSTANT_PADDING,
      custom_getter: Optional[Union[Callable, Mapping[str, Callable]]] = None,
      name: str = "in_plane_conv2d"):
    """Configures the convolution.

    Args:
      kernel_shape: the kernel size, an int or one per spatial dimension.
      stride: an int, two ints, or the full-rank form. Default 1. (Some of
        TensorFlow's kernels only run equal strides.)
      padding: "SAME" (default), "VALID", "FULL", "CAUSAL" or
        "REVERSE_CAUSAL", or one per spatial dimension.
      use_bias: whether to add a bias per channel.
      initializers: optional dict with keys "w" / "b"; defaults are a
        truncated normal with stddev 1/sqrt(kernel area) and zeros.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      data_format: "NHWC" (default) or "NCHW" (GPU only in TensorFlow).
      padding_value: "CONSTANT" (zeros, default), "REFLECT" or "SYMMETRIC".
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: for a bad data format or padding value.
      IncompatibleShapeError: for a bad kernel shape or stride.
      TypeError: for a bad padding.
      KeyError: for an unknown key in initializers / partitioners /
        regularizers.
    """
    super().__init__(1, kernel_shape, stride=stride, padding=padding,
                     use_bias=use_bias, initializers=initializers,
                     partitioners=partitioners, regularizers=regularizers,
                     data_format=data_format, padding_value=padding_value,
                     custom_getter=custom_getter, name=name)

  def _create_weights(self, input_channels, dtype):
    shape = list(self._kernel_shape) + [1, 1]
    self._w = self._get_variable(
        "w", shape, dtype,
        conv_properties.create_weight_initializer(self._kernel_shape, dtype))
    return tf.tile(self._w, [1, 1, input_channels, 1])

  @property
  def output_channels(self):
    """The number of input channels, which the output keeps.

    Raises:
      NotConnectedError: before the first connection.
    """
    return self.input_channels

  def clone(self, name=None):
    """Returns a new, unconnected module with the same configuration.

    Args:
      name: the clone's name; defaults to this module's name + "_clone".
    """
    return InPlaneConv2D(padding=self._paddings,
                         padding_value=self._padding_value, name=name or
                         self.module_name + "_clone", **self._shared_kwargs())
