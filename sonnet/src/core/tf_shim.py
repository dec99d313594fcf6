"""The one place where Sonnet touches TensorFlow internals.

Every private `tensorflow.python` name the library needs is imported here, so
that a TensorFlow upgrade that moves one has a single file to fix.
"""

import collections
import functools
import inspect
import threading

from tensorflow.core.function.capture import capture_container as _captures
from tensorflow.core.function.polymorphism import function_cache as _cache
from tensorflow.python.distribute import sharded_variable as _sharded
from tensorflow.python.eager import record as _record
from tensorflow.python.eager.polymorphic_function import tracing_compilation as _tracing
from tensorflow.python.framework import ops as _ops
from tensorflow.python.ops import template as _template
from tensorflow.python.ops import init_ops as _init_ops
from tensorflow.python.ops import variable_scope as _variable_scope
from tensorflow.python.ops import variables as _variables
from tensorflow.python.trackable import autotrackable as _autotrackable
from tensorflow.python.util import nest as _nest

from sonnet.src.core import scope_counts as _scope_counts

AutoTrackable = _autotrackable.AutoTrackable
PartitionedVariable = _variables.PartitionedVariable
# What `ParameterServerStrategy` makes under a `variable_partitioner`.
ShardedVariable = _sharded.ShardedVariable
# The base class of tf.compat.v1 initializers (not exported by TF 2).
InitializerV1 = _init_ops.Initializer


def eager_template_store(template):
  """Returns the variable store that an `EagerTemplate` keeps its variables in.

  Args:
    template: a `tf.compat.v1.make_template` result made in eager mode.

  Returns:
    An object whose `as_default()` context makes `get_variable` find the
    template's variables.
  """
  return template._template_store  # pylint: disable=protected-access


def new_eager_variable_store():
  """Returns a fresh `EagerVariableStore` (for plain objects in eager mode)."""
  return _variable_scope.EagerVariableStore()


def let_template_store_hold(sharded):
  """Lets a variable store (and so a template) hold a `ShardedVariable`.

  The stores behind `tf.compat.v1.make_template` read `trainable` on every
  variable they hold at each call, and `get_shape()` on one they hand out
  again; a `ShardedVariable` has neither. This gives it both: its shards'
  `trainable` (they share it) and its whole shape.

  Args:
    sharded: a `ShardedVariable`.
  """
  if not hasattr(sharded, "trainable"):
    sharded.trainable = sharded.variables[0].trainable
    sharded.get_shape = lambda: sharded.shape


def variable_store_has(name):
  """Whether the current default variable store holds a variable `name`."""
  store = _variable_scope._get_default_variable_store()  # pylint: disable=protected-access
  return name in store._vars or name in store._partitioned_vars  # pylint: disable=protected-access


def register_proto_function(collection_name, proto_type, to_proto, from_proto):
  """Registers how a graph collection is written to and read from MetaGraphs."""
  _ops.register_proto_function(collection_name, proto_type=proto_type,
                               to_proto=to_proto, from_proto=from_proto)


def forget_cached_scope_entry(template):
  """Drops the variable-scope context an `EagerTemplate` keeps between calls.

  An `EagerTemplate` first called inside a `tf.function` caches a context
  manager bound to that function's graph; re-entering it from eager code
  would put later eager ops into the dead function graph. Dropping it after
  each call made inside a function makes the next call build a fresh one.

  Args:
    template: an `EagerTemplate`.
  """
  template._variable_scope_context_manager = None  # pylint: disable=protected-access


# Nest helpers with no public `tf.nest` equivalent (used by `snt.nest`).
nest_assert_shallow_structure = _nest.assert_shallow_structure
nest_flatten_dict_items = _nest.flatten_dict_items
nest_flatten_up_to = _nest.flatten_up_to
nest_map_structure_up_to = _nest.map_structure_up_to


def trace_once_per_signature(fn):
  """Wraps `fn` to run as a graph function traced once per input signature.

  This is TF1's `defun`: unlike `tf.function`, it does not trace a second
  time when the first trace creates variables, and it runs no autograph.

  Args:
    fn: a Python callable.

  Returns:
    A callable with `fn`'s arguments.
  """
  options = _tracing.TracingOptions(
      python_function=fn, name=getattr(fn, "__name__", "function"),
      autograph=False, function_cache=_cache.FunctionCache(),
      function_captures=_captures.FunctionCaptures(), lock=threading.RLock())

  def call(*args, **kwargs):
    return _tracing.call_function(args, kwargs, options)

  return call


