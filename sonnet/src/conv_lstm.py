"""Convolutional LSTMs: `Conv1DLSTM`, `Conv2DLSTM` (Shi et al., 2015)."""

import math

import tensorflow as tf

from sonnet.src import conv
from sonnet.src import conv_padding
from sonnet.src import errors
from sonnet.src import layer_norm
from sonnet.src import lstm
from sonnet.src import rnn_core


class ConvLSTM(rnn_core.RNNCore):
  """An LSTM whose gates come from convolutions of the input and hidden state.

  Gates `[i, j, f, o] = input_conv(x) + hidden_conv(h)` (each conv with
  `4 * output_channels` channels, SAME padding on the hidden state), then
  the LSTM update with `forget_bias`. Variables `<name>/input/w`,
  `<name>/hidden/w` and biases `<name>/input/b` (and, with
  `legacy_bias_behaviour`, also `<name>/hidden/b`, as Sonnet 1 made).
  The state is `LSTMState(hidden, cell)`, each `[batch] + spatial +
  [output_channels]`.
  """

  _CONV_CLASSES = {1: conv.Conv1D, 2: conv.Conv2D}

  def __init__(self, conv_ndims, input_shape, output_channels, kernel_shape,
               stride=1, rate=1, padding=conv_padding.SAME, use_bias=True,
               legacy_bias_behaviour=True, forget_bias=1.0,
               initializers=None, partitioners=None, regularizers=None,
               use_layer_norm=False, custom_getter=None, name="conv_lstm"):
    """Configures the core.

    Args:
      conv_ndims: the number of spatial dimensions (1 or 2).
      input_shape: the input's shape without batch dimension (spatial
        dimensions + channels).
      output_channels: the number of channels of the hidden and cell
        states.
      kernel_shape: the convolutions' kernel shape.
      stride: the input convolution's stride (the state's spatial shape
        is the input's divided by it, rounded up).
      rate: the convolutions' dilation rate.
      padding: the input convolution's padding; only SAME is supported
        (the state keeps the input's spatial shape).
      use_bias: whether the convolutions have biases.
      legacy_bias_behaviour: with `use_bias`, give both convolutions a bias
        (as Sonnet 1); otherwise only the input convolution.
      forget_bias: added to the forget gate's pre-activation.
      initializers: optional dict with keys "w" / "b" for both convolutions.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      use_layer_norm: whether to layer-normalize the gate pre-activations.
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: for an unsupported `conv_ndims` or `padding`, or an
        `input_shape` of the wrong length.
      KeyError / TypeError: for bad initializer (etc.) dicts.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    if conv_ndims not in self._CONV_CLASSES:
      raise ValueError("conv_ndims must be 1 or 2, got %r." % (conv_ndims,))
    if padding != conv_padding.SAME:
      raise ValueError("ConvLSTM supports only SAME padding, got %r."
                       % (padding,))
    input_shape = tuple(input_shape)
    if len(input_shape) != conv_ndims + 1:
      raise ValueError("input_shape must have %d entries (spatial + "
                       "channels), got %r." % (conv_ndims + 1, input_shape))
    self._conv_ndims = conv_ndims
    self._input_shape = input_shape
    self._output_channels = output_channels
    self._forget_bias = forget_bias
    self._use_layer_norm = use_layer_norm
    strides = (stride,) * conv_ndims if isinstance(stride, int) else stride
    self._state_spatial = tuple(
        int(math.ceil(d / s)) for d, s in zip(input_shape[:-1], strides))
    keys = self.get_possible_initializer_keys(use_bias=use_bias)
    conv_class = self._CONV_CLASSES[conv_ndims]
    common = dict(kernel_shape=kernel_shape, rate=rate, padding=padding,
                  initializers=initializers, partitioners=partitioners,
                  regularizers=regularizers)
    del keys  # The convolutions check the dicts.
    with self._enter_variable_scope():
      self._input_conv = conv_class(4 * output_channels, stride=stride,
                                    use_bias=use_bias, name="input", **common)
      hidden_common = dict(common)
      if not (use_bias and legacy_bias_behaviour):
        for arg in ("initializers", "partitioners", "regularizers"):
          if hidden_common[arg]:
            hidden_common[arg] = {k: v for k, v in hidden_common[arg].items()
                                  if k != "b"}
      self._hidden_conv = conv_class(
          4 * output_channels, stride=1,
          use_bias=use_bias and legacy_bias_behaviour, name="hidden",
          **hidden_common)
      if use_layer_norm:
        self._layer_norm = layer_norm.LayerNorm(name="layer_norm")

  @classmethod
  def get_possible_initializer_keys(cls, use_bias=True):
    """`{"w", "b"}`, or `{"w"}` without biases."""
    return {"w", "b"} if use_bias else {"w"}

  def _build(self, inputs, prev_state):
    """Runs one step.

    Args:
      inputs: a tensor `[batch_size] + input_shape`.
      prev_state: an `LSTMState` of tensors `[batch_size] + state spatial
        shape + [output_channels]`.

    Returns:
      `(output, next_state)`: the new hidden state and an `LSTMState`.

    Raises:
      IncompatibleShapeError: for inputs or a state of the wrong shape.
    """
    expected = tf.TensorShape([None]).concatenate(self._input_shape)
    if not inputs.shape.is_compatible_with(expected):
      raise errors.IncompatibleShapeError(
          "%s: inputs must have shape [batch_size] + %s, got %s."
          % (self.scope_name, list(self._input_shape), inputs.shape))
    rnn_core.check_inputs_and_state(self, inputs, prev_state,
                                    input_rank=self._conv_ndims + 2)
    prev_hidden, prev_cell = prev_state
    gates = self._input_conv(inputs) + self._hidden_conv(prev_hidden)
    if self._use_layer_norm:
      gates = self._layer_norm(gates)
    i, j, f, o = tf.split(gates, 4, axis=-1)
    next_cell = (tf.sigmoid(f + self._forget_bias) * prev_cell +
                 tf.sigmoid(i) * tf.tanh(j))
    next_hidden = tf.sigmoid(o) * tf.tanh(next_cell)
    return next_hidden, lstm.LSTMState(hidden=next_hidden, cell=next_cell)

  @property
  def state_size(self):
    """`LSTMState` of `TensorShape(state spatial + [output_channels])`."""
    shape = tf.TensorShape(self._state_spatial + (self._output_channels,))
    return lstm.LSTMState(hidden=shape, cell=shape)

  @property
  def output_size(self):
    """`TensorShape(state spatial + [output_channels])`."""
    return tf.TensorShape(self._state_spatial + (self._output_channels,))


class Conv1DLSTM(ConvLSTM):
  """A 1D convolutional LSTM; see `ConvLSTM` for the arguments.

  >>> core = snt.Conv1DLSTM(input_shape=(8, 3), output_channels=4,
  ...                       kernel_shape=3)
  >>> out, state = core(tf.ones([2, 8, 3]), core.initial_state(2))
  >>> out.shape.as_list()
  [2, 8, 4]
  """

  def __init__(self, name="conv_1d_lstm", **kwargs):
    """Configures the core; `kwargs` are `ConvLSTM`'s minus `conv_ndims`."""
    super().__init__(conv_ndims=1, name=name, **kwargs)

  @classmethod
  def get_possible_initializer_keys(cls, use_bias=True):
    """`{"w", "b"}`, or `{"w"}` without biases."""
    return super().get_possible_initializer_keys(use_bias=use_bias)


class Conv2DLSTM(ConvLSTM):
  """A 2D convolutional LSTM; see `ConvLSTM` for the arguments.

  >>> core = snt.Conv2DLSTM(input_shape=(5, 5, 3), output_channels=4,
  ...                       kernel_shape=3)
  >>> out, state = core(tf.ones([2, 5, 5, 3]), core.initial_state(2))
  >>> out.shape.as_list()
  [2, 5, 5, 4]
  """

  def __init__(self, name="conv_2d_lstm", **kwargs):
    """Configures the core; `kwargs` are `ConvLSTM`'s minus `conv_ndims`."""
    super().__init__(conv_ndims=2, name=name, **kwargs)

  @classmethod
  def get_possible_initializer_keys(cls, use_bias=True):
    """`{"w", "b"}`, or `{"w"}` without biases."""
    return super().get_possible_initializer_keys(use_bias=use_bias)
