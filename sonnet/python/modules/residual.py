"""Sonnet 1 path `sonnet.python.modules.residual`."""

# pylint: disable=unused-import
from sonnet.src.residual import Residual
from sonnet.src.residual import ResidualCore
from sonnet.src.residual import SkipConnectionCore
