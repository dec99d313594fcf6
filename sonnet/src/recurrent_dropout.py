"""Recurrent dropout: one dropout mask per sequence on a core's state."""

import tensorflow as tf

from sonnet.src import lstm
from sonnet.src import rnn_core


class RecurrentDropoutWrapper(rnn_core.RNNCore):
  """Applies dropout to a core's state, with masks fixed for a sequence.

  The masks are drawn when the initial state is made and carried in the
  state: `(core_state, masks)`, so every step of a sequence drops the same
  units (Gal & Ghahramani, 2016).
  """

  def __init__(self, core, keep_probs, name="recurrent_dropout_wrapper"):
    """Stores the core.

    Args:
      core: the `snt.RNNCore` to wrap.
      keep_probs: a nest like `core.state_size` of keep probabilities, None
        for a state part that is not dropped.
      name: the module's name.
    """
    super().__init__(name=name)
    self._core = core
    tf.nest.assert_same_structure(keep_probs, core.state_size,
                                  check_types=False)
    self._keep_probs = tf.nest.flatten(keep_probs)
    self._dropped = [i for i, p in enumerate(self._keep_probs)
                     if p is not None]

  def _masks(self, batch_size, dtype):
    sizes = tf.nest.flatten(self._core.state_size)
    masks = []
    for i in self._dropped:
      ones = rnn_core._zeros(batch_size, sizes[i], dtype) + 1.  # pylint: disable=protected-access
      masks.append(tf.nn.dropout(ones, rate=1. - self._keep_probs[i]))
    return tuple(masks)

  def _build(self, inputs, prev_state):
    """Drops out the core's state with the sequence's masks, then steps."""
    core_state, masks = prev_state
    flat = tf.nest.flatten(core_state)
    for i, mask in zip(self._dropped, masks):
      flat[i] = flat[i] * mask
    core_state = tf.nest.pack_sequence_as(core_state, flat)
    outputs, next_core_state = self._core(inputs, core_state)
    return outputs, (next_core_state, masks)

  def initial_state(self, batch_size, dtype=tf.float32, trainable=False,
                    trainable_initializers=None, trainable_regularizers=None,
                    name=None, **unused_kwargs):
    """`(core's initial state, freshly drawn masks)`."""
    return (self._core.initial_state(
        batch_size, dtype=dtype, trainable=trainable,
        trainable_initializers=trainable_initializers,
        trainable_regularizers=trainable_regularizers, name=name),
            self._masks(batch_size, dtype))

  def zero_state(self, batch_size, dtype):
    """`(core's zero state, freshly drawn masks)`."""
    return (self._core.zero_state(batch_size, dtype),
            self._masks(batch_size, dtype))

  @property
  def state_size(self):
    """`(core.state_size, sizes of the masks)`."""
    sizes = tf.nest.flatten(self._core.state_size)
    return (self._core.state_size, tuple(sizes[i] for i in self._dropped))

  @property
  def output_size(self):
    """The core's output size."""
    return self._core.output_size


def lstm_with_recurrent_dropout(hidden_size, keep_prob=0.5, **kwargs):
  """An `LSTM` with recurrent dropout on its hidden state, for training.

  >>> train_lstm, test_lstm = snt.lstm_with_recurrent_dropout(4)
  >>> out, _ = train_lstm(tf.ones([2, 3]), train_lstm.initial_state(2))

  Args:
    hidden_size: the LSTM's size.
    keep_prob: the probability of keeping each hidden unit.
    **kwargs: other `snt.LSTM` arguments.

  Returns:
    `(train_core, test_core)`: the LSTM wrapped with dropout, and the same
    LSTM (same variables) without it.
  """
  core = lstm.LSTM(hidden_size, **kwargs)
  return (RecurrentDropoutWrapper(core, lstm.LSTMState(keep_prob, None)),
          core)
