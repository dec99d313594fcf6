"""Sonnet 1 path `sonnet.python.modules.gated_rnn`."""

# pylint: disable=unused-import
from sonnet.src.gru import GRU
from sonnet.src.lstm import LSTM
from sonnet.src.lstm import LSTMState
