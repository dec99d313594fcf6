"""`GRU`: a gated recurrent unit core."""

import tensorflow as tf

from sonnet.src import rnn_core
from sonnet.src import variable_options


class GRU(rnn_core.HiddenStateCore, variable_options.VariableOptions):
  """A gated recurrent unit (Cho et al., 2014).

      z = sigmoid(x wz + h uz + bz)          (update gate)
      r = sigmoid(x wr + h ur + br)          (reset gate)
      h~ = tanh(x wh + (r * h) uh + bh)
      h' = (1 - z) * h + z * h~

  Variables `wz`, `wr`, `wh` (`[input_size, hidden_size]`), `uz`, `ur`, `uh`
  (`[hidden_size, hidden_size]`), `bz`, `br`, `bh` (`[hidden_size]`). The
  output is the new state.

  >>> gru = snt.GRU(4)
  >>> out, state = gru(tf.ones([2, 3]), gru.initial_state(2))
  >>> out.shape.as_list()
  [2, 4]
  """

  WZ = "wz"
  UZ = "uz"
  BZ = "bz"
  WR = "wr"
  UR = "ur"
  BR = "br"
  WH = "wh"
  UH = "uh"
  BH = "bh"
  POSSIBLE_INITIALIZER_KEYS = {WZ, UZ, BZ, WR, UR, BR, WH, UH, BH}

  def __init__(self, hidden_size, initializers=None, partitioners=None,
               regularizers=None, custom_getter=None, name="gru"):
    """Configures the core.

    Args:
      hidden_size: the size of the state.
      initializers: optional dict keyed by the variable names; the default
        is the variable scope's (Glorot uniform, biases included), as in
        Sonnet 1.
      partitioners: optional dict with the same keys.
      regularizers: optional dict with the same keys.
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      KeyError: for a key other than the nine variable names.
      TypeError: if a dict value is not callable.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    self._hidden_size = hidden_size
    self._set_variable_options(initializers, partitioners, regularizers,
                               self.POSSIBLE_INITIALIZER_KEYS)
    self._input_size = None

  def _build(self, inputs, prev_state):
    """Runs one step.

    Args:
      inputs: a tensor `[batch_size, input_size]`, the same `input_size` on
        every connection.
      prev_state: a tensor `[batch_size, hidden_size]`.

    Returns:
      `(output, next_state)`, the same tensor `[batch_size, hidden_size]`.

    Raises:
      ValueError: for an input size other than the first connection's.
    """
    input_size = rnn_core.check_input_size(self.scope_name, self._input_size,
                                           inputs)
    self._input_size = input_size
    hidden, dtype = self._hidden_size, inputs.dtype
    w_shape, u_shape = [input_size, hidden], [hidden, hidden]
    self._wz = self._get_variable(self.WZ, w_shape, dtype)
    self._uz = self._get_variable(self.UZ, u_shape, dtype)
    self._bz = self._get_variable(self.BZ, [hidden], dtype)
    z = tf.sigmoid(tf.matmul(inputs, self._wz) +
                   tf.matmul(prev_state, self._uz) + self._bz)
    self._wr = self._get_variable(self.WR, w_shape, dtype)
    self._ur = self._get_variable(self.UR, u_shape, dtype)
    self._br = self._get_variable(self.BR, [hidden], dtype)
    r = tf.sigmoid(tf.matmul(inputs, self._wr) +
                   tf.matmul(prev_state, self._ur) + self._br)
    self._wh = self._get_variable(self.WH, w_shape, dtype)
    self._uh = self._get_variable(self.UH, u_shape, dtype)
    self._bh = self._get_variable(self.BH, [hidden], dtype)
    candidate = tf.tanh(tf.matmul(inputs, self._wh) +
                        tf.matmul(r * prev_state, self._uh) + self._bh)
    next_state = (1 - z) * prev_state + z * candidate
    return next_state, next_state
