"""Sonnet 1 path `sonnet.python.ops.initializers`."""

# pylint: disable=unused-import
from sonnet.src.checkpoint_initializer import restore_initializer
