"""Finding a module's variables, naming them portably, and saving them.

Graph mode keeps variables in graph collections, looked up by scope name.
Eager mode has no collections: there a module's own record of the variables
it used (`module.get_variables`) is the only source, so the functions below
accept a module wherever they can and say so when only a module will do.
"""

import collections.abc
import contextlib
import re

from absl import logging
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import errors
from sonnet.src.core import tf_shim

tf1 = tf.compat.v1

_GLOBAL = tf1.GraphKeys.GLOBAL_VARIABLES
_TRAINABLE = tf1.GraphKeys.TRAINABLE_VARIABLES


def get_variable_scope_name(value):
  """The name of the variable scope a value stands for.

  Args:
    value: a scope name, a `tf.compat.v1.VariableScope`, or an object with a
      `variable_scope` attribute (a Sonnet module, a template). Trailing
      slashes of a name are dropped.

  Returns:
    The scope's full name, e.g. "mlp/linear".

  Raises:
    ValueError: if `value` does not identify a variable scope.
    NotConnectedError: for a Sonnet module that was never connected.

  >>> get_variable_scope_name("mlp/linear/")
  'mlp/linear'
  """
  value = getattr(value, "variable_scope", value)
  if isinstance(value, tf1.VariableScope):
    return value.name
  if isinstance(value, str):
    return value.rstrip("/")
  raise ValueError("Not a variable scope: {}".format(value))


def is_scope_prefix(scope_name, prefix_name):
  """Whether `prefix_name` is `scope_name` or one of its parent scopes.

  Args:
    scope_name: a scope name, e.g. "a/b/c".
    prefix_name: a scope name, with or without a trailing slash; the empty
      name is the prefix of every scope.

  Returns:
    A bool: "a" and "a/b/" are prefixes of "a/b/c", "a/b/c" of itself, but
    "a" is not a prefix of "ab/c".
  """
  if not prefix_name:
    return True
  return (scope_name.rstrip("/") +
          "/").startswith(prefix_name.rstrip("/") + "/")


def variable_name(variable):
  """A variable's name without the ":0" output suffix."""
  name = variable.name
  return name.rsplit(":", 1)[0] if ":" in name else name


def get_variables_in_scope(scope, collection=_TRAINABLE):
  """The variables of a graph collection within a variable scope.

  Args:
    scope: a `tf.compat.v1.VariableScope` or a scope name. Variables in this
      scope and its sub-scopes match ("mlp" matches "mlp/linear/w" but not
      "mlp_2/linear/w"); the empty name matches every variable.
    collection: the graph collection to look in; defaults to the trainable
      variables.

  Returns:
    A tuple of variables, in the collection's (creation) order.

  Raises:
    ValueError: if `scope` does not identify a variable scope.
    NotSupportedError: in eager mode, which has no graph collections.

  >>> with tf.Graph().as_default():
  ...   with tf.compat.v1.variable_scope("net"):
  ...     w = tf.compat.v1.get_variable("w", [2])
  ...   [v.name for v in snt.get_variables_in_scope("net")]
  ['net/w:0']
  """
  scope_name = get_variable_scope_name(scope)
  if tf.executing_eagerly():
    raise errors.NotSupportedError(
        "get_variables_in_scope(%r) needs graph collections, which eager mode "
        "does not have. Ask the module instead: module.get_variables() or "
        "snt.get_variables_in_module(module)." % scope_name)
  scope_filter = re.escape(scope_name) + "/" if scope_name else None
  return tuple(tf1.get_collection(collection, scope_filter))


def get_variables_in_module(module, collection=_TRAINABLE):
  """The variables in a module's scope (`module.get_variables(collection)`).

  Args:
    module: a connected Sonnet module.
    collection: which variables, as a graph collection key; defaults to the
      trainable variables. Works in eager mode too (the module remembers
      which collections its variables were created for).

  Returns:
    A tuple of variables.

  Raises:
    NotConnectedError: if the module has not been connected yet.
  """
  return module.get_variables(collection)


def _is_partitioned(variable):
  return isinstance(variable, tf_shim.PartitionedVariable)


def _slice_info(variable):
  return getattr(variable, "_save_slice_info", None)


