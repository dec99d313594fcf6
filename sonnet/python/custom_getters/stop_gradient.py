"""Sonnet 1 path `sonnet.python.custom_getters.stop_gradient`."""

# pylint: disable=unused-import
from sonnet.src.custom_getters.stop_gradient import stop_gradient
