"""Sonnet 1 path `sonnet.python.modules.clip_gradient`."""

# pylint: disable=unused-import
from sonnet.src.clip_gradient import clip_gradient
