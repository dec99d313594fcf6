"""`VanillaRNN`: `h' = activation(in_to_hidden(x) + hidden_to_hidden(h))`."""

from typing import Any, Callable, Mapping, Optional

import tensorflow as tf

from sonnet.src.core import connected_property
from sonnet.src import linear
from sonnet.src import rnn_core
from sonnet.src import variable_options


class VanillaRNN(rnn_core.HiddenStateCore, variable_options.VariableOptions):
  """A basic recurrent core made of two `snt.Linear`s.

  Variables: `in_to_hidden/w`, `in_to_hidden/b`, `hidden_to_hidden/w`,
  `hidden_to_hidden/b`. The output is the new hidden state.
  `snt.dynamic_unroll` / `snt.static_unroll` apply `in_to_hidden` to the
  inputs of all steps at once.

  >>> rnn = snt.VanillaRNN(4)
  >>> out, state = rnn(tf.ones([2, 3]), rnn.initial_state(2))
  >>> out.shape.as_list()
  [2, 4]
  """

  IN_TO_HIDDEN = "in_to_hidden"
  HIDDEN_TO_HIDDEN = "hidden_to_hidden"
  POSSIBLE_INITIALIZER_KEYS = {IN_TO_HIDDEN, HIDDEN_TO_HIDDEN}

  def __init__(self, hidden_size: int, activation: Callable[..., Any] = tf.tanh,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               name: str = "vanilla_rnn"):
    """Configures the core.

    Args:
      hidden_size: the size of the hidden state.
      activation: the nonlinearity applied to the sum.
      initializers: optional dict keyed by "in_to_hidden" /
        "hidden_to_hidden", each a dict for that `snt.Linear` ("w", "b").
      partitioners: optional dict with the same structure.
      regularizers: optional dict with the same structure.
      name: the module's name.

    Raises:
      KeyError: for an unknown key.
      TypeError: if a value is not a dict of callables.
    """
    super().__init__(name=name)
    self._set_variable_options(initializers, partitioners, regularizers,
                               self.POSSIBLE_INITIALIZER_KEYS)
    self._hidden_size = hidden_size
    self._activation = activation
    self._in_to_hidden_linear = None
    self._hidden_to_hidden_linear = None
    self._linears_graph = None

  def _linear(self, key):
    """The `snt.Linear` for "in_to_hidden" or "hidden_to_hidden"."""
    return linear.Linear(self._hidden_size,
                         initializers=self._initializers.get(key),
                         partitioners=self._partitioners.get(key),
                         regularizers=self._regularizers.get(key), name=key)

  def _build(self, input_, prev_state):
    """Runs one step.

    Args:
      input_: a tensor `[batch_size, input_size]`.
      prev_state: a tensor `[batch_size, hidden_size]`.

    Returns:
      `(output, next_state)`, the same tensor `[batch_size, hidden_size]`.

    Raises:
      IncompatibleShapeError: for inputs or a state not of rank 2, or of a
        size other than on the first connection.
      UnderspecifiedError: if their last dimension is unknown.
    """
    graph = tf.compat.v1.get_default_graph()
    if self._linears_graph is not graph:
      # Made on connection, as in Sonnet 1 (so a malformed initializers
      # entry is reported there), and again in each new graph (a function
      # or loop body being traced), whose Linears could not leave it. In
      # an unroll's loop with projected inputs, the input Linear stays the
      # one that projected them.
      offer = rnn_core.InputProjection.current(self)
      if offer is None or offer.projected is None:
        self._in_to_hidden_linear = self._linear(self.IN_TO_HIDDEN)
      self._hidden_to_hidden_linear = self._linear(self.HIDDEN_TO_HIDDEN)
      self._linears_graph = graph
    projected, _ = self._project_inputs(
        input_, lambda: None, lambda x, _: self._in_to_hidden_linear(x))
    output = self._activation(projected +
                              self._hidden_to_hidden_linear(prev_state))
    return output, output

  in_to_hidden_linear = connected_property.connected_property(
      "_in_to_hidden_linear", "The input `snt.Linear` (after connection).")

  hidden_to_hidden_linear = connected_property.connected_property(
      "_hidden_to_hidden_linear",
      "The recurrent `snt.Linear` (after connection).")

  @property
  def in_to_hidden_variables(self):
    """The input layer's variables (after connection)."""
    self._ensure_is_connected()
    return self._in_to_hidden_linear.get_variables()

  @property
  def hidden_to_hidden_variables(self):
    """The recurrent layer's variables (after connection)."""
    self._ensure_is_connected()
    return self._hidden_to_hidden_linear.get_variables()
