"""Properties and variable creation that convolutions and transposes share."""

import numpy as np
import tensorflow as tf

from sonnet.src.core import connected_property
from sonnet.src import default_initializers


def create_weight_initializer(fan_in_shape, dtype=tf.float32):
  """The default kernel initializer, as Sonnet 1 made it.

  A truncated normal with stddev `1/sqrt(fan_in)`.

  Args:
    fan_in_shape: the kernel dimensions that feed one output, e.g.
      `kernel_shape + (input_channels,)`; `fan_in` is their product.
    dtype: the dtype of the kernel.

  Returns:
    A `tf.compat.v1` initializer.

  >>> create_weight_initializer((3, 3, 4))(tf.TensorShape([3, 3, 4, 2])).shape
  TensorShape([3, 3, 4, 2])
  """
  return default_initializers.weights(int(np.prod(fan_in_shape)), dtype)


def create_bias_initializer(unused_bias_shape, dtype=tf.float32):
  """The default bias initializer: zeros.

  Args:
    unused_bias_shape: ignored (Sonnet 1's signature).
    dtype: ignored: the variable's dtype is used.

  Returns:
    A `tf.compat.v1` initializer.
  """
  del unused_bias_shape, dtype  # Zeros fit every shape and dtype.
  return default_initializers.bias()


class ConvProperties:
  """Mixin: `data_format`, `has_bias`, `input_shape`, `input_channels`, `b`.

  For modules that set `_data_format`, `_use_bias`, `_input_shape`,
  `_input_channels` and `_b`, and derive from `snt.AbstractModule`.
  """

  @property
  def data_format(self):
    """The input layout, e.g. "NHWC"."""
    return self._data_format

  @property
  def has_bias(self):
    """Whether the module adds a bias."""
    return self._use_bias

  input_shape = connected_property.connected_property(
      "_input_shape",
      """The shape of the most recent inputs, a tuple.

      Raises:
        NotConnectedError: before the first connection.
      """)

  input_channels = connected_property.connected_property(
      "_input_channels",
      """The number of input channels.

      Raises:
        NotConnectedError: before the first connection.
      """)

  @property
  def b(self):
    """The bias variable, one value per output channel.

    Raises:
      NotConnectedError: before the first connection.
      AttributeError: if the module was built with `use_bias=False`.
    """
    self._ensure_is_connected()
    if not self._use_bias:
      raise AttributeError(
          "No bias Variable in %s Module when `use_bias=False` (module %s)."
          % (type(self).__name__, self.scope_name))
    return self._b
