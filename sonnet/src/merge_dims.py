"""`MergeDims`: merges a run of consecutive dimensions into one."""

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import leading_dims


class MergeDims(base.AbstractModule):
  """Merges `size` consecutive dimensions, starting at `start`, into one.

  Works on a single tensor or on any nest of tensors; a negative `start`
  counts from the end of each tensor's shape. The module has no variables.

  >>> merge = snt.MergeDims(start=1, size=2)
  >>> merge(tf.zeros([2, 3, 4, 5])).shape.as_list()
  [2, 12, 5]
  """

  def __init__(self, start: int, size: int, name: str = "merge_dims"):
    """Configures the merge.

    Args:
      start: the first dimension to merge; negative counts from the end.
      size: how many dimensions to merge (> 1).
      name: the module's name.

    Raises:
      ValueError: if `size` <= 1.
    """
    super().__init__(name=name)
    self._start = start
    self._size = size
    if size <= 1:
      raise ValueError("`size` should be strictly greater than 1.")

  def _build(self, inputs):
    """Merges the dimensions of every tensor in `inputs`.

    Args:
      inputs: a tensor, or a nest of tensors, each of known rank >=
        start + size (or >= -start for a negative `start`).

    Returns:
      The same structure, each tensor with dimensions `start` to
      `start + size - 1` merged into one.

    Raises:
      ValueError: if a tensor's rank is unknown or too small.
    """
    merged = [
        self._merge(tf.convert_to_tensor(x)) for x in tf.nest.flatten(inputs)]
    return tf.nest.pack_sequence_as(inputs, merged)

  def _merge(self, tensor):
    rank = len(tensor.get_shape().as_list())
    start = self._start + rank if self._start < 0 else self._start
    end = start + self._size
    if start < 0 or rank < end:
      raise ValueError("Rank of inputs must be at least {}.".format(
          max(self._start + self._size, -self._start)))
    shape = leading_dims.dims(tensor)
    middle = shape[start:end]
    if all(isinstance(d, int) for d in middle):
      size = 1
      for d in middle:
        size *= d
    else:
      size = tf.reduce_prod(tf.shape(tensor)[start:end])
    return leading_dims.reshape(tensor, shape[:start] + [size] + shape[end:])
