"""`MLP`: a stack of `Linear` layers with activations in between."""

import collections.abc
import numbers
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src import deferred
from sonnet.src import linear as linear_lib
from sonnet.src import variable_options


class MLP(base.AbstractModule, base.Transposable,
          variable_options.PublicVariableOptions):
  """A multi-layer perceptron: `Linear` layers separated by an activation.

  Layer `i` is a `snt.Linear` named "linear_i" inside the MLP's scope, so
  the variables are `mlp/linear_0/w`, `mlp/linear_0/b`, ... The activation
  follows every layer but the last (and the last too with
  `activate_final`). With `use_dropout`, dropout comes before each
  activation while training.

  >>> mlp = snt.nets.MLP([8, 2])
  >>> mlp(tf.ones([5, 3])).shape.as_list()
  [5, 2]
  >>> [v.name for v in mlp.get_variables()][:2]
  ['mlp/linear_0/w:0', 'mlp/linear_0/b:0']
  """

  def __init__(self, output_sizes: Sequence[int],
               activation: Callable[..., Any] = tf.nn.relu,
               activate_final: bool = False,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               use_bias: bool = True, use_dropout: bool = False,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "mlp"):
    """Configures the layers.

    Args:
      output_sizes: a non-empty sequence of layer sizes (ints, or callables
        returning them when the MLP is connected, as `transpose()` makes).
      activation: the activation function (default ReLU).
      activate_final: whether to (drop out and) activate the last layer's
        output too.
      initializers: optional dict with keys "w" / "b", used by every layer.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      use_bias: whether the layers have biases.
      use_dropout: whether to apply dropout before each activation.
      custom_getter: as for `snt.AbstractModule`; applies to every layer.
      name: the module's name.

    Raises:
      KeyError: if a dict has a key other than "w" / "b".
      TypeError: if `output_sizes` is not iterable, or a dict value or
        `activation` is not callable.
      ValueError: if `output_sizes` is empty.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    if not isinstance(output_sizes, collections.abc.Iterable):
      raise TypeError("output_sizes must be iterable")
    output_sizes = tuple(output_sizes)
    if not output_sizes:
      raise ValueError("output_sizes must not be empty")
    self._output_sizes = output_sizes
    self._num_layers = len(output_sizes)
    self._input_shape = None
    self.possible_keys = self.get_possible_initializer_keys(use_bias=use_bias)
    self._set_variable_options(initializers, partitioners, regularizers,
                               self.possible_keys)
    if not callable(activation):
      raise TypeError("Input 'activation' must be callable")
    self._activation = activation
    self._activate_final = activate_final
    self._use_bias = use_bias
    self._use_dropout = use_dropout
    with self._enter_variable_scope():
      self._layers = tuple(
          linear_lib.Linear(size, use_bias=use_bias, initializers=self.
                            _initializers, partitioners=self._partitioners,
                            regularizers=self._regularizers, name="linear_%d" %
                            i) for i, size in enumerate(output_sizes))

  @classmethod
  def get_possible_initializer_keys(cls, use_bias=True):
    """The variable names of each layer: {"w", "b"} (or {"w"})."""
    return {"w", "b"} if use_bias else {"w"}

  def _build(self, inputs, is_training=True, dropout_keep_prob=0.5):
    """Applies the layers.

    Args:
      inputs: a tensor of shape `[batch_size, input_size]`.
      is_training: a Python bool (or 0 / 1) or a boolean tensor; dropout is
        applied only when it is true (and `use_dropout` was set).
      dropout_keep_prob: the probability of keeping each unit in dropout
        (a float or a scalar tensor).

    Returns:
      A tensor of shape `[batch_size, output_sizes[-1]]`.

    Raises:
      IncompatibleShapeError: if `inputs` is not of rank 2, or its size
        differs from the first connection's (raised by the first layer).
      TypeError: if dropout is used and `is_training` is neither a bool,
        0 / 1 nor a tensor.
    """
    inputs = tf.convert_to_tensor(inputs)
    self._input_shape = tuple(inputs.get_shape().as_list())
    if self._use_dropout:
      is_training = _static_flag(is_training)
    net = inputs
    final_index = self._num_layers - 1
    for i, layer in enumerate(self._layers):
      net = layer(net)
      if i != final_index or self._activate_final:
        if self._use_dropout:
          net = _dropout(net, is_training, dropout_keep_prob)
        net = self._activation(net)
    return net

  @property
  def layers(self):
    """The `Linear` layers, in order (a new list each time)."""
    return list(self._layers)

  @property
  def output_sizes(self):
    """The layer sizes (callables resolved)."""
    return tuple(deferred.value(s) for s in self._output_sizes)

  @property
  def output_size(self):
    """The size of the last layer (a callable is resolved)."""
    return self.output_sizes[-1]

  @property
  def activation(self):
    """The activation function."""
    return self._activation

  @property
  def activate_final(self):
    """Whether the last layer is activated."""
    return self._activate_final

  @property
  def use_bias(self):
    """Whether the layers have biases."""
    return self._use_bias

  @property
  def use_dropout(self):
    """Whether dropout precedes each activation."""
    return self._use_dropout

  input_shape = connected_property.connected_property(
      "_input_shape", """The input shape of the most recent connection.

      Raises:
        NotConnectedError: before the first connection.
      """)

  def transpose(self, name=None, activate_final=None):
    """Returns an MLP mapping back from `output_size` to the input size.

    Its layer sizes are the input sizes of this MLP's layers in reverse
    order, read when the transpose is connected (so connect this MLP
    first). As in Sonnet 1.36, the custom getter is not passed on.

    Args:
      name: defaults to this module's name + "_transpose".
      activate_final: defaults to this MLP's setting.

    Returns:
      A new, unconnected `MLP`.
    """
    sizes = [
        lambda layer=layer: layer.input_shape[1]
        for layer in reversed(self._layers)]
    return MLP(
        output_sizes=sizes, activation=self._activation,
        activate_final=(self._activate_final if activate_final is None else
                        activate_final), initializers=self._initializers,
        partitioners=self._partitioners, regularizers=self._regularizers,
        use_bias=self._use_bias, use_dropout=self._use_dropout,
        name=self.module_name + "_transpose" if name is None else name)

  def clone(self, name=None):
    """Returns a new, unconnected MLP with the same configuration.

    Output sizes given as callables are resolved now; as in Sonnet 1.36,
    the custom getter is not passed on.

    Args:
      name: defaults to this module's name + "_clone".
    """
    return MLP(output_sizes=self.output_sizes, activation=self._activation,
               activate_final=self._activate_final,
               initializers=self._initializers, partitioners=self._partitioners,
               regularizers=self._regularizers, use_bias=self._use_bias,
               use_dropout=self._use_dropout,
               name=self.module_name + "_clone" if name is None else name)


def _static_flag(flag):
  """A training flag as a Python bool, or as a tensor if only known later.

  Accepts what Sonnet 1.36's MLP accepted (TensorFlow's `smart_cond`):
  Python bools, 0 and 1, and tensors (whose value is used when it is known
  statically); a variable always stays dynamic.

  Args:
    flag: the value to check.

  Returns:
    A bool, or `flag` itself.

  Raises:
    TypeError: for anything else.
  """
  if isinstance(flag, tf.Variable):
    return flag
  if isinstance(flag, tf.Tensor):
    value = tf.get_static_value(flag)
    return flag if value is None else bool(value)
  if isinstance(flag, (bool, np.bool_)) or (isinstance(flag, numbers.Number) and
                                            flag in (0, 1)):
    return bool(flag)
  raise TypeError("`pred` must be a Tensor, or a Python bool, or 1 or 0. "
                  "Found instead: %s" % type(flag))


def _dropout(net, is_training, keep_prob):
  """Dropout with `keep_prob` while training, none otherwise."""
  if is_training is False:
    return net
  if is_training is not True:
    keep_prob = tf.cond(is_training,
                        lambda: tf.convert_to_tensor(keep_prob, net.dtype),
                        lambda: tf.constant(1., net.dtype))
  return tf.nn.dropout(net, rate=1. - keep_prob)
