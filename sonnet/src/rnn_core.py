"""`RNNCore`: the interface of recurrent modules, and trainable initial states.

A core maps `(inputs, prev_state)` to `(outputs, next_state)` for one time
step. It has the duck-typed interface `tf.compat.v1.nn.dynamic_rnn` expects
(`state_size`, `output_size`, `zero_state`, `__call__`), so it works there in
graph mode, and with `snt.dynamic_unroll` / `snt.static_unroll` everywhere.
"""

import abc
import contextlib

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors
from sonnet.src import trainable_variable

tf1 = tf.compat.v1


def _size_list(size):
  """A state or output size (int or TensorShape) as a list of ints."""
  return tf.TensorShape(size).as_list()


def _zeros(batch_size, size, dtype):
  """Zeros of shape `[batch_size] + size`; `batch_size` may be a tensor."""
  dims = _size_list(size)
  if isinstance(batch_size, int):
    return tf.zeros([batch_size] + dims, dtype=dtype)
  shape = tf.concat([tf.reshape(tf.cast(batch_size, tf.int32), [1]),
                     tf.constant(dims, dtype=tf.int32)], axis=0)
  return tf.zeros(shape, dtype=dtype)


def _tile_batch(value, batch_size):
  """Tiles a `[1, ...]` value to `[batch_size, ...]`."""
  rank = value.shape.rank
  multiples = tf.concat([tf.reshape(tf.cast(batch_size, tf.int32), [1]),
                         tf.ones([rank - 1], dtype=tf.int32)], axis=0)
  tiled = tf.tile(value, multiples)
  if isinstance(batch_size, int):
    tiled.set_shape([batch_size] + value.shape.as_list()[1:])
  return tiled


def _path_names(structure):
  """One name per leaf of `structure`: field names / indices joined by "_".

  Args:
    structure: a nest of leaves (sizes, tensors, ...).

  Returns:
    A list of strings in `tf.nest.flatten` order; a lone leaf gives `[""]`.
  """
  if isinstance(structure, tf.TensorShape) or not tf.nest.is_nested(
      structure):
    return [""]
  if isinstance(structure, dict):
    keys = sorted(structure)
    items = [(str(k), structure[k]) for k in keys]
  elif hasattr(structure, "_fields"):
    items = [(f, getattr(structure, f)) for f in structure._fields]
  else:
    items = [(str(i), v) for i, v in enumerate(structure)]
  names = []
  for key, value in items:
    names.extend(key + ("_" + sub if sub else "")
                 for sub in _path_names(value))
  return names


def _leaf_names(prefix, structure):
  return [prefix + ("_" + n if n else "") for n in _path_names(structure)]


def _flatten_per_leaf(value, state_size, what):
  """Flattens an optional per-state-leaf argument (initializers, ...)."""
  count = len(tf.nest.flatten(state_size))
  if value is None:
    return [None] * count
  try:
    tf.nest.assert_same_structure(value, state_size, check_types=False)
  except (ValueError, TypeError) as e:
    raise ValueError("%s must have the structure of the state size %s, "
                     "got %r (%s)." % (what, state_size, value, e))
  return tf.nest.flatten(value)


def trainable_initial_state(batch_size, state_size, dtype, initializers=None,
                            regularizers=None, name=None):
  """Creates a learned initial state: variables of shape `[1] + size`, tiled.

  For each leaf of `state_size` one variable `<name>_<field>/w` is made with
  `tf.compat.v1.get_variable` in the current variable scope (call this inside
  a module's `_build` to share the variables between connections), and tiled
  along a new batch dimension.

  >>> state = snt.trainable_initial_state(
  ...     2, (tf.TensorShape([3]), tf.TensorShape([4])), tf.float32,
  ...     name="init")
  >>> [s.shape.as_list() for s in state]
  [[2, 3], [2, 4]]

  Args:
    batch_size: an int or a scalar int32 tensor.
    state_size: a nest of ints / `TensorShape`s (a core's `state_size`).
    dtype: the variables' dtype.
    initializers: optional nest like `state_size` of initializers; the
      default is zeros.
    regularizers: optional nest like `state_size` of regularizers.
    name: prefix of the variable scopes; defaults to "initial_state".

  Returns:
    A nest like `state_size` of tensors `[batch_size] + size`.

  Raises:
    ValueError: if `initializers` / `regularizers` do not match `state_size`.
  """
  name = name or "initial_state"
  flat_sizes = tf.nest.flatten(state_size)
  flat_inits = _flatten_per_leaf(initializers, state_size, "initializers")
  flat_regs = _flatten_per_leaf(regularizers, state_size, "regularizers")
  flat_states = []
  for leaf_name, size, init, reg in zip(_leaf_names(name, state_size),
                                        flat_sizes, flat_inits, flat_regs):
    with tf1.variable_scope(leaf_name):
      variable = tf1.get_variable(
          "w", shape=[1] + _size_list(size), dtype=dtype,
          initializer=init or tf1.zeros_initializer(), regularizer=reg)
    flat_states.append(_tile_batch(tf.convert_to_tensor(variable),
                                   batch_size))
  return tf.nest.pack_sequence_as(state_size, flat_states)


