"""`LSTM`: a long short-term memory core with one fused gate matmul."""

import collections
from typing import Any, Callable, Mapping, Optional, Union

import tensorflow as tf

from sonnet.src import arg_checks
from sonnet.src import default_initializers
from sonnet.src import fused_lstm
from sonnet.src import layer_norm
from sonnet.src import rnn_core
from sonnet.src import variable_options

LSTMState = collections.namedtuple("LSTMState", ["hidden", "cell"])
LSTMState.__doc__ = """The state of an `LSTM`: `hidden` and `cell` tensors."""


def check_options(initializers, partitioners, regularizers, keys):
  """Checks the three option dicts as Sonnet 1's LSTMs did.

  They checked all three as initializers (and said so in the errors), in
  this order.

  Args:
    initializers: None or a dict of initializers.
    partitioners: None or a dict of partitioners.
    regularizers: None or a dict of regularizers.
    keys: the variable names the core accepts.

  Returns:
    The three dicts, checked (see `snt.check_initializers`).

  Raises:
    KeyError: for a key not in `keys`.
    TypeError: for a value that is not callable (nor a dict).
  """
  return [
      arg_checks.check_initializers(options, keys)
      for options in (initializers, partitioners, regularizers)]


def check_clip_values(hidden_clip_value, cell_clip_value):
  """Refuses negative clip values, as Sonnet 1 did.

  Args:
    hidden_clip_value: None or a number.
    cell_clip_value: None or a number.

  Raises:
    ValueError: if a value is negative.
  """
  for what, value in (("hidden_clip_value", hidden_clip_value),
                      ("cell_clip_value", cell_clip_value)):
    if value is not None and value < 0:
      raise ValueError("The value of %s should be nonnegative." % what)


def clip_state(prev_hidden, prev_cell, hidden_clip_value, cell_clip_value):
  """Clips the previous hidden and cell states (None: no clipping)."""
  if hidden_clip_value is not None:
    prev_hidden = tf.clip_by_value(prev_hidden, -hidden_clip_value,
                                   hidden_clip_value)
  if cell_clip_value is not None:
    prev_cell = tf.clip_by_value(prev_cell, -cell_clip_value, cell_clip_value)
  return prev_hidden, prev_cell


def check_input_rank(inputs):
  """Raises Sonnet 1's ValueError unless `inputs` is `[batch, input_size]`."""
  rank = inputs.shape.rank
  if rank != 2:
    raise ValueError(
        "Rank of shape must be 2 not: %s. An LSTM core takes one time step "
        "[batch_size, input_size]; unroll sequences with snt.dynamic_unroll "
        "or dynamic_rnn." % rank)


def cell_update(gates, prev_cell, forget_bias, peepholes=None,
                normalize_cell=None):
  """One LSTM step from the gate pre-activations.

      c' = sigmoid(f + forget_bias [+ w_f_diag * c]) * c
           + sigmoid(i [+ w_i_diag * c]) * tanh(j)
      h' = tanh(norm(c') [* (1 + w_o_diag)]) * sigmoid(o)

  Args:
    gates: the pre-activations `(i, j, f, o)`, each `[batch_size,
      hidden_size]` (`tf.split` of the gates).
    prev_cell: the previous cell state `[batch_size, hidden_size]`.
    forget_bias: added to the forget gate's pre-activation.
    peepholes: None, or the weights `(w_f_diag, w_i_diag, w_o_diag)`.
    normalize_cell: None, or a function applied to the new cell state
      before the output tanh.

  Returns:
    `(next_hidden, next_cell)`.
  """
  i, j, f, o = gates
  if peepholes:
    w_f_diag, w_i_diag, w_o_diag = peepholes
    f += w_f_diag * prev_cell
    i += w_i_diag * prev_cell
  next_cell = (tf.sigmoid(f + forget_bias) * prev_cell +
               tf.sigmoid(i) * tf.tanh(j))
  cell_output = next_cell
  if normalize_cell is not None:
    cell_output = normalize_cell(cell_output)
  if peepholes:
    cell_output += w_o_diag * cell_output
  return tf.tanh(cell_output) * tf.sigmoid(o), next_cell


