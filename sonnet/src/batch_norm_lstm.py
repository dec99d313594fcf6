"""`BatchNormLSTM`: an LSTM with recurrent batch normalization (Cooijmans et al.)."""

import tensorflow as tf

from sonnet.src import arg_checks
from sonnet.src import base
from sonnet.src import default_initializers
from sonnet.src import errors
from sonnet.src import lstm
from sonnet.src import rnn_core

tf1 = tf.compat.v1


class IndexedStatsBatchNorm(base.AbstractModule):
  """Batch normalization without scale/offset, with one set of moving stats
  per index (e.g. per time step, the last one shared by all later steps).

  Variables `<name>/batch_norm/moving_mean` and `moving_variance`, of shape
  `[max_unique_stats, channels]` (not trainable). The moving averages are
  updated in place when training.
  """

  # As snt.BatchNorm's defaults: the moving averages' decay, and the
  # constant added to the variance.
  DECAY_RATE = 0.999
  EPS = 1e-3

  def __init__(self, max_unique_stats, name=None):
    """Configures the normalization.

    Args:
      max_unique_stats: the number of sets of statistics.
      name: the module's name.
    """
    super().__init__(name=name)
    self._max_unique_stats = max_unique_stats
    self._decay_rate = self.DECAY_RATE
    self._eps = self.EPS

  def _build(self, inputs, index, is_training, test_local_stats=True):
    """Normalizes `inputs` `[batch, channels]` with the stats of `index`.

    Args:
      inputs: a float tensor `[batch_size, channels]`.
      index: an int32 scalar, clipped to `max_unique_stats - 1`.
      is_training: a Python bool or boolean scalar tensor.
      test_local_stats: when not training, normalize by the batch's own
        statistics (True) or the moving averages (False).

    Returns:
      The normalized tensor.
    """
    channels = inputs.shape[-1]
    shape = [self._max_unique_stats, channels]
    with tf1.variable_scope("batch_norm"):
      moving_mean = tf1.get_variable(
          "moving_mean", shape, dtype=inputs.dtype, trainable=False,
          initializer=tf1.zeros_initializer(),
          collections=[tf1.GraphKeys.GLOBAL_VARIABLES,
                       tf1.GraphKeys.MOVING_AVERAGE_VARIABLES])
      moving_variance = tf1.get_variable(
          "moving_variance", shape, dtype=inputs.dtype, trainable=False,
          initializer=tf1.ones_initializer(),
          collections=[tf1.GraphKeys.GLOBAL_VARIABLES,
                       tf1.GraphKeys.MOVING_AVERAGE_VARIABLES])
    index = tf.minimum(tf.cast(index, tf.int32), self._max_unique_stats - 1)
    mean, variance = tf.nn.moments(inputs, axes=[0])

    def train_branch():
      decay = 1. - self._decay_rate
      updates = [
          tf1.scatter_sub(moving_mean, [index],
                          (decay * (tf.gather(moving_mean, index) - mean))
                          [None]),
          tf1.scatter_sub(moving_variance, [index],
                          (decay * (tf.gather(moving_variance, index) -
                                    variance))[None])]
      with tf.control_dependencies(updates):
        return tf.identity(mean), tf.identity(variance)

    def test_branch():
      if test_local_stats:
        return mean, variance
      return (tf.gather(tf.convert_to_tensor(moving_mean), index),
              tf.gather(tf.convert_to_tensor(moving_variance), index))

    if isinstance(is_training, bool):
      stats = train_branch() if is_training else test_branch()
    else:
      stats = tf.cond(is_training, train_branch, test_branch)
    use_mean, use_variance = stats
    return (inputs - use_mean) * tf.math.rsqrt(use_variance + self._eps)


