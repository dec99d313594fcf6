"""What convolutions and transposed convolutions share.

Sonnet 1's default initializers, and `ConvBase`: the configuration both
keep, their bias, properties and `clone()`, and the pairing of each
convolution class with its transpose class for `transpose()`.
"""

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src import conv_args
from sonnet.src import default_initializers
from sonnet.src import deferred
from sonnet.src import variable_options

# {class: its transpose's class}, both ways; see `pair_transposes`.
_TRANSPOSE_CLASSES = {}


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


def pair_transposes(conv_class, transpose_class):
  """Records two classes as each other's `transpose()`.

  Args:
    conv_class: a convolution class, e.g. `snt.Conv2D`.
    transpose_class: its transposed class, e.g. `snt.Conv2DTranspose`.
  """
  _TRANSPOSE_CLASSES[conv_class] = transpose_class
  _TRANSPOSE_CLASSES[transpose_class] = conv_class


class ConvBase(base.AbstractModule, variable_options.PublicVariableOptions):
  """Base of the convolutions (`ConvND`) and their transposes.

  A subclass sets `_n` (the number of spatial dimensions), checks its
  arguments, then calls this constructor with the checked values.
  """

  _n = None  # Spatial dimensions; set by subclasses.

  def __init__(self, output_channels, kernel_shape, stride, use_bias,
               initializers, partitioners, regularizers, data_format,
               custom_getter, name):
    """Keeps the configuration; checks the three dicts.

    Args:
      output_channels: an int, or a callable returning it.
      kernel_shape: a tuple of `_n` ints.
      stride: a tuple of `_n` ints.
      use_bias: whether to add a bias `b` per output channel.
      initializers: None or a dict keyed by `get_possible_initializer_keys`.
      partitioners: likewise.
      regularizers: likewise.
      data_format: a checked data format, e.g. "NHWC".
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      KeyError: for an unknown key in initializers / partitioners /
        regularizers.
      TypeError: for a value there that is not callable.
    """
    keys = self.get_possible_initializer_keys(use_bias=use_bias)
    self._set_variable_options(initializers, partitioners, regularizers, keys)
    super().__init__(custom_getter=custom_getter, name=name)
    self._output_channels = output_channels
    self._kernel_shape = kernel_shape
    self._stride = stride
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

  @property
  def _channel_axis(self):
    return -1 if self._channels_last else 1

  def _add_bias(self, outputs, dtype):
    """`outputs` plus the bias `b` (created on the first connection).

    Args:
      outputs: the convolution's output, with a known channel dimension.
      dtype: the variable's dtype.

    Returns:
      `outputs`, with the bias added when the module has one.
    """
    if not self._use_bias:
      return outputs
    size = outputs.get_shape().as_list()[self._channel_axis]
    self._b = self._get_variable("b", [size], dtype,
                                 create_bias_initializer([size], dtype))
    return tf.nn.bias_add(
        outputs, self._b,
        data_format="N...C" if self._channels_last else "NC...")

  @property
  def output_channels(self):
    """The number of output channels, an int (resolving a callable).

    Raises:
      NotConnectedError: if it comes from a module (e.g. the one this was
        transposed from) that is not connected yet.
    """
    return deferred.resolve(self, "_output_channels", int)

  @property
  def kernel_shape(self):
    """The kernel size per spatial dimension, a tuple of `N` ints."""
    return self._kernel_shape

  @property
  def stride(self):
    """The full-rank stride: `(1, s..., 1)`; `(1, 1, s...)` channels first."""
    return conv_args.one_padded(self._stride, self._data_format)

  @property
  def data_format(self):
    """The input layout, e.g. "NHWC"."""
    return self._data_format

  @property
  def has_bias(self):
    """Whether the module adds a bias."""
    return self._use_bias

  input_shape = connected_property.connected_property(
      "_input_shape", """The shape of the most recent inputs, a tuple.

      Raises:
        NotConnectedError: before the first connection.
      """)

  input_channels = connected_property.connected_property(
      "_input_channels", """The number of input channels.

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
          "No bias Variable in %s Module when `use_bias=False` (module %s)." %
          (type(self).__name__, self.scope_name))
    return self._b

  def _shared_kwargs(self):
    """The constructor arguments that clones and transposes keep."""
    return dict(kernel_shape=self._kernel_shape, stride=self._stride,
                use_bias=self._use_bias, initializers=self._initializers,
                partitioners=self._partitioners,
                regularizers=self._regularizers, data_format=self._data_format,
                custom_getter=self._custom_getter)

  def _clone_kwargs(self):
    """The constructor arguments of a module configured like this one."""
    return dict(output_channels=self.output_channels, **self._shared_kwargs())

  def clone(self, name=None):
    """Returns a new, unconnected module with the same configuration.

    Args:
      name: the clone's name; defaults to this module's name + "_clone".
    """
    return type(self)(name=name or self.module_name + "_clone",
                      **self._clone_kwargs())

  def _transposed(self, name, **kwargs):
    """A module of the paired transpose class, mapping back to our inputs.

    Args:
      name: its name; None means this module's name + "_transpose".
      **kwargs: more constructor arguments (e.g. `padding`).

    Returns:
      The new, unconnected module. Its output channels are read from this
      module's inputs when it is connected.
    """
    transpose_class = next(_TRANSPOSE_CLASSES[c]
                           for c in type(self).__mro__
                           if c in _TRANSPOSE_CLASSES)
    return transpose_class(output_channels=lambda: self.input_channels,
                           name=name or self.module_name + "_transpose",
                           **self._shared_kwargs(), **kwargs)
