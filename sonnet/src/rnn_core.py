"""`RNNCore`: the interface of recurrent modules, and trainable initial states.

A core maps `(inputs, prev_state)` to `(outputs, next_state)` for one time
step. It has the duck-typed interface `tf.compat.v1.nn.dynamic_rnn` expects
(`state_size`, `output_size`, `zero_state`, `__call__`), so it works there in
graph mode, and with `snt.dynamic_unroll` / `snt.static_unroll` everywhere.
"""

import abc
import contextlib
import threading

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import errors
from sonnet.src import trainable_variable

tf1 = tf.compat.v1


def _size_list(size):
  """A state or output size (int or TensorShape) as a list of ints."""
  return tf.TensorShape(size).as_list()


def _zero_state_tensors(batch_size, state_size, dtype):
  """Zeros `[batch_size] + size` for each leaf of `state_size`.

  `batch_size` may be a tensor: each distinct size is then stacked with it
  into a shape once, which the leaves of that size share (each leaf is
  still its own `zeros` op).

  Args:
    batch_size: an int or a scalar integer tensor.
    state_size: a nest of ints / `TensorShape`s.
    dtype: the zeros' dtype.

  Returns:
    A nest like `state_size` of tensors.
  """
  if isinstance(batch_size, int):
    return tf.nest.map_structure(
        lambda size: tf.zeros([batch_size] + _size_list(size), dtype=dtype),
        state_size)
  batch = tf.cast(batch_size, tf.int32)
  static_batch = tf.get_static_value(batch_size)
  shapes = {}

  def zeros(size):
    dims = _size_list(size)
    key = tuple(dims)
    if key not in shapes:
      shapes[key] = tf.stack([batch] + dims)
    leaf = tf.zeros(shapes[key], dtype=dtype)
    leaf.set_shape([static_batch] + dims)
    return leaf

  return tf.nest.map_structure(zeros, state_size)


def _leaf_suffixes(state_size):
  """Name suffixes of a state's leaves, as Sonnet 1 chose them.

  A namedtuple with at least as many fields as leaves uses its field names;
  anything else the leaves' indices in `tf.nest.flatten` order.

  Args:
    state_size: a nest of sizes.

  Returns:
    A list of strings, one per leaf.
  """
  count = len(tf.nest.flatten(state_size))
  fields = getattr(state_size, "_fields", ())
  if len(fields) >= count:
    return [str(f) for f in fields[:count]]
  return [str(i) for i in range(count)]


def _flat_callables(values, state_size, what):
  """Flattens optional per-leaf initializers or regularizers.

  Args:
    values: None (or another false value), or a nest like `state_size` of
      callables.
    state_size: the state's sizes.
    what: "initializers" or "regularizers", for the message.

  Returns:
    A list with one callable (or None) per leaf.

  Raises:
    ValueError, TypeError: if `values` does not have the structure of
      `state_size` (as `tf.nest.assert_same_structure` reports it).
    ValueError: if a leaf is not callable.
  """
  if not values:
    return [None] * len(tf.nest.flatten(state_size))
  tf.nest.assert_same_structure(values, state_size)
  flat = tf.nest.flatten(values)
  if not all(callable(v) for v in flat):
    raise ValueError("Not all the passed %s are callable objects." % what)
  return flat


def _state_variable_modules(state_size, dtype, initializers, regularizers,
                            prefix):
  """One `TrainableVariable` `<prefix>_<suffix>`, shape `[1] + size`, a leaf.

  Args:
    state_size: a nest of ints / `TensorShape`s.
    dtype: the variables' dtype.
    initializers: optional nest like `state_size` of initializers (zeros by
      default).
    regularizers: optional nest like `state_size` of regularizers.
    prefix: the modules' name prefix.

  Returns:
    A list of modules in `tf.nest.flatten` order.
  """
  flat_inits = _flat_callables(initializers, state_size, "initializers")
  flat_regs = _flat_callables(regularizers, state_size, "regularizers")
  modules = []
  for suffix, size, init, reg in zip(_leaf_suffixes(state_size),
                                     tf.nest.flatten(state_size), flat_inits,
                                     flat_regs):
    modules.append(
        trainable_variable.TrainableVariable(
            [1] + _size_list(size), dtype=dtype,
            initializers={"w": init or tf1.zeros_initializer()},
            regularizers={"w": reg} if reg else None,
            name="%s_%s" % (prefix, suffix)))
  return modules


def _tiled_states(modules, batch_size, state_size):
  """Connects the modules and tiles each variable to `[batch_size, ...]`."""
  flat = []
  for module, suffix in zip(modules, _leaf_suffixes(state_size)):
    variable = module()
    multiples = [batch_size] + [1] * (variable.shape.rank - 1)
    flat.append(tf.tile(variable, multiples, name="state_%s_tiled" % suffix))
  return tf.nest.pack_sequence_as(state_size, flat)


