"""`AbstractModule`: configure in the constructor, connect with `__call__`.

A module owns one variable scope, captured when it is constructed. Every
connection re-enters that scope through `tf.compat.v1.make_template`, so the
first connection creates the module's variables and later ones reuse them,
in graph mode (a `Template`) and in eager mode or inside `tf.function` (an
`EagerTemplate`, which is also what makes a module checkpointable).

The graph a module belongs to is fixed by its first connection (or the
first time it enters its variable scope), as in Sonnet 1: a module made at
the top level may be connected inside `with tf.Graph().as_default():`.
All that a module learns from its connections lives in one
`ConnectionRecord` (see connection_record.py).
"""

import abc
import collections
import contextlib
import functools
import inspect
import os
import re
import types
from typing import Any, Callable, Mapping, Optional, Union

import tensorflow as tf

from sonnet.src.core import connection_record
from sonnet.src.core import connections
from sonnet.src.core import custom_getter_router as router_lib
from sonnet.src.core import errors
from sonnet.src.core import failed_connection
from sonnet.src.core import module_info
from sonnet.src.core import naming
from sonnet.src.core import tf_shim
from sonnet.src.core import used_variables

tf1 = tf.compat.v1

# The fast path of later eager connections (`_replay`). On unless the
# environment sets SONNET_EAGER_REPLAY=0; tests compare both paths.
EAGER_REPLAY = os.environ.get("SONNET_EAGER_REPLAY", "1") != "0"

# Values a checkpoint never follows: `AbstractModule.__setattr__` stores them
# without the dependency tracking of `AutoTrackable.__setattr__` (which would
# return them unchanged and track nothing).
_PLAIN_TYPES = frozenset([type(None), bool, int, float, str])

# What `AbstractModule.__init__` sets; anything else is the subclass's.
_INIT_ATTRIBUTES = frozenset([
    "_template", "_record", "_custom_getter", "_original_name", "_call_fn",
    "__call__"])


def _scope_filter(scope_name):
  """A `get_collection` scope regex that matches exactly `scope_name/...`."""
  return re.escape(scope_name) + "/"


def _in_graph_mode():
  """True when ops go into a `tf.Graph` built by the user (not a function)."""
  return not tf.executing_eagerly() and not tf.inside_function()


def _in_replica_threads():
  """Whether replicas of a strategy may connect modules at the same time.

  MirroredStrategy builds each replica in its own thread and switches
  threads at every cross-replica call (`merge_call`, e.g. an all-reduce in
  `_build`): a connection then must not share the template's cached scope
  entry, nor replay (which swaps the current scope in and out), with the
  other replicas' connections.

  Returns:
    True in a replica context of a strategy with several replicas.
  """
  return (tf_shim.in_strategy_context() and tf.distribute.has_strategy() and
          not tf.distribute.in_cross_replica_context() and
          tf.distribute.get_strategy().num_replicas_in_sync > 1)


def leaf_build(build):
  """Marks a `_build` that later eager connections may run without scopes.

  A leaf `_build` fetches its variables only with `self._get_variable` (see
  `VariableOptions`), opens no variable scope and connects no other module.
  After the first connection, its eager connections (and those traced in a
  `tf.function`) then skip the module's variable scope: `_get_variable`
  answers from the first connection's record, as `get_variable` would
  have. Only the function marked is a leaf: a subclass that overrides
  `_build` is not, unless it marks its own.

  Args:
    build: a `_build` method.

  Returns:
    `build`, marked.

  >>> from sonnet.src import variable_options
  >>> class Scale(snt.AbstractModule, variable_options.VariableOptions):
  ...   def __init__(self, name="scale"):
  ...     super().__init__(name=name)
  ...     self._set_variable_options(None, None, None, {"s"})
  ...   @leaf_build
  ...   def _build(self, x):
  ...     return x * self._get_variable("s", [], x.dtype, tf.ones_initializer())
  >>> scale = Scale()
  >>> [float(scale(tf.constant(3.))) for _ in range(2)]
  [3.0, 3.0]
  """
  build._snt_leaf_build = True  # pylint: disable=protected-access
  return build


