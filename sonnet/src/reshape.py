"""`BatchReshape` and its two flattening shortcuts.

`BatchReshape` keeps the leading (batch) dimensions and reshapes the rest;
`BatchFlatten` and `FlattenTrailingDimensions` flatten the rest to one
dimension.
"""

import numbers

import numpy as np

from sonnet.src import base
from sonnet.src import errors
from sonnet.src import leading_dims


def _check_shape(shape, what):
  """Checks a target shape: positive ints and at most one -1."""
  shape = tuple(shape)
  for d in shape:
    if (not isinstance(d, numbers.Integral) or isinstance(d, bool) or
        (d <= 0 and d != -1)):
      raise ValueError(
          "%s must hold positive integers and at most one -1 (the dimension "
          "to infer), got %r." % (what, shape))
  if shape.count(-1) > 1:
    raise ValueError("%s may contain -1 only once, got %r." % (what, shape))
  return tuple(int(d) for d in shape)


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

  def __init__(self, shape, preserve_dims=1, name="batch_reshape"):
    """Configures the reshape.

    Args:
      shape: the shape of each example after the reshape (a list or tuple of
        positive ints, with at most one -1), or a callable that returns it
        when the module is connected (used by `transpose()`).
      preserve_dims: how many leading dimensions are kept as they are; 1
        keeps the batch dimension only.
      name: the module's name.

    Raises:
      ValueError: if `preserve_dims` < 1, or `shape` holds something other
        than positive ints and a single -1.
    """
    super().__init__(name=name)
    if (not isinstance(preserve_dims, numbers.Integral) or
        preserve_dims < 1):
      raise ValueError("preserve_dims must be an integer >= 1, got %r."
                       % (preserve_dims,))
    if not callable(shape):
      shape = _check_shape(shape, "BatchReshape's shape")
    self._shape = shape
    self._preserve_dims = int(preserve_dims)
    self._input_shape = None

  def _build(self, inputs):
    """Reshapes `inputs`.

    Args:
      inputs: a tensor of rank >= `preserve_dims`. Its trailing dimensions
        should be known statically; if some are not, the reshape is checked
        only when it runs.

    Returns:
      A tensor of shape `inputs.shape[:preserve_dims] + shape`, with -1
      replaced by the inferred size.

    Raises:
      IncompatibleShapeError: if `inputs` has rank < `preserve_dims`, or the
        number of elements per example does not fit `shape`.
      ParentNotBuiltError: if `shape` comes from a module (the one this was
        transposed from) that is not connected yet.
      ValueError: if a callable `shape` returns an invalid shape.
    """
    rank = inputs.get_shape().ndims
    if rank is None or rank < self._preserve_dims:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have rank >= preserve_dims=%d, got shape %s."
          % (self.scope_name, self._preserve_dims, inputs.get_shape()))
    shape = self._resolved_shape()
    all_dims = leading_dims.dims(inputs)
    trailing = inputs.get_shape().as_list()[self._preserve_dims:]
    if None not in trailing:
      shape = self._infer(shape, trailing, inputs.get_shape())
    self._input_shape = tuple(trailing)
    if tuple(trailing) == shape:
      return inputs
    return leading_dims.reshape(
        inputs, all_dims[:self._preserve_dims] + list(shape))

  def _infer(self, shape, trailing, full_shape):
    """Replaces -1 in `shape` and checks the element count."""
    size = int(np.prod(trailing, dtype=np.int64))
    known = int(np.prod([d for d in shape if d != -1], dtype=np.int64))
    if -1 in shape:
      if known == 0 or size % known:
        raise errors.IncompatibleShapeError(
            "%s: cannot reshape inputs of shape %s to [batch] + %s: %d "
            "elements per example are not a multiple of %d."
            % (self.scope_name, full_shape, list(shape), size, known))
      return tuple(size // known if d == -1 else d for d in shape)
    if size != known:
      raise errors.IncompatibleShapeError(
          "%s: cannot reshape inputs of shape %s to [batch] + %s: %d "
          "elements per example, expected %d."
          % (self.scope_name, full_shape, list(shape), size, known))
    return shape

  def _resolved_shape(self):
    if callable(self._shape):
      try:
        shape = self._shape()
      except errors.NotConnectedError as e:
        raise errors.ParentNotBuiltError(
            "%s: its shape comes from another module (the one it was "
            "transposed from); connect that module first. (%s)"
            % (self.scope_name, e))
      self._shape = _check_shape(shape, "%s: shape" % self.scope_name)
    return self._shape

  @property
  def input_shape(self):
    """The trailing (reshaped) input dimensions of the last connection.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._input_shape

  def transpose(self, name=None):
    """Returns a `BatchReshape` back to this module's input shape.

    The target shape is read from `input_shape` when the new module is
    connected, so this module must be connected first.

    Args:
      name: defaults to this module's name + "_transpose".
    """
    return BatchReshape(shape=lambda: self.input_shape,
                        preserve_dims=self._preserve_dims,
                        name=name or self.module_name + "_transpose")


class BatchFlatten(BatchReshape):
  """Flattens every dimension after the first `preserve_dims` into one.

  >>> snt.BatchFlatten()(tf.zeros([5, 3, 4])).shape.as_list()
  [5, 12]
  """

  def __init__(self, preserve_dims=1, name="batch_flatten"):
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

  def __init__(self, dim_from, name="batch_dim_from"):
    """Configures the flattening.

    Args:
      dim_from: the first dimension to flatten; the ones before it are
        kept. Must be >= 1.
      name: the module's name (Sonnet 1's default, "batch_dim_from").

    Raises:
      ValueError: if `dim_from` < 1.
    """
    if not isinstance(dim_from, numbers.Integral) or dim_from < 1:
      raise ValueError("dim_from must be an integer >= 1, got %r."
                       % (dim_from,))
    super().__init__(shape=(-1,), preserve_dims=dim_from, name=name)
