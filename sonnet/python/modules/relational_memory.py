"""Sonnet 1 path `sonnet.python.modules.relational_memory`."""

# pylint: disable=unused-import
from sonnet.src.relational_memory import RelationalMemory
