"""Sonnet 1 path `sonnet.python.modules.pondering_rnn`."""

# pylint: disable=unused-import
from sonnet.src.act_core import ACTCore