def _store_of(template):
  """The `_VariableStore` that `get_variable` uses inside `template` now."""
  if isinstance(template, _template.EagerTemplate):
    return template._template_store._eager_variable_store._store  # pylint: disable=protected-access
  return _variable_scope._get_default_variable_store()  # pylint: disable=protected-access


def unstore_variables(template, names):
  """Removes variables from the store `template` fetches them from.

  Args:
    template: a `Template` or `EagerTemplate`.
    names: full variable names.
  """
  store = _store_of(template)
  for name in names:
    store._vars.pop(name, None)  # pylint: disable=protected-access
    store._partitioned_vars.pop(name, None)  # pylint: disable=protected-access


def restore_stored_variable(name, variable):
  """Puts a variable back in the current default variable store."""
  _variable_scope._get_default_variable_store()._vars[name] = variable  # pylint: disable=protected-access


def untrack_variables(trackable, variables):
  """Drops checkpoint dependencies of `trackable` on the given variables."""
  ids = set(id(v) for v in variables)
  refs = trackable._self_unconditional_checkpoint_dependencies  # pylint: disable=protected-access
  refs[:] = [ref for ref in refs if id(ref.ref) not in ids]
  names = trackable._self_unconditional_dependency_names  # pylint: disable=protected-access
  for name in [n for n, v in names.items() if id(v) in ids]:
    del names[name]


def used_name_count(graph):
  """How many op and name-scope names `graph` has handed out so far."""
  return len(graph._names_in_use)  # pylint: disable=protected-access


def release_names_since(graph, count):
  """Frees names handed out since `used_name_count` was `count` and unused.

  A name that no op carries (a name scope whose ops never appeared) is
  forgotten, so that the next use of it gets no `_1` suffix.

  Args:
    graph: a `tf.Graph`.
    count: an earlier `used_name_count(graph)`.
  """
  in_use = graph._names_in_use  # pylint: disable=protected-access
  op_names = set(op.name.lower() for op in graph.get_operations())
  for key in list(in_use)[count:]:
    if key not in op_names:
      del in_use[key]


# --- later eager connections (see `AbstractModule._replay`) -----------------
#
# In eager mode every connection runs `_build` again, and with it
# `get_variable`'s lookup through the template, the variable scopes and the
# custom getters: several times the cost of the ops of a small layer. After a
# module's first connection its variables are known, so later eager
# connections run `_build` in a copy of its variable scope whose
# `get_variable` answers from that record first. This takes two private
# pieces of TensorFlow: `VariableScope.get_variable(var_store, ...)` and the
# per-thread variable-scope store.


class _KnownVariablesScope(_variable_scope.VariableScope):
  """A copy of a module's variable scope that returns known variables."""

  def __init__(self, scope, known_variables):
    super().__init__(
        _variable_scope.AUTO_REUSE, name=scope.name,
        initializer=scope.initializer, regularizer=scope.regularizer,
        caching_device=scope.caching_device, partitioner=scope.partitioner,
        custom_getter=scope.custom_getter, name_scope=scope.original_name_scope,
        dtype=scope.dtype, use_resource=scope.use_resource,
        constraint=scope.constraint)
    self._known_variables = known_variables

  def get_variable(self, var_store, name, *args, **kwargs):  # pylint: disable=arguments-differ
    variable = self._known_variables.get(name)
    if variable is not None:
      return variable
    return super().get_variable(var_store, name, *args, **kwargs)


def replay_scope(scope, known_variables):
  """A copy of `scope` whose `get_variable` first looks in `known_variables`.

  Args:
    scope: a module's `VariableScope`.
    known_variables: a dict from names relative to `scope` to variables.

  Returns:
    A `VariableScope` that reuses everything else (AUTO_REUSE).
  """
  return _KnownVariablesScope(scope, known_variables)


# The priority `tf.variable_creator_scope` gives its creators.
_DEFAULT_CREATOR_PRIORITY = 100


