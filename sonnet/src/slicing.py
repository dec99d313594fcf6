"""`SelectInput`, `SliceByDim` and `TileByDim`: pick and repeat parts."""

import numbers

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors


def _check_int_list(values, what):
  """Returns `values` as a tuple of ints, or raises TypeError."""
  try:
    values = tuple(values)
  except TypeError:
    raise TypeError("%s must be a list of integers, got %r." % (what, values))
  for v in values:
    if not isinstance(v, numbers.Integral) or isinstance(v, bool):
      raise TypeError("%s must be a list of integers, got %r." % (what, values))
  return tuple(int(v) for v in values)


def _check_dims(dims, other, other_name):
  """Checks `dims` (unique, >= 0) and that `other` has the same length."""
  if len(set(dims)) != len(dims):
    raise ValueError("dims must not repeat a dimension, got %r." % (dims,))
  if any(d < 0 for d in dims):
    raise ValueError("dims must be dimension indices >= 0, got %r." % (dims,))
  if len(other) != len(dims):
    raise ValueError("dims and %s must have the same length, got %r and %r."
                     % (other_name, dims, other))


class SelectInput(base.AbstractModule):
  """Returns some of its positional inputs, arranged as `idx` says.

  `idx` is an index, or a nest of indices: the output has the structure of
  `idx` with each index replaced by that input.

  >>> select = snt.SelectInput(idx=[1, (0, 1)])
  >>> select("a", "b")
  ['b', ('a', 'b')]
  """

  def __init__(self, idx, name="select_input"):
    """Configures the selection.

    Args:
      idx: an int >= 0, or a nest of them.
      name: the module's name.

    Raises:
      TypeError: if `idx` holds something other than ints.
      ValueError: if an index is negative.
    """
    super().__init__(name=name)
    for i in tf.nest.flatten(idx):
      if not isinstance(i, numbers.Integral) or isinstance(i, bool):
        raise TypeError("idx must be an integer or a nest of integers, got "
                        "%r." % (idx,))
      if i < 0:
        raise ValueError("idx must hold indices >= 0, got %r." % (idx,))
    # Not tracked: a tracked attribute would turn lists into ListWrappers.
    self._set_untracked(_idx=idx)

  def _build(self, *inputs):
    """Selects inputs.

    Args:
      *inputs: the inputs to choose from (any Python objects).

    Returns:
      The nest `idx` with every index replaced by the input at that index.

    Raises:
      ValueError: if an index is not smaller than the number of inputs.
    """
    largest = max(tf.nest.flatten(self._idx), default=-1)
    if largest >= len(inputs):
      raise ValueError("%s: idx %r refers to input %d, but only %d inputs "
                       "were given." % (self.scope_name, self._idx, largest,
                                        len(inputs)))
    return tf.nest.map_structure(lambda i: inputs[i], self._idx)


class _ByDim(base.AbstractModule):
  """Shared checks of `SliceByDim` and `TileByDim`."""

  def _check_rank(self, inputs):
    rank = inputs.get_shape().ndims
    needed = max(self._dims, default=-1) + 1
    if rank is None or rank < needed:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have rank >= %d to use dims %s, got shape %s."
          % (self.scope_name, needed, list(self._dims), inputs.get_shape()))
    return rank


class SliceByDim(_ByDim):
  """Slices chosen dimensions, keeping the others whole.

  `begin[i]` and `size[i]` apply to dimension `dims[i]`, as in `tf.slice`
  (a size of -1 takes the rest of that dimension).

  >>> sliced = snt.SliceByDim(dims=[1], begin=[1], size=[2])
  >>> sliced(tf.reshape(tf.range(8), [2, 4])).numpy().tolist()
  [[1, 2], [5, 6]]
  """

  def __init__(self, dims, begin, size, name="slice_by_dim"):
    """Configures the slice.

    Args:
      dims: the dimensions to slice (unique ints >= 0).
      begin: the first index to keep in each of `dims`.
      size: how many entries to keep in each of `dims` (-1: to the end).
      name: the module's name.

    Raises:
      TypeError: if an argument is not a list of ints.
      ValueError: if `dims` repeats a dimension or holds a negative one, or
        the three lists have different lengths.
    """
    super().__init__(name=name)
    self._dims = _check_int_list(dims, "dims")
    self._begin = _check_int_list(begin, "begin")
    self._size = _check_int_list(size, "size")
    _check_dims(self._dims, self._begin, "begin")
    _check_dims(self._dims, self._size, "size")

  def _build(self, inputs):
    """Slices `inputs`.

    Args:
      inputs: a tensor of rank > max(dims).

    Returns:
      The slice; dimensions not in `dims` are kept whole.

    Raises:
      IncompatibleShapeError: if the rank of `inputs` is too small.
    """
    rank = self._check_rank(inputs)
    begin = [0] * rank
    size = [-1] * rank
    for dim, b, s in zip(self._dims, self._begin, self._size):
      begin[dim] = b
      size[dim] = s
    return tf.slice(inputs, begin, size)


class TileByDim(_ByDim):
  """Tiles (repeats) chosen dimensions, keeping the others as they are.

  >>> tile = snt.TileByDim(dims=[1], multiples=[3])
  >>> tile(tf.constant([[1, 2]])).numpy().tolist()
  [[1, 2, 1, 2, 1, 2]]
  """

  def __init__(self, dims, multiples, name="tile_by_dim"):
    """Configures the tiling.

    Args:
      dims: the dimensions to tile (unique ints >= 0).
      multiples: how many copies of each of `dims` to make.
      name: the module's name.

    Raises:
      TypeError: if an argument is not a list of ints.
      ValueError: if `dims` repeats a dimension or holds a negative one, or
        the lists have different lengths.
    """
    super().__init__(name=name)
    self._dims = _check_int_list(dims, "dims")
    self._multiples = _check_int_list(multiples, "multiples")
    _check_dims(self._dims, self._multiples, "multiples")

  def _build(self, inputs):
    """Tiles `inputs`.

    Args:
      inputs: a tensor of rank > max(dims).

    Returns:
      The tiled tensor.

    Raises:
      IncompatibleShapeError: if the rank of `inputs` is too small.
    """
    rank = self._check_rank(inputs)
    multiples = [1] * rank
    for dim, m in zip(self._dims, self._multiples):
      multiples[dim] = m
    return tf.tile(inputs, multiples)
