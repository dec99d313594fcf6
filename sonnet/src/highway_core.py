"""`HighwayCore`: a recurrent highway network core (Zilly et al., 2016)."""

from typing import Any, Callable, Mapping, Optional, Union

import tensorflow as tf

from sonnet.src import rnn_core
from sonnet.src import variable_options


class HighwayCore(rnn_core.HiddenStateCore, variable_options.VariableOptions):
  """A recurrent highway core: `num_layers` highway layers per time step.

  With `s` the state entering layer `l` (the previous state for `l = 0`):

      h = tanh([x wh if l == 0] + s wh<l> + bh<l>)
      t = sigmoid([x wt if l == 0] + s wt<l> + bt<l>)
      s = h * t + s * (1 - t)

  The output and the new state are the last layer's `s`. Variables `wh`,
  `wt` (`[input_size, hidden_size]`) and, per layer `l`, `wh<l>`, `wt<l>`
  (`[hidden_size, hidden_size]`), `bh<l>`, `bt<l>` (`[hidden_size]`).

  >>> core = snt.HighwayCore(4, num_layers=2)
  >>> out, state = core(tf.ones([2, 3]), core.initial_state(2))
  >>> out.shape.as_list()
  [2, 4]
  """

  def __init__(self, hidden_size: int, num_layers: int,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "highwaycore"):
    """Configures the core.

    Args:
      hidden_size: the size of the state.
      num_layers: the number of highway layers per step.
      initializers: optional dict keyed by the variable names (see
        `get_possible_initializer_keys`); the default is the variable
        scope's (Glorot uniform, biases included), as in Sonnet 1.
      partitioners: optional dict with the same keys.
      regularizers: optional dict with the same keys.
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      KeyError: for a key not in `get_possible_initializer_keys(num_layers)`.
      TypeError: if a dict value is not callable.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    self._hidden_size = hidden_size
    self._num_layers = num_layers
    self._set_variable_options(initializers, partitioners, regularizers,
                               self.get_possible_initializer_keys(num_layers))
    self._input_size = None

  @classmethod
  def get_possible_initializer_keys(cls, num_layers):
    """The variable names for a number of layers.

    Args:
      num_layers: the number of highway layers.

    Returns:
      A set of strings: "wt", "wh" and "wt<l>", "wh<l>", "bt<l>", "bh<l>".
    """
    keys = {"wt", "wh"}
    for layer in range(num_layers):
      keys |= {"wt%d" % layer, "wh%d" % layer, "bt%d" % layer, "bh%d" % layer}
    return keys

  def _build(self, inputs, prev_state):
    """Runs one step through the highway layers.

    Args:
      inputs: a tensor `[batch_size, input_size]`, the same `input_size` on
        every connection.
      prev_state: a tensor `[batch_size, hidden_size]`.

    Returns:
      `(output, next_state)`, the same tensor.

    Raises:
      ValueError: for an input size other than the first connection's.
    """
    input_size = rnn_core.check_input_size(self.scope_name, self._input_size,
                                           inputs)
    self._input_size = input_size
    hidden, dtype = self._hidden_size, inputs.dtype
    wt = self._get_variable("wt", [input_size, hidden], dtype)
    wh = self._get_variable("wh", [input_size, hidden], dtype)
    state = prev_state
    for layer in range(self._num_layers):
      wt_l = self._get_variable("wt%d" % layer, [hidden, hidden], dtype)
      bt_l = self._get_variable("bt%d" % layer, [hidden], dtype)
      wh_l = self._get_variable("wh%d" % layer, [hidden, hidden], dtype)
      bh_l = self._get_variable("bh%d" % layer, [hidden], dtype)
      pre_t = tf.matmul(state, wt_l) + bt_l
      pre_h = tf.matmul(state, wh_l) + bh_l
      if layer == 0:
        pre_t += tf.matmul(inputs, wt)
        pre_h += tf.matmul(inputs, wh)
      t = tf.sigmoid(pre_t)
      state = state * (1. - t) + tf.tanh(pre_h) * t
    return state, state
