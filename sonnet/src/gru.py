"""`GRU`: a gated recurrent unit core."""

from typing import Any, Callable, Mapping, Optional, Union

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
  output is the new state. `snt.dynamic_unroll` / `snt.static_unroll`
  multiply the inputs of all steps with `wz`, `wr` and `wh` in one matmul
  before their loop.

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

  def __init__(self, hidden_size: int,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "gru"):
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
    for key, shape in ((self.WZ, w_shape), (self.UZ, u_shape), (self.BZ, [
        hidden]), (self.WR, w_shape), (self.UR, u_shape), (self.BR, [hidden]),
                       (self.WH, w_shape), (self.UH, u_shape), (self.BH,
                                                                [hidden])):
      setattr(self, "_" + key, self._get_variable(key, shape, dtype))

    if rnn_core.InputProjection.current(self) is None:
      z = tf.sigmoid(
          tf.matmul(inputs, self._wz) + tf.matmul(prev_state, self._uz) +
          self._bz)
      r = tf.sigmoid(
          tf.matmul(inputs, self._wr) + tf.matmul(prev_state, self._ur) +
          self._br)
      candidate = tf.tanh(
          tf.matmul(inputs, self._wh) + tf.matmul(r * prev_state, self._uh) +
          self._bh)
    else:
      z, r, candidate = self._projected_gates(inputs, prev_state)
    next_state = (1 - z) * prev_state + z * candidate
    return next_state, next_state

  def _projected_gates(self, inputs, prev_state):
    """`z`, `r` and the candidate in an unroll that projects the inputs.

    The three input matrices (and `uz`, `ur`) are concatenated once before
    the loop; the inputs of all steps multiply theirs in one matmul (see
    `RNNCore._project_inputs`).
    """

    def weights():
      return (tf.concat([self._wz, self._wr, self._wh], axis=1),
              tf.concat([self._bz, self._br, self._bh],
                        axis=0), tf.concat([self._uz, self._ur], axis=1))

    def project(x, weights):
      w_zrh, b_zrh, _ = weights
      return tf.nn.bias_add(tf.matmul(x, w_zrh), b_zrh)

    projected, (_, _, u_zr) = self._project_inputs(inputs, weights, project)
    x_zr, x_h = tf.split(projected, [2 * self._hidden_size, self._hidden_size],
                         axis=1)
    z, r = tf.split(tf.sigmoid(x_zr + tf.matmul(prev_state, u_zr)), 2, axis=1)
    return z, r, tf.tanh(x_h + tf.matmul(r * prev_state, self._uh))