def trainable_initial_state(batch_size, state_size, dtype, initializers=None,
                            regularizers=None, name=None):
  """Creates a learned initial state: variables of shape `[1] + size`, tiled.

  Each leaf of `state_size` gets an `snt.TrainableVariable` module named
  `<name>_<suffix>` (so a variable `<name>_<suffix>/w`), made in the current
  variable scope on every call, whose value is tiled along a new batch
  dimension by an op `state_<suffix>_tiled`. The suffix is the field name
  for a flat namedtuple state, else the leaf's index.

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
    name: prefix of the modules' names; defaults to "initial_state".

  Returns:
    A nest like `state_size` of tensors `[batch_size] + size`.

  Raises:
    ValueError: if `initializers` / `regularizers` hold something that is
      not callable or do not have the structure of `state_size`.
    TypeError: if they have its structure with other sequence types.
  """
  modules = _state_variable_modules(state_size, dtype, initializers,
                                    regularizers, name or "initial_state")
  return _tiled_states(modules, batch_size, state_size)


def _unflattened_shape(sequence, flat):
  """The shape of `flat`, rows of `sequence` mapped one by one, unflattened.

  Args:
    sequence: a tensor `[num_steps, batch_size, ...]`.
    flat: a tensor `[num_steps * batch_size, ...]`.

  Returns:
    The shape `[num_steps, batch_size] + flat.shape[1:]`: a list (with -1
    for the one dimension not known statically, if any), else a tensor.
  """
  if flat.shape.rank is not None:
    dims = sequence.shape[:2].as_list() + flat.shape[1:].as_list()
    unknown = dims.count(None)
    if unknown == 0 or (unknown == 1 and 0 not in dims):
      return [-1 if d is None else d for d in dims]
  return tf.concat([tf.shape(sequence)[:2], tf.shape(flat)[1:]], 0)


class InputProjection:
  """An unroll's offer to a core: project its inputs, keep its weights.

  `snt.dynamic_unroll` and `snt.static_unroll` make one for a core and a
  time-major input tensor `[num_steps, batch_size, input_size]`. The first
  step runs inside `first_step()`: a core whose `_build` passes its inputs
  through `RNNCore._project_inputs` then projects the whole sequence
  there, in its own connection (so its variables, getters and partitioners
  are those of that connection), and the unroll reads the result from
  `projected` (None if the core did not take the offer). Each later step
  runs inside `step(projected_t)`, where the core uses `projected_t`
  instead of multiplying its inputs again, and the weights it made on the
  first step (outside the unroll's loop: slices, concatenations).

  A core made of cores (`snt.DeepRNN`) passes the offer to its first core
  (`forward_to`) and gives the others a `child` offer without a sequence,
  with which they keep their first step's weights but multiply their
  inputs at every step.
  """

  _active = threading.local()

  def __init__(self, core, sequence=None):
    """Makes the offer.

    Args:
      core: the core being unrolled.
      sequence: the input tensor `[num_steps, batch_size, input_size]`, or
        None for an offer to keep weights only.
    """
    self._core = core
    self._sequence = sequence
    self._step = None
    self._children = {}
    self._started = False
    self.projected = None
    self.kept = None

  @classmethod
  def current(cls, core):
    """The offer made to `core` for the step being built, or None."""
    offer = getattr(cls._active, "offer", None)
    if offer is None or offer._core is not core:  # pylint: disable=protected-access
      return None
    return offer

  @contextlib.contextmanager
  def _offered(self, core):
    previous = getattr(self._active, "offer", None)
    previous_core = self._core
    self._active.offer, self._core = self, core
    try:
      yield
    finally:
      self._active.offer, self._core = previous, previous_core

  def first_step(self):
    """Context for the first step: the core may project the sequence."""
    return self._offered(self._core)

  def step(self, projected_step):
    """Context for a later step, whose projected inputs are given."""
    self._step = projected_step
    return self._offered(self._core)

  def forward_to(self, inner_core):
    """Context passing the offer to `inner_core` (a wrapper's first core)."""
    return self._offered(inner_core)

  def child(self, key, inner_core):
    """Context offering `inner_core` to keep its weights (see above)."""
    child = self._children.get(key)
    if child is None:
      child = self._children[key] = InputProjection(inner_core)
    return child._offered(inner_core)  # pylint: disable=protected-access

  def child_offer(self, key):
    """The offer `child` made for `key`, or None."""
    return self._children.get(key)

  def project(self, inputs, weights, project):
    """The current step's projection; see `RNNCore._project_inputs`."""
    if not self._started:
      self._started = True
      self.kept = weights()
      if self._sequence is not None:
        sequence = self._sequence
        size = tf.compat.dimension_value(sequence.shape[-1])
        projected = project(tf.reshape(sequence, [-1, size]), self.kept)
        projected = tf.reshape(projected,
                               _unflattened_shape(sequence, projected))
        projected.set_shape(sequence.shape[:2].concatenate(projected.shape[2:]))
        self.projected = projected
        return projected[0], self.kept
    if self._sequence is None:
      return project(inputs, self.kept), self.kept
    return self._step, self.kept