def get_normalized_variable_map(scope_or_module, collection=_GLOBAL,
                                context=None, group_sliced_variables=True):
  """Maps names relative to a scope (or module) to its variables.

  The names do not depend on where the module was built: "linear/w:0" and
  "encoder/linear_3/w:0" both appear as "w" when their module is given, which
  is what lets a `tf.compat.v1.train.Saver` move variables between modules.

  Args:
    scope_or_module: a Sonnet module, a `tf.compat.v1.VariableScope` or a
      scope name (graph mode only for the last two).
    collection: which variables, as a graph collection key; defaults to all
      global variables.
    context: a module, scope or scope name that contains `scope_or_module`;
      its name (rather than `scope_or_module`'s) is stripped from the
      variable names. None means `scope_or_module` itself; "" keeps full
      names.
    group_sliced_variables: if True, the slices of a partitioned variable
      appear as one entry (the partitioned variable's name) holding the list
      of slices, as `tf.compat.v1.train.Saver` wants; if False, each slice
      appears under its own name ("w/part_0", ...).

  Returns:
    A dict from names (no ":0" suffix) to variables or lists of slices.

  Raises:
    ValueError: if `scope_or_module` is not inside `context`, or a
      partitioned variable has the name of an unpartitioned one.
    NotConnectedError: if a module is given before it is connected.
    NotSupportedError: if a scope is given (not a module) in eager mode.

  >>> with tf.Graph().as_default():
  ...   linear = snt.Linear(2, name="encoder")
  ...   _ = linear(tf.ones([1, 3]))
  ...   sorted(snt.get_normalized_variable_map(linear))
  ['b', 'w']
  """
  scope_name = get_variable_scope_name(scope_or_module)
  prefix = scope_name if context is None else get_variable_scope_name(context)
  if not is_scope_prefix(scope_name, prefix):
    raise ValueError("Scope '{}' is not prefixed by '{}'. The context must "
                     "be the scope itself or one of its parents.".format(
                         scope_name, prefix))
  if isinstance(scope_or_module, base.AbstractModule):
    variables = get_variables_in_module(scope_or_module, collection)
  else:
    variables = get_variables_in_scope(scope_or_module, collection)
  strip = len(prefix) + 1 if prefix else 0

  variable_map = {}
  grouped = {}
  for variable in variables:
    # Eager modules record whole partitioned variables; graph collections
    # hold their slices.
    slices = list(variable) if _is_partitioned(variable) else [variable]
    for part in slices:
      info = _slice_info(part)
      if info is not None and group_sliced_variables:
        grouped.setdefault(info.full_name[strip:], []).append(part)
      else:
        variable_map[variable_name(part)[strip:]] = part
  for name, parts in grouped.items():
    if name in variable_map:
      raise ValueError("Mixing slices and non-slices with the same name: " +
                       name)
    variable_map[name] = parts
  return variable_map


def get_saver(scope, collections=(_GLOBAL,), context=None, **kwargs):  # pylint: disable=redefined-outer-name
  """A `tf.compat.v1.train.Saver` keyed by names relative to `scope`.

  Checkpoints written by it name variables relative to the scope or module,
  so they restore into a module with another name (or built elsewhere),
  as long as it has the same variables.

  Args:
    scope: a Sonnet module, a `tf.compat.v1.VariableScope` or a scope name
      (graph mode only for the last two).
    collections: the graph collections whose variables are saved; defaults
      to all global variables.
    context: as for `get_normalized_variable_map`.
    **kwargs: passed on to `tf.compat.v1.train.Saver` (e.g. `max_to_keep`).

  Returns:
    A `tf.compat.v1.train.Saver`.

  Raises:
    ValueError: if `scope` is not inside `context`, or has no variables.
    NotSupportedError: for partitioned variables in eager mode, which the
      v1 `Saver` cannot save there (use `tf.train.Checkpoint`).

  >>> with tf.Graph().as_default():
  ...   linear = snt.Linear(2, name="encoder")
  ...   _ = linear(tf.ones([1, 3]))
  ...   saver = snt.get_saver(linear)  # Saves "w" and "b".
  """
  if isinstance(collections, str):
    collections = (collections,)
  variable_map = {}
  for collection in collections:
    variable_map.update(
        get_normalized_variable_map(scope, collection=collection,
                                    context=context))
  if not variable_map:
    raise ValueError("No variables to save in %r for collections %s: connect "
                     "the module (or build the scope) first." %
                     (get_variable_scope_name(scope), list(collections)))
  if tf.executing_eagerly():
    sliced = sorted(k for k, v in variable_map.items() if isinstance(v, list))
    if sliced:
      raise errors.NotSupportedError(
          "tf.compat.v1.train.Saver cannot save partitioned variables %s in "
          "eager mode. Use tf.train.Checkpoint(module=module) instead." %
          sliced)
  return tf1.train.Saver(var_list=variable_map, **kwargs)


