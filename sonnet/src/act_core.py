"""`ACTCore`: Adaptive Computation Time around a core (Graves, 2016)."""

from typing import Any, Callable, Union

import tensorflow as tf

from sonnet.src.core import connected_property
from sonnet.src.core import errors
from sonnet.src import linear
from sonnet.src import rnn_core


def _nested_add(nested_a, nested_b):
  """Adds two nests of tensors leaf by leaf."""
  return tf.nest.map_structure(lambda a, b: a + b, nested_a, nested_b)


def _nested_unary_mul(nested_a, p):
  """Multiplies each leaf of `nested_a` by `p`, broadcast over its rows.

  A leaf of rank 2 is multiplied by `p` as given (`[batch, 1]`); for any
  other rank `p` is first reshaped to `[-1, 1, ..., 1]` of that rank (for
  a rank-0 leaf, to `[-1]`).

  Args:
    nested_a: a nest of tensors.
    p: a tensor, usually `[batch, 1]`.

  Returns:
    A nest like `nested_a`.
  """

  def scale(tensor):
    rank = tensor.shape.ndims
    if rank == 2:
      return p * tensor
    return tf.reshape(p, [-1] + [1] * (rank - 1)) * tensor

  return tf.nest.map_structure(scale, nested_a)


def _nested_zeros_like(nested_a):
  """Zeros like each leaf of `nested_a`."""
  return tf.nest.map_structure(tf.zeros_like, nested_a)


class ACTCore(rnn_core.RNNCore):
  """Runs a core several times per input step until it decides to halt.

  For each input `x`, the core is applied repeatedly to `[x, flag]` (flag 0
  on the first ponder step, 1 after) and its state. After each ponder step
  a halting probability `sigmoid(halting_linear(get_state_for_halting(s)))`
  is accumulated; pondering stops for a batch entry once the sum exceeds
  `threshold` (or after `max_steps`), the last step getting the weight
  `p_n = 1 - (sum of the earlier steps')`. The output is
  `act_output_linear(sum_n p_n * core_output_n)` and the next state is
  `sum_n p_n * state_n`. Variables `act_core/halting_linear/{w,b}` and
  `act_core/act_output_linear/{w,b}`, plus the core's.

  The output is `(output, (iterations, remainder))`, the latter two
  `[batch, 1]`: the ponder cost is `iterations + remainder`. As in Sonnet 1
  the remainder is `1 - (halting sum before the last step)`, except that it
  stays 0 when the first step already halts.

  >>> act = snt.ACTCore(snt.GRU(4), output_size=2, threshold=0.9,
  ...                   get_state_for_halting=lambda s: s)
  >>> (out, (steps, rem)), state = act(tf.ones([3, 5]), act.initial_state(3))
  >>> out.shape.as_list(), steps.shape.as_list()
  ([3, 2], [3, 1])
  """

  def __init__(self, core: Callable[..., Any],
               output_size: Union[int, Callable[[], int]], threshold: float,
               get_state_for_halting: Callable[[Any], tf.Tensor],
               max_steps: int = 0, name: str = "act_core"):
    """Configures the pondering.

    Args:
      core: an `snt.RNNCore` whose `output_size` is a single 1-D
        `TensorShape`.
      output_size: the size of the final output linear layer.
      threshold: the cumulative halting probability to stop at, in [0, 1].
      get_state_for_halting: a function from the core's state to a tensor
        `[batch, n]` that the halting unit reads.
      max_steps: the most ponder steps per input (0: no limit).
      name: the module's name.

    Raises:
      ValueError: if the core's output is nested or not 1-D, or `threshold`
        is not in [0, 1].
    """
    super().__init__(name=name)
    self._core = core
    self._output_size = output_size
    self._threshold = threshold
    self._get_state_for_halting = get_state_for_halting
    self._max_steps = max_steps
    if not isinstance(core.output_size, tf.TensorShape):
      raise ValueError("Output of core should be single Tensor.")
    if core.output_size.ndims != 1:
      raise ValueError("Output of core should be 1D.")
    if not 0 <= threshold <= 1:
      raise ValueError(
          "Threshold should be between 0 and 1, but found {}".format(threshold))
    self._batch_size = None
    self._dtype = None
    with self._enter_variable_scope():
      self._halting_linear = linear.Linear(1, name="halting_linear")
      self._output_linear = linear.Linear(output_size, name="act_output_linear")

  def _ponder_step(self, x, cumul_out, state, cumul_state, cumul_halting,
                   iteration, remainder):
    """One ponder step; halted batch entries get weight 0."""
    ones = tf.ones_like(cumul_halting)
    next_iteration = tf.where(tf.equal(cumul_halting, ones), iteration,
                              iteration + 1)
    out, next_state = self._core(x, state)
    halting = tf.sigmoid(
        self._halting_linear(self._get_state_for_halting(next_state)),
        name="halting")
    raw = cumul_halting + halting
    stop = raw > self._threshold
    if self._max_steps > 0:
      stop = tf.logical_or(stop,
                           tf.greater_equal(next_iteration, self._max_steps))
    next_cumul_halting = tf.where(stop, ones, raw)
    # The remainder 1 - (halting sum) freezes at the step before stopping.
    next_remainder = tf.where(stop, remainder, 1 - raw)
    weight = next_cumul_halting - cumul_halting
    return (cumul_out + weight * out, next_state,
            _nested_add(cumul_state, _nested_unary_mul(next_state, weight)),
            next_cumul_halting, next_iteration, next_remainder)

  def _build(self, x, prev_state):
    """Ponders over one input step.

    Args:
      x: a tensor `[batch_size, input_size]` with a known batch size.
      prev_state: the core's state.

    Returns:
      `((output, (iterations, remainder)), next_state)`.

    Raises:
      ValueError: if `x` is not of rank 2.
      UnderspecifiedError: if the batch size is unknown.
    """
    x.get_shape().with_rank(2)
    batch_size = x.get_shape().as_list()[0]
    if batch_size is None:
      raise errors.UnderspecifiedError(
          "%s: the batch size of the inputs must be known, got shape %s." %
          (self.scope_name, x.get_shape()))
    self._batch_size, self._dtype = batch_size, x.dtype
    flag_shape = [batch_size, 1]
    x_first = tf.concat([x, tf.zeros(flag_shape, x.dtype)], axis=1)
    x_later = tf.concat([x, tf.ones(flag_shape, x.dtype)], axis=1)
    zeros = tf.zeros(flag_shape, x.dtype)
    cumul_out = tf.zeros([batch_size] + self._core.output_size.as_list(),
                         x.dtype)
    # The first ponder step always runs: do it outside the loop so that the
    # variables are created outside control flow.
    loop_vars = self._ponder_step(x_first, cumul_out, prev_state,
                                  _nested_zeros_like(prev_state), zeros, zeros,
                                  zeros)

    def cond(unused_out, unused_state, unused_cumul_state, cumul_halting,
             *unused):
      return tf.reduce_any(cumul_halting < 1)

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
    return (tf.TensorShape([self._output_size]), (tf.TensorShape([1]),
                                                  tf.TensorShape([1])))

  batch_size = connected_property.connected_property(
      "_batch_size", """The batch size of the last connection.

      Raises:
        NotConnectedError: before the first connection.
      """)

  dtype = connected_property.connected_property(
      "_dtype", """The input dtype of the last connection.

      Raises:
        NotConnectedError: before the first connection.
      """)