class RNNCore(base.AbstractModule, metaclass=abc.ABCMeta):
  """Base class of recurrent cores: one time step, `(x, s) -> (y, s')`.

  Subclasses implement `_build(inputs, prev_state)` returning
  `(outputs, next_state)`, and the properties `state_size` and `output_size`
  (nests of ints or `TensorShape`s, without the batch dimension).

  >>> class Counter(snt.RNNCore):
  ...   def _build(self, inputs, prev_state):
  ...     return inputs, prev_state + 1.
  ...   @property
  ...   def state_size(self):
  ...     return tf.TensorShape([1])
  ...   @property
  ...   def output_size(self):
  ...     return tf.TensorShape([2])
  >>> counter = Counter()
  >>> counter.initial_state(3).shape.as_list()
  [3, 1]
  """

  @property
  @abc.abstractmethod
  def state_size(self):
    """A nest of ints / `TensorShape`s: the state without batch dimension."""

  @property
  @abc.abstractmethod
  def output_size(self):
    """A nest of ints / `TensorShape`s: the output without batch dimension."""

  def zero_state(self, batch_size, dtype):
    """Returns a state of zeros.

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the dtype of the state.

    Returns:
      A nest like `state_size` of zero tensors `[batch_size] + size`.
    """
    with tf.name_scope(self.module_name + "_zero_state"):
      return tf.nest.map_structure(
          lambda size: _zeros(batch_size, size, dtype), self.state_size)

  def initial_state(self, batch_size, dtype=tf.float32, trainable=False,
                    trainable_initializers=None, trainable_regularizers=None,
                    name=None, **unused_kwargs):
    """Returns an initial state: zeros, or learned variables tiled per batch.

    With `trainable=True` each leaf of the state gets a variable
    `<name>_<field>/w` of shape `[1] + size` (e.g. `lstm_initial_state_cell/w`
    for an `LSTM` named "lstm"), created on the first call and reused by
    later calls on this core.

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the dtype of the state.
      trainable: whether the initial state is learned.
      trainable_initializers: optional nest like `state_size` of
        initializers for the learned state (default zeros).
      trainable_regularizers: optional nest like `state_size` of
        regularizers for the learned state.
      name: prefix of the learned state's variables; defaults to
        `<module_name>_initial_state`.
      **unused_kwargs: ignored, so callers may pass core-specific options.

    Returns:
      A nest like `state_size` of tensors `[batch_size] + size`.

    Raises:
      ValueError: if the initializers / regularizers do not match
        `state_size`.
    """
    if not trainable:
      return self.zero_state(batch_size, dtype)
    name = name or self.module_name + "_initial_state"
    state_size = self.state_size
    flat_inits = _flatten_per_leaf(trainable_initializers, state_size,
                                   "trainable_initializers")
    flat_regs = _flatten_per_leaf(trainable_regularizers, state_size,
                                  "trainable_regularizers")
    key = (name, tf.as_dtype(dtype).name)
    cache = self.__dict__.get("_initial_state_modules")
    if cache is None:
      cache = {}
      object.__setattr__(self, "_initial_state_modules", cache)
    modules = cache.get(key)
    if modules is None:
      modules = []
      for leaf_name, size, init, reg in zip(
          _leaf_names(name, state_size), tf.nest.flatten(state_size),
          flat_inits, flat_regs):
        # Inside a tf.function, make the module where its variables live.
        scope = (tf.init_scope() if tf.inside_function()
                 else contextlib.nullcontext())
        with scope:
          modules.append(trainable_variable.TrainableVariable(
              [1] + _size_list(size), dtype=dtype,
              initializers={"w": init or tf1.zeros_initializer()},
              regularizers={"w": reg} if reg else None, name=leaf_name))
      cache[key] = modules
      # Track the variables for checkpoints.
      setattr(self, "_initial_state_%d" % len(cache), modules)
    flat = [_tile_batch(tf.convert_to_tensor(m()), batch_size)
            for m in modules]
    return tf.nest.pack_sequence_as(state_size, flat)


def check_inputs_and_state(core, inputs, prev_state, input_rank=2):
  """Validates one step's inputs and state against a core's sizes.

  Args:
    core: the `RNNCore` (its `scope_name` prefixes the messages).
    inputs: the step's input tensor, expected of rank `input_rank` with a
      known last dimension.
    prev_state: the state, expected as a nest like `core.state_size` of
      tensors `[batch_size] + size`.
    input_rank: the expected input rank.

  Returns:
    The (static, possibly None) batch size.

  Raises:
    IncompatibleShapeError: for a wrong input rank, a state of another
      structure, batch size or size.
    UnderspecifiedError: if the input's last dimension is unknown.
  """
  shape = inputs.shape
  if shape.rank != input_rank:
    raise errors.IncompatibleShapeError(
        "%s: inputs must have rank %d ([batch_size, ...]), got shape %s. "
        "For a whole sequence, use snt.dynamic_unroll or dynamic_rnn."
        % (core.scope_name, input_rank, shape))
  if shape[-1] is None:
    raise errors.UnderspecifiedError(
        "%s: the last input dimension must be known, got shape %s."
        % (core.scope_name, shape))
  state_size = core.state_size
  try:
    tf.nest.assert_same_structure(prev_state, state_size, check_types=False)
  except (ValueError, TypeError):
    raise errors.IncompatibleShapeError(
        "%s: prev_state must have the structure of state_size %s, got %r. "
        "Use core.initial_state(batch_size) to make one."
        % (core.scope_name, state_size, prev_state)) from None
  batch_size = shape[0]
  for leaf, size in zip(tf.nest.flatten(prev_state),
                        tf.nest.flatten(state_size)):
    leaf_shape = tf.TensorShape(getattr(leaf, "shape", None))
    expected = tf.TensorShape([batch_size] + _size_list(size))
    if not leaf_shape.is_compatible_with(expected):
      raise errors.IncompatibleShapeError(
          "%s: each state tensor must have shape [batch_size] + its "
          "state_size, %s here (batch size from the inputs %s); got %s."
          % (core.scope_name, expected, shape, leaf_shape))
    if batch_size is None and leaf_shape.rank:
      batch_size = leaf_shape[0]
  return batch_size
