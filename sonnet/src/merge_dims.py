"""`MergeDims`: merges a run of consecutive dimensions into one."""

import numbers

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors
from sonnet.src import leading_dims


class MergeDims(base.AbstractModule):
  """Merges `size` consecutive dimensions, starting at `start`, into one.

  Works on a single tensor or on any nest of tensors. The module has no
  variables.

  >>> merge = snt.MergeDims(start=1, size=2)
  >>> merge(tf.zeros([2, 3, 4, 5])).shape.as_list()
  [2, 12, 5]
  """

  def __init__(self, start, size, name="merge_dims"):
    """Configures the merge.

    Args:
      start: the first dimension to merge (>= 0).
      size: how many dimensions to merge (>= 2).
      name: the module's name.

    Raises:
      ValueError: if `start` < 0 or `size` < 2.
    """
    super().__init__(name=name)
    if not isinstance(start, numbers.Integral) or start < 0:
      raise ValueError("MergeDims' start must be an integer >= 0, got %r."
                       % (start,))
    if not isinstance(size, numbers.Integral) or size < 2:
      raise ValueError("MergeDims' size must be an integer >= 2 (merging one "
                       "dimension does nothing), got %r." % (size,))
    self._start = int(start)
    self._size = int(size)

  def _build(self, inputs):
    """Merges the dimensions of every tensor in `inputs`.

    Args:
      inputs: a tensor, or a nest of tensors, each of rank >= start + size.

    Returns:
      The same structure, each tensor with dimensions `start` to
      `start + size - 1` merged into one.

    Raises:
      IncompatibleShapeError: if a tensor's rank is below `start + size`.
    """
    flat = [tf.convert_to_tensor(x) for x in tf.nest.flatten(inputs)]
    end = self._start + self._size
    for tensor in flat:
      rank = tensor.get_shape().ndims
      if rank is None or rank < end:
        raise errors.IncompatibleShapeError(
            "%s: inputs must have rank >= start + size = %d, got shape %s."
            % (self.scope_name, end, tensor.get_shape()))
    merged = [self._merge(tensor) for tensor in flat]
    return tf.nest.pack_sequence_as(inputs, merged)

  def _merge(self, tensor):
    shape = leading_dims.dims(tensor)
    start, end = self._start, self._start + self._size
    middle = shape[start:end]
    if all(isinstance(d, int) for d in middle):
      size = 1
      for d in middle:
        size *= d
    else:
      size = tf.reduce_prod(tf.shape(tensor)[start:end])
    return leading_dims.reshape(tensor, shape[:start] + [size] + shape[end:])
