"""Sonnet 1 path `sonnet.python.custom_getters.restore_initializer`."""

# pylint: disable=unused-import
from sonnet.src.custom_getters.restore_initializer import restore_initializer
