"""Zoneout: randomly keep parts of a core's previous state (Krueger et al.)."""

import tensorflow as tf

from sonnet.src import lstm
from sonnet.src import rnn_core


class ZoneoutWrapper(rnn_core.RNNCore):
  """Keeps each state unit's previous value with probability `1 - keep_prob`.

  In training, `s' = s + mask * (core(s) - s)` with `mask ~
  Bernoulli(keep_prob)` drawn at every step; at test time the expectation,
  `s' = s + keep_prob * (core(s) - s)`. The output is the new state's
  part that the core outputs when it is the state itself (as for an LSTM's
  hidden state); otherwise the core's output.
  """

  def __init__(self, core, keep_probs, is_training, name="zoneout_wrapper"):
    """Stores the core.

    Args:
      core: the `snt.RNNCore` to wrap.
      keep_probs: a nest like `core.state_size` of update probabilities
        (None: always update that part).
      is_training: whether to sample masks (True) or use expectations.
      name: the module's name.
    """
    super().__init__(name=name)
    tf.nest.assert_same_structure(keep_probs, core.state_size,
                                  check_types=False)
    self._core = core
    self._keep_probs = keep_probs
    self._is_training = is_training

  def _build(self, inputs, prev_state):
    """Steps the core, then zones out the state."""
    outputs, next_state = self._core(inputs, prev_state)

    def zoneout(prob, new, old):
      if prob is None:
        return new
      if self._is_training:
        mask = tf.cast(tf.random.uniform(tf.shape(new)) < prob, new.dtype)
        return old + mask * (new - old)
      return old + prob * (new - old)

    flat_new = tf.nest.flatten(next_state)
    zoned = tf.nest.pack_sequence_as(next_state, [
        zoneout(p, n, o) for p, n, o in zip(
            tf.nest.flatten(self._keep_probs), flat_new,
            tf.nest.flatten(prev_state))])
    flat_zoned = tf.nest.flatten(zoned)
    for new, zoned_leaf in zip(flat_new, flat_zoned):
      if new is outputs:
        outputs = zoned_leaf
    return outputs, zoned

  def initial_state(self, *args, **kwargs):
    """The core's `initial_state`."""
    return self._core.initial_state(*args, **kwargs)

  def zero_state(self, *args, **kwargs):
    """The core's `zero_state`."""
    return self._core.zero_state(*args, **kwargs)

  @property
  def state_size(self):
    """The core's state size."""
    return self._core.state_size

  @property
  def output_size(self):
    """The core's output size."""
    return self._core.output_size


def lstm_with_zoneout(hidden_size, keep_prob_c=0.5, keep_prob_h=0.95,
                      **kwargs):
  """An `LSTM` with zoneout on its cell and hidden states.

  >>> train_lstm, test_lstm = snt.lstm_with_zoneout(4)
  >>> out, _ = test_lstm(tf.ones([2, 3]), test_lstm.initial_state(2))

  Args:
    hidden_size: the LSTM's size.
    keep_prob_c: the probability of updating each cell unit at a step.
    keep_prob_h: the probability of updating each hidden unit at a step.
    **kwargs: other `snt.LSTM` arguments.

  Returns:
    `(train_core, test_core)`: random zoneout, and its expectation; both
    share the LSTM's variables.
  """
  core = lstm.LSTM(hidden_size, **kwargs)
  keep_probs = lstm.LSTMState(hidden=keep_prob_h, cell=keep_prob_c)
  return (ZoneoutWrapper(core, keep_probs, is_training=True),
          ZoneoutWrapper(core, keep_probs, is_training=False))
