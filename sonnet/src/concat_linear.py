"""`ConcatLinear`: a linear layer over the concatenation of several inputs."""

from typing import Any, Callable, Mapping, Optional, Union

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import default_initializers
from sonnet.src import deferred
from sonnet.src.core import errors
from sonnet.src import linear as linear_lib
from sonnet.src import variable_options

tf1 = tf.compat.v1


class ConcatLinear(base.AbstractModule, variable_options.VariableOptions):
  """Linear map of several inputs, as if they were concatenated first.

  Computes `concat(inputs_list, axis=1) @ w + b` without the concatenation:
  input i gets its own weights, in the scope "linear" (i = 0) or
  "linear_<i>", and the products are summed; the bias `b` lives in
  "linear". The names are those of Sonnet 1, which used one `snt.Linear`
  per input.

  >>> concat_linear = snt.ConcatLinear(4)
  >>> concat_linear([tf.ones([2, 3]), tf.ones([2, 5])]).shape.as_list()
  [2, 4]
  >>> sorted(v.name for v in concat_linear.get_variables())
  ['concat_linear/linear/b:0', 'concat_linear/linear/w:0', \
'concat_linear/linear_1/w:0']
  """

  def __init__(self, output_size: Union[int,
                                        Callable[[],
                                                 int]], use_bias: bool = True,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "concat_linear"):
    """Configures the layer.

    Args:
      output_size: the number of output units, or a callable returning it
        when the module is first connected.
      use_bias: whether to add a bias `b`.
      initializers: optional dict with keys "w" / "b" ("w" applies to the
        weights of every input); the defaults are `snt.Linear`'s (truncated
        normal with stddev 1/sqrt(input_size_i), zeros).
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    The three dicts are checked on the first connection, as Sonnet 1 did.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    self._output_size = output_size
    self._use_bias = use_bias
    self._unchecked_options = (initializers, partitioners, regularizers)
    self._input_sizes = None

  def _build(self, inputs_list):
    """Connects the layer.

    Args:
      inputs_list: a non-empty list of tensors of shape
        `[batch_size, input_size_i]`, with known `input_size_i`. A later
        connection may pass fewer inputs, but each must keep its size.

    Returns:
      A tensor of shape `[batch_size, output_size]`.

    Raises:
      KeyError: if a dict given to the constructor has a key other than
        "w" / "b" (or "b" without `use_bias`).
      TypeError: if a value in those dicts is not callable.
      IncompatibleShapeError: if an input does not have rank 2, or its
        size is unknown (with Sonnet 1's messages, which name the
        per-input scope).
      ValueError: if `inputs_list` is empty, the batch sizes differ, or an
        input size differs from the first connection's (or there are more
        inputs); or if an input is not a float tensor and no "w"
        initializer was given.
    """
    if self._unchecked_options is not None:
      self._check_variable_options()
    inputs_list = [tf.convert_to_tensor(x) for x in inputs_list]
    sizes = self._check_inputs(inputs_list)
    output_size = self.output_size
    # Every default is made (and integer inputs refused) before any variable.
    w_initializers = [
        self._initializers["w"] if "w" in self._initializers else
        default_initializers.weights(size, inputs.dtype)
        for inputs, size in zip(inputs_list, sizes)]
    outputs = []
    for i, (inputs, size) in enumerate(zip(inputs_list, sizes)):
      # The scopes of the `snt.Linear` modules Sonnet 1 built, one per input.
      with tf1.variable_scope(_linear_scope(i)):
        outputs.append(
            tf.matmul(
                inputs,
                self._get_variable("w", [size, output_size], inputs.dtype,
                                   initializer=w_initializers[i])))
        if i == 0 and self._use_bias:
          bias = self._get_variable("b", [output_size], inputs.dtype,
                                    default_initializers.bias())
    if self._input_sizes is None:
      self._input_sizes = sizes
    outputs = outputs[0] if len(outputs) == 1 else tf.add_n(outputs)
    return outputs + bias if self._use_bias else outputs  # pylint: disable=possibly-used-before-assignment

  def _check_variable_options(self):
    initializers, partitioners, regularizers = self._unchecked_options
    keys = linear_lib.Linear.get_possible_initializer_keys(
        use_bias=self._use_bias)
    self._set_variable_options(initializers, partitioners, regularizers, keys)
    self._unchecked_options = None

  def _check_inputs(self, inputs_list):
    """Validates the inputs before any variable exists; returns their sizes."""
    if not inputs_list:
      raise ValueError("Inputs must be an iterable of at least one "
                       "Tensor/IndexedSlices with the same dtype and shape.")
    scopes = [
        "%s/%s" % (self.scope_name, _linear_scope(i))
        for i in range(len(inputs_list))]
    shapes = [x.get_shape() for x in inputs_list]
    for i, (scope, shape) in enumerate(zip(scopes, shapes)):
      if shape.ndims != 2:
        raise errors.IncompatibleShapeError(
            "{}: rank of shape must be 2 not: {}. To apply a batched linear "
            "over higher-dimensional inputs, set `allow_many_batch_dims=True`".
            format(scope, shape.ndims))
      if shape.as_list()[1] is None:
        raise errors.IncompatibleShapeError(
            "{}: Input size must be specified at module build time".format(
                scope))
      if not shape[:1].is_compatible_with(shapes[0][:1]):
        raise ValueError(
            "%s: every input must have the same batch size; input 0 has "
            "shape %s and input %d has %s." %
            (self.scope_name, shapes[0].as_list(), i, shape.as_list()))
    sizes = tuple(shape.as_list()[1] for shape in shapes)
    first = self._input_sizes
    if first is not None:
      for scope, size, first_size in zip(scopes, sizes, first):
        if size != first_size:
          raise ValueError(
              "Trying to share variable %s/w, but specified shape %s and "
              "found shape %s." % (scope, (size, self.output_size),
                                   (first_size, self.output_size)))
      if len(sizes) > len(first):
        raise ValueError(
            "Variable %s/w does not exist, or was not created with "
            "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
            "VarScope?" % scopes[len(first)])
    return sizes

  @property
  def output_size(self):
    """The number of output units (resolving a callable `output_size`)."""
    return deferred.resolve(self, "_output_size")


def _linear_scope(index):
  """The scope of input `index`'s weights: "linear", "linear_1", ..."""
  return "linear" if index == 0 else "linear_%d" % index
