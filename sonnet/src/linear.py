"""`Linear`: a fully connected layer, `inputs @ w + b`."""

from typing import Any, Callable, Mapping, Optional, Union

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src import default_initializers
from sonnet.src import deferred
from sonnet.src.core import errors
from sonnet.src import variable_options


class Linear(base.AbstractModule, base.Transposable,
             variable_options.PublicVariableOptions):
  """A linear map from the last input dimension to `output_size` units.

  Variables: `w` of shape `[input_size, output_size]` and, with `use_bias`,
  `b` of shape `[output_size]`.

  >>> linear = snt.Linear(4)
  >>> linear(tf.ones([2, 3])).shape.as_list()
  [2, 4]
  >>> [v.name for v in linear.get_variables()]
  ['linear/w:0', 'linear/b:0']
  """

  def __init__(self, output_size: Union[int,
                                        Callable[[],
                                                 int]], use_bias: bool = True,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               allow_many_batch_dims: bool = False, name: str = "linear"):
    """Configures the layer.

    Args:
      output_size: the number of output units, or a callable returning it
        when the module is first connected (used by `transpose()`).
      use_bias: whether to add a bias `b`.
      initializers: optional dict with keys "w" / "b"; defaults are a
        truncated normal with stddev 1/sqrt(input_size) and zeros.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b" (callables from a
        tensor to a scalar, e.g. `snt.regularizers.l2(0.1)`).
      custom_getter: as for `snt.AbstractModule`.
      allow_many_batch_dims: accept inputs of rank > 2, mapping the last
        dimension and keeping the leading ones.
      name: the module's name.

    Raises:
      KeyError: if a dict has a key other than "w" / "b" (or "b" without
        `use_bias`).
      TypeError: if a dict value is not callable.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    self._output_size = output_size
    self._use_bias = use_bias
    self._input_shape = None
    self._w = None
    self._b = None
    self._allow_many_batch_dims = allow_many_batch_dims
    keys = self.get_possible_initializer_keys(use_bias=use_bias)
    self._set_variable_options(initializers, partitioners, regularizers, keys)

  @classmethod
  def get_possible_initializer_keys(cls, use_bias=True):
    """The variable names: {"w", "b"}, or {"w"} without a bias."""
    return {"w", "b"} if use_bias else {"w"}

  @base.leaf_build
  def _build(self, inputs):
    """Connects the layer.

    Args:
      inputs: a tensor of shape `[batch_size, input_size]` (or more leading
        dimensions with `allow_many_batch_dims`). `input_size` must be known
        and the same on every connection.

    Returns:
      A tensor of shape `[batch_size, output_size]`.

    Raises:
      IncompatibleShapeError: if the rank is not 2 (and more batch
        dimensions are not allowed), `input_size` is unknown, or it differs
        from the first connection's.
      NotConnectedError: if `output_size` comes from a module (e.g. the one
        this was transposed from) that is not connected yet.
      ValueError: if `inputs` is not a float tensor and no "w" initializer
        was given (the default one is a float distribution), or has rank
        < 2 with `allow_many_batch_dims`.
    """
    input_shape = tuple(inputs.get_shape().as_list())
    new_shape = input_shape != self._input_shape
    if new_shape:  # The last connection's shape needs no checks.
      self._check_input_shape(input_shape)
    input_size = input_shape[-1]
    dtype = inputs.dtype
    # As in Sonnet 1, the defaults join the initializers dict, so that
    # `initializers`, `clone()` and `transpose()` carry them from now on.
    if "w" not in self._initializers:
      self._initializers["w"] = default_initializers.weights(input_size, dtype)
    if self._use_bias and "b" not in self._initializers:
      self._initializers["b"] = default_initializers.bias()
    output_size = self.output_size
    # Tracked attributes (checkpoints follow `_w` and `_b`) are set only when
    # they change: setting one costs a tracking check every call.
    if new_shape:
      self._input_shape = input_shape
    w = self._get_variable("w", [input_size, output_size], dtype)
    if w is not self._w:
      self._w = w
    if self._use_bias:
      b = self._get_variable("b", [output_size], dtype)
      if b is not self._b:
        self._b = b
    return _affine(inputs, len(input_shape), self._w,
                   self._b if self._use_bias else None)

  def _check_input_shape(self, input_shape):
    """Raises if `input_shape` cannot be connected (see `_build`)."""
    if self._allow_many_batch_dims and len(input_shape) < 2:
      raise ValueError("%s: Shape must be rank 2 but is rank %d: a Linear with "
                       "allow_many_batch_dims needs inputs of rank >= 2." %
                       (self.scope_name, len(input_shape)))
    if len(input_shape) != 2 and not self._allow_many_batch_dims:
      raise errors.IncompatibleShapeError(
          "{}: rank of shape must be 2 not: {}. To apply a batched linear "
          "over higher-dimensional inputs, set `allow_many_batch_dims=True`".
          format(self.scope_name, len(input_shape)))
    input_size = input_shape[-1]
    if input_size is None:
      raise errors.IncompatibleShapeError(
          "{}: Input size must be specified at module build time".format(
              self.scope_name))
    if self._input_shape is not None and input_size != self._input_shape[-1]:
      if len(self._input_shape) > 2:
        template = "{}: Input shape must be [..., {}] not: [..., {}]"
      else:
        template = "{}: Input shape must be [B, {}] not [B, {}]"
      raise errors.IncompatibleShapeError(
          template.format(self.scope_name, self._input_shape[-1], input_size))

  w = connected_property.connected_property(
      "_w", """The weights `[input_size, output_size]`.

      Raises:
        NotConnectedError: before the first connection.
      """)

  @property
  def b(self):
    """The bias `[output_size]`.

    Raises:
      NotConnectedError: before the first connection.
      AttributeError: if the module has no bias.
    """
    self._ensure_is_connected()
    if not self._use_bias:
      raise AttributeError(
          "No bias Variable in Linear Module when `use_bias=False`.")
    return self._b

  @property
  def output_size(self):
    """The number of output units (resolving a callable `output_size`).

    Raises:
      NotConnectedError: if `output_size` comes from a module (e.g. the one
        this was transposed from) that is not connected yet.
    """
    return deferred.resolve(self, "_output_size")

  @property
  def has_bias(self):
    """Whether the layer adds a bias."""
    return self._use_bias

  input_shape = connected_property.connected_property(
      "_input_shape", """The input shape of the first connection.

      Raises:
        NotConnectedError: before the first connection.
      """)

  def clone(self, name=None):
    """Returns a new, unconnected `Linear` with the same configuration.

    As in Sonnet 1, the clone has no custom getter, and its initializers
    include the defaults this module picked if it is already connected.

    Args:
      name: the clone's name; defaults to this module's name + "_clone".
    """
    if name is None:
      name = self.module_name + "_clone"
    return Linear(output_size=self.output_size, use_bias=self._use_bias,
                  initializers=self._initializers,
                  partitioners=self._partitioners,
                  regularizers=self._regularizers,
                  allow_many_batch_dims=self._allow_many_batch_dims, name=name)

  def transpose(self, name=None):
    """Returns a `Linear` mapping `output_size` back to this input size.

    The new module's output size is read from this module's input shape
    when the new module is connected, so this module must be connected
    first. As in Sonnet 1, it has no custom getter, and its initializers
    include the defaults this module picked if it is already connected.

    Args:
      name: defaults to this module's name + "_transpose".
    """
    if name is None:
      name = self.module_name + "_transpose"
    return Linear(output_size=lambda: self.input_shape[-1],
                  use_bias=self._use_bias, initializers=self._initializers,
                  partitioners=self._partitioners,
                  regularizers=self._regularizers,
                  allow_many_batch_dims=self._allow_many_batch_dims, name=name)


def _affine(inputs, rank, w, b):
  """`inputs @ w (+ b)`, as `_build` computes it.

  Eagerly, for a rank-2 tensor of `w`'s dtype (and `b`'s), the `MatMul`
  and `AddV2` kernels are called through `tf.raw_ops`: the kernels
  `tf.matmul` and `+` end in (so the same values and gradients), without
  the public wrappers' dispatch, which eagerly costs more than the two ops
  of a small layer. Everything else, graph mode and traces included (their
  op names stay), takes the wrappers.

  Args:
    inputs: a tensor of rank >= 2.
    rank: its rank.
    w: the weights.
    b: the bias, or None.

  Returns:
    The outputs.
  """
  if (rank == 2 and tf.executing_eagerly() and isinstance(inputs, tf.Tensor) and
      inputs.dtype == w.dtype and (b is None or b.dtype == w.dtype)):
    outputs = tf.raw_ops.MatMul(a=inputs, b=w)
    return outputs if b is None else tf.raw_ops.AddV2(x=outputs, y=b)
  # A broadcasting (batch) matmul for rank > 2, as Sonnet 1: the same
  # kernel, so the same rounding.
  outputs = tf.matmul(inputs, w)
  return outputs if b is None else outputs + b
