"""`merge_leading_dims` and `split_leading_dim`: fold batch dimensions.

Both keep every dimension that is known statically as a Python int, and
read the others from `tf.shape` at run time, so they work on partly known
shapes in graph mode and inside `tf.function`.
"""

import numpy as np
import tensorflow as tf


def dims(tensor):
  """The dimensions of `tensor`: ints where known, scalar tensors elsewhere.

  Args:
    tensor: a tensor of known rank.

  Returns:
    A list with one entry per dimension.
  """
  static = tensor.get_shape().as_list()
  if None not in static:
    return static
  dynamic = tf.shape(tensor)
  return [d if d is not None else dynamic[i] for i, d in enumerate(static)]


def static_dims(shape):
  """The static part of a `dims` list (None for the run-time entries)."""
  return [d if isinstance(d, int) else None for d in shape]


def reshape(tensor, shape):
  """`tf.reshape` to a `dims`-style list, keeping what is known statically.

  Args:
    tensor: the tensor to reshape.
    shape: a list of ints (-1 allowed once) and scalar int32 tensors.

  Returns:
    The reshaped tensor.
  """
  if all(isinstance(d, int) for d in shape):
    return tf.reshape(tensor, shape)
  outputs = tf.reshape(
      tensor,
      tf.stack([
          tf.constant(d, tf.int32) if isinstance(d, int) else tf.cast(
              d, tf.int32) for d in shape]))
  outputs.set_shape([
      d if isinstance(d, int) and d >= 0 else None for d in shape])
  return outputs


def _product(values):
  """The product of a `dims` list: an int if all are ints, else a tensor."""
  if all(isinstance(v, int) for v in values):
    return int(np.prod(values, dtype=np.int64))
  total = tf.constant(1, tf.int32)
  for v in values:
    total *= v
  return total


def merge_leading_dims(array_or_tensor, n_dims=2):
  """Merges the first `n_dims` dimensions of a tensor into one.

  A `[T, B, ...]` tensor becomes `[T * B, ...]`, the shape a module that
  takes one batch dimension expects.

  Args:
    array_or_tensor: a tensor, or a NumPy array or number (converted to a
      tensor).
    n_dims: how many leading dimensions to merge.

  Returns:
    The reshaped tensor. An input of rank lower than `n_dims` is returned
    unchanged (so scalars pass through `snt.BatchApply`).

  Raises:
    ValueError: if the input's rank is not known.

  >>> snt.merge_leading_dims(tf.zeros([2, 3, 5])).shape.as_list()
  [6, 5]
  """
  tensor = tf.convert_to_tensor(array_or_tensor)
  if tensor.get_shape().ndims is None:
    raise ValueError(
        "Can't merge leading dimensions of tensor of unknown rank.")
  if tensor.get_shape().ndims < n_dims:
    return array_or_tensor
  shape = dims(tensor)
  return reshape(tensor, [_product(shape[:n_dims])] + shape[n_dims:])


def split_leading_dim(tensor, inputs, n_dims=2):
  """Splits the first dimension of `tensor` as `inputs`' first `n_dims`.

  The inverse of `merge_leading_dims`: a `[T * B, ...]` output of a module
  becomes `[T, B, ...]` where `inputs` has shape `[T, B, ...]`.

  Args:
    tensor: a tensor whose first dimension is the product of the leading
      dimensions of `inputs`.
    inputs: a tensor (usually the input that was merged); its first
      `n_dims` dimensions (or all, if it has fewer) are used.
    n_dims: how many leading dimensions of `inputs` to split into.

  Returns:
    A tensor of shape `inputs.shape[:n_dims] + tensor.shape[1:]`.

  Raises:
    ValueError: if a rank is unknown, or (in graph mode) the sizes do not
      fit; eager mode raises `tf.errors.InvalidArgumentError` for the
      latter.

  >>> x = tf.zeros([2, 3, 5])
  >>> snt.split_leading_dim(tf.zeros([6, 4]), x).shape.as_list()
  [2, 3, 4]
  """
  tensor = tf.convert_to_tensor(tensor)
  inputs = tf.convert_to_tensor(inputs)
  return reshape(tensor, dims(inputs)[:n_dims] + dims(tensor)[1:])
