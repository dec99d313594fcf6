"""Sonnet 1 path `sonnet.python.modules.rnn_core`."""

# pylint: disable=unused-import
from sonnet.src.reflection import with_doc
from sonnet.src.rnn_cell_wrapper import RNNCellWrapper
from sonnet.src.rnn_core import RNNCore
from sonnet.src.rnn_core import trainable_initial_state
from sonnet.src.trainable_initial_state import TrainableInitialState
from sonnet.src.unroll import dynamic_unroll
from sonnet.src.unroll import static_unroll
