"""Sonnet 1 path `sonnet.python.custom_getters.override_args`."""

# pylint: disable=unused-import
from sonnet.src.custom_getters.override_args import override_args
from sonnet.src.custom_getters.override_args import override_default_args
