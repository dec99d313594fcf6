"""Properties and variable creation that convolutions and transposes share."""

import tensorflow as tf


class ConvProperties:
  """Mixin: `data_format`, `has_bias`, `input_shape`, `input_channels`, `b`.

  For modules that set `_data_format`, `_use_bias`, `_input_shape`,
  `_input_channels` and `_b`, and derive from `snt.AbstractModule` and
  `snt.VariableOptions`.
  """

  def _get_variable(self, name, shape, dtype, default_initializer):
    """Creates (or reuses) variable `name` with the module's options.

    As in Sonnet 1, a default initializer joins the `initializers` dict, so
    that later `clone()`s and `transpose()`s start from it too.

    Args:
      name: the variable name, e.g. "w".
      shape: its shape.
      dtype: its dtype.
      default_initializer: used when `initializers` has no entry for `name`.

    Returns:
      The variable.
    """
    return tf.compat.v1.get_variable(
        name, shape=shape, dtype=dtype,
        initializer=self._initializers.setdefault(name, default_initializer),
        partitioner=self._partitioners.get(name),
        regularizer=self._regularizers.get(name))

  @property
  def data_format(self):
    """The input layout, e.g. "NHWC"."""
    return self._data_format

  @property
  def has_bias(self):
    """Whether the module adds a bias."""
    return self._use_bias

  @property
  def input_shape(self):
    """The shape of the most recent inputs, a tuple.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._input_shape

  @property
  def input_channels(self):
    """The number of input channels.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._input_channels

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
