"""Sonnet 1 path `sonnet.python.modules.pondering_rnn`."""

# pylint: disable=unused-import
from sonnet.src.act_core import _nested_add
from sonnet.src.act_core import _nested_unary_mul
from sonnet.src.act_core import _nested_zeros_like
from sonnet.src.act_core import ACTCore
