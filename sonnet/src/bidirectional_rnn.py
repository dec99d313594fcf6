"""`BidirectionalRNN`: runs one core forwards and one backwards in time."""

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors
from sonnet.src import rnn_core
from sonnet.src import unroll


class BidirectionalRNN(base.AbstractModule):
  """Unrolls `forward_core` over a sequence and `backward_core` over it reversed.

  Returns both output sequences aligned with the input's time axis, and both
  final states.

  >>> bidir = snt.BidirectionalRNN(snt.LSTM(3), snt.LSTM(4))
  >>> result = bidir(tf.ones([5, 2, 1]), bidir.initial_state(2))
  >>> result["outputs"]["backward"].shape.as_list()
  [5, 2, 4]
  """

  def __init__(self, forward_core, backward_core, name="bidir_rnn"):
    """Stores the two cores.

    Args:
      forward_core: an `snt.RNNCore` run from the first step to the last.
      backward_core: an `snt.RNNCore` run from the last step to the first.
      name: the module's name.

    Raises:
      TypeError: if a core is not an `RNNCore`.
    """
    super().__init__(name=name)
    for core in (forward_core, backward_core):
      if not isinstance(core, rnn_core.RNNCore):
        raise TypeError("BidirectionalRNN's cores must be RNNCores, got %r."
                        % (core,))
    self._forward_core = forward_core
    self._backward_core = backward_core

  def _build(self, input_sequence, state):
    """Runs both cores over the whole sequence.

    Args:
      input_sequence: a time-major tensor (or nest) `[num_steps,
        batch_size, ...]`.
      state: `(forward_state, backward_state)`, e.g. from `initial_state`.

    Returns:
      A dict `{"outputs": {"forward": ..., "backward": ...}, "state":
      {"forward": ..., "backward": ...}}`; both output sequences are
      `[num_steps, batch_size, ...]` in the input's time order.

    Raises:
      IncompatibleShapeError: if `state` is not a pair of states.
    """
    if not isinstance(state, (tuple, list)) or len(state) != 2:
      raise errors.IncompatibleShapeError(
          "%s: state must be a pair (forward_state, backward_state), got %r."
          % (self.scope_name, state))
    forward_state, backward_state = state
    forward_outputs, forward_final = unroll.dynamic_unroll(
        self._forward_core, input_sequence, forward_state)
    reverse = lambda x: tf.reverse(x, axis=[0])
    backward_outputs, backward_final = unroll.dynamic_unroll(
        self._backward_core, tf.nest.map_structure(reverse, input_sequence),
        backward_state)
    backward_outputs = tf.nest.map_structure(reverse, backward_outputs)
    return {
        "outputs": {"forward": forward_outputs, "backward": backward_outputs},
        "state": {"forward": forward_final, "backward": backward_final},
    }

  def initial_state(self, batch_size, dtype=tf.float32, trainable=False,
                    trainable_initializers=None, trainable_regularizers=None,
                    name=None):
    """Returns `(forward_initial_state, backward_initial_state)`.

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the dtype of the states.
      trainable: whether the initial states are learned.
      trainable_initializers: optional pair (forward, backward).
      trainable_regularizers: optional pair (forward, backward).
      name: optional prefix; the cores use `<name>_forward` /
        `<name>_backward` (by default their own names).

    Returns:
      A pair of states.
    """
    inits = trainable_initializers or (None, None)
    regs = trainable_regularizers or (None, None)
    return tuple(
        core.initial_state(
            batch_size, dtype=dtype, trainable=trainable,
            trainable_initializers=init, trainable_regularizers=reg,
            name=None if name is None else "%s_%s" % (name, direction))
        for core, init, reg, direction in zip(
            (self._forward_core, self._backward_core), inits, regs,
            ("forward", "backward")))

  @property
  def state_size(self):
    """`(forward_core.state_size, backward_core.state_size)`."""
    return (self._forward_core.state_size, self._backward_core.state_size)

  @property
  def output_size(self):
    """`(forward_core.output_size, backward_core.output_size)`."""
    return (self._forward_core.output_size, self._backward_core.output_size)
