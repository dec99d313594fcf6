"""Convolutional LSTMs: `Conv1DLSTM`, `Conv2DLSTM` (Shi et al., 2015)."""

from typing import Any

import tensorflow as tf

from sonnet.src import conv
from sonnet.src import conv_padding
from sonnet.src import layer_norm
from sonnet.src import reflection
from sonnet.src import rnn_core

tf1 = tf.compat.v1

_CONV_CLASSES = {1: conv.Conv1D, 2: conv.Conv2D, 3: conv.Conv3D}


def _without_bias(entries):
  """A copy of an initializers (etc.) dict without its "b" entry."""
  if not entries:
    return entries
  return {key: value for key, value in entries.items() if key != "b"}


def _num_elements(shape):
  count = 1
  for dim in shape:
    count *= dim
  return count


class ConvLSTM(rnn_core.RNNCore):
  """An LSTM whose gates come from convolutions of the input and hidden state.

  Gates `[i, j, f, o] = input_conv(x) + hidden_conv(h)` split along the
  channels (each convolution has `4 * output_channels` channels and the
  given kernel shape, stride, rate and padding), optionally layer-normalized
  over all non-batch dimensions together, then

      c' = sigmoid(f + forget_bias) * c + sigmoid(i) * tanh(j)
      h' = tanh(c') * sigmoid(o)

  The convolutions are `<name>/conv` (input) and `<name>/conv_1` (hidden),
  each with `w` and, with `use_bias`, `b` (the hidden one only with
  `legacy_bias_behaviour`). The layer norm's `gamma`, `beta` have one entry
  per gate pre-activation (`spatial * 4 * output_channels`). The state is
  `(hidden, cell)`, each `[batch] + spatial + [output_channels]` with the
  input's spatial shape.
  """

  def __init__(self, conv_ndims, input_shape, output_channels, kernel_shape,
               stride=1, rate=1, padding=conv_padding.SAME, use_bias=True,
               legacy_bias_behaviour=True, forget_bias=1.0, initializers=None,
               partitioners=None, regularizers=None, use_layer_norm=False,
               custom_getter=None, name="conv_lstm"):
    """Configures the core.

    Args:
      conv_ndims: the number of spatial dimensions (1, 2 or 3).
      input_shape: the input's shape without batch dimension (spatial
        dimensions + channels).
      output_channels: the number of channels of the hidden and cell
        states.
      kernel_shape: the convolutions' kernel shape.
      stride: the convolutions' stride. `output_size` divides the channels
        by `stride * stride` when it is not 1, as Sonnet 1 did.
      rate: the convolutions' dilation rate.
      padding: the convolutions' padding, `snt.SAME` or `snt.VALID`.
      use_bias: whether the convolutions have biases.
      legacy_bias_behaviour: with `use_bias`, give both convolutions a bias
        (a redundant one, as Sonnet 1); otherwise only the input one.
      forget_bias: added to the forget gate's pre-activation.
      initializers: optional dict with keys "w" / "b" for both
        convolutions, checked when they are made.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      use_layer_norm: whether to layer-normalize the gate pre-activations
        (deprecated in Sonnet 1: its scale and offset are per position).
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: for a `conv_ndims` other than 1, 2 or 3, or an
        `input_shape` that does not have `conv_ndims + 1` entries.
      KeyError / TypeError: for bad initializer (etc.) dicts.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    conv_class = self._get_conv_class(conv_ndims)
    if conv_ndims != len(input_shape) - 1:
      raise ValueError("Invalid input_shape {} for conv_ndims={}.".format(
          input_shape, conv_ndims))
    self._conv_ndims = conv_ndims
    self._input_shape = tuple(input_shape)
    self._output_channels = output_channels
    self._kernel_shape = kernel_shape
    self._stride = stride
    self._rate = rate
    self._padding = padding
    self._use_bias = use_bias
    self._legacy_bias_behaviour = legacy_bias_behaviour
    self._forget_bias = forget_bias
    self._initializers = initializers
    self._partitioners = partitioners
    self._regularizers = regularizers
    if use_layer_norm:
      reflection.deprecation_warning(
          "`use_layer_norm` kwarg is being deprecated as the implementation "
          "is currently incorrect - scale and offset params are created for "
          "spatial_dims * channels instead of just channels.")
    self._use_layer_norm = use_layer_norm
    self._total_output_channels = output_channels
    if self._stride != 1:
      self._total_output_channels //= self._stride * self._stride
    if use_bias and legacy_bias_behaviour:
      tf1.logging.warning(
          "ConvLSTM will create redundant bias variables for input and "
          "hidden convolutions. To avoid this, invoke the constructor with "
          "option `legacy_bias_behaviour=False`. In future, this will be the "
          "default.")
    with self._enter_variable_scope():
      self._convolutions = {
          "input": self._new_convolution(conv_class, use_bias)}
      self._convolutions["hidden"] = self._new_convolution(
          conv_class, use_bias and legacy_bias_behaviour)
      if use_layer_norm:
        self._layer_norm = layer_norm.LayerNorm(name="layer_norm")

  @classmethod
  def _get_conv_class(cls, conv_ndims):
    if conv_ndims not in _CONV_CLASSES:
      raise ValueError("Invalid convolution dimensionality.")
    return _CONV_CLASSES[conv_ndims]

  @classmethod
  def get_possible_initializer_keys(cls, conv_ndims, use_bias=True):
    """The convolutions' variable names: `{"w", "b"}`, or `{"w"}`.

    Args:
      conv_ndims: the number of spatial dimensions (1, 2 or 3).
      use_bias: whether the biases are included.

    Returns:
      A set of strings.

    Raises:
      ValueError: for a `conv_ndims` other than 1, 2 or 3.
    """
    return cls._get_conv_class(conv_ndims).get_possible_initializer_keys(
        use_bias)

  def _new_convolution(self, conv_class, use_bias):
    """A convolution named "conv" (uniquified), dropping "b" without bias."""

    def dict_for(entries):
      return entries if use_bias else _without_bias(entries)

    return conv_class(output_channels=4 * self._output_channels,
                      kernel_shape=self._kernel_shape, stride=self._stride,
                      rate=self._rate, padding=self._padding, use_bias=use_bias,
                      initializers=dict_for(self._initializers),
                      partitioners=dict_for(self._partitioners),
                      regularizers=dict_for(self._regularizers), name="conv")

  def _build(self, inputs, state):
    """Runs one step.

    Args:
      inputs: a tensor `[batch_size] + input_shape`.
      state: `(hidden, cell)` tensors `[batch_size] + spatial +
        [output_channels]`.

    Returns:
      `(output, (output, next_cell))`.
    """
    hidden, cell = state
    gates = (self._convolutions["input"](inputs) +
             self._convolutions["hidden"](hidden))
    if self._use_layer_norm:
      # Normalize over all non-batch dimensions at once.
      shape = gates.get_shape().as_list()[1:]
      flat = tf.reshape(gates, [-1, _num_elements(shape)])
      gates = tf.reshape(self._layer_norm(flat), [-1] + shape)
    input_gate, next_input, forget_gate, output_gate = tf.split(
        gates, 4, axis=self._conv_ndims + 1)
    next_cell = tf.sigmoid(forget_gate + self._forget_bias) * cell
    next_cell += tf.sigmoid(input_gate) * tf.tanh(next_input)
    output = tf.tanh(next_cell) * tf.sigmoid(output_gate)
    return output, (output, next_cell)

  @property
  def convolutions(self):
    """A dict: the "input" and "hidden" convolution modules."""
    return self._convolutions

  @property
  def state_size(self):
    """`(hidden, cell)`, each `TensorShape(spatial + [output_channels])`."""
    size = tf.TensorShape(self._input_shape[:-1] + (self._output_channels,))
    return size, size

  @property
  def output_size(self):
    """`TensorShape(spatial + [output_channels // stride**2])`."""
    return tf.TensorShape(self._input_shape[:-1] +
                          (self._total_output_channels,))

  @property
  def use_layer_norm(self):
    """Whether the gate pre-activations are layer-normalized."""
    return self._use_layer_norm


class Conv1DLSTM(ConvLSTM):
  """A 1D convolutional LSTM; see `ConvLSTM` for the arguments.

  >>> core = snt.Conv1DLSTM(input_shape=(8, 3), output_channels=4,
  ...                       kernel_shape=3)
  >>> out, state = core(tf.ones([2, 8, 3]), core.initial_state(2))
  >>> out.shape.as_list()
  [2, 8, 4]
  """

  def __init__(self, name: str = "conv_1d_lstm", **kwargs: Any):
    """Configures the core; `kwargs` are `ConvLSTM`'s minus `conv_ndims`."""
    super().__init__(conv_ndims=1, name=name, **kwargs)

  @classmethod
  def get_possible_initializer_keys(cls, use_bias=True):
    """`{"w", "b"}`, or `{"w"}` without biases."""
    return super().get_possible_initializer_keys(1, use_bias)


class Conv2DLSTM(ConvLSTM):
  """A 2D convolutional LSTM; see `ConvLSTM` for the arguments.

  >>> core = snt.Conv2DLSTM(input_shape=(5, 5, 3), output_channels=4,
  ...                       kernel_shape=3)
  >>> out, state = core(tf.ones([2, 5, 5, 3]), core.initial_state(2))
  >>> out.shape.as_list()
  [2, 5, 5, 4]
  """

  def __init__(self, name: str = "conv_2d_lstm", **kwargs: Any):
    """Configures the core; `kwargs` are `ConvLSTM`'s minus `conv_ndims`."""
    super().__init__(conv_ndims=2, name=name, **kwargs)

  @classmethod
  def get_possible_initializer_keys(cls, use_bias=True):
    """`{"w", "b"}`, or `{"w"}` without biases."""
    return super().get_possible_initializer_keys(2, use_bias)
