"""Sonnet 1 path `sonnet.python.modules.nets.mlp`."""

# pylint: disable=unused-import
from sonnet.src.nets.mlp import MLP
