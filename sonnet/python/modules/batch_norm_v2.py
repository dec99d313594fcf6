"""Sonnet 1 path `sonnet.python.modules.batch_norm_v2`."""

# pylint: disable=unused-import
from sonnet.src.batch_norm_v2 import BatchNormV2
