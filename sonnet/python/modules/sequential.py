"""Sonnet 1 path `sonnet.python.modules.sequential`."""

# pylint: disable=unused-import
from sonnet.src.sequential import Sequential