class _Replaying:
  """The context `replaying` returns: plain attribute swaps, no generators."""

  __slots__ = ("_template", "_scope", "_creator", "_saved")

  def __init__(self, template, scope, creator):
    self._template = template
    self._scope = scope
    self._creator = creator
    self._saved = None

  def __enter__(self):
    scopes = _variable_scope.get_variable_scope_store()
    stores = _ops.get_collection_ref(_variable_scope._VARSTORE_KEY)  # pylint: disable=protected-access
    graph = _ops.get_default_graph()
    creators = graph._variable_creator_stack  # pylint: disable=protected-access
    self._saved = (scopes, scopes.current_scope, scopes.variable_scopes_count,
                   stores, list(stores), graph, creators)
    # Scopes opened while replaying are counted in a layer of their own and
    # forgotten on exit, as a template forgets its subscopes.
    scopes.variable_scopes_count = collections.ChainMap(
        {}, scopes.variable_scopes_count)
    scopes.current_scope = self._scope
    stores[:] = [self._template._template_store._eager_variable_store._store]  # pylint: disable=protected-access
    # What `tf.variable_creator_scope(creator)` does, without its generator:
    # the creator goes after those of the same default priority.
    graph._variable_creator_stack = sorted(  # pylint: disable=protected-access
        creators + [(_DEFAULT_CREATOR_PRIORITY, self._creator)],
        key=lambda entry: entry[0])

  def __exit__(self, *unused_exc_info):
    scopes, scope, counts, stores, old_stores, graph, creators = self._saved
    graph._variable_creator_stack = creators  # pylint: disable=protected-access
    stores[:] = old_stores
    scopes.variable_scopes_count = counts
    scopes.current_scope = scope


def replaying(template, scope, creator):
  """A context that makes `scope` current, as entering `template` would.

  Args:
    template: the module's `EagerTemplate` (for its variable store).
    scope: a `replay_scope` of the template's scope.
    creator: a variable creator active in the context, as in
      `tf.variable_creator_scope(creator)`.

  Returns:
    A context manager (entered once).
  """
  return _Replaying(template, scope, creator)


def tape_records(tensors):
  """Whether a `tf.GradientTape` on this thread records any of `tensors`."""
  return _record.should_record_backprop(tensors)


def in_strategy_context():
  """False when no `tf.distribute` strategy or replica context is entered.

  A cheap first test, for code that runs on every eager call:
  `tf.distribute.has_strategy()` costs several times more.
  """
  return bool(_ops.get_default_graph()._distribution_strategy_stack)  # pylint: disable=protected-access


def cheaply_inspected(custom_getter):
  """Wraps a custom getter so TensorFlow can inspect it without cost.

  `get_variable` inspects the signature of the scope's custom getter on
  every call; a plain function that carries its `__signature__` answers at
  once, where a bound method costs tens of microseconds per variable.

  Args:
    custom_getter: a callable `(getter, *args, **kwargs)`.

  Returns:
    An equivalent plain function.
  """

  def wrapped_getter(getter, *args, **kwargs):
    return custom_getter(getter, *args, **kwargs)

  wrapped_getter.__signature__ = inspect.signature(wrapped_getter)
  return wrapped_getter


def unique_scope_name(prefix):
  """The name `tf.compat.v1.variable_scope(None, default_name=prefix)` takes.

  The same answer as TensorFlow's search (`prefix`, or `prefix_N` for the
  smallest free N), in constant time on average: the first call on a graph
  swaps the scope store's counts for an equal `scope_counts.ScopeCounts`,
  which indexes free suffixes, and has the store skip zeroing the
  subscopes of a closing scope that has none. Where the counts are of
  another kind (a replay's layered counts), returns `prefix` and lets
  TensorFlow search.

  Args:
    prefix: the default name of a new variable scope.

  Returns:
    Its name relative to the current variable scope, unused there.
  """
  store = _variable_scope.get_variable_scope_store()
  counts = store.variable_scopes_count
  if type(counts) is dict:  # pylint: disable=unidiomatic-typecheck
    counts = store.variable_scopes_count = _scope_counts.ScopeCounts(counts)
    if "close_variable_subscopes" not in vars(store):
      store.close_variable_subscopes = functools.partial(
          _close_variable_subscopes, store)
  elif not isinstance(counts, _scope_counts.ScopeCounts):
    return prefix
  current = store.current_scope.name
  name = current + "/" + prefix if current else prefix
  if not counts.get(name):
    return prefix
  return "%s_%d" % (prefix, counts.free_suffix(name))


def _close_variable_subscopes(store, scope_name):
  """The store's own method, skipped for a scope without subscopes."""
  counts = store.variable_scopes_count
  if (scope_name is not None and
      isinstance(counts, _scope_counts.ScopeCounts) and
      not counts.has_subscopes(scope_name)):
    return
  type(store).close_variable_subscopes(store, scope_name)
