"""Sonnet 1 path `sonnet.python.ops.resampler`."""

# pylint: disable=unused-import
from sonnet.src.resampler import resampler


def resampler_is_available():
  """Always True: the resampler is built from core TensorFlow ops."""
  return True
