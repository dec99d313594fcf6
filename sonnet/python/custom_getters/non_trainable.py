"""Sonnet 1 path `sonnet.python.custom_getters.non_trainable`."""

# pylint: disable=unused-import
from sonnet.src.custom_getters.non_trainable import non_trainable
