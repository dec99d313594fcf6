"""Recurrent dropout: one dropout mask per sequence on a core's state."""

import tensorflow as tf

from sonnet.src import rnn_core


class RecurrentDropoutWrapper(rnn_core.CoreWrapper):
  """Applies dropout to a core's new state, with masks fixed for a sequence.

  The masks are drawn by `initial_state` (`tf.nn.dropout` of ones, so a
  kept unit is scaled by `1 / keep_prob`) and carried in the state:
  `(core_state, [mask, ...])`, one mask per state part with a keep
  probability. Each step multiplies the core's new state by them; the
  output is the core's own (Gal & Ghahramani, 2016). Named
  `<core's module name>_recdropout`.
  """

  def __init__(self, core, keep_probs):
    """Stores the core.

    Args:
      core: the `snt.RNNCore` to wrap.
      keep_probs: a nest like `core.state_size` of keep probabilities, None
        for a state part that is not dropped.
    """
    super().__init__(name=core.module_name + "_recdropout")
    self._core = core
    self._keep_probs = keep_probs
    # The sizes of the dropped parts, and for each state part the index of
    # its mask (None where nothing is dropped).
    self._dropout_state_size = []

    def mask_index(keep_prob, state_size):
      if keep_prob is None:
        return None
      self._dropout_state_size.append(state_size)
      return len(self._dropout_state_size) - 1

    self._dropout_indexes = tf.nest.map_structure(mask_index, keep_probs,
                                                  core.state_size)

  def _build(self, inputs, prev_state):
    """Steps the core, then drops out its new state with the masks."""
    core_state, dropout_masks = prev_state
    output, next_core_state = self._core(inputs, core_state)
    next_core_state = tf.nest.map_structure(
        lambda i, state: state if i is None else state * dropout_masks[i],
        self._dropout_indexes, next_core_state)
    return output, (next_core_state, dropout_masks)

  def initial_state(self, batch_size, dtype=tf.float32, trainable=False,
                    trainable_initializers=None, trainable_regularizers=None,
                    name=None):
    """`(core's initial state, freshly drawn masks)`.

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the state's dtype.
      trainable: as for the core's `initial_state`.
      trainable_initializers: as for the core's `initial_state`.
      trainable_regularizers: as for the core's `initial_state`.
      name: as for the core's `initial_state`.

    Returns:
      `(core_state, masks)`, `masks` a list.
    """
    core_initial_state = self._core.initial_state(
        batch_size, dtype=dtype, trainable=trainable,
        trainable_initializers=trainable_initializers,
        trainable_regularizers=trainable_regularizers, name=name)
    dropout_masks = [None] * len(self._dropout_state_size)

    def draw_mask(index, state, keep_prob):
      if index is not None:
        ones = tf.ones_like(state, dtype=dtype)
        dropout_masks[index] = tf.nn.dropout(ones, rate=1. - keep_prob)

    tf.nest.map_structure(draw_mask, self._dropout_indexes, core_initial_state,
                          self._keep_probs)
    return core_initial_state, dropout_masks

  @property
  def state_size(self):
    """`(core.state_size, [sizes of the dropped parts])`."""
    return self._core.state_size, list(self._dropout_state_size)
