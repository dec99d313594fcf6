"""Sonnet 1 path `sonnet.python.modules.optimization_constraints`."""

# pylint: disable=unused-import
from sonnet.src.optimization_constraints import get_lagrange_multiplier
from sonnet.src.optimization_constraints import OptimizationConstraints