class LSTM(rnn_core.RNNCore, variable_options.VariableOptions):
  """An LSTM core: input, forget and output gates over a cell state.

  The previous state is clipped first (`hidden_clip_value`,
  `cell_clip_value`); the gates come from `[inputs, prev_hidden]` times
  `w_gates` (`[input_size + hidden_state_size,
  4 * hidden_size]`), optionally layer-normalized, plus `b_gates`, split in
  the order input `i`, cell input `j`, forget `f`, output `o`:

      c' = sigmoid(f + forget_bias [+ w_f_diag * c]) * c
           + sigmoid(i [+ w_i_diag * c]) * tanh(j)
      h' = tanh(c' [* (1 + w_o_diag)]) * sigmoid(o)   (then projection)

  The output peephole scales the new cell inside the tanh, as Sonnet 1 did.
  Optional: peepholes (`w_f_diag`, `w_i_diag`, `w_o_diag`), layer
  normalization (`layer_norm/gamma`, `beta`) and a projection of the hidden
  state (`w_h_projection`, `[hidden_size, projection_size]`). The new state
  is not clipped. The output is the new hidden state.

  >>> lstm = snt.LSTM(4)
  >>> out, state = lstm(tf.ones([2, 3]), lstm.initial_state(2))
  >>> state.cell.shape.as_list()
  [2, 4]
  >>> sorted(v.name for v in lstm.get_variables())
  ['lstm/b_gates:0', 'lstm/w_gates:0']
  """

  W_GATES = "w_gates"
  B_GATES = "b_gates"
  W_F_DIAG = "w_f_diag"
  W_I_DIAG = "w_i_diag"
  W_O_DIAG = "w_o_diag"
  W_H_PROJECTION = "w_h_projection"
  POSSIBLE_INITIALIZER_KEYS = {
      W_GATES, B_GATES, W_F_DIAG, W_I_DIAG, W_O_DIAG, W_H_PROJECTION}

  def __init__(self, hidden_size: int, forget_bias: float = 1.0,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               use_peepholes: bool = False, use_layer_norm: bool = False,
               hidden_clip_value: Optional[float] = None,
               projection_size: Optional[int] = None,
               cell_clip_value: Optional[float] = None,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "lstm"):
    """Configures the core.

    Args:
      hidden_size: the size of the cell state (and of the hidden state
        without projection).
      forget_bias: added to the forget gate's pre-activation, so the core
        remembers by default early in training.
      initializers: optional dict keyed by "w_gates", "b_gates" and, when
        used, "w_f_diag" / "w_i_diag" / "w_o_diag" / "w_h_projection".
        Defaults: truncated normals with stddev 1/sqrt(fan in) for the gate
        weights and biases (fan in `input_size + hidden_state_size`) and
        the projection; the variable scope's default (Glorot uniform) for
        the peepholes.
      partitioners: optional dict with the same keys.
      regularizers: optional dict with the same keys.
      use_peepholes: whether the gates also see the cell state.
      use_layer_norm: whether to layer-normalize the gate pre-activations.
      hidden_clip_value: if set, the previous hidden state is clipped to
        [-value, value] before the step.
      projection_size: if set, the hidden state is projected to this size.
      cell_clip_value: if set, the previous cell state is clipped to
        [-value, value] before the step.
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      KeyError: if a dict has a key the configuration does not use.
      TypeError: if a dict value is not callable.
      ValueError: if a clip value is negative.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    self._hidden_size = hidden_size
    self._forget_bias = forget_bias
    self._use_peepholes = use_peepholes
    self._use_layer_norm = use_layer_norm
    self._hidden_clip_value = hidden_clip_value
    self._cell_clip_value = cell_clip_value
    self._use_projection = projection_size is not None
    self._hidden_state_size = projection_size or hidden_size
    self.possible_keys = self.get_possible_initializer_keys(
        use_peepholes=use_peepholes, use_projection=self._use_projection)
    self._set_variable_options(
        *check_options(initializers, partitioners, regularizers,
                       self.possible_keys), self.possible_keys)
    check_clip_values(hidden_clip_value, cell_clip_value)
    self._input_size = None
    if use_layer_norm:
      with self._enter_variable_scope():
        self._layer_norm = layer_norm.LayerNorm(name="layer_norm")

  @classmethod
  def get_possible_initializer_keys(cls, use_peepholes=False,
                                    use_projection=False):
    """The variable names for `initializers` (etc.) in a configuration.

    Args:
      use_peepholes: whether the peephole weights are included.
      use_projection: whether the projection weights are included.

    Returns:
      A set of strings.
    """
    keys = {cls.W_GATES, cls.B_GATES}
    if use_peepholes:
      keys |= {cls.W_F_DIAG, cls.W_I_DIAG, cls.W_O_DIAG}
    if use_projection:
      keys.add(cls.W_H_PROJECTION)
    return keys

  def _build(self, inputs, prev_state):
    """Runs one step.

    Args:
      inputs: a tensor `[batch_size, input_size]`; `input_size` must be
        the same on every connection.
      prev_state: an `LSTMState` (or any pair) `(hidden, cell)` of tensors
        `[batch_size, hidden_state_size]` and `[batch_size, hidden_size]`.

    Returns:
      `(output, next_state)`: the new hidden state and an `LSTMState`.

    Raises:
      ValueError: for inputs not of rank 2, or an input size other than the
        first connection's.
    """
    prev_hidden, prev_cell = prev_state
    prev_hidden, prev_cell = clip_state(prev_hidden, prev_cell,
                                        self._hidden_clip_value,
                                        self._cell_clip_value)
    check_input_rank(inputs)
    input_size = rnn_core.check_input_size(self.scope_name, self._input_size,
                                           inputs)
    self._input_size = input_size
    dtype = inputs.dtype
    fan_in = self._hidden_state_size + input_size
    gate_init = default_initializers.weights(fan_in)
    self._w_xh = self._get_variable(self.W_GATES,
                                    [fan_in, 4 * self._hidden_size], dtype,
                                    gate_init)
    self._b = self._get_variable(self.B_GATES, [4 * self._hidden_size], dtype,
                                 gate_init)
    if self._use_projection:
      self._w_h_projection = self._get_variable(
          self.W_H_PROJECTION, [self._hidden_size, self._hidden_state_size],
          dtype, default_initializers.weights(self._hidden_size))
    gates = self._gates(inputs, prev_hidden, input_size)
    if self._use_layer_norm:
      gates = self._layer_norm(gates) + self._b
    gates = tf.split(gates, 4, axis=1)
    peepholes = None
    if self._use_peepholes:
      peepholes = peephole_variables(self._get_variable, self._hidden_size,
                                     dtype)
      self._w_f_diag, self._w_i_diag, self._w_o_diag = peepholes
    next_hidden, next_cell = cell_update(gates, prev_cell, self._forget_bias,
                                         peepholes)
    if self._use_projection:
      next_hidden = tf.matmul(next_hidden, self._w_h_projection)
    return next_hidden, LSTMState(hidden=next_hidden, cell=next_cell)

  def _gates(self, inputs, prev_hidden, input_size):
    """The gate pre-activations, with the bias unless layer-normalized.

    One matmul of `[inputs, prev_hidden]` with `w_gates`, except in an
    unroll that projects the inputs (see `RNNCore._project_inputs`): there
    the input and hidden row blocks of `w_gates`, split once before the
    loop, multiply their parts separately, the input part for all steps
    at once.
    """
    if rnn_core.InputProjection.current(self) is None:
      gates = tf.matmul(tf.concat([inputs, prev_hidden], axis=1), self._w_xh)
      return gates if self._use_layer_norm else gates + self._b

    def split_weights():
      return tf.split(tf.convert_to_tensor(self._w_xh),
                      [input_size, self._hidden_state_size])

    def project(x, weights):
      projected = tf.matmul(x, weights[0])
      if self._use_layer_norm:
        return projected
      return tf.nn.bias_add(projected, self._b)

    projected, (_, w_h) = self._project_inputs(inputs, split_weights, project)
    return projected + tf.matmul(prev_hidden, w_h)

  def _fused_lstm_layers(self, offer):
    """One layer, without peepholes, layer norm, clipping or projection."""
    if (fused_lstm.overrides(self, LSTM, "_build", "_gates") or
        self._use_peepholes or self._use_layer_norm or self._use_projection or
        self._hidden_clip_value is not None or
        self._cell_clip_value is not None or offer.kept is None):
      return None
    w_x, w_h = offer.kept
    layer = fused_lstm.Layer(w_x, tf.convert_to_tensor(self._b), w_h,
                             self._forget_bias)
    return fused_lstm.Stack.of_layer(layer, tuple,
                                     lambda pair: LSTMState(*pair))

  @property
  def state_size(self):
    """`LSTMState` of `TensorShape`s: hidden state size and cell size."""
    return LSTMState(tf.TensorShape([self._hidden_state_size]),
                     tf.TensorShape([self._hidden_size]))

  @property
  def output_size(self):
    """`TensorShape([projection_size or hidden_size])`."""
    return tf.TensorShape([self._hidden_state_size])

  @property
  def use_peepholes(self):
    """Whether the gates see the cell state."""
    return self._use_peepholes

  @property
  def use_layer_norm(self):
    """Whether the gate pre-activations are layer-normalized."""
    return self._use_layer_norm


def peephole_variables(get_variable, hidden_size, dtype):
  """Makes (or reuses) an LSTM's peephole weights, each `[hidden_size]`.

  Args:
    get_variable: the core's `VariableOptions._get_variable`.
    hidden_size: the cell size.
    dtype: their dtype.

  Returns:
    `[w_f_diag, w_i_diag, w_o_diag]`, with the scope's default initializer
    unless the core's options say otherwise.
  """
  return [
      get_variable(key, [hidden_size], dtype)
      for key in (LSTM.W_F_DIAG, LSTM.W_I_DIAG, LSTM.W_O_DIAG)]
