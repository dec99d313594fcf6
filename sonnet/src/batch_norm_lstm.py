"""`BatchNormLSTM`: an LSTM with recurrent batch norm (Cooijmans et al.)."""

from typing import Any, Callable, Mapping, Optional, Union

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import batch_norm
from sonnet.src import default_initializers
from sonnet.src import lstm
from sonnet.src import rnn_core
from sonnet.src import variable_options

tf1 = tf.compat.v1


class IndexedStatsBatchNorm(base.AbstractModule):
  """Batch normalization whose moving statistics are chosen by an index.

  Holds `max_unique_stats` `snt.BatchNorm` modules without scale or offset,
  named `batch_norm`, `batch_norm_1`, ... in this module's scope; `index`
  `k` uses the `k`-th, and every other index the last. Each keeps its
  moving statistics (`[1, channels]`) and makes its update ops as
  `snt.BatchNorm` does (`tf.GraphKeys.UPDATE_OPS` in graph mode).
  """

  def __init__(self, max_unique_stats, name=None):
    """Creates the batch normalizations.

    Args:
      max_unique_stats: the number of sets of statistics.
      name: the module's name.
    """
    super().__init__(name=name)
    self._max_unique_stats = max_unique_stats
    with self._enter_variable_scope():
      self._batch_norms = [
          batch_norm.BatchNorm(offset=False, scale=False)
          for _ in range(max_unique_stats)]

  def _build(self, inputs, index, is_training, test_local_stats):
    """Normalizes `inputs` with the statistics of `index`.

    Args:
      inputs: a float tensor `[batch_size, channels]`.
      index: a scalar int32 tensor (unused with one set of statistics).
      is_training: a Python bool or boolean tensor, as for `snt.BatchNorm`.
      test_local_stats: as for `snt.BatchNorm`.

    Returns:
      The normalized tensor.
    """
    if self._max_unique_stats == 1:
      return self._batch_norms[0](inputs, is_training, test_local_stats)
    # Every normalization runs, so that all their variables and update ops
    # exist in every mode, but only the chosen one is trained and used.
    last = self._max_unique_stats - 1
    index = tf.convert_to_tensor(index, tf.int32)
    chosen = tf.where(tf.logical_and(index >= 0, index < last), index, last)
    outputs = []
    for k, bn in enumerate(self._batch_norms):
      training = (is_training if is_training is False else tf.logical_and(
          is_training, tf.equal(chosen, k)))
      outputs.append(bn(inputs, training, test_local_stats))
    return tf.gather(tf.stack(outputs), chosen)


class CoreWithExtraBuildArgs(rnn_core.CoreWrapper):
  """Calls a core with fixed extra arguments: `core(x, s, *args, **kwargs)`.

  Lets `dynamic_rnn` (which calls `core(x, s)`) pass e.g. `is_training`.
  Named `<core's module name>_extra_args`.
  """

  def __init__(self, core, *args, **kwargs):
    """Stores the core and the extra arguments.

    Args:
      core: the `snt.RNNCore` to call.
      *args: extra positional arguments for its `_build`.
      **kwargs: extra keyword arguments for its `_build`.
    """
    super().__init__(name=core.module_name + "_extra_args")
    self._core = core
    self._args = args
    self._kwargs = kwargs

  def _build(self, inputs, state):
    """Calls the core with the extra arguments."""
    return self._core(inputs, state, *self._args, **self._kwargs)