class CoreWithExtraBuildArgs(rnn_core.RNNCore):
  """Calls a core with fixed extra arguments: `core(x, s, *args, **kwargs)`.

  Lets `dynamic_rnn` (which calls `core(x, s)`) pass e.g. `is_training`.
  """

  def __init__(self, core, *args, **kwargs):
    """Stores the core and the extra arguments."""
    super().__init__(name=core.module_name + "_with_args")
    self._core = core
    self._args = args
    self._kwargs = kwargs

  def _build(self, inputs, prev_state):
    """Calls the core with the extra arguments."""
    return self._core(inputs, prev_state, *self._args, **self._kwargs)

  @property
  def state_size(self):
    """The core's state size."""
    return self._core.state_size

  @property
  def output_size(self):
    """The core's output size."""
    return self._core.output_size

  def initial_state(self, *args, **kwargs):
    """The core's `initial_state`."""
    return self._core.initial_state(*args, **kwargs)

  def zero_state(self, *args, **kwargs):
    """The core's `zero_state`."""
    return self._core.zero_state(*args, **kwargs)


class BatchNormLSTM(rnn_core.RNNCore):
  """An LSTM with batch normalization of its recurrent (and input) terms.

      gates = BN_h(h w_gates_H) * gamma_h + BN_x(x w_gates_X) [* gamma_x]
              + b_gates
      c' = sigmoid(f + forget_bias) * c + sigmoid(i) * tanh(j)
      h' = sigmoid(o) * tanh(BN_c(c') * gamma_c + beta_c)   (or tanh(c'))

  `BN_x` / `BN_c` only with `use_batch_norm_x` / `use_batch_norm_c`. The
  normalizations use per-time-step statistics for the first
  `max_unique_stats` steps (the state then carries a step counter).
  Trainable variables `<name>/w_gates_X`, `w_gates_H`, `b_gates`,
  `gamma_h` (etc.); the moving statistics live in modules named
  `batch_norm_h`, `batch_norm_x`, `batch_norm_c` built beside this one
  (`batch_norm_h/batch_norm/moving_mean`, as in Sonnet 1). Connect with
  `is_training` (or use `with_batch_norm_control` for `dynamic_rnn`).

  >>> core = snt.BatchNormLSTM(4)
  >>> out, state = core(tf.ones([2, 3]), core.initial_state(2),
  ...                   is_training=True)
  >>> out.shape.as_list()
  [2, 4]
  """

  CoreWithExtraBuildArgs = CoreWithExtraBuildArgs
  IndexedStatsBatchNorm = IndexedStatsBatchNorm

  def __init__(self, hidden_size, forget_bias=1.0, initializers=None,
               partitioners=None, regularizers=None, use_peepholes=False,
               use_batch_norm_h=True, use_batch_norm_x=False,
               use_batch_norm_c=False, max_unique_stats=1,
               hidden_clip_value=None, cell_clip_value=None,
               custom_getter=None, name="batch_norm_lstm"):
    """Configures the core.

    Args:
      hidden_size: the LSTM size.
      forget_bias: added to the forget gate's pre-activation.
      initializers: optional dict keyed by "w_gates" (both weight
        matrices), "b_gates", peephole names, "gamma_h", "gamma_x",
        "gamma_c", "beta_c" as configured. Gammas default to 0.1.
      partitioners: optional dict with the same keys.
      regularizers: optional dict with the same keys.
      use_peepholes: whether the gates see the cell state.
      use_batch_norm_h: normalize the hidden-to-gates term.
      use_batch_norm_x: normalize the input-to-gates term.
      use_batch_norm_c: normalize the cell state before the output tanh.
      max_unique_stats: the number of time steps with their own statistics.
      hidden_clip_value: optional clip of the hidden state.
      cell_clip_value: optional clip of the cell state.
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: if `max_unique_stats` < 1, or it is > 1 with no batch norm.
      KeyError / TypeError: for bad initializer (etc.) dicts.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    if max_unique_stats < 1:
      raise ValueError("max_unique_stats must be >= 1, got %r."
                       % (max_unique_stats,))
    if max_unique_stats > 1 and not (use_batch_norm_h or use_batch_norm_x or
                                     use_batch_norm_c):
      raise ValueError("max_unique_stats > 1 needs some batch norm on.")
    self._hidden_size = hidden_size
    self._forget_bias = forget_bias
    self._use_peepholes = use_peepholes
    self._use_batch_norm_h = use_batch_norm_h
    self._use_batch_norm_x = use_batch_norm_x
    self._use_batch_norm_c = use_batch_norm_c
    self._max_unique_stats = max_unique_stats
    self._hidden_clip_value = hidden_clip_value
    self._cell_clip_value = cell_clip_value
    keys = self.get_possible_initializer_keys(
        use_peepholes, use_batch_norm_h, use_batch_norm_x, use_batch_norm_c)
    self._initializers = arg_checks.check_initializers(initializers, keys)
    self._partitioners = arg_checks.check_partitioners(partitioners, keys)
    self._regularizers = arg_checks.check_regularizers(regularizers, keys)
    # Built beside the core (not inside its scope), as Sonnet 1 named them.
    self._bn = {}
    for part, used in (("h", use_batch_norm_h), ("x", use_batch_norm_x),
                       ("c", use_batch_norm_c)):
      if used:
        self._bn[part] = IndexedStatsBatchNorm(max_unique_stats,
                                               name="batch_norm_" + part)
    self._input_size = None

  @classmethod
  def get_possible_initializer_keys(cls, use_peepholes=False,
                                    use_batch_norm_h=True,
                                    use_batch_norm_x=False,
                                    use_batch_norm_c=False):
    """The variable names for `initializers` (etc.) in a configuration."""
    keys = {"w_gates", "b_gates"}
    if use_peepholes:
      keys |= {"w_f_diag", "w_i_diag", "w_o_diag"}
    if use_batch_norm_h:
      keys.add("gamma_h")
    if use_batch_norm_x:
      keys.add("gamma_x")
    if use_batch_norm_c:
      keys |= {"gamma_c", "beta_c"}
    return keys

  def _variable(self, name, key, shape, dtype, default):
    return tf1.get_variable(
        name, shape=shape, dtype=dtype,
        initializer=self._initializers.get(key, default),
        partitioner=self._partitioners.get(key),
        regularizer=self._regularizers.get(key))

  def _build(self, inputs, prev_state, is_training=None,
             test_local_stats=True):
    """Runs one step.

    Args:
      inputs: a tensor `[batch_size, input_size]`.
      prev_state: `LSTMState(hidden, cell)`, or `(hidden, cell, time_step)`
        with `max_unique_stats` > 1.
      is_training: a Python bool or boolean tensor; required.
      test_local_stats: when not training, whether to use the batch's own
        statistics.

    Returns:
      `(output, next_state)`.

    Raises:
      ValueError: if `is_training` is not given.
      IncompatibleShapeError: for inputs or a state of the wrong shape.
    """
    if is_training is None:
      raise ValueError(
          "%s: is_training must be given (connect with is_training=..., or "
          "use core.with_batch_norm_control(is_training) for dynamic_rnn)."
          % self.scope_name)
    rnn_core.check_inputs_and_state(self, inputs, prev_state)
    input_size = inputs.shape[-1]
    if self._input_size is not None and input_size != self._input_size:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have size %d as in the first connection, got "
          "shape %s." % (self.scope_name, self._input_size, inputs.shape))
    self._input_size = input_size
    if self._max_unique_stats > 1:
      prev_hidden, prev_cell, time_step = prev_state
      index = tf.cast(time_step[0], tf.int32)
    else:
      prev_hidden, prev_cell = prev_state
      index = tf.constant(0)
    hidden, dtype = self._hidden_size, inputs.dtype
    gamma_init = tf1.constant_initializer(0.1)
    w_x = self._variable("w_gates_X", "w_gates", [input_size, 4 * hidden],
                         dtype, default_initializers.weights(input_size))
    w_h = self._variable("w_gates_H", "w_gates", [hidden, 4 * hidden], dtype,
                         default_initializers.weights(hidden))
    b = self._variable("b_gates", "b_gates", [4 * hidden], dtype,
                       default_initializers.bias())
    x_term = tf.matmul(inputs, w_x)
    h_term = tf.matmul(prev_hidden, w_h)
    if self._use_batch_norm_h:
      gamma_h = self._variable("gamma_h", "gamma_h", [4 * hidden], dtype,
                               gamma_init)
      h_term = gamma_h * self._bn["h"](h_term, index, is_training,
                                       test_local_stats)
    if self._use_batch_norm_x:
      gamma_x = self._variable("gamma_x", "gamma_x", [4 * hidden], dtype,
                               gamma_init)
      x_term = gamma_x * self._bn["x"](x_term, index, is_training,
                                       test_local_stats)
    i, j, f, o = tf.split(x_term + h_term + b, 4, axis=1)
    if self._use_peepholes:
      diag = {n: self._variable(n, n, [hidden], dtype,
                                default_initializers.weights(hidden))
              for n in ("w_f_diag", "w_i_diag", "w_o_diag")}
      f += diag["w_f_diag"] * prev_cell
      i += diag["w_i_diag"] * prev_cell
    next_cell = (tf.sigmoid(f + self._forget_bias) * prev_cell +
                 tf.sigmoid(i) * tf.tanh(j))
    if self._cell_clip_value is not None:
      next_cell = tf.clip_by_value(next_cell, -self._cell_clip_value,
                                   self._cell_clip_value)
    if self._use_peepholes:
      o += diag["w_o_diag"] * next_cell
    cell_out = next_cell
    if self._use_batch_norm_c:
      gamma_c = self._variable("gamma_c", "gamma_c", [hidden], dtype,
                               gamma_init)
      beta_c = self._variable("beta_c", "beta_c", [hidden], dtype,
                              tf1.zeros_initializer())
      cell_out = gamma_c * self._bn["c"](next_cell, index, is_training,
                                         test_local_stats) + beta_c
    next_hidden = tf.sigmoid(o) * tf.tanh(cell_out)
    if self._hidden_clip_value is not None:
      next_hidden = tf.clip_by_value(next_hidden, -self._hidden_clip_value,
                                     self._hidden_clip_value)
    if self._max_unique_stats > 1:
      return next_hidden, (next_hidden, next_cell, time_step + 1)
    return next_hidden, lstm.LSTMState(hidden=next_hidden, cell=next_cell)

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

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the state's dtype.
      trainable: whether the state is learned (only with
        `max_unique_stats` == 1).
      trainable_initializers: as for `RNNCore.initial_state`.
      trainable_regularizers: as for `RNNCore.initial_state`.
      name: as for `RNNCore.initial_state`.

    Returns:
      The state; with `max_unique_stats` > 1 its step counter is zero.

    Raises:
      NotSupportedError: for a learned state with `max_unique_stats` > 1.
    """
    if self._max_unique_stats == 1:
      return super().initial_state(
          batch_size, dtype=dtype, trainable=trainable,
          trainable_initializers=trainable_initializers,
          trainable_regularizers=trainable_regularizers, name=name)
    if trainable:
      raise errors.NotSupportedError(
          "%s: a trainable initial state is not supported with "
          "max_unique_stats > 1." % self.scope_name)
    return self.zero_state(batch_size, dtype)

  @property
  def state_size(self):
    """`LSTMState` of sizes, plus a scalar step counter when needed."""
    size = tf.TensorShape([self._hidden_size])
    if self._max_unique_stats > 1:
      return (size, size, tf.TensorShape([]))
    return lstm.LSTMState(hidden=size, cell=size)

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