class AbstractModule(tf_shim.AutoTrackable):
  """Base class of every Sonnet module.

  Subclasses take their configuration in `__init__` (calling this constructor
  first) and build the computation in `_build`. Calling the module connects
  it: the first call creates its variables, later calls reuse them.

  >>> class Scale(snt.AbstractModule):
  ...   def __init__(self, name="scale"):
  ...     super().__init__(name=name)
  ...   def _build(self, x):
  ...     return x * tf.compat.v1.get_variable("s", [], initializer=tf.ones)
  >>> scale = Scale()
  >>> float(scale(tf.constant(3.)))
  3.0
  >>> [v.name for v in scale.get_variables()]
  ['scale/s:0']
  """

  def __init__(self, _sentinel=None,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: Optional[str] = None):
    """Sets up the module's variable scope.

    Args:
      _sentinel: guards against positional arguments; leave unset.
      custom_getter: a callable used as the custom getter of the module's
        variable scope (see `tf.compat.v1.get_variable`), or a dict from
        regular expressions to callables, matched against variable names
        relative to the module's scope (see `snt.custom_getter_router`).
      name: the module's name; defaults to the snake_case class name. A name
        already used in the current scope gets a `_N` suffix.

    Raises:
      ValueError: if arguments are passed positionally.
      TypeError: if `name` is not a string or `custom_getter` is neither a
        callable nor a dict of callables.
    """
    if _sentinel is not None:
      raise ValueError(
          "Calling AbstractModule.__init__ without named arguments is not "
          "supported. Call super().__init__(name=name) (and "
          "custom_getter=...).")
    if name is None:
      name = naming.to_snake_case(type(self).__name__)
    elif not isinstance(name, str):
      raise TypeError("Name must be a string, not {} of type {}.".format(
          name, type(name)))
    if isinstance(custom_getter, collections.abc.Mapping):
      scope_getter = router_lib.custom_getter_router(
          custom_getter, name_fn=self._name_relative_to_scope)
    elif custom_getter is None or callable(custom_getter):
      scope_getter = custom_getter
    else:
      raise TypeError("Given custom_getter is not callable.")
    self._set_untracked(
        _custom_getter=custom_getter,
        _original_name=name,
        _record=connection_record.ConnectionRecord(
            scope_getter, _plain_scope_getters(scope_getter),
            getattr(type(self)._build, "_snt_leaf_build", False)),
        _call_fn=self._connect,
        # `module.__call__` shows `_build`'s signature and docstring, as in
        # Sonnet 1 (calls still go through the class's `__call__`).
        __call__=types.MethodType(_call_with_signature_of(type(self)), self))
    # Named as TensorFlow would name it (`name` or `name_N`), found in
    # constant time: TensorFlow's own search then checks one name.
    self._template = tf1.make_template(
        tf_shim.unique_scope_name(name), self._build_wrapper,
        create_scope_now_=True,
        custom_getter_=tf_shim.cheaply_inspected(self._module_getter))
    # Marks the scope's (possibly composed) getter as this module's, so that
    # modules built inside this scope know their getters are Sonnet's own.
    self._template.variable_scope.custom_getter._snt_module = self  # pylint: disable=protected-access

  def _set_untracked(self, **attributes):
    """Sets bookkeeping attributes that checkpoints must not follow."""
    for key, value in attributes.items():
      object.__setattr__(self, key, value)

  def __setattr__(self, name, value):
    if type(value) in _PLAIN_TYPES:
      object.__setattr__(self, name, value)
    else:
      super().__setattr__(name, value)

  def __getattr__(self, name):
    # Only reached when normal lookup fails: for the attributes the base
    # constructor sets, that means a subclass skipped it.
    if name in _INIT_ATTRIBUTES and "_record" not in self.__dict__:
      raise errors.NotInitializedError(
          "You may have forgotten to call super at the start of %s.__init__. "
          "Add `super().__init__(name=name)` as its first line." %
          type(self).__name__)
    prop = getattr(type(self), name, None)
    if isinstance(prop, property):
      return prop.fget(self)  # Re-raise the property's own AttributeError.
    raise AttributeError("%r object has no attribute %r" %
                         (type(self).__name__, name))

  def __getstate__(self):
    raise errors.NotSupportedError(
        "Sonnet AbstractModule instances cannot be serialized. You should "
        "instead serialize all necessary configuration which will allow "
        "modules to be rebuilt.")

  @abc.abstractmethod
  def _build(self, *args, **kwargs):
    """Adds the module's computation; called by `__call__` on each connection.

    Args:
      *args: the inputs, as given to `__call__`.
      **kwargs: the keyword inputs, as given to `__call__`.

    Returns:
      The outputs.
    """

  # --- connection --------------------------------------------------------

  def __call__(self, *args, **kwargs):
    """Connects the module to inputs; see `_build` for what it accepts."""
    return self._call_fn(*args, **kwargs)

  def _connect(self, *args, **kwargs):
    """One connection: the full path through the template, or a replay."""
    record = self._record
    interleaved = _in_replica_threads()
    replayable = record.replay_scope is not None and not interleaved
    if replayable and tf.executing_eagerly():
      # An eager module used eagerly: `_check_graph` has nothing to check.
      return self._replay(args, kwargs)
    self._check_graph()
    if replayable and tf.inside_function():
      return self._replay_in_trace(args, kwargs)
    first_connection = not record.is_connected
    tidy_up = (failed_connection.tidy_up_if_it_fails(self._template)
               if first_connection else contextlib.nullcontext())
    if interleaved:
      tf_shim.forget_cached_scope_entry(self._template)
    with connections.connecting(self):
      try:
        with tidy_up:
          outputs = self._template(*args, **kwargs)
      except Exception:
        if not record.is_connected:
          record.forget_first_connection()
        raise
      finally:
        if record.eager_template and tf.inside_function():
          tf_shim.forget_cached_scope_entry(self._template)
    self._tell_callers(first_connection)
    if (record.replay_scope is None and record.count and EAGER_REPLAY and
        record.replay_allowed and record.graph is None and
        record.eager_template):
      prefix = self.scope_name + "/"
      record.replay_variables = {
          name[len(prefix):]: variable
          for name, variable in record.first_variables.items()
          if name.startswith(prefix)}
      record.replay_scope = tf_shim.replay_scope(self._template.variable_scope,
                                                 record.replay_variables)
    return outputs

  def _replay(self, args, kwargs):
    """A later connection of an eager module: `_build` with known variables.

    `_build` runs in a copy of the module's scope whose `get_variable`
    answers from the first connection's record, so the template, the
    variable scopes and the custom getters are skipped (they cost several
    times the ops of a small layer eagerly, and most of a trace inside
    `tf.function`). Anything else `_build` does (nested scopes, submodules)
    still goes through TensorFlow, and a new variable is refused. A
    `leaf_build` needs no scope at all: its `_get_variable` calls are
    answered from the record directly.
    """
    self._tell_callers(first_connection=False)
    record = self._record
    if record.leaf_build:
      with connections.connecting(self, connections.REPLAY):
        outputs = self._build(*args, **kwargs)
        self._record_connection(args, kwargs, outputs)
      return outputs
    with connections.connecting(self), tf_shim.replaying(
        self._template, record.replay_scope, self._refuse_new_variable):
      outputs = self._build(*args, **kwargs)
      self._record_connection(args, kwargs, outputs)
    return outputs

  @tf.autograph.experimental.do_not_convert
  def _replay_in_trace(self, args, kwargs):
    """`_replay` while a function is traced, in the module's name scope.

    The name scope is the one entering the module's variable scope opens,
    so traced ops keep their names. AutoGraph leaves `_build` as written,
    as it does behind the template.
    """
    with tf1.name_scope(self.module_name):
      return self._replay(args, kwargs)

  def _tell_callers(self, first_connection):
    """Shares this module's record with the modules connecting around it."""
    for module in connections.connecting_modules():
      if module is not self:
        self._record.tell(module._record, first_connection)  # pylint: disable=protected-access

  def _refuse_new_variable(self, next_creator, **kwargs):
    del next_creator
    raise ValueError(
        "Module %r created variable %r in connection %d, but its first "
        "connection did not create it. A module must create all of its "
        "variables on the first connection, with the same names on every "
        "call (tf.compat.v1.get_variable, not tf.Variable)." %
        (self.scope_name, kwargs.get("name"), self._record.count + 1))

  def _replayed_variable(self, name):
    """A `leaf_build`'s variable `name` (relative) in a later connection.

    Raises:
      ValueError: if the first connection did not fetch it.
    """
    variable = self._record.replay_variables.get(name)
    if variable is None:
      raise self._record.later_fetch_error("%s/%s" % (self.scope_name, name),
                                           self.scope_name)
    return variable

  def _check_graph(self):
    """Fixes the module's graph on first use; refuses any other after.

    Raises:
      DifferentGraphError: see `ConnectionRecord.fix_graph`.
    """
    if self._record.fix_graph(self.scope_name):
      module_info.record(self)

  def _build_wrapper(self, *args, **kwargs):
    """Runs `_build` inside the template and records the connection."""
    outputs = self._build(*args, **kwargs)
    self._record_connection(args, kwargs, outputs)
    return outputs

  def _record_connection(self, args, kwargs, outputs):
    """Counts a connection and keeps its subgraph (outside eager mode)."""
    self._record.count += 1
    if tf.executing_eagerly():
      # Sonnet 1 keeps no eager records; observers still hear of it.
      if connections.has_observers():
        connections.notify_observers(self._subgraph("", args, kwargs, outputs))
      return
    subgraph = self._subgraph(tf1.get_default_graph().get_name_scope(), args,
                              kwargs, outputs)
    self._record.subgraphs.append(subgraph)
    connections.notify_observers(subgraph)

  def _subgraph(self, name_scope, args, kwargs, outputs):
    return connections.ConnectedSubGraph(
        module=self, name_scope=name_scope,
        inputs=self._bound_inputs(args, kwargs), outputs=outputs)

  def _bound_inputs(self, args, kwargs):
    """The `_build` arguments of one connection, by parameter name."""
    try:
      bound = _build_signature(type(self)).bind(None, *args, **kwargs)
    except TypeError:
      return collections.OrderedDict([("args", args)] + sorted(kwargs.items()))
    bound.apply_defaults()  # Sonnet 1 recorded defaulted arguments too.
    arguments = collections.OrderedDict(bound.arguments)
    arguments.pop(next(iter(arguments)))  # `self`.
    return arguments

  def _module_getter(self, getter, *args, **kwargs):
    """The custom getter of the module's scope: user getter, then recording."""
    record = functools.partial(self._recording_getter, getter)
    scope_getter = self._record.scope_getter
    if scope_getter is not None:
      return scope_getter(record, *args, **kwargs)
    return record(*args, **kwargs)

  def _recording_getter(self, getter, *args, **kwargs):
    """Fetches a variable and reports it to every connecting module."""
    name = kwargs.get("name", args[0] if args else None)
    record = self._record
    first_call = False
    if connections.innermost_connection_kind(self) == connections.CALL:
      if record.count == 0:
        record.first_names.add(name)
        first_call = True
      else:
        record.check_later_fetch(name, self.scope_name)
    regularizer = kwargs.get("regularizer") if not _in_graph_mode() else None
    variable = failed_connection.adopt(name, kwargs)
    creation = {}
    if variable is None and _in_graph_mode():
      variable = getter(*args, **kwargs)
    elif variable is None:
      # No graph collections here: learn the collections the variable is
      # made for after every custom getter has had its say.
      with tf.variable_creator_scope(
          functools.partial(used_variables.note_creation, creation)):
        variable = getter(*args, **kwargs)
    if isinstance(variable, tf_shim.ShardedVariable):
      tf_shim.let_template_store_hold(variable)
    if isinstance(
        variable,
        (tf.Variable, tf_shim.PartitionedVariable, tf_shim.ShardedVariable)):
      if first_call:
        record.first_variables[name] = variable
      cols = creation.get("collections") or used_variables.collections_of(
          kwargs)
      parts = (list(variable) if isinstance(variable,
                                            (tf_shim.PartitionedVariable,
                                             tf_shim.ShardedVariable)) else [
                                                 variable])
      for module in connections.connecting_modules():
        for part in parts:
          module._record.used.add(part, cols, regularizer)  # pylint: disable=protected-access
    return variable

  # --- names and scopes --------------------------------------------------

  def _name_relative_to_scope(self, variable_name):
    return variable_name[len(self.scope_name) + 1:]

  @property
  def module_name(self):
    """The module's name after uniquification (e.g. "linear_1")."""
    return self.scope_name.split("/")[-1]

  @property
  def scope_name(self):
    """The full name of the module's variable scope (e.g. "mlp/linear")."""
    return self._template.variable_scope.name

  @property
  def variable_scope(self):
    """The module's `tf.compat.v1.VariableScope`.

    Raises:
      NotConnectedError: if the module has not been connected yet.
    """
    self._ensure_is_connected()
    return self._template.variable_scope

  @property
  def name_scopes(self):
    """The name scopes of the module's connections, in order.

    Raises:
      NotSupportedError: in eager mode, where no records are kept.
    """
    if self._eager_records():
      raise errors.NotSupportedError(
          "The name_scopes property is not supported in eager mode.")
    return tuple(s.name_scope for s in self._record.subgraphs)

  @property
  def graph(self):
    """The graph the module is connected to (None before, or if eager)."""
    graph = self._record.graph
    return None if graph is connection_record.NOT_FIXED else graph

  @property
  def _graph(self):
    """Sonnet 1's name for `graph`."""
    return self.graph

  @property
  def is_connected(self):
    """Whether the module has been connected at least once."""
    return self._record.is_connected

  @property
  def connected_subgraphs(self):
    """A tuple of `ConnectedSubGraph`s, one per graph-mode connection.

    Raises:
      NotSupportedError: in eager mode, where connections are not recorded
        (a training loop would otherwise keep every batch alive).
    """
    if self._eager_records():
      raise errors.NotSupportedError(
          "Connected sub-graphs are not tracked in eager mode.")
    return tuple(self._record.subgraphs)

  @property
  def last_connected_subgraph(self):
    """The `ConnectedSubGraph` of the most recent connection.

    Raises:
      NotSupportedError: in eager mode.
      NotConnectedError: if the module has not been connected yet.
    """
    if self._eager_records():
      raise errors.NotSupportedError(
          "Connected sub-graphs are not tracked in eager mode.")
    self._ensure_is_connected()
    return self._record.subgraphs[-1]

  def _eager_records(self):
    """Whether connection records are asked for where none are kept."""
    return tf.executing_eagerly() and not self._record.subgraphs

  @contextlib.contextmanager
  def _enter_variable_scope(self, reuse=None, check_same_graph=True):
    """Enters the module's variable scope, e.g. to build submodules in it.

    Variables made inside the block count as the module's (and as those of
    every module connecting around it), as variables made by `_build` do.

    Args:
      reuse: passed to `tf.compat.v1.variable_scope`.
      check_same_graph: whether entering fixes the module's graph (the first
        time) and refuses another graph; pass False only to name scopes.

    Yields:
      The module's `VariableScope`.

    Raises:
      DifferentGraphError: if `check_same_graph` and the module belongs to
        another graph.
    """
    if check_same_graph:
      self._check_graph()
    with self._capturing_variables(connections.SCOPE):
      with tf1.variable_scope(self._template.variable_scope,
                              reuse=reuse) as scope:
        yield scope

  @contextlib.contextmanager
  def _capturing_variables(self, kind=connections.METHOD):
    """Counts variables fetched in the block as this module's.

    They are also reported to every module connecting around it, and in
    eager mode they live in the module's variable store.

    Args:
      kind: how the module is being used (see `connections`).

    Yields:
      None.
    """
    with connections.connecting(self, kind):
      if self._record.eager_template:
        with tf_shim.eager_template_store(self._template).as_default():
          yield
      else:
        yield

  def _record_method_connection(self, method, name_scope, args, kwargs,
                                outputs):
    """Records a call of a `reuse_variables` method as a connection.

    Args:
      method: the undecorated method.
      name_scope: the name scope its ops were made in.
      args: its positional arguments, `self` first.
      kwargs: its keyword arguments.
      outputs: what it returned.
    """
    self._record.method_connected = True
    if tf.executing_eagerly():
      return
    try:
      inputs = inspect.getcallargs(method, *args, **kwargs)  # pylint: disable=deprecated-method
    except TypeError:
      inputs = {"args": args[1:], "kwargs": kwargs}
    inputs.pop(next(iter(inspect.signature(method).parameters)), None)
    subgraph = connections.ConnectedSubGraph(module=self, name_scope=name_scope,
                                             inputs=inputs, outputs=outputs)
    self._record.subgraphs.append(subgraph)
    connections.notify_observers(subgraph)

  def _ensure_is_connected(self):
    """Raises `NotConnectedError` if the module has never been connected."""
    if not self._record.is_connected:
      raise errors.NotConnectedError(
          "Variables in {} not instantiated yet, __call__ the module first. "
          "Its variables and inferred shapes exist only after it is called "
          "on inputs.".format(self.scope_name))

  @classmethod
  def get_possible_initializer_keys(cls):
    """The variable names that `initializers` (etc.) may be keyed by."""
    return set(getattr(cls, "POSSIBLE_INITIALIZER_KEYS", ()))

  # --- variables ---------------------------------------------------------

  def _own_in_graph(self, collection):
    """The module's own variables in a graph collection (graph mode only)."""
    return self._record.graph.get_collection(collection,
                                             _scope_filter(self.scope_name))

  def get_variables(self, collection=tf1.GraphKeys.TRAINABLE_VARIABLES):
    """The variables in the module's own scope, in creation order.

    Args:
      collection: which variables to return, as a graph collection key.
        In eager mode and inside `tf.function` the collections a variable
        was created for are remembered by the module instead.

    Returns:
      A tuple of variables (including those of submodules built inside
      this module's scope).

    Raises:
      NotConnectedError: if the module has not been connected yet.
      NotSupportedError: in eager mode, after `defun()`.
    """
    self._ensure_is_connected()
    if self.defun_wrapped and tf.executing_eagerly():
      raise errors.NotSupportedError(
          "`module.get_variables()` relies on TensorFlow collections which "
          "are not supported when your module is wrapped with defun. Instead "
          "use `module.trainable_variables` or `module.variables`.")
    if self._record.in_graph:
      return tuple(self._own_in_graph(collection))
    prefix = self.scope_name + "/"
    return tuple(v for v in self._record.used.variables(collection)
                 if v.name.startswith(prefix))

  def get_all_variables(self, collection=tf1.GraphKeys.TRAINABLE_VARIABLES):
    """Every variable the module used in any connection, sorted by name.

    Unlike `get_variables`, this includes variables of modules that were
    built outside this module and called by it (e.g. the layers given to
    `snt.Sequential`).

    Args:
      collection: which variables to return, as for `get_variables`.

    Returns:
      A tuple of variables sorted by name.

    Raises:
      NotConnectedError: if the module has not been connected yet.
    """
    self._ensure_is_connected()
    record = self._record
    if record.in_graph:
      members = set(id(v) for v in record.graph.get_collection(collection))
      used = [v for v in record.used.variables() if id(v) in members]
      return _sorted_by_name(list(self._own_in_graph(collection)) + used)
    return _sorted_by_name(record.used.variables(collection))

  @property
  def variables(self):
    """Every variable the module used, whatever its collections.

    Returns:
      A tuple of variables sorted by name.

    Raises:
      NotConnectedError: if the module has not been connected yet.
    """
    self._ensure_is_connected()
    own = ()
    if self._record.in_graph:
      own = self._own_in_graph(tf1.GraphKeys.GLOBAL_VARIABLES)
    return _sorted_by_name(list(own) + self._record.used.variables())

  @property
  def _all_variables(self):
    """Sonnet 1's name for the set of every variable the module used."""
    return set(self._record.used.variables())

  @property
  def trainable_variables(self):
    """The trainable ones of `variables`, sorted by name."""
    return tuple(v for v in self.variables if v.trainable)

  @property
  def non_trainable_variables(self):
    """The non-trainable ones of `variables`, sorted by name."""
    return tuple(v for v in self.variables if not v.trainable)

  def get_regularization_losses(self):
    """The regularization losses of every variable the module used.

    In graph mode these are the tensors `get_variable` put in the
    `REGULARIZATION_LOSSES` collection. In eager mode and inside
    `tf.function` each call computes the losses afresh from the current
    variable values, so call it inside the `tf.GradientTape` that computes
    the loss.

    Returns:
      A list of scalar tensors.

    Raises:
      NotConnectedError: if the module has not been connected yet.
    """
    self._ensure_is_connected()
    record = self._record
    if record.in_graph and _in_graph_mode():
      prefixes = tuple(v.op.name + "/" for v in self.variables)
      return [
          loss for loss in record.graph.get_collection(
              tf1.GraphKeys.REGULARIZATION_LOSSES)
          if loss.name.startswith(prefixes)]
    return [
        regularizer(variable)
        for variable, regularizer in record.used.regularized()]

  # --- tf.function ---------------------------------------------------------

  def defun(self):
    """Makes later connections run as one traced graph function.

    As with Sonnet 1's `defun`, the connection is traced once per input
    signature (a `tf.function` would trace twice when it creates variables).
    """
    if not self.defun_wrapped:
      self._set_untracked(
          _call_fn=tf_shim.trace_once_per_signature(self._connect))

  @property
  def defun_wrapped(self):
    """Whether `defun()` has been called on this module."""
    return self._call_fn != self._connect  # pylint: disable=comparison-with-callable


