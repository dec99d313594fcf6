"""`ConcatLinear`: a linear layer over the concatenation of several inputs."""

import tensorflow as tf

from sonnet.src import arg_checks
from sonnet.src import base
from sonnet.src import default_initializers
from sonnet.src import errors
from sonnet.src import linear as linear_lib

tf1 = tf.compat.v1


class ConcatLinear(base.AbstractModule):
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

  def __init__(self, output_size, use_bias=True, initializers=None,
               partitioners=None, regularizers=None, custom_getter=None,
               name="concat_linear"):
    """Configures the layer.

    Args:
      output_size: the number of output units.
      use_bias: whether to add a bias `b`.
      initializers: optional dict with keys "w" / "b" ("w" applies to the
        weights of every input); the defaults are `snt.Linear`'s (truncated
        normal with stddev 1/sqrt(input_size_i), zeros).
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      KeyError: if a dict has a key other than "w" / "b" (or "b" without
        `use_bias`).
      TypeError: if a dict value is not callable.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    keys = linear_lib.Linear.get_possible_initializer_keys(use_bias=use_bias)
    self._output_size = output_size
    self._use_bias = use_bias
    self._initializers = arg_checks.check_initializers(initializers, keys)
    self._partitioners = arg_checks.check_partitioners(partitioners, keys)
    self._regularizers = arg_checks.check_regularizers(regularizers, keys)
    self._input_sizes = None

  def _build(self, inputs_list):
    """Connects the layer.

    Args:
      inputs_list: a non-empty list of tensors of shape
        `[batch_size, input_size_i]`, with known `input_size_i`. The number
        of inputs and their sizes must be the same on every connection.

    Returns:
      A tensor of shape `[batch_size, output_size]`.

    Raises:
      IncompatibleShapeError: if `inputs_list` is empty, an input does not
        have rank 2, the batch sizes differ, or the number or sizes of the
        inputs differ from the first connection's.
      UnderspecifiedError: if an input size is unknown.
    """
    inputs_list = [tf.convert_to_tensor(x) for x in inputs_list]
    sizes = self._check_inputs(inputs_list)
    self._input_sizes = sizes
    outputs = []
    for i, (inputs, size) in enumerate(zip(inputs_list, sizes)):
      # The scopes of the `snt.Linear` modules Sonnet 1 built, one per input.
      with tf1.variable_scope("linear" if i == 0 else "linear_%d" % i):
        outputs.append(tf.matmul(inputs, self._variable(
            "w", [size, self._output_size], inputs.dtype,
            default_initializers.weights(size))))
        if i == 0 and self._use_bias:
          bias = self._variable("b", [self._output_size], inputs.dtype,
                                default_initializers.bias())
    outputs = outputs[0] if len(outputs) == 1 else tf.add_n(outputs)
    return outputs + bias if self._use_bias else outputs

  def _variable(self, name, shape, dtype, default):
    return tf1.get_variable(
        name, shape=shape, dtype=dtype,
        initializer=self._initializers.get(name, default),
        partitioner=self._partitioners.get(name),
        regularizer=self._regularizers.get(name))

  def _check_inputs(self, inputs_list):
    """Validates the inputs before any variable exists; returns their sizes."""
    if not inputs_list:
      raise errors.IncompatibleShapeError(
          "%s: inputs_list must hold at least one tensor." % self.scope_name)
    shapes = [x.get_shape() for x in inputs_list]
    for i, shape in enumerate(shapes):
      if shape.ndims != 2:
        raise errors.IncompatibleShapeError(
            "%s: every input must have rank 2 ([batch_size, input_size]); "
            "input %d has shape %s." % (self.scope_name, i, shape))
      if shape.as_list()[1] is None:
        raise errors.UnderspecifiedError(
            "%s: the size of input %d must be known, got shape %s."
            % (self.scope_name, i, shape))
      if not shape[:1].is_compatible_with(shapes[0][:1]):
        raise errors.IncompatibleShapeError(
            "%s: every input must have the same batch size; input 0 has "
            "shape %s and input %d has %s."
            % (self.scope_name, shapes[0], i, shape))
    sizes = tuple(shape.as_list()[1] for shape in shapes)
    if self._input_sizes is not None and sizes != self._input_sizes:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have sizes %s as in the first connection, got %s."
          % (self.scope_name, list(self._input_sizes), list(sizes)))
    return sizes

  @property
  def output_size(self):
    """The number of output units."""
    return self._output_size