class RNNCore(base.AbstractModule, metaclass=abc.ABCMeta):
  """Base class of recurrent cores: one time step, `(x, s) -> (y, s')`.

  Subclasses implement `_build(inputs, prev_state)` returning
  `(outputs, next_state)`, and the properties `state_size` and `output_size`
  (nests of ints or `TensorShape`s, without the batch dimension). As in
  Sonnet 1 these two are not abstract: a core that never needs one may
  leave it out (reading it then raises `NotImplementedError`).

  A core whose step starts with a projection of its inputs (a matmul)
  may compute it with `_project_inputs`: `snt.dynamic_unroll` and
  `snt.static_unroll` then project all time steps in one batched matmul
  outside their loop (`snt.LSTM`, `snt.GRU`, `snt.VanillaRNN` and a
  `snt.DeepRNN` whose first core is one of them do).

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

  def _project_inputs(self, inputs, weights, project):
    """`project(inputs, weights())`, or this step's part of an unroll's.

    Called from `_build`. Outside an unroll, returns `(project(inputs, w),
    w)` with `w = weights()`. On the first step of an unroll offering an
    `InputProjection`, projects the whole input sequence in one call of
    `project` and returns its first step and `w`; on later steps, their
    part of that projection and the first step's `w` (tensors made outside
    the unroll's loop, which later steps reuse rather than reading the
    variables again). With an offer to keep weights only, `project` runs
    on every step with the first step's `w`.

    Args:
      inputs: this step's inputs `[batch_size, input_size]`.
      weights: makes the tensors `project` and the rest of the step use.
      project: maps `([n, input_size], w)` to `[n, ...]`, row by row.

    Returns:
      `(projected inputs [batch_size, ...], w)`.
    """
    offer = InputProjection.current(self)
    if offer is None:
      w = weights()
      return project(inputs, w), w
    return offer.project(inputs, weights, project)

  def _fused_lstm_layers(self, offer):
    """This core as LSTM layers for `snt.dynamic_unroll`, or None.

    After an unroll's first step, which took `offer` (an `InputProjection`),
    a core that is a stack of plain LSTMs may return a `fused_lstm.Stack`
    of the weights that step kept: the unroll then runs all its steps with
    `fused_lstm.unroll` (the first step's results go unused). The default,
    None, keeps the step-by-step loop.

    Args:
      offer: the `InputProjection` of this core's first step.

    Returns:
      A `fused_lstm.Stack`, or None.
    """
    del offer
    return None

  @property
  def state_size(self):
    """A nest of ints / `TensorShape`s: the state without batch dimension.

    Raises:
      NotImplementedError: unless a subclass defines it.
    """
    raise NotImplementedError("Abstract method")

  @property
  def output_size(self):
    """A nest of ints / `TensorShape`s: the output without batch dimension.

    Raises:
      NotImplementedError: unless a subclass defines it.
    """
    raise NotImplementedError("Abstract method")

  def _initial_state_scope(self, name):
    """The name scope (and variable prefix) of `initial_state`'s ops."""
    return name if name else "%s_initial_state" % self.scope_name

  def zero_state(self, batch_size, dtype):
    """Returns a state of zeros, made in a name scope `<Class>ZeroState`.

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the dtype of the state.

    Returns:
      A nest like `state_size` of zero tensors `[batch_size] + size`.
    """
    with tf1.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
      return _zero_state_tensors(batch_size, self.state_size, dtype)

  def initial_state(self, batch_size, dtype=tf.float32, trainable=False,
                    trainable_initializers=None, trainable_regularizers=None,
                    name=None, **unused_kwargs):
    """Returns an initial state: zeros, or learned variables tiled per batch.

    The ops live in a name scope `name` (default
    `<scope_name>_initial_state`). With `trainable=True` each leaf of the
    state gets an `snt.TrainableVariable` named `<that name>_<suffix>` as
    `snt.trainable_initial_state` makes them (so
    `lstm_initial_state_hidden/w` for an `LSTM` named "lstm", and
    `vanilla_rnn_initial_state_0/w` for a single-tensor state). In graph
    mode, as in Sonnet 1, each call makes new variables (the second call's
    are `..._1/w`). In eager mode and inside `tf.function` they are made on
    the first call with this name and dtype and reused by later calls on
    this core, so the learned state can be trained there.

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the dtype of the state.
      trainable: whether the initial state is learned.
      trainable_initializers: optional nest like `state_size` of
        initializers for the learned state (default zeros).
      trainable_regularizers: optional nest like `state_size` of
        regularizers for the learned state.
      name: the name scope and variable prefix; defaults to
        `<scope_name>_initial_state`.
      **unused_kwargs: ignored, so callers may pass core-specific options.

    Returns:
      A nest like `state_size` of tensors `[batch_size] + size`.

    Raises:
      ValueError: if the initializers / regularizers are not callables or
        do not have the structure of `state_size`.
      TypeError: if they have its structure with other sequence types.
    """
    scope = self._initial_state_scope(name)
    with tf1.name_scope(scope):
      if not trainable:
        return self.zero_state(batch_size, dtype)
      modules = self._initial_state_variables(scope, dtype,
                                              trainable_initializers,
                                              trainable_regularizers)
      return _tiled_states(modules, batch_size, self.state_size)

  def _initial_state_variables(self, prefix, dtype, initializers, regularizers):
    """The learned state's modules for `prefix` (see `initial_state`)."""
    key = (prefix, tf.as_dtype(dtype).name)
    cache = self.__dict__.get("_initial_state_modules")
    if cache is None:
      cache = {}
      object.__setattr__(self, "_initial_state_modules", cache)
    in_graph = not tf.executing_eagerly() and not tf.inside_function()
    modules = None if in_graph else cache.get(key)
    if modules is None:
      # Inside a tf.function, make the modules where their variables live.
      scope = (tf.init_scope()
               if tf.inside_function() else contextlib.nullcontext())
      with scope:
        modules = _state_variable_modules(self.state_size, dtype, initializers,
                                          regularizers, prefix)
      cache[key] = modules
      # Track the variables for checkpoints.
      setattr(self, "_initial_state_%d" % len(cache), modules)
    return modules


class HiddenStateCore(RNNCore):
  """A core whose state, one tensor `[batch_size, hidden_size]`, is its output.

  Subclasses set `self._hidden_size`.
  """

  @property
  def state_size(self):
    """`TensorShape([hidden_size])`."""
    return tf.TensorShape([self._hidden_size])

  @property
  def output_size(self):
    """`TensorShape([hidden_size])`."""
    return tf.TensorShape([self._hidden_size])


class CoreWrapper(RNNCore):
  """A core around another, `self._core`, with its state and output sizes.

  Subclasses set `self._core` and override what they change.
  """

  @property
  def state_size(self):
    """The core's state size."""
    return self._core.state_size

  @property
  def output_size(self):
    """The core's output size."""
    return self._core.output_size


def check_input_size(scope_name, first_size, inputs):
  """The input size of one step, which must be the first connection's.

  Args:
    scope_name: the core's scope name, for the message.
    first_size: the first connection's input size, or None.
    inputs: this step's inputs `[batch_size, input_size]`.

  Returns:
    `input_size` (None if unknown).

  Raises:
    ValueError: if `first_size` is given and differs.
  """
  input_size = tf.compat.dimension_value(inputs.shape[1])
  if first_size is not None and input_size != first_size:
    raise ValueError(
        "%s: inputs must have size %s as in the first connection, got %s." %
        (scope_name, first_size, input_size))
  return input_size


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
        "For a whole sequence, use snt.dynamic_unroll or dynamic_rnn." %
        (core.scope_name, input_rank, shape))
  if shape[-1] is None:
    raise errors.UnderspecifiedError(
        "%s: the last input dimension must be known, got shape %s." %
        (core.scope_name, shape))
  state_size = core.state_size
  try:
    tf.nest.assert_same_structure(prev_state, state_size, check_types=False)
  except (ValueError, TypeError):
    raise errors.IncompatibleShapeError(
        "%s: prev_state must have the structure of state_size %s, got %r. "
        "Use core.initial_state(batch_size) to make one." %
        (core.scope_name, state_size, prev_state)) from None
  batch_size = shape[0]
  for leaf, size in zip(tf.nest.flatten(prev_state),
                        tf.nest.flatten(state_size)):
    leaf_shape = tf.TensorShape(getattr(leaf, "shape", None))
    expected = tf.TensorShape([batch_size] + _size_list(size))
    if not leaf_shape.is_compatible_with(expected):
      raise errors.IncompatibleShapeError(
          "%s: each state tensor must have shape [batch_size] + its "
          "state_size, %s here (batch size from the inputs %s); got %s." %
          (core.scope_name, expected, shape, leaf_shape))
    if batch_size is None and leaf_shape.rank:
      batch_size = leaf_shape[0]
  return batch_size
