"""`MLP`: a stack of `Linear` layers with activations in between."""

import collections.abc

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors
from sonnet.src import linear as linear_lib
from sonnet.src import moving_stats
from sonnet.src import variable_options


class MLP(base.AbstractModule, base.Transposable,
          variable_options.VariableOptions):
  """A multi-layer perceptron: `Linear` layers separated by an activation.

  Layer `i` is a `snt.Linear` named "linear_i" inside the MLP's scope, so
  the variables are `mlp/linear_0/w`, `mlp/linear_0/b`, ... The activation
  follows every layer but the last (and the last too with
  `activate_final`). With `use_dropout`, dropout is applied to each
  activated output while training.

  >>> mlp = snt.nets.MLP([8, 2])
  >>> mlp(tf.ones([5, 3])).shape.as_list()
  [5, 2]
  >>> [v.name for v in mlp.get_variables()][:2]
  ['mlp/linear_0/w:0', 'mlp/linear_0/b:0']
  """

  def __init__(self, output_sizes, activation=tf.nn.relu,
               activate_final=False, initializers=None, partitioners=None,
               regularizers=None, use_bias=True, use_dropout=False,
               custom_getter=None, name="mlp"):
    """Configures the layers.

    Args:
      output_sizes: a non-empty sequence of layer sizes (ints, or callables
        returning them when the MLP is connected, as `transpose()` makes).
      activation: the activation function (default ReLU).
      activate_final: whether to activate (and drop out) the last layer's
        output too.
      initializers: optional dict with keys "w" / "b", used by every layer.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      use_bias: whether the layers have biases.
      use_dropout: whether to apply dropout after each activation.
      custom_getter: as for `snt.AbstractModule`; applies to every layer.
      name: the module's name.

    Raises:
      KeyError: if a dict has a key other than "w" / "b".
      TypeError: if a dict value or `activation` is not callable.
      ValueError: if `output_sizes` is empty.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    if not isinstance(output_sizes, collections.abc.Iterable):
      raise TypeError("output_sizes must be a sequence of sizes, got %r."
                      % (output_sizes,))
    output_sizes = tuple(output_sizes)
    if not output_sizes:
      raise ValueError("output_sizes must name at least one layer, got an "
                       "empty sequence.")
    if not callable(activation):
      raise TypeError("activation must be callable, got %r." % (activation,))
    self._output_sizes = output_sizes
    self._activation = activation
    self._activate_final = activate_final
    self._use_bias = use_bias
    self._use_dropout = use_dropout
    keys = self.get_possible_initializer_keys(use_bias=use_bias)
    self._set_variable_options(initializers, partitioners, regularizers,
                               keys)
    self._input_shape = None
    with self._enter_variable_scope():
      self._layers = tuple(
          linear_lib.Linear(size, use_bias=use_bias,
                            initializers=self._initializers,
                            partitioners=self._partitioners,
                            regularizers=self._regularizers,
                            name="linear_%d" % i)
          for i, size in enumerate(output_sizes))

  @classmethod
  def get_possible_initializer_keys(cls, use_bias=True):
    """The variable names of each layer: {"w", "b"} (or {"w"})."""
    return {"w", "b"} if use_bias else {"w"}

  def _build(self, inputs, is_training=True, dropout_keep_prob=0.5):
    """Applies the layers.

    Args:
      inputs: a tensor of shape `[batch_size, input_size]`.
      is_training: a Python bool or boolean tensor; dropout is applied only
        when it is True (and `use_dropout` was set).
      dropout_keep_prob: the probability of keeping each unit in dropout
        (a float or a scalar tensor).

    Returns:
      A tensor of shape `[batch_size, output_sizes[-1]]`.

    Raises:
      IncompatibleShapeError: if `inputs` is not of rank 2, or its size
        differs from the first connection's.
      UnderspecifiedError: if the input size is unknown.
      TypeError: if `is_training` is not a bool or a boolean tensor.
    """
    inputs = tf.convert_to_tensor(inputs)
    shape = inputs.get_shape()
    if shape.rank != 2:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have rank 2 ([batch_size, input_size]), got "
          "shape %s." % (self.scope_name, shape))
    if self._use_dropout:
      is_training = moving_stats.check_flag(is_training, self.scope_name)
    self._input_shape = tuple(shape.as_list())
    net = inputs
    last = len(self._layers) - 1
    for i, layer in enumerate(self._layers):
      net = layer(net)
      if i != last or self._activate_final:
        if self._use_dropout:
          net = self._dropout(net, is_training, dropout_keep_prob)
        net = self._activation(net)
    return net

  @staticmethod
  def _dropout(net, is_training, keep_prob):
    if is_training is False:
      return net
    drop = lambda: tf.nn.dropout(net, rate=1. - keep_prob)
    return moving_stats.smart_cond(is_training, drop, lambda: net)

  @property
  def layers(self):
    """The `Linear` layers, in order."""
    return self._layers

  @property
  def output_sizes(self):
    """The layer sizes (callables resolved where possible)."""
    return tuple(s() if callable(s) else s for s in self._output_sizes)

  @property
  def output_size(self):
    """The size of the last layer."""
    return self._layers[-1].output_size

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
    """Whether dropout follows each activation."""
    return self._use_dropout

  @property
  def input_shape(self):
    """The input shape of the most recent connection.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._input_shape

  def transpose(self, name=None, activate_final=None):
    """Returns an MLP mapping back from `output_size` to the input size.

    Its layer sizes are the input sizes of this MLP's layers in reverse
    order, read when the transpose is connected (so connect this MLP
    first).

    Args:
      name: defaults to this module's name + "_transpose".
      activate_final: defaults to this MLP's setting.

    Returns:
      A new, unconnected `MLP`.
    """
    sizes = [lambda layer=layer: layer.input_shape[-1]
             for layer in reversed(self._layers)]
    return MLP(
        output_sizes=sizes, activation=self._activation,
        activate_final=(self._activate_final if activate_final is None
                        else activate_final),
        initializers=self._initializers, partitioners=self._partitioners,
        regularizers=self._regularizers, use_bias=self._use_bias,
        use_dropout=self._use_dropout, custom_getter=self._custom_getter,
        name=name or self.module_name + "_transpose")

  def clone(self, name=None):
    """Returns a new, unconnected MLP with the same configuration.

    Args:
      name: defaults to this module's name + "_clone".
    """
    return MLP(
        output_sizes=self._output_sizes, activation=self._activation,
        activate_final=self._activate_final,
        initializers=self._initializers, partitioners=self._partitioners,
        regularizers=self._regularizers, use_bias=self._use_bias,
        use_dropout=self._use_dropout, custom_getter=self._custom_getter,
        name=name or self.module_name + "_clone")
