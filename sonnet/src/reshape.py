"""`BatchReshape` and its two flattening shortcuts.

`BatchReshape` keeps the leading (batch) dimensions and reshapes the rest;
`BatchFlatten` and `FlattenTrailingDimensions` flatten the rest to one
dimension.
"""

import numbers
from typing import Callable, Sequence, Union

import numpy as np

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src import deferred
from sonnet.src import leading_dims

_UNKNOWN_DIMS = ("Unknown non-preserved dimensions are not allowed in the "
                 "input to BatchReshape unless it is only one and the desired "
                 "shape is (-1,).")
_INCOMPATIBLE = "Output shape is incompatible with input shape"


def _check_shape(shape):
  """Checks a target shape: positive integers and at most one -1."""
  if not all(
      isinstance(d, numbers.Integral) and (d > 0 or d == -1) for d in shape):
    raise ValueError(
        "Desired shape can only contain positive integral numbers and the "
        "wildcard -1. Given shape {}".format(shape))
  if shape.count(-1) > 1:
    raise ValueError("Wildcard -1 can appear only once in desired output "
                     "shape. Given shape {}".format(shape))


class BatchReshape(base.AbstractModule, base.Transposable):
  """Reshapes every dimension after the first `preserve_dims` ones.

  An input of shape `[B, d1, ..., dn]` with `preserve_dims=1` becomes
  `[B] + shape`; one entry of `shape` may be -1, inferred from the input.
  The module has no variables.

  >>> reshape = snt.BatchReshape([2, -1])
  >>> reshape(tf.zeros([5, 3, 4])).shape.as_list()
  [5, 2, 6]
  >>> reshape.transpose()(tf.zeros([5, 2, 6])).shape.as_list()
  [5, 3, 4]
  """

  def __init__(self, shape: Union[Sequence[int], Callable[[], Sequence[int]]],
               preserve_dims: int = 1, name: str = "batch_reshape"):
    """Configures the reshape.

    Args:
      shape: the shape of each example after the reshape (positive ints,
        with at most one -1), or a callable that returns it when the module
        is connected (used by `transpose()`). It is checked on connection.
      preserve_dims: how many leading dimensions are kept as they are; 1
        keeps the batch dimension only.
      name: the module's name.

    Raises:
      ValueError: if `preserve_dims` < 1.
    """
    super().__init__(name=name)
    if preserve_dims <= 0:
      raise ValueError("Argument preserve_dims should be >= 1.")
    self._shape = shape if callable(shape) else tuple(shape)
    self._preserve_dims = preserve_dims
    self._set_untracked(_input_shape=None)

  def _build(self, inputs):
    """Reshapes `inputs`.

    Args:
      inputs: a tensor of rank >= `preserve_dims`. The dimensions after
        the preserved ones must be known, unless there is only one and
        `shape` is `(-1,)` (or that same dimension): then `inputs` is
        returned as it is.

    Returns:
      A tensor of shape `inputs.shape[:preserve_dims] + shape`, with -1
      replaced by the inferred size.

    Raises:
      ValueError: if `inputs` has rank < `preserve_dims`, `shape` is not
        positive ints with at most one -1, a reshaped dimension is unknown,
        or the number of elements per example does not fit `shape`.
      NotConnectedError: if `shape` comes from a module (the one this was
        transposed from) that is not connected yet.
    """
    full_shape = inputs.get_shape().as_list()
    if len(full_shape) < self._preserve_dims:
      raise ValueError("Input tensor has {} dimensions, should have at least "
                       "as many as preserve_dims={}".format(
                           len(full_shape), self._preserve_dims))
    trailing = full_shape[self._preserve_dims:]
    # Untracked: a tracked list would become a checkpoint `ListWrapper`.
    self._set_untracked(_input_shape=trailing)
    shape = deferred.resolve(self, "_shape", tuple)
    if len(trailing) == 1 and len(shape) == 1:
      if shape[0] in (-1, trailing[0]):
        return inputs
      raise ValueError(_UNKNOWN_DIMS if trailing[0] is None else _INCOMPATIBLE)
    _check_shape(shape)
    if None in trailing:
      raise ValueError(
          "{} The offending non-preserved input shape is {}".format(
              _UNKNOWN_DIMS, trailing))
    size = int(np.prod(trailing, dtype=np.int64))
    if -1 in shape:
      known = int(np.prod([d for d in shape if d != -1], dtype=np.int64))
      shape = tuple(size // known if d == -1 else d for d in shape)
    if int(np.prod(shape, dtype=np.int64)) != size:
      raise ValueError(_INCOMPATIBLE)
    preserved = leading_dims.dims(inputs)[:self._preserve_dims]
    return leading_dims.reshape(inputs, preserved + [int(d) for d in shape])

  input_shape = connected_property.connected_property(
      "_input_shape",
      """The trailing (reshaped) input dimensions of the last connection.

      Raises:
        NotConnectedError: before the first connection.
      """)

  def transpose(self, name=None):
    """Returns a `BatchReshape` back to this module's input shape.

    The target shape is read from `input_shape` when the new module is
    connected, so this module must be connected first.

    Args:
      name: defaults to this module's name + "_transpose".
    """
    if name is None:
      name = self.module_name + "_transpose"
    return BatchReshape(shape=lambda: self.input_shape,
                        preserve_dims=self._preserve_dims, name=name)


class BatchFlatten(BatchReshape):
  """Flattens every dimension after the first `preserve_dims` into one.

  >>> snt.BatchFlatten()(tf.zeros([5, 3, 4])).shape.as_list()
  [5, 12]
  """

  def __init__(self, preserve_dims: int = 1, name: str = "batch_flatten"):
    """Configures the flattening.

    Args:
      preserve_dims: how many leading dimensions are kept; 1 keeps the
        batch dimension only.
      name: the module's name.

    Raises:
      ValueError: if `preserve_dims` < 1.
    """
    super().__init__(shape=(-1,), preserve_dims=preserve_dims, name=name)


class FlattenTrailingDimensions(BatchReshape):
  """Flattens the dimensions from `dim_from` on into one.

  >>> flatten = snt.FlattenTrailingDimensions(dim_from=2)
  >>> flatten(tf.zeros([5, 3, 4, 2])).shape.as_list()
  [5, 3, 8]
  """

  def __init__(self, dim_from: int, name: str = "batch_dim_from"):
    """Configures the flattening.

    Args:
      dim_from: the first dimension to flatten; the ones before it are
        kept. Must be >= 1.
      name: the module's name (Sonnet 1's default, "batch_dim_from").

    Raises:
      ValueError: if `dim_from` < 1.
    """
    if dim_from <= 0:
      raise ValueError("Argument dim_from should be >= 1.")
    super().__init__(shape=(-1,), preserve_dims=dim_from, name=name)