def _sorted_by_name(variables):
  """Distinct variables (by identity), sorted by name, as a tuple."""
  unique = {id(v): v for v in variables}
  return tuple(sorted(unique.values(), key=lambda v: v.name))


def _plain_scope_getters(scope_getter):
  """Whether a new module's scope will have only Sonnet's own getters.

  Later eager connections may then skip the getters (see `_replay`): the
  module has no custom getter of its own, and neither has the scope it is
  built in, or that scope belongs to a module for which the same holds.

  Args:
    scope_getter: the new module's own custom getter, or None.

  Returns:
    A bool.
  """
  if scope_getter is not None:
    return False
  enclosing = tf1.get_variable_scope().custom_getter
  if enclosing is None:
    return True
  owner = getattr(enclosing, "_snt_module", None)
  return owner is not None and owner._record.replay_allowed  # pylint: disable=protected-access


def _call_with_signature_of(module_class):
  """A `__call__` function introspected as `module_class._build` is.

  Args:
    module_class: a module class.

  Returns:
    A function `__call__(self, *args, **kwargs)` that connects the module,
    with `_build`'s signature and docstring; made once per class and kept
    on the class.
  """
  made = module_class.__dict__.get("_snt_call_face")
  if made is not None:
    return made
  build = module_class._build  # pylint: disable=protected-access

  def __call__(self, *args, **kwargs):  # pylint: disable=invalid-name
    return self._call_fn(*args, **kwargs)  # pylint: disable=protected-access

  __call__.__doc__ = build.__doc__
  try:
    __call__.__signature__ = inspect.signature(build)
  except (TypeError, ValueError):
    pass  # A `_build` that cannot be inspected keeps the generic face.
  type.__setattr__(module_class, "_snt_call_face", __call__)
  return __call__


