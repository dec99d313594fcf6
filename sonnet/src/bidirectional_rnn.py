"""`BidirectionalRNN`: runs one core forwards and one backwards in time."""

from typing import Any, Callable

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import rnn_core


def _is_recurrent(core):
  """Whether `core` is an `RNNCore` or has the interface of one."""
  return isinstance(core, rnn_core.RNNCore) or all(
      hasattr(core, attribute)
      for attribute in ("initial_state", "output_size", "state_size"))


def _run(core, steps, state):
  """Steps `core` over `steps`; stacks the outputs and states over time."""
  per_step = []
  for step_input in steps:
    output, state = core(step_input, state)
    per_step.append((output, state))
  return tf.nest.map_structure(lambda *values: tf.stack(values), *per_step)


class BidirectionalRNN(base.AbstractModule):
  """Runs `forward_core` over a sequence and `backward_core` over it reversed.

  Both cores are stepped over a time-major sequence of static length in a
  Python loop (name scopes `forward_rnn` / `backward_rnn`). For each
  direction the result holds the outputs and the states of every step,
  stacked along a new leading time axis in the order the core processed
  them: the backward core's entry 0 is its first step, on the last input.

  >>> bidir = snt.BidirectionalRNN(snt.LSTM(3), snt.LSTM(4))
  >>> result = bidir(tf.ones([5, 2, 1]), bidir.initial_state(2))
  >>> result["outputs"]["backward"].shape.as_list()
  [5, 2, 4]
  >>> result["state"]["forward"].cell.shape.as_list()
  [5, 2, 3]
  """

  def __init__(self, forward_core: Callable[..., Any],
               backward_core: Callable[..., Any], name: str = "bidir_rnn"):
    """Stores the two cores.

    Args:
      forward_core: an `snt.RNNCore` (or an object with `initial_state`,
        `output_size` and `state_size`) run from the first step to the last.
      backward_core: one run from the last step to the first.
      name: the module's name.

    Raises:
      ValueError: if a core is not recurrent.
    """
    super().__init__(name=name)
    self._forward_core = forward_core
    self._backward_core = backward_core
    if not (_is_recurrent(forward_core) and _is_recurrent(backward_core)):
      raise ValueError("Forward and backward cores must both be instances of"
                       "RNNCore.")

  def _build(self, input_sequence, state):
    """Runs both cores over the whole sequence.

    Args:
      input_sequence: a time-major tensor `[num_steps, batch_size, ...]`
        with a static `num_steps`.
      state: `(forward_state, backward_state)`, e.g. from `initial_state`.

    Returns:
      A dict `{"outputs": {"forward": ..., "backward": ...}, "state":
      {"forward": ..., "backward": ...}}` of nests of tensors
      `[num_steps, batch_size, ...]`, each direction's in its processing
      order.

    Raises:
      ValueError: if `num_steps` is not statically known.
    """
    num_steps = tf.compat.dimension_value(input_sequence.get_shape()[0])
    if num_steps is None:
      raise ValueError("Time dimension of input (dim 0) must be statically"
                       "known.")
    forward_state, backward_state = state
    steps = [input_sequence[i] for i in range(num_steps)]
    with tf.name_scope("forward_rnn"):
      forward_outputs, forward_states = _run(self._forward_core, steps,
                                             forward_state)
    with tf.name_scope("backward_rnn"):
      backward_outputs, backward_states = _run(self._backward_core, steps[::-1],
                                               backward_state)
    return {
        "outputs": {"forward": forward_outputs, "backward": backward_outputs},
        "state": {"forward": forward_states, "backward": backward_states},}

  def initial_state(self, batch_size, dtype=tf.float32, trainable=False,
                    trainable_initializers=None, trainable_regularizers=None,
                    name=None):
    """Returns `(forward_initial_state, backward_initial_state)`.

    Both cores get the same arguments; their names are `<name>_forward` and
    `<name>_backward`, `name` defaulting to "state".

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the dtype of the states.
      trainable: whether the initial states are learned.
      trainable_initializers: optional initializers, passed to both cores.
      trainable_regularizers: optional regularizers, passed to both cores.
      name: the names' prefix.

    Returns:
      A pair of states.
    """
    name = "state" if name is None else name
    return tuple(
        core.initial_state(batch_size, dtype, trainable, trainable_initializers,
                           trainable_regularizers, name=name + suffix)
        for core, suffix in ((self._forward_core, "_forward"),
                             (self._backward_core, "_backward")))

  @property
  def state_size(self):
    """`(forward_core.state_size, backward_core.state_size)`."""
    return (self._forward_core.state_size, self._backward_core.state_size)

  @property
  def output_size(self):
    """`(forward_core.output_size, backward_core.output_size)`."""
    return (self._forward_core.output_size, self._backward_core.output_size)
