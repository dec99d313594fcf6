"""Sonnet 1 path `sonnet.python.modules.batch_norm`."""

# pylint: disable=unused-import
from sonnet.src.batch_norm import BatchNorm
