"""Sonnet 1 path `sonnet.python.custom_getters.context`."""

# pylint: disable=unused-import
from sonnet.src.custom_getters.context import Context
