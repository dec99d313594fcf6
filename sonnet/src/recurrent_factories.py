"""Concrete cores with recurrent dropout or zoneout, as (train, test) pairs.

The wrappers (`RecurrentDropoutWrapper`, `ZoneoutWrapper`) work on any
core; these factories pair them with the cores Sonnet 1 offered them for.
"""

from sonnet.src import highway_core
from sonnet.src import lstm
from sonnet.src import recurrent_dropout
from sonnet.src import zoneout


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
  keep_probs = lstm.LSTMState(keep_prob, None)
  return recurrent_dropout.RecurrentDropoutWrapper(core, keep_probs), core


def highway_core_with_recurrent_dropout(hidden_size, num_layers, keep_prob=0.5,
                                        **kwargs):
  """A `HighwayCore` with recurrent dropout on its state, for training.

  >>> train_core, test_core = snt.highway_core_with_recurrent_dropout(4, 2)

  Args:
    hidden_size: the core's size.
    num_layers: the number of highway layers.
    keep_prob: the probability of keeping each state unit.
    **kwargs: other `snt.HighwayCore` arguments.

  Returns:
    `(train_core, test_core)`: the core wrapped with dropout, and the same
    core (same variables) without it.
  """
  core = highway_core.HighwayCore(hidden_size, num_layers, **kwargs)
  return recurrent_dropout.RecurrentDropoutWrapper(core, keep_prob), core


def lstm_with_zoneout(hidden_size, keep_prob_c=0.5, keep_prob_h=0.95, **kwargs):
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
  return (zoneout.ZoneoutWrapper(core, keep_probs, is_training=True),
          zoneout.ZoneoutWrapper(core, keep_probs, is_training=False))