def variable_map_items(variable_map):
  """Yields (name, variable) pairs, one per slice of partitioned variables.

  Args:
    variable_map: a dict as made by `get_normalized_variable_map`, whose
      values are variables, lists of slices or partitioned variables.

  Yields:
    (name, variable) pairs; a name repeats once for each of its slices.

  >>> list(snt.variable_map_items({"w": ["w0", "w1"], "b": "b"}))
  [('w', 'w0'), ('w', 'w1'), ('b', 'b')]
  """
  for name, value in variable_map.items():
    if isinstance(value, (list, tuple)) or _is_partitioned(value):
      for part in value:
        yield name, part
    else:
      yield name, value


def default_variables(function_name):
  """The global and local variables of the default graph (graph mode only)."""
  if tf.executing_eagerly():
    raise ValueError(
        "%s needs `variables` in eager mode: there is no graph to collect "
        "them from. Pass them explicitly, e.g. %s(module.variables)." %
        (function_name, function_name))
  return tf1.global_variables() + tf1.local_variables()


def sort_by_name(variables):
  """The variables as a tuple, in ascending order of name."""
  return tuple(sorted(variables, key=lambda v: v.name))


@contextlib.contextmanager
def notify_about_new_variables(callback):
  """Calls `callback(variable)` for each variable created inside the block.

  Variables made by `tf.Variable`, `tf.compat.v1.get_variable` and by custom
  getters or variable creators entered inside the block are all reported.
  The callback must not modify the variable (use
  `tf.variable_creator_scope` for that).

  Args:
    callback: a callable taking one variable.

  Yields:
    None.

  >>> seen = []
  >>> with notify_about_new_variables(seen.append):
  ...   v = tf.Variable(1.0, name="v")
  >>> [x.name for x in seen]
  ['v:0']
  """

  def creator(next_creator, **kwargs):
    variable = next_creator(**kwargs)
    callback(variable)
    return variable

  with tf.variable_creator_scope(creator):
    yield


def as_variable_list(variables):
  """A list of variables, with partitioned variables split into slices."""
  if isinstance(variables, collections.abc.Mapping):
    raise TypeError("Expected an iterable of variables, got a dict; use "
                    "dict.values() or snt.variable_map_items.")
  flat = []
  for variable in variables:
    flat.extend(variable if _is_partitioned(variable) else [variable])
  return flat


def count_variables_by_type(variables=None):
  """Counts variables and their scalars, per dtype.

  Args:
    variables: an iterable of variables. None means every global and local
      variable of the default graph, which only exists in graph mode.

  Returns:
    A dict from base `tf.DType` to {"num_variables": int,
    "num_scalars": int}; dtypes with no variables are absent.

  Raises:
    ValueError: if `variables` is None in eager mode, or a variable's shape
      is not fully known.

  >>> counts = snt.count_variables_by_type([tf.Variable(tf.ones([2, 3]))])
  >>> counts[tf.float32]
  {'num_variables': 1, 'num_scalars': 6}
  """
  if variables is None:
    variables = default_variables("count_variables_by_type")
  counts = {}
  for variable in as_variable_list(variables):
    num_scalars = variable.shape.num_elements()
    if num_scalars is None:
      raise ValueError("Cannot count the scalars of %r: its shape %s is not "
                       "fully known." % (variable.name, variable.shape))
    entry = counts.setdefault(variable.dtype.base_dtype,
                              {"num_variables": 0, "num_scalars": 0})
    entry["num_variables"] += 1
    entry["num_scalars"] += num_scalars
  if tf.string in counts:
    logging.warning(
        "NB: string Variables present. The memory usage for these Variables "
        "will not be accurately computed as it depends on the exact strings "
        "stored in a particular session.")
  return counts
