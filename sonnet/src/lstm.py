"""`LSTM`: a long short-term memory core with one fused gate matmul."""

import collections

import tensorflow as tf

from sonnet.src import arg_checks
from sonnet.src import default_initializers
from sonnet.src import errors
from sonnet.src import layer_norm
from sonnet.src import rnn_core

tf1 = tf.compat.v1

LSTMState = collections.namedtuple("LSTMState", ["hidden", "cell"])
LSTMState.__doc__ = """The state of an `LSTM`: `hidden` and `cell` tensors."""


class LSTM(rnn_core.RNNCore):
  """An LSTM core: input, forget and output gates over a cell state.

  The gates come from one matmul of `[inputs, prev_hidden]` with `w_gates`
  (`[input_size + hidden_state_size, 4 * hidden_size]`) plus `b_gates`, split
  in the order input `i`, cell input `j`, forget `f`, output `o`:

      c' = sigmoid(f + forget_bias [+ w_f_diag * c]) * c
           + sigmoid(i [+ w_i_diag * c]) * tanh(j)      (then cell clip)
      h' = sigmoid(o [+ w_o_diag * c']) * tanh(c')      (then hidden clip,
                                                          then projection)

  Optional: peepholes (`w_f_diag`, `w_i_diag`, `w_o_diag`), layer
  normalization of the gate pre-activations (`layer_norm/gamma`, `beta`),
  and a projection of the hidden state (`w_h_projection`,
  `[hidden_size, projection_size]`). The output is the new hidden state.

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
  POSSIBLE_INITIALIZER_KEYS = {W_GATES, B_GATES, W_F_DIAG, W_I_DIAG,
                               W_O_DIAG, W_H_PROJECTION}

  def __init__(self, hidden_size, forget_bias=1.0, initializers=None,
               partitioners=None, regularizers=None, use_peepholes=False,
               use_layer_norm=False, hidden_clip_value=None,
               projection_size=None, cell_clip_value=None, custom_getter=None,
               name="lstm"):
    """Configures the core.

    Args:
      hidden_size: the size of the cell state (and of the hidden state
        without projection).
      forget_bias: added to the forget gate's pre-activation, so the core
        remembers by default early in training.
      initializers: optional dict keyed by "w_gates", "b_gates" and, when
        used, "w_f_diag" / "w_i_diag" / "w_o_diag" / "w_h_projection".
        Defaults: truncated normals with stddev 1/sqrt(fan in), zero biases.
      partitioners: optional dict with the same keys.
      regularizers: optional dict with the same keys.
      use_peepholes: whether the gates also see the cell state.
      use_layer_norm: whether to layer-normalize the gate pre-activations.
      hidden_clip_value: if set, the hidden state is clipped to
        [-value, value].
      projection_size: if set, the hidden state is projected to this size.
      cell_clip_value: if set, the cell state is clipped to [-value, value].
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      KeyError: if a dict has a key the configuration does not use.
      TypeError: if a dict value is not callable.
      ValueError: if a clip value is not positive.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    self._hidden_size = hidden_size
    self._forget_bias = forget_bias
    self._use_peepholes = use_peepholes
    self._use_layer_norm = use_layer_norm
    self._projection_size = projection_size
    for what, value in (("hidden_clip_value", hidden_clip_value),
                        ("cell_clip_value", cell_clip_value)):
      if value is not None and not value > 0:
        raise ValueError("%s must be positive (or None), got %r."
                         % (what, value))
    self._hidden_clip_value = hidden_clip_value
    self._cell_clip_value = cell_clip_value
    keys = self.get_possible_initializer_keys(
        use_peepholes=use_peepholes,
        use_projection=projection_size is not None)
    self._initializers = arg_checks.check_initializers(initializers, keys)
    self._partitioners = arg_checks.check_partitioners(partitioners, keys)
    self._regularizers = arg_checks.check_regularizers(regularizers, keys)
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

  def _variable(self, name, shape, dtype, default_initializer):
    return tf1.get_variable(
        name, shape=shape, dtype=dtype,
        initializer=self._initializers.get(name, default_initializer),
        partitioner=self._partitioners.get(name),
        regularizer=self._regularizers.get(name))

  def _build(self, inputs, prev_state):
    """Runs one step.

    Args:
      inputs: a tensor `[batch_size, input_size]`; `input_size` must be
        known and the same on every connection.
      prev_state: an `LSTMState` (or a `(hidden, cell)` tuple) of tensors
        `[batch_size, hidden_state_size]` and `[batch_size, hidden_size]`.

    Returns:
      `(output, next_state)`: the new hidden state and an `LSTMState`.

    Raises:
      IncompatibleShapeError: for inputs not of rank 2, an input size other
        than the first connection's, or a state of the wrong structure,
        batch size or size.
      UnderspecifiedError: if `input_size` is unknown.
    """
    rnn_core.check_inputs_and_state(self, inputs, prev_state)
    input_size = inputs.shape[-1]
    if self._input_size is not None and input_size != self._input_size:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have size %d as in the first connection, got "
          "shape %s." % (self.scope_name, self._input_size, inputs.shape))
    self._input_size = input_size
    prev_hidden, prev_cell = prev_state
    hidden_state_size = self._projection_size or self._hidden_size
    dtype = inputs.dtype
    w_gates = self._variable(
        self.W_GATES, [input_size + hidden_state_size, 4 * self._hidden_size],
        dtype, default_initializers.weights(input_size + hidden_state_size))
    b_gates = self._variable(self.B_GATES, [4 * self._hidden_size], dtype,
                             default_initializers.bias())
    gates = tf.matmul(tf.concat([inputs, prev_hidden], axis=1), w_gates)
    if self._use_layer_norm:
      gates = self._layer_norm(gates)
    gates += b_gates
    i, j, f, o = tf.split(gates, 4, axis=1)
    if self._use_peepholes:
      peephole_init = default_initializers.weights(self._hidden_size)
      w_f_diag = self._variable(self.W_F_DIAG, [self._hidden_size], dtype,
                                peephole_init)
      w_i_diag = self._variable(self.W_I_DIAG, [self._hidden_size], dtype,
                                peephole_init)
      w_o_diag = self._variable(self.W_O_DIAG, [self._hidden_size], dtype,
                                peephole_init)
      f += w_f_diag * prev_cell
      i += w_i_diag * prev_cell
    next_cell = (tf.sigmoid(f + self._forget_bias) * prev_cell +
                 tf.sigmoid(i) * tf.tanh(j))
    if self._cell_clip_value is not None:
      next_cell = tf.clip_by_value(next_cell, -self._cell_clip_value,
                                   self._cell_clip_value)
    if self._use_peepholes:
      o += w_o_diag * next_cell
    next_hidden = tf.sigmoid(o) * tf.tanh(next_cell)
    if self._hidden_clip_value is not None:
      next_hidden = tf.clip_by_value(next_hidden, -self._hidden_clip_value,
                                     self._hidden_clip_value)
    if self._projection_size is not None:
      w_h_projection = self._variable(
          self.W_H_PROJECTION, [self._hidden_size, self._projection_size],
          dtype, default_initializers.weights(self._hidden_size))
      next_hidden = tf.matmul(next_hidden, w_h_projection)
    return next_hidden, LSTMState(hidden=next_hidden, cell=next_cell)

  @property
  def state_size(self):
    """`LSTMState` of `TensorShape`s: hidden state size and cell size."""
    return LSTMState(
        hidden=tf.TensorShape([self._projection_size or self._hidden_size]),
        cell=tf.TensorShape([self._hidden_size]))

  @property
  def output_size(self):
    """`TensorShape([projection_size or hidden_size])`."""
    return tf.TensorShape([self._projection_size or self._hidden_size])

  @property
  def use_peepholes(self):
    """Whether the gates see the cell state."""
    return self._use_peepholes

  @property
  def use_layer_norm(self):
    """Whether the gate pre-activations are layer-normalized."""
    return self._use_layer_norm
