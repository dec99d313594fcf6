"""Sonnet 1 path `sonnet.python.modules.scale_gradient`."""

# pylint: disable=unused-import
from sonnet.src.scale_gradient import scale_gradient
