"""Sonnet 1 path `sonnet.python.modules.attention`."""

# pylint: disable=unused-import
from sonnet.src.attention import AttentionOutput
from sonnet.src.attention import AttentiveRead
