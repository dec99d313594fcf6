"""Sonnet 1 path `sonnet.python.modules.basic_rnn`."""

# pylint: disable=unused-import
from sonnet.src.deep_rnn import DeepRNN
from sonnet.src.vanilla_rnn import VanillaRNN
from sonnet.src.bidirectional_rnn import BidirectionalRNN
from sonnet.src.model_rnn import ModelRNN
