"""The initializers Sonnet modules use when the user gives none."""

import functools
import math

import tensorflow as tf

# Initializer objects are immutable configuration, and building one costs
# tens of microseconds: modules ask for them on every connection, so the
# same object is handed out for the same arguments.


def weights(fan_in, dtype=tf.float32):
  """Truncated normal with stddev 1/sqrt(fan_in), as Sonnet 1 used.

  Args:
    fan_in: the number of inputs feeding each output unit (an int, or a
      TF1 `Dimension`).
    dtype: the dtype of the variable it will initialize.

  Returns:
    A `tf.compat.v1` initializer.

  Raises:
    ValueError: if `dtype` is not a floating point type (Sonnet 1 refused
      these before creating any variable).
  """
  _check_floating(dtype)
  return _weights(int(fan_in))


def _check_floating(dtype):
  dtype = tf.as_dtype(dtype)
  if not dtype.is_floating:
    raise ValueError("Expected floating point type, got %s. The default "
                     "weight initializer is a float distribution: pass an "
                     "initializer for integer weights." % dtype)


@functools.lru_cache(maxsize=None)
def _weights(fan_in):
  return tf.compat.v1.truncated_normal_initializer(stddev=1. /
                                                   math.sqrt(fan_in))


@functools.lru_cache(maxsize=None)
def bias():
  """Zeros, the default for biases.

  Returns:
    A `tf.compat.v1` initializer.
  """
  return tf.compat.v1.zeros_initializer()


def create_linear_initializer(input_size, dtype=tf.float32):
  """Sonnet 1's `basic.create_linear_initializer`, for its deep path.

  Args:
    input_size: the number of inputs of the layer.
    dtype: the initializer's default dtype.

  Returns:
    A truncated normal initializer with stddev 1/sqrt(input_size).

  Raises:
    ValueError: if `dtype` is not a floating point type.
  """
  _check_floating(dtype)
  return tf.compat.v1.truncated_normal_initializer(
      stddev=1 / math.sqrt(input_size), dtype=dtype)


def create_bias_initializer(unused_bias_shape, dtype=tf.float32):
  """Sonnet 1's `basic.create_bias_initializer`: zeros of `dtype`."""
  return tf.compat.v1.zeros_initializer(dtype=dtype)