@functools.lru_cache(maxsize=None)
def _build_signature(module_class):
  return inspect.signature(module_class._build)  # pylint: disable=protected-access


class Transposable(metaclass=abc.ABCMeta):
  """Interface of modules that can build their transpose.

  A transposed module is a new module whose configuration mirrors this one
  (e.g. a `Linear` from B to A for a `Linear` from A to B). Sizes that are
  only known once this module is connected are passed to the transpose as
  callables, so the transpose can be made before this module is connected.
  """

  @abc.abstractmethod
  def transpose(self, name=None, **kwargs):
    """Returns the transposed module.

    Args:
      name: the transposed module's name; defaults to this module's name
        followed by "_transpose".
      **kwargs: options specific to the module.
    """

  @abc.abstractmethod
  def input_shape(self):
    """The shape of the inputs seen at connection, as a tuple."""


class Module(AbstractModule):
  """Turns a function into a module, so the variables it creates are shared.

  >>> def scaled(x):
  ...   s = tf.compat.v1.get_variable("s", [], initializer=tf.ones)
  ...   return x * s
  >>> module = snt.Module(scaled)
  >>> _ = module(tf.ones([2])); _ = module(tf.ones([3]))
  >>> len(module.get_variables()), module.module_name
  (1, 'scaled')
  """

  def __init__(self, build: Callable[..., Any],
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: Optional[str] = None):
    """Wraps `build`.

    Args:
      build: a callable that adds ops (and may call
        `tf.compat.v1.get_variable`); called with the module's inputs.
      custom_getter: as for `AbstractModule`.
      name: the module's name; defaults to the snake_case name of `build`
        (of the function inside a `functools.partial`), or "module" for a
        lambda or a callable object.

    Raises:
      TypeError: if `build` is not callable.
    """
    if not callable(build):
      raise TypeError("Input 'build' must be callable.")
    if name is None:
      name = naming.name_for_callable(build)
    super().__init__(custom_getter=custom_getter, name=name)
    self._build_function = build

  def _build(self, *args, **kwargs):
    return self._build_function(*args, **kwargs)
