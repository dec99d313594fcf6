"""`SelectInput`, `SliceByDim` and `TileByDim`: pick and repeat parts."""

import numbers
from typing import Sequence, Union

import numpy as np
import tensorflow as tf

from sonnet.src.core import base


def _check_dims(dims, others):
  """Sonnet 1's checks: unique `dims`, and each other list as long.

  Args:
    dims: the dimension indices.
    others: (name, list) pairs that need one entry per dimension.

  Raises:
    ValueError: if `dims` repeats a value or a list has another length.
  """
  if np.unique(dims).size != len(dims):
    raise ValueError("dims must not have any repeated integers.")
  for name, values in others:
    if len(values) != len(dims):
      raise ValueError("{} must have the same length as dims: {}.".format(
          name, len(dims)))


def _per_dimension(rank, dims, values, default):
  """A list of `rank` entries: `values` at `dims`, `default` elsewhere.

  Raises:
    IndexError: if a dimension index is out of range for `rank`.
  """
  full = [default] * rank
  for dim, value in zip(dims, values):
    if not -rank <= dim < rank:
      raise IndexError("dims {} do not fit inputs of rank {}.".format(
          list(dims), rank))
    full[dim] = value
  return full


class SelectInput(base.AbstractModule):
  """Returns some of its positional inputs, arranged as `idx` says.

  `idx` is an index, or nested lists and tuples of them: the output has the
  structure of `idx`, with every list or tuple made a tuple and every index
  replaced by (a `tf.identity` of) that input.

  >>> select = snt.SelectInput(idx=[1, (0, 1)])
  >>> a, b = tf.constant(1), tf.constant(2)
  >>> tf.nest.map_structure(int, select(a, b))
  (2, (1, 2))
  """

  def __init__(self, idx: Union[int, Sequence[int]],
               name: str = "select_input"):
    """Configures the selection.

    Args:
      idx: an int, or nested lists and tuples of ints.
      name: the module's name.

    Raises:
      TypeError: if `idx` holds something other than lists, tuples and ints.
    """
    super().__init__(name=name)
    _check_idx(idx)
    # Not tracked: a tracked attribute would turn lists into ListWrappers.
    self._set_untracked(_idx=idx)

  def _build(self, *inputs):
    """Selects inputs.

    Args:
      *inputs: the inputs to choose from (tensors, or values convertible to
        tensors).

    Returns:
      `idx` as nested tuples, with every index replaced by the
      `tf.identity` of the input at that index.

    Raises:
      ValueError: if an index is negative or not smaller than the number of
        inputs.
    """
    return _select(inputs, self._idx)


def _check_idx(idx):
  if isinstance(idx, (list, tuple)):
    for value in idx:
      _check_idx(value)
  elif not isinstance(idx, numbers.Integral):
    raise TypeError("`idx` should be a (nested) array/tuple, or an integer.")


def _select(inputs, idx):
  if isinstance(idx, (list, tuple)):
    return tuple(_select(inputs, i) for i in idx)
  if not 0 <= idx < len(inputs):
    raise ValueError("`idx` contains out of bound entries (they should be in "
                     "the range [0, {}))".format(len(inputs)))
  # A new tensor, so a fed placeholder is never also the fetched output.
  return tf.identity(inputs[idx])


class SliceByDim(base.AbstractModule):
  """Slices chosen dimensions, keeping the others whole.

  `begin[i]` and `size[i]` apply to dimension `dims[i]` (negative counts
  from the end), as in `tf.slice` (a size of -1 takes the rest).

  >>> sliced = snt.SliceByDim(dims=[1], begin=[1], size=[2])
  >>> sliced(tf.reshape(tf.range(8), [2, 4])).numpy().tolist()
  [[1, 2], [5, 6]]
  """

  def __init__(self, dims: Sequence[int], begin: Sequence[int],
               size: Sequence[int], name: str = "slice_by_dim"):
    """Configures the slice.

    Args:
      dims: the dimensions to slice, unique ints.
      begin: the first index to keep in each of `dims`.
      size: how many entries to keep in each of `dims` (-1: to the end).
      name: the module's name.

    Raises:
      ValueError: if `dims` repeats a dimension, or `begin` or `size` is
        not as long as `dims`.
    """
    super().__init__(name=name)
    self._dims = tuple(dims)
    self._begin = tuple(begin)
    self._size = tuple(size)
    _check_dims(self._dims, (("begin", self._begin), ("size", self._size)))

  def _build(self, inputs):
    """Slices `inputs`.

    Args:
      inputs: a tensor of rank > max(dims).

    Returns:
      The slice; dimensions not in `dims` are kept whole.

    Raises:
      ValueError: if the rank of `inputs` is unknown or too small.
      IndexError: if a negative dimension is out of range.
    """
    rank = len(inputs.get_shape().as_list())
    needed = max(self._dims, default=-1) + 1
    if rank < needed:
      raise ValueError("Rank of inputs must be at least {}.".format(needed))
    return tf.slice(inputs, begin=_per_dimension(rank, self._dims, self._begin,
                                                 0),
                    size=_per_dimension(rank, self._dims, self._size, -1))


class TileByDim(base.AbstractModule):
  """Tiles (repeats) chosen dimensions, keeping the others as they are.

  >>> tile = snt.TileByDim(dims=[1], multiples=[3])
  >>> tile(tf.constant([[1, 2]])).numpy().tolist()
  [[1, 2, 1, 2, 1, 2]]
  """

  def __init__(self, dims: Sequence[int], multiples: Sequence[int],
               name: str = "tile_by_dim"):
    """Configures the tiling.

    Args:
      dims: the dimensions to tile, unique ints (negative counts from the
        end).
      multiples: how many copies of each of `dims` to make.
      name: the module's name.

    Raises:
      ValueError: if `dims` repeats a dimension, or `multiples` is not as
        long as `dims`.
    """
    super().__init__(name=name)
    self._dims = tuple(dims)
    self._multiples = tuple(multiples)
    _check_dims(self._dims, (("multiples", self._multiples),))

  def _build(self, inputs):
    """Tiles `inputs`.

    Args:
      inputs: a tensor with every dimension of `dims`.

    Returns:
      The tiled tensor.

    Raises:
      ValueError: if the rank of `inputs` is unknown.
      IndexError: if a dimension of `dims` is out of range.
    """
    rank = len(inputs.get_shape().as_list())
    return tf.tile(
        inputs, multiples=_per_dimension(rank, self._dims, self._multiples, 1))
