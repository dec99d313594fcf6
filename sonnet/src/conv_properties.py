"""Read-only properties that convolutions and their transposes share."""


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
