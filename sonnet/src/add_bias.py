"""`AddBias`: adds a learned bias, broadcast over chosen dimensions."""

from typing import Any, Callable, Mapping, Optional, Sequence, Union

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src import default_initializers
from sonnet.src import deferred
from sonnet.src.core import errors
from sonnet.src import variable_options


def bias_shape(input_shape, bias_dims):
  """The shape of a bias over `bias_dims` that broadcasts against the input.

  Args:
    input_shape: the input's shape, batch dimension first.
    bias_dims: None for every non-batch dimension, or a list of dimension
      indices (negative counts from the end) that get their own bias
      values; the others share them.

  Returns:
    `input_shape[1:]` if `bias_dims` is None; otherwise a tuple: the
    trailing part of the input shape with size 1 in shared dimensions,
    starting at the first dimension with its own values.

  Raises:
    ValueError: if `bias_dims` includes the batch dimension.
  """
  rank = len(input_shape)
  if bias_dims is None:
    return input_shape[1:]
  shape = [1] * rank
  for dim in bias_dims:
    dim %= rank
    if dim == 0:
      raise ValueError("Cannot apply bias across the minibatch dimension.")
    shape[dim] = input_shape[dim]
  first = next((d for d in range(1, rank) if shape[d] != 1), rank)
  return tuple(shape[first:])


class AddBias(base.AbstractModule, base.Transposable,
              variable_options.VariableOptions):
  """Adds a bias `b` to its inputs: `inputs + multiplier * b`.

  >>> add = snt.AddBias()
  >>> add(tf.ones([2, 3])).shape.as_list()
  [2, 3]
  >>> [(v.name, v.shape.as_list()) for v in add.get_variables()]
  [('add/b:0', [3])]
  """

  POSSIBLE_INITIALIZER_KEYS = {"b"}

  def __init__(self, output_shape: Optional[Union[Sequence[int],
                                                  Callable]] = None,
               bias_dims: Optional[Sequence[int]] = None,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str,
                                              Any]] = None, name: str = "add"):
    """Configures the bias.

    Args:
      output_shape: optional expected input shape (also the output shape),
        or a callable returning it at connection time (used by
        `transpose()`).
      bias_dims: None for a bias over every non-batch dimension; otherwise
        the dimensions that get their own values (e.g. [-1] for a bias per
        channel).
      initializers: optional dict with key "b" (default: zeros).
      partitioners: optional dict with key "b".
      regularizers: optional dict with key "b".
      name: the module's name.

    Raises:
      KeyError: if a dict has a key other than "b".
      TypeError: if a dict value is not callable.
    """
    super().__init__(name=name)
    self._output_shape = output_shape
    self._bias_dims = bias_dims
    self._input_shape = None
    self._b = None
    self._set_variable_options(initializers, partitioners, regularizers,
                               self.POSSIBLE_INITIALIZER_KEYS)

  @base.leaf_build
  def _build(self, inputs, multiplier=1):
    """Adds the bias.

    Args:
      inputs: a tensor with a batch dimension and fixed other dimensions.
      multiplier: scales the bias before it is added.

    Returns:
      A tensor of the same shape as `inputs`.

    Raises:
      IncompatibleShapeError: if `inputs` has rank < 2, or its non-batch
        shape differs from the first connection's or from `output_shape`.
      ParentNotBuiltError: if `output_shape` comes from an unconnected module.
      ValueError: if `bias_dims` includes the batch dimension.
    """
    input_shape = tuple(inputs.get_shape().as_list())
    shape = bias_shape(input_shape, self._bias_dims)
    if len(input_shape) < 2:
      raise errors.IncompatibleShapeError(
          "Rank of input shape must be >=2 not: {}.".format(len(input_shape)))
    if (self._input_shape is not None and
        input_shape[1:] != self._input_shape[1:]):
      raise errors.IncompatibleShapeError(
          "Input shape has changed. ({}: the first connection had shape {}, "
          "this one {}.)".format(self.scope_name, self._input_shape,
                                 input_shape))
    output_shape = deferred.resolve(
        self, "_output_shape", parent_not_built=(
            "Build the original untransposed module before building this "
            "one."))
    if output_shape is not None and tuple(output_shape[1:]) != input_shape[1:]:
      raise errors.IncompatibleShapeError(
          "Input shape must be {} not: {}.".format(output_shape,
                                                   input_shape[1]))
    self._input_shape = input_shape
    self._b = self._get_variable("b", shape, inputs.dtype,
                                 default_initializers.bias())
    bias = self._b if multiplier == 1 else self._b * multiplier
    return inputs + bias

  b = connected_property.connected_property(
      "_b", """The bias variable.

      Raises:
        NotConnectedError: before the first connection.
      """)

  input_shape = connected_property.connected_property(
      "_input_shape", """The input shape of the first connection.

      Raises:
        NotConnectedError: before the first connection.
      """)

  def transpose(self, name=None):
    """Returns an `AddBias` for inputs shaped like this module's inputs.

    As in Sonnet 1, the new module is not partitioned.

    Args:
      name: defaults to this module's name + "_transpose".
    """
    if name is None:
      name = self.module_name + "_transpose"
    return AddBias(output_shape=lambda: self._input_shape,
                   bias_dims=self._bias_dims, initializers=self._initializers,
                   regularizers=self._regularizers, name=name)
