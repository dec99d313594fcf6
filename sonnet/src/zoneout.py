"""Zoneout: randomly keep parts of a core's previous state (Krueger et al.)."""

import tensorflow as tf

from sonnet.src import rnn_core


class ZoneoutWrapper(rnn_core.CoreWrapper):
  """Keeps each state unit's previous value with probability `1 - keep_prob`.

  In training, `s' = s + keep_prob * dropout(core(s) - s, keep_prob)`,
  i.e. each unit takes its new value with probability `keep_prob` (drawn at
  every step) and keeps its old one otherwise; at test time the
  expectation, `s' = (1 - keep_prob) * s + keep_prob * core(s)`. The output
  is the core's own. Named `<core's module name>_zoneout`.
  """

  def __init__(self, core, keep_probs, is_training):
    """Stores the core.

    Args:
      core: the `snt.RNNCore` to wrap.
      keep_probs: a nest like `core.state_size` of update probabilities
        (None: always update that part).
      is_training: whether to sample (True) or use expectations.
    """
    super().__init__(name=core.module_name + "_zoneout")
    self._core = core
    self._keep_probs = keep_probs
    self._is_training = is_training

  def _build(self, inputs, prev_state):
    """Steps the core, then zones out its new state."""
    output, next_state = self._core(inputs, prev_state)

    def zoneout(keep_prob, next_s, prev_s):
      if keep_prob is None:
        return next_s
      if self._is_training:
        # Dropout zeroes the change (keeping prev_s) with probability
        # 1 - keep_prob and otherwise scales it by 1 / keep_prob.
        diff = next_s - prev_s
        return prev_s + tf.nn.dropout(diff, rate=1. - keep_prob) * keep_prob
      return prev_s * (1 - keep_prob) + next_s * keep_prob

    next_state = tf.nest.map_structure(zoneout, self._keep_probs, next_state,
                                       prev_state)
    return output, next_state

  def initial_state(self, batch_size, dtype=tf.float32, trainable=False,
                    trainable_initializers=None, trainable_regularizers=None,
                    name=None):
    """The core's `initial_state`."""
    return self._core.initial_state(
        batch_size, dtype=dtype, trainable=trainable,
        trainable_initializers=trainable_initializers,
        trainable_regularizers=trainable_regularizers, name=name)
