"""`TrainableInitialState`: turns a given initial state into variables."""

import tensorflow as tf

from sonnet.src import base

tf1 = tf.compat.v1


class TrainableInitialState(base.AbstractModule):
  """Returns a learned copy of an initial state, leaf by leaf.

  Each leaf of `initial_state` selected by `mask` becomes a variable
  `state_<i>` (`i` its index in `tf.nest.flatten` order), initialized with
  the leaf's value and of the same shape; the other leaves are returned
  unchanged.

  >>> init = snt.TrainableInitialState((tf.zeros([2, 3]), tf.ones([2, 4])),
  ...                                  mask=(True, False))
  >>> state = init()
  >>> [v.name for v in init.get_variables()]
  ['trainable_initial_state/state_0:0']
  """

  def __init__(self, initial_state, mask=None,
               name="trainable_initial_state"):
    """Stores the initial state.

    Args:
      initial_state: a nest of tensors with fully known shapes (e.g. a
        core's `zero_state(batch_size, dtype)` with an int batch size).
      mask: optional nest like `initial_state` of bools saying which leaves
        are learned; the default learns all of them.
      name: the module's name.

    Raises:
      TypeError: if `mask` does not have the structure of `initial_state`
        or holds something other than bools.
    """
    super().__init__(name=name)
    if mask is not None:
      try:
        tf.nest.assert_same_structure(initial_state, mask, check_types=False)
      except (ValueError, TypeError) as e:
        raise TypeError("mask must have the structure of initial_state, got "
                        "%r (%s)." % (mask, e))
      if not all(isinstance(m, bool) for m in tf.nest.flatten(mask)):
        raise TypeError("mask must hold only bools, got %r." % (mask,))
    self._initial_state = initial_state
    self._mask = mask

  def _build(self):
    """Creates (first call) or reuses the variables.

    Returns:
      A nest like `initial_state`: variables (as tensors) for the masked
      leaves, the given tensors for the others.
    """
    flat_state = tf.nest.flatten(self._initial_state)
    flat_mask = (tf.nest.flatten(self._mask) if self._mask is not None
                 else [True] * len(flat_state))
    outputs = []
    for i, (tensor, learned) in enumerate(zip(flat_state, flat_mask)):
      if learned:
        tensor = tf.convert_to_tensor(tensor)
        value = tensor  # Bound now: the initializer may run later.
        variable = tf1.get_variable(
            "state_%d" % i, shape=tensor.shape, dtype=tensor.dtype,
            initializer=lambda *a, v=value, **k: v)
        outputs.append(tf.convert_to_tensor(variable))
      else:
        outputs.append(tensor)
    return tf.nest.pack_sequence_as(self._initial_state, outputs)
