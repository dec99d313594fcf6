"""`ACTCore`: Adaptive Computation Time around a core (Graves, 2016)."""

import tensorflow as tf

from sonnet.src import errors
from sonnet.src import linear
from sonnet.src import rnn_core


def _scale(structure, weights):
  return tf.nest.map_structure(lambda s: s * weights, structure)


def _add(a, b):
  return tf.nest.map_structure(lambda x, y: x + y, a, b)


class ACTCore(rnn_core.RNNCore):
  """Runs a core several times per input step until it decides to halt.

  For each input `x`, the core is applied repeatedly to `[x, flag]` (flag 0
  on the first ponder step, 1 after) and its state. After each ponder step
  a halting probability `sigmoid(halting_linear(get_state_for_halting(s)))`
  is accumulated; pondering stops for a batch entry once the sum exceeds
  `threshold` (or after `max_steps`), the last step getting the remainder
  `1 - sum` of the others. The output is
  `act_output_linear(sum_n p_n * core_output_n)` and the next state is
  `sum_n p_n * state_n`. Variables `act_core/halting_linear/{w,b}` and
  `act_core/act_output_linear/{w,b}`, plus the core's.

  The output is `(output, (iterations, remainder))`, the latter two
  `[batch, 1]`: the ponder cost is `iterations + remainder`.

  >>> act = snt.ACTCore(snt.GRU(4), output_size=2, threshold=0.9,
  ...                   get_state_for_halting=lambda s: s)
  >>> (out, (steps, rem)), state = act(tf.ones([3, 5]), act.initial_state(3))
  >>> out.shape.as_list(), steps.shape.as_list()
  ([3, 2], [3, 1])
  """

  def __init__(self, core, output_size, threshold, get_state_for_halting,
               max_steps=0, name="act_core"):
    """Configures the pondering.

    Args:
      core: an `snt.RNNCore` with a single tensor output `[batch, size]`.
      output_size: the size of the final output linear layer.
      threshold: the cumulative halting probability to stop at, in (0, 1].
      get_state_for_halting: a function from the core's state to a tensor
        `[batch, n]` that the halting unit reads.
      max_steps: the most ponder steps per input (0: no limit).
      name: the module's name.

    Raises:
      ValueError: if `threshold` is not in (0, 1] or `max_steps` < 0.
      TypeError: if `core` is not an `RNNCore`.
    """
    super().__init__(name=name)
    if not isinstance(core, rnn_core.RNNCore):
      raise TypeError("ACTCore's core must be an RNNCore, got %r." % (core,))
    if not 0. < threshold <= 1.:
      raise ValueError("threshold must be in (0, 1], got %r." % (threshold,))
    if max_steps < 0:
      raise ValueError("max_steps must be >= 0, got %r." % (max_steps,))
    self._core = core
    self._output_size = output_size
    self._threshold = threshold
    self._get_state_for_halting = get_state_for_halting
    self._max_steps = max_steps
    self._batch_size = None
    self._dtype = None
    with self._enter_variable_scope():
      self._halting_linear = linear.Linear(1, name="halting_linear")
      self._output_linear = linear.Linear(output_size,
                                          name="act_output_linear")

  def _ponder_step(self, x, cumul_out, state, cumul_state, cumul_halting,
                   iteration, remainder):
    """One ponder step for every batch entry that has not halted."""
    ones = tf.ones_like(cumul_halting)
    running = tf.less(cumul_halting, ones)
    next_iteration = tf.where(running, iteration + 1., iteration)
    out, next_state = self._core(x, state)
    halting = tf.sigmoid(self._halting_linear(
        self._get_state_for_halting(next_state)))
    raw = cumul_halting + halting
    stop = raw > self._threshold
    if self._max_steps > 0:
      stop = tf.logical_or(stop, next_iteration >= self._max_steps)
    next_cumul_halting = tf.where(running, tf.where(stop, ones, raw),
                                  cumul_halting)
    weight = next_cumul_halting - cumul_halting  # 0 once halted.
    # The remainder is the last step's weight, 1 - (earlier halting sum).
    next_remainder = tf.where(tf.logical_and(running, stop), weight,
                              remainder)
    return (_add(cumul_out, out * weight), next_state,
            _add(cumul_state, _scale(next_state, weight)),
            next_cumul_halting, next_iteration, next_remainder)

  def _build(self, x, prev_state):
    """Ponders over one input step.

    Args:
      x: a tensor `[batch_size, input_size]` with known sizes.
      prev_state: the core's state.

    Returns:
      `((output, (iterations, remainder)), next_state)`.

    Raises:
      IncompatibleShapeError: if `x` is not of rank 2.
      UnderspecifiedError: if its sizes are unknown.
    """
    if x.shape.rank != 2:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have rank 2 ([batch_size, input_size]), got "
          "shape %s." % (self.scope_name, x.shape))
    if not x.shape.is_fully_defined():
      raise errors.UnderspecifiedError(
          "%s: the input shape must be fully known, got %s."
          % (self.scope_name, x.shape))
    batch_size = x.shape[0]
    self._batch_size, self._dtype = batch_size, x.dtype
    flag_shape = [batch_size, 1]
    x_first = tf.concat([x, tf.zeros(flag_shape, x.dtype)], axis=1)
    x_later = tf.concat([x, tf.ones(flag_shape, x.dtype)], axis=1)
    zeros = tf.zeros(flag_shape, x.dtype)
    core_size = tf.TensorShape(self._core.output_size).as_list()
    cumul_out = tf.zeros([batch_size] + core_size, x.dtype)
    cumul_state = tf.nest.map_structure(tf.zeros_like, prev_state)
    # The first ponder step always runs: do it outside the loop so that the
    # variables are created outside control flow.
    loop_vars = self._ponder_step(x_first, cumul_out, prev_state,
                                  cumul_state, zeros, zeros, zeros)

    def cond(unused_out, unused_state, unused_cumul_state, cumul_halting,
             *unused):
      return tf.reduce_any(cumul_halting < 1.)

    def body(*loop_vars):
      return self._ponder_step(x_later, *loop_vars)

    final = tf.while_loop(cond, body, loop_vars)
    final_out, _, final_cumul_state, _, iterations, remainder = final
    output = self._output_linear(final_out)
    return (output, (iterations, remainder)), final_cumul_state

  def initial_state(self, *args, **kwargs):
    """The core's `initial_state`."""
    return self._core.initial_state(*args, **kwargs)

  @property
  def state_size(self):
    """The core's state size."""
    return self._core.state_size

  @property
  def output_size(self):
    """`(TensorShape([output_size]), (TensorShape([1]), TensorShape([1])))`."""
    return (tf.TensorShape([self._output_size]),
            (tf.TensorShape([1]), tf.TensorShape([1])))

  @property
  def batch_size(self):
    """The batch size of the last connection.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._batch_size

  @property
  def dtype(self):
    """The input dtype of the last connection.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._dtype
