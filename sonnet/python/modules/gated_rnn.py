"""Sonnet 1 path `sonnet.python.modules.gated_rnn`."""

# pylint: disable=unused-import
from sonnet.src.batch_norm_lstm import BatchNormLSTM
from sonnet.src.conv_lstm import Conv1DLSTM
from sonnet.src.conv_lstm import Conv2DLSTM
from sonnet.src.conv_lstm import ConvLSTM
from sonnet.src.gru import GRU
from sonnet.src.highway_core import HighwayCore
from sonnet.src.lstm import LSTM
from sonnet.src.lstm import LSTMState
from sonnet.src.lstm_block_cell import LSTMBlockCell
from sonnet.src.recurrent_dropout import RecurrentDropoutWrapper
from sonnet.src.recurrent_factories import highway_core_with_recurrent_dropout
from sonnet.src.recurrent_factories import lstm_with_recurrent_dropout
from sonnet.src.recurrent_factories import lstm_with_zoneout
from sonnet.src.zoneout import ZoneoutWrapper
