"""Sonnet 1 path `sonnet.python.custom_getters.bayes_by_backprop`."""

# pylint: disable=unused-import,wildcard-import,unused-wildcard-import
from sonnet.custom_getters.bayes_by_backprop import *
