"""Sonnet 1 path `sonnet.python.modules.basic`."""

# pylint: disable=unused-import
from sonnet.src.add_bias import AddBias
from sonnet.src.linear import Linear
