"""`BatchApply`: runs a module over several leading (batch) dimensions."""

import numbers
from typing import Any, Callable

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import leading_dims


def _is_array(value):
  return tf.is_tensor(value) or isinstance(value, np.ndarray)


class BatchApply(base.AbstractModule):
  """Merges leading dimensions, applies a module or op, splits them back.

  A module written for `[batch, ...]` inputs can then take `[T, B, ...]`
  inputs (with `n_dims=2`): every tensor in the arguments is reshaped to
  `[T * B, ...]`, `module_or_op` is called, and every tensor it returns is
  reshaped back to the leading dimensions of one example input. Arguments
  of lower rank than `n_dims` (and non-tensors such as flags) are passed
  through unchanged. The wrapped module keeps its own variables and scope.

  >>> linear = snt.Linear(4)
  >>> snt.BatchApply(linear)(tf.ones([7, 2, 3])).shape.as_list()
  [7, 2, 4]
  """

  def __init__(self, module_or_op: Callable[..., Any], n_dims: int = 2,
               input_example_index: int = 0, name: str = "batch_apply"):
    """Configures the wrapper.

    Args:
      module_or_op: a callable (module, TF op or function) that takes
        tensors with a single batch dimension.
      n_dims: how many leading dimensions to merge into one.
      input_example_index: which of the (flattened) inputs has the leading
        dimensions the outputs are split into (negative counts from the
        end). Inputs are flattened in the order of
        `tf.nest.flatten((args, kwargs))`.
      name: the module's name.

    Raises:
      TypeError: if `n_dims` is not an integer.
      ValueError: if `n_dims` is not positive.
    """
    super().__init__(name=name)
    if not isinstance(n_dims, numbers.Integral):
      raise TypeError("n_dims should be an integer, it is a %s instead." %
                      type(n_dims))
    if n_dims <= 0:
      raise ValueError("n_dims should be greater than zero.")
    self._module = module_or_op
    self._n_dims = n_dims
    self._input_example_index = input_example_index

  def _build(self, *args, **kwargs):
    """Applies `module_or_op` with the leading dimensions merged.

    Args:
      *args: positional inputs of `module_or_op`; nests are allowed.
      **kwargs: keyword inputs of `module_or_op`, treated the same way.

    Returns:
      The output of `module_or_op` (any nest), with every tensor's first
      dimension split into the first `n_dims` dimensions of the example
      input; None and non-tensor outputs are returned as they are.

    Raises:
      IndexError: if `input_example_index` is beyond the number of inputs.
      ValueError: if the example input is None, or (in graph mode) an
        output's first dimension does not fit the example's leading
        dimensions; eager mode raises `tf.errors.InvalidArgumentError` for
        the latter.
    """
    flat = tf.nest.flatten((args, kwargs))
    if not -len(flat) <= self._input_example_index < len(flat):
      raise IndexError(
          "%s: input_example_index=%d, but there are only %d (flattened) "
          "inputs." % (self.scope_name, self._input_example_index, len(flat)))
    example = tf.convert_to_tensor(flat[self._input_example_index])
    merged = [
        leading_dims.merge_leading_dims(x, self._n_dims) if _is_array(x) else x
        for x in flat]
    args, kwargs = tf.nest.pack_sequence_as((args, kwargs), merged)
    outputs = self._module(*args, **kwargs)
    return tf.nest.map_structure(lambda output: self._split(output, example),
                                 outputs)

  def _split(self, output, example):
    if not _is_array(output):
      return output
    return leading_dims.split_leading_dim(output, example, self._n_dims)
