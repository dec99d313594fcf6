"""Sonnet 1 path `sonnet.python.modules.moving_average`."""

# pylint: disable=unused-import
from sonnet.src.moving_average import _pass_through_gradients
from sonnet.src.moving_average import MovingAverage
