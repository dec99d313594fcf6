"""Regularizers for the `regularizers=` dicts of Sonnet modules."""

from sonnet.src.regularizers import l1
from sonnet.src.regularizers import l2
from sonnet.src.regularizers import sum_regularizer

__all__ = ["l1", "l2", "sum_regularizer"]
