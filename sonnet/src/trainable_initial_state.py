"""`TrainableInitialState`: turns a given initial state into variables."""

from typing import Any
import warnings

import tensorflow as tf

from sonnet.src.core import base

tf1 = tf.compat.v1


def _learnable_leaf(state, index, learnable):
  """One leaf of the state, checked for equal rows and maybe learned.

  Every row of `state` must hold the same values (the initial state of each
  batch entry); the check runs with the returned tensor (in eager mode at
  once).

  Args:
    state: a tensor `[batch_size, ...]` with a fully known shape.
    index: the leaf's index, naming its variable `initial_state_<index>`.
    learnable: whether to return a learned copy.

  Returns:
    `state`, or a variable of shape `[1, ...]` initialized with its first
    row, tiled to `state`'s shape.

  Raises:
    InvalidArgumentError: if the rows differ (eager mode).
  """
  rows = tf.unstack(state)
  checks = [tf1.assert_equal(row, rows[0]) for row in rows]
  with tf.control_dependencies(checks):
    if not learnable:
      return state
    shape = state.get_shape()
    shape.assert_is_fully_defined()
    batch_size, trailing = shape.as_list()[0], shape.as_list()[1:]
    first_row = tf.reshape(rows[0], [1] + trailing)
    variable = tf1.get_variable("initial_state_%d" % index,
                                dtype=first_row.dtype, initializer=first_row)
    return tf.tile(variable, tf.constant([batch_size] + [1] * len(trailing)))


class TrainableInitialState(base.AbstractModule):
  """Returns a learned copy of an initial state, leaf by leaf (Sonnet 1).

  Each leaf of `initial_state` selected by `mask` becomes a variable
  `initial_state_<i>` (`i` its index in `tf.nest.flatten` order) of shape
  `[1, ...]`, initialized with the leaf's first row and tiled over the
  batch; the other leaves are returned unchanged. Every leaf's rows must be
  equal: the returned tensors check it when evaluated (`InvalidArgumentError`
  otherwise). Deprecated in Sonnet 1 in favour of
  `core.initial_state(batch_size, trainable=True)`.

  >>> init = snt.TrainableInitialState((tf.zeros([2, 3]), tf.ones([2, 4])),
  ...                                  mask=(True, False))
  >>> state = init()
  >>> [v.name for v in init.get_variables()]
  ['trainable_initial_state/initial_state_0:0']
  """

  def __init__(self, initial_state: Any, mask: Any = None,
               name: str = "trainable_initial_state"):
    """Stores the initial state; warns that the module is deprecated.

    Args:
      initial_state: a nest of tensors `[batch_size, ...]` with fully known
        shapes (e.g. a core's `zero_state(batch_size, dtype)` with an int
        batch size).
      mask: optional nest like `initial_state` of bools saying which leaves
        are learned; the default learns all of them.
      name: the module's name.

    Raises:
      TypeError: if `mask` holds something other than bools.
      ValueError, TypeError: if `mask` does not have the structure of
        `initial_state` (as `tf.nest.assert_same_structure` reports it).
    """
    super().__init__(name=name)
    warnings.warn("Use the trainable flag in initial_state instead.",
                  DeprecationWarning, stacklevel=2)
    if mask is not None:
      if not all(isinstance(m, bool) for m in tf.nest.flatten(mask)):
        raise TypeError("Mask should be None or a list of boolean values.")
      tf.nest.assert_same_structure(initial_state, mask)
    self._initial_state = initial_state
    self._mask = mask

  def _build(self):
    """Creates (first call) or reuses the variables.

    Returns:
      A nest like `initial_state`: tiled variables for the masked leaves,
      the given tensors for the others.

    Raises:
      InvalidArgumentError: in eager mode, if a leaf's rows differ.
    """
    flat_state = tf.nest.flatten(self._initial_state)
    flat_mask = (tf.nest.flatten(self._mask)
                 if self._mask is not None else [True] * len(flat_state))
    learned = [
        _learnable_leaf(state, i, learnable)
        for i, (state, learnable) in enumerate(zip(flat_state, flat_mask))]
    return tf.nest.pack_sequence_as(self._initial_state, learned)