class BatchNormLSTM(rnn_core.RNNCore, variable_options.VariableOptions):
  """An LSTM with batch normalization of its gate terms and cell output.

  The previous state is clipped first (`hidden_clip_value`,
  `cell_clip_value`). With batch norm on the hidden (`h`) or input (`x`)
  term the gates are

      gates = [gamma_h *] BN_h(h w_gates_H) + [gamma_x *] BN_x(x w_gates_X)
              + b_gates

  (each term normalized only when its flag is on); with neither, one
  matmul of `[x, h]` with `w_gates`. Then, gate order i, j, f, o:

      c' = sigmoid(f + forget_bias [+ w_f_diag * c]) * c
           + sigmoid(i [+ w_i_diag * c]) * tanh(j)
      out = [beta_c + gamma_c * BN_c(c')]  (or c')
      h' = tanh(out [* (1 + w_o_diag)]) * sigmoid(o)

  The normalizations use separate statistics for each of the first
  `max_unique_stats` steps (then the state carries a step counter). Their
  moving statistics live in modules `batch_norm_h`, `batch_norm_x`,
  `batch_norm_c` built beside this one
  (`batch_norm_h/batch_norm/moving_mean`, `batch_norm_h/batch_norm_1/...`),
  whose update ops go to `tf.GraphKeys.UPDATE_OPS` in graph mode. Connect
  with `is_training` (or use `with_batch_norm_control` for `dynamic_rnn`).

  >>> core = snt.BatchNormLSTM(4)
  >>> out, state = core(tf.ones([2, 3]), core.initial_state(2),
  ...                   is_training=True)
  >>> out.shape.as_list()
  [2, 4]
  """

  # The gate and peephole variables are named as an LSTM's.
  W_GATES = lstm.LSTM.W_GATES
  B_GATES = lstm.LSTM.B_GATES
  W_F_DIAG = lstm.LSTM.W_F_DIAG
  W_I_DIAG = lstm.LSTM.W_I_DIAG
  W_O_DIAG = lstm.LSTM.W_O_DIAG
  GAMMA_H = "gamma_h"
  GAMMA_X = "gamma_x"
  GAMMA_C = "gamma_c"
  BETA_C = "beta_c"
  POSSIBLE_INITIALIZER_KEYS = {
      W_GATES, B_GATES, W_F_DIAG, W_I_DIAG, W_O_DIAG, GAMMA_H, GAMMA_X, GAMMA_C,
      BETA_C}
  # The variables of the split gate matrix, which take the options given
  # for "w_gates".
  _W_GATES_HALVES = (W_GATES + "_H", W_GATES + "_X")

  CoreWithExtraBuildArgs = CoreWithExtraBuildArgs
  IndexedStatsBatchNorm = IndexedStatsBatchNorm

  def __init__(self, hidden_size: int, forget_bias: float = 1.0,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               use_peepholes: bool = False, use_batch_norm_h: bool = True,
               use_batch_norm_x: bool = False, use_batch_norm_c: bool = False,
               max_unique_stats: int = 1,
               hidden_clip_value: Optional[float] = None,
               cell_clip_value: Optional[float] = None,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "batch_norm_lstm"):
    """Configures the core.

    Args:
      hidden_size: the LSTM size.
      forget_bias: added to the forget gate's pre-activation.
      initializers: optional dict keyed by "w_gates" (both weight
        matrices), "b_gates", peephole names, "gamma_h", "gamma_x",
        "gamma_c", "beta_c" as configured. Defaults: truncated normals with
        stddev 1/sqrt(input_size + hidden_size) for the gate weights and
        biases, 0.1 for the gammas, the variable scope's default (Glorot
        uniform) for the peepholes and `beta_c`.
      partitioners: optional dict with the same keys.
      regularizers: optional dict with the same keys.
      use_peepholes: whether the gates see the cell state.
      use_batch_norm_h: normalize the hidden-to-gates term.
      use_batch_norm_x: normalize the input-to-gates term.
      use_batch_norm_c: normalize the cell state before the output tanh.
      max_unique_stats: the number of time steps with their own statistics.
      hidden_clip_value: if set, the previous hidden state is clipped to
        [-value, value] before the step.
      cell_clip_value: if set, the previous cell state is clipped to
        [-value, value] before the step.
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: if no batch norm is on, `max_unique_stats` < 1 or a clip
        value is negative.
      KeyError / TypeError: for bad initializer (etc.) dicts.
    """
    if not any([use_batch_norm_h, use_batch_norm_x, use_batch_norm_c]):
      raise ValueError("At least one use_batch_norm_* option is required for "
                       "BatchNormLSTM")
    super().__init__(custom_getter=custom_getter, name=name)
    self._hidden_size = hidden_size
    self._forget_bias = forget_bias
    self._use_peepholes = use_peepholes
    self._max_unique_stats = max_unique_stats
    self._use_batch_norm_h = use_batch_norm_h
    self._use_batch_norm_x = use_batch_norm_x
    self._use_batch_norm_c = use_batch_norm_c
    self._hidden_clip_value = hidden_clip_value
    self._cell_clip_value = cell_clip_value
    self.possible_keys = self.get_possible_initializer_keys(
        use_peepholes=use_peepholes, use_batch_norm_h=use_batch_norm_h,
        use_batch_norm_x=use_batch_norm_x, use_batch_norm_c=use_batch_norm_c)
    self._set_variable_options(
        *lstm.check_options(initializers, partitioners, regularizers,
                            self.possible_keys), self.possible_keys)
    # As in Sonnet 1, the halves of a split gate matrix take the options
    # given for "w_gates".
    for options in (self._initializers, self._partitioners, self._regularizers):
      if self.W_GATES in options:
        for half in self._W_GATES_HALVES:
          options[half] = options[self.W_GATES]
    if max_unique_stats < 1:
      raise ValueError("max_unique_stats must be >= 1")
    lstm.check_clip_values(hidden_clip_value, cell_clip_value)
    self._input_size = None
    self._lstm_state_only = False
    # Built beside the core (not inside its scope), as Sonnet 1 named them.
    if use_batch_norm_h:
      self._batch_norm_h = IndexedStatsBatchNorm(max_unique_stats,
                                                 "batch_norm_h")
    if use_batch_norm_x:
      self._batch_norm_x = IndexedStatsBatchNorm(max_unique_stats,
                                                 "batch_norm_x")
    if use_batch_norm_c:
      self._batch_norm_c = IndexedStatsBatchNorm(max_unique_stats,
                                                 "batch_norm_c")

  @classmethod
  def get_possible_initializer_keys(cls, use_peepholes=False,
                                    use_batch_norm_h=True,
                                    use_batch_norm_x=False,
                                    use_batch_norm_c=False):
    """The variable names for `initializers` (etc.) in a configuration.

    Args:
      use_peepholes: whether the peephole weights are included.
      use_batch_norm_h: whether `gamma_h` is included.
      use_batch_norm_x: whether `gamma_x` is included.
      use_batch_norm_c: whether `gamma_c` and `beta_c` are included.

    Returns:
      A set of strings.
    """
    keys = lstm.LSTM.get_possible_initializer_keys(use_peepholes=use_peepholes)
    if use_batch_norm_h:
      keys.add(cls.GAMMA_H)
    if use_batch_norm_x:
      keys.add(cls.GAMMA_X)
    if use_batch_norm_c:
      keys |= {cls.GAMMA_C, cls.BETA_C}
    return keys

  def _create_gate_variables(self, input_size, dtype):
    hidden = self._hidden_size
    gate_init = default_initializers.weights(hidden + input_size)
    if self._use_batch_norm_h or self._use_batch_norm_x:
      w_h, w_x = self._W_GATES_HALVES
      self._w_h = self._get_variable(w_h, [hidden, 4 * hidden], dtype,
                                     gate_init)
      self._w_x = self._get_variable(w_x, [input_size, 4 * hidden], dtype,
                                     gate_init)
    else:
      self._w_xh = self._get_variable(self.W_GATES,
                                      [hidden + input_size, 4 * hidden], dtype,
                                      gate_init)
    self._b = self._get_variable(self.B_GATES, [4 * hidden], dtype, gate_init)

  def _create_batch_norm_variables(self, dtype):
    # 0.1, as the paper recommends for the gradients through the tanh.
    gamma_init = tf1.constant_initializer(0.1)
    hidden = self._hidden_size
    if self._use_batch_norm_h:
      self._gamma_h = self._get_variable(self.GAMMA_H, [4 * hidden], dtype,
                                         gamma_init)
    if self._use_batch_norm_x:
      self._gamma_x = self._get_variable(self.GAMMA_X, [4 * hidden], dtype,
                                         gamma_init)
    if self._use_batch_norm_c:
      self._gamma_c = self._get_variable(self.GAMMA_C, [hidden], dtype,
                                         gamma_init)
      self._beta_c = self._get_variable(self.BETA_C, [hidden], dtype)

  def _build(self, inputs, prev_state, is_training=None, test_local_stats=True):
    """Runs one step.

    Args:
      inputs: a tensor `[batch_size, input_size]`.
      prev_state: `(hidden, cell)`, or `(hidden, cell, time_step)` with
        `max_unique_stats` > 1 (`time_step` a scalar int32 tensor).
      is_training: a Python bool or boolean tensor; required. When
        training, the batch statistics normalize and the moving statistics
        are updated.
      test_local_stats: when not training, whether to normalize by the
        batch's own statistics (True) or the moving ones (False).

    Returns:
      `(output, next_state)`: the new hidden state and `(hidden, cell)`,
      or `(hidden, cell, time_step + 1)`.

    Raises:
      ValueError: if `is_training` is not given, for inputs not of rank 2,
        or an input size other than the first connection's.
    """
    if is_training is None:
      raise ValueError(
          "Boolean is_training flag must be explicitly specified when using "
          "batch normalization. For dynamic_rnn, wrap the core with "
          "core.with_batch_norm_control(is_training).")
    if self._max_unique_stats == 1:
      prev_hidden, prev_cell = prev_state
      time_step = None
    else:
      prev_hidden, prev_cell, time_step = prev_state
    prev_hidden, prev_cell = lstm.clip_state(prev_hidden, prev_cell,
                                             self._hidden_clip_value,
                                             self._cell_clip_value)
    lstm.check_input_rank(inputs)
    input_size = rnn_core.check_input_size(self.scope_name, self._input_size,
                                           inputs)
    self._input_size = input_size
    dtype = inputs.dtype
    self._create_gate_variables(input_size, dtype)
    self._create_batch_norm_variables(dtype)

    def normalize(batch_norm_module, value):
      return batch_norm_module(value, time_step, is_training, test_local_stats)

    if self._use_batch_norm_h or self._use_batch_norm_x:
      gates_h = tf.matmul(prev_hidden, self._w_h)
      gates_x = tf.matmul(inputs, self._w_x)
      if self._use_batch_norm_h:
        gates_h = self._gamma_h * normalize(self._batch_norm_h, gates_h)
      if self._use_batch_norm_x:
        gates_x = self._gamma_x * normalize(self._batch_norm_x, gates_x)
      gates = gates_h + gates_x
    else:
      gates = tf.matmul(tf.concat([inputs, prev_hidden], axis=1), self._w_xh)
    gates = tf.split(gates + self._b, 4, axis=1)
    peepholes = None
    if self._use_peepholes:
      peepholes = lstm.peephole_variables(self._get_variable, self._hidden_size,
                                          dtype)
      self._w_f_diag, self._w_i_diag, self._w_o_diag = peepholes

    def normalize_cell(cell):
      return self._beta_c + self._gamma_c * normalize(self._batch_norm_c, cell)

    next_hidden, next_cell = lstm.cell_update(
        gates, prev_cell, self._forget_bias, peepholes,
        normalize_cell if self._use_batch_norm_c else None)
    if self._max_unique_stats == 1:
      return next_hidden, (next_hidden, next_cell)
    return next_hidden, (next_hidden, next_cell, time_step + 1)

  def with_batch_norm_control(self, is_training, test_local_stats=True):
    """A core for `dynamic_rnn` that connects this one with `is_training`.

    Args:
      is_training: a Python bool or boolean tensor.
      test_local_stats: as for `_build`.

    Returns:
      A `CoreWithExtraBuildArgs` sharing this core's variables.
    """
    return CoreWithExtraBuildArgs(self, is_training=is_training,
                                  test_local_stats=test_local_stats)

  def initial_state(self, batch_size, dtype=tf.float32, trainable=False,
                    trainable_initializers=None, trainable_regularizers=None,
                    name=None):
    """The initial state, as `RNNCore.initial_state`.

    With `max_unique_stats` > 1 the hidden and cell parts are made as for
    an LSTM (learned ones named `<name>_0/w`, `<name>_1/w`) and the step
    counter is a scalar int32 zero.

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the state's dtype.
      trainable: whether the hidden and cell parts are learned.
      trainable_initializers: an optional pair of initializers for them.
      trainable_regularizers: an optional pair of regularizers for them.
      name: the learned state's variable prefix; defaults to
        `<module_name>_initial_state`.

    Returns:
      `(hidden, cell)` or `(hidden, cell, time_step)`.
    """
    hidden_and_cell = super().initial_state
    if self._max_unique_stats == 1:
      return hidden_and_cell(batch_size, dtype=dtype, trainable=trainable,
                             trainable_initializers=trainable_initializers,
                             trainable_regularizers=trainable_regularizers,
                             name=name)
    self._lstm_state_only = True
    try:
      hidden, cell = hidden_and_cell(
          batch_size, dtype=dtype, trainable=trainable,
          trainable_initializers=trainable_initializers,
          trainable_regularizers=trainable_regularizers, name=name)
    finally:
      self._lstm_state_only = False
    return hidden, cell, tf.constant(0, dtype=tf.int32)

  @property
  def state_size(self):
    """`(hidden, cell)` sizes, and `TensorShape([1])` for a step counter."""
    size = tf.TensorShape([self._hidden_size])
    if self._max_unique_stats == 1 or self._lstm_state_only:
      return (size, size)
    return (size, size, tf.TensorShape([1]))

  @property
  def output_size(self):
    """`TensorShape([hidden_size])`."""
    return tf.TensorShape([self._hidden_size])

  @property
  def use_peepholes(self):
    """Whether the gates see the cell state."""
    return self._use_peepholes

  @property
  def use_batch_norm_h(self):
    """Whether the hidden-to-gates term is normalized."""
    return self._use_batch_norm_h

  @property
  def use_batch_norm_x(self):
    """Whether the input-to-gates term is normalized."""
    return self._use_batch_norm_x

  @property
  def use_batch_norm_c(self):
    """Whether the cell state is normalized before the output."""
    return self._use_batch_norm_c
