"""`BatchApply`: runs a module over several leading (batch) dimensions."""

import numbers

import numpy as np
import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors
from sonnet.src import leading_dims


def _is_array(value):
  return tf.is_tensor(value) or isinstance(value, np.ndarray)


class BatchApply(base.AbstractModule):
  """Merges leading dimensions, applies a module or op, splits them back.

  A module written for `[batch, ...]` inputs can then take `[T, B, ...]`
  inputs (with `n_dims=2`): every tensor in the arguments is reshaped to
  `[T * B, ...]`, `module_or_op` is called, and every tensor it returns is
  reshaped back to `[T, B, ...]`. Arguments of lower rank than `n_dims`
  (and non-tensors such as flags) are passed through unchanged. The
  wrapped module keeps its own variables and scope.

  >>> linear = snt.Linear(4)
  >>> snt.BatchApply(linear)(tf.ones([7, 2, 3])).shape.as_list()
  [7, 2, 4]
  """

  def __init__(self, module_or_op, n_dims=2, input_example_index=0,
               name="batch_apply"):
    """Configures the wrapper.

    Args:
      module_or_op: a callable (module, TF op or function) that takes
        tensors with a single batch dimension.
      n_dims: how many leading dimensions to merge into one.
      input_example_index: which of the (flattened) inputs has the leading
        dimensions the outputs are split into. Inputs are flattened in the
        order of `tf.nest.flatten((args, kwargs))`.
      name: the module's name.

    Raises:
      TypeError: if `module_or_op` is not callable.
      ValueError: if `n_dims` is not a positive integer or
        `input_example_index` is negative.
    """
    super().__init__(name=name)
    if not callable(module_or_op):
      raise TypeError("BatchApply's module_or_op must be callable, got %r."
                      % (module_or_op,))
    if (not isinstance(n_dims, numbers.Integral) or isinstance(n_dims, bool)
        or n_dims < 1):
      raise ValueError("n_dims must be a positive integer, got %r."
                       % (n_dims,))
    if (not isinstance(input_example_index, numbers.Integral) or
        input_example_index < 0):
      raise ValueError("input_example_index must be an integer >= 0, got %r."
                       % (input_example_index,))
    self._module = module_or_op
    self._n_dims = int(n_dims)
    self._input_example_index = int(input_example_index)

  def _build(self, *args, **kwargs):
    """Applies `module_or_op` with the leading dimensions merged.

    Args:
      *args: positional inputs of `module_or_op`; nests are allowed. Every
        tensor (or NumPy array) of rank >= `n_dims` must have the same
        leading `n_dims` dimensions.
      **kwargs: keyword inputs of `module_or_op`, treated the same way.

    Returns:
      The output of `module_or_op` (any nest), with every tensor's first
      dimension split back into `n_dims` dimensions; None and non-tensor
      outputs are returned as they are.

    Raises:
      IncompatibleShapeError: if the inputs' leading dimensions disagree,
        the example input is not a tensor of rank >= `n_dims`, or an output
        tensor is a scalar.
      ValueError: if `input_example_index` is beyond the number of inputs.
    """
    flat = tf.nest.flatten((args, kwargs))
    if self._input_example_index >= len(flat):
      raise ValueError(
          "%s: input_example_index=%d, but there are only %d (flattened) "
          "inputs." % (self.scope_name, self._input_example_index, len(flat)))
    example = flat[self._input_example_index]
    if not _is_array(example) or (
        tf.convert_to_tensor(example).get_shape().ndims or 0) < self._n_dims:
      raise errors.IncompatibleShapeError(
          "%s: input %d (input_example_index) must be a tensor of rank >= "
          "n_dims=%d to split the outputs by, got %r."
          % (self.scope_name, self._input_example_index, self._n_dims,
             example))
    example = tf.convert_to_tensor(example)
    self._check_leading_dims(flat, example)
    merged = [leading_dims.merge_leading_dims(x, self._n_dims)
              if _is_array(x) else x for x in flat]
    args, kwargs = tf.nest.pack_sequence_as((args, kwargs), merged)
    outputs = self._module(*args, **kwargs)
    return tf.nest.map_structure(
        lambda output: self._split(output, example), outputs)

  def _check_leading_dims(self, flat, example):
    """Raises if two inputs have different known leading dimensions."""
    expected = example.get_shape()[:self._n_dims]
    for index, value in enumerate(flat):
      if not _is_array(value):
        continue
      shape = tf.convert_to_tensor(value).get_shape()
      if shape.ndims is not None and shape.ndims >= self._n_dims:
        if not expected.is_compatible_with(shape[:self._n_dims]):
          raise errors.IncompatibleShapeError(
              "%s: every input must have the same %d leading dimensions; "
              "input %d has shape %s but input %d has %s."
              % (self.scope_name, self._n_dims, index, shape,
                 self._input_example_index, example.get_shape()))

  def _split(self, output, example):
    if not _is_array(output):
      return output
    output = tf.convert_to_tensor(output)
    if output.get_shape().ndims == 0:
      raise errors.IncompatibleShapeError(
          "%s: module_or_op returned a scalar, which has no batch dimension "
          "to split into %d dimensions; keep the batch dimension."
          % (self.scope_name, self._n_dims))
    return leading_dims.split_leading_dim(output, example, self._n_dims)
