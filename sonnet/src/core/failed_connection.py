"""Undoing what a failed first connection made, so that a retry starts clean.

When a module's first connection raises (a wrong dtype, a failing
submodule, a custom getter that raises), the variables it already made must
not stay behind: they would be initialized, saved and counted, and in graph
mode their names would be taken, so the next connection would make
`linear/w_1` instead of `linear/w`.

- Eager mode and `tf.function`: the variables leave the module's variable
  store, its checkpoint dependencies and any collection.
- Graph mode, where ops cannot be deleted: the variables and every op the
  connection made leave all collections and the variable store. The
  variables are kept aside by name; when a Sonnet module next asks for the
  same name with the same shape and dtype, it gets that variable back, as
  if made anew. Name scopes the failure opened but no op carries are freed.
"""

import collections
import contextlib
import re
import weakref

import tensorflow as tf

from sonnet.src.core import tf_shim

tf1 = tf.compat.v1

# Per graph: {variable name: _Orphan} for variables of failed connections.
_ORPHANS = weakref.WeakKeyDictionary()

_Orphan = collections.namedtuple("_Orphan", ["variable", "collections"])


@contextlib.contextmanager
def tidy_up_if_it_fails(template):
  """Removes what the block made if it raises; see the module docstring.

  Args:
    template: the template of the module being connected for the first time.

  Yields:
    None.
  """
  if tf.inside_function() and not tf.executing_eagerly():
    with tf.init_scope():
      outer_eager = tf.executing_eagerly()
    if not outer_eager:
      yield  # A function traced in a tf.Graph: left as TensorFlow makes it.
      return
  graph = None if tf.executing_eagerly() else tf1.get_default_graph()
  if graph is not None and tf.inside_function():
    graph = None  # Variables are lifted out of the trace, to eager mode.
  created = []

  def record_creation(next_creator, **kwargs):
    variable = next_creator(**kwargs)
    created.append(variable)
    return variable

  collections_graph = graph or tf1.get_default_graph()
  losses = tf1.GraphKeys.REGULARIZATION_LOSSES
  losses_before = len(collections_graph.get_collection_ref(losses))
  if graph is not None:
    version, names = graph.version, tf_shim.used_name_count(graph)
  try:
    with tf.variable_creator_scope(record_creation):
      yield
  except Exception:
    tf_shim.unstore_variables(template,
                              [n for v in created for n in _store_keys(v)])
    tf_shim.untrack_variables(template, created)
    if graph is None:
      _drop_from_collections(collections_graph, created, ())
      del collections_graph.get_collection_ref(losses)[losses_before:]
    else:
      new_ops = graph.get_operations()[version:]  # pylint: disable=possibly-used-before-assignment
      memberships = _drop_from_collections(graph, created, new_ops)
      orphans = _ORPHANS.setdefault(graph, {})
      for variable in created:
        orphans[_name(variable)] = _Orphan(variable, memberships[id(variable)])
      tf_shim.release_names_since(graph, names)  # pylint: disable=possibly-used-before-assignment
    raise


def adopt(name, getter_kwargs):
  """The variable a failed connection made under `name`, if it fits.

  Args:
    name: the full name of the variable asked for.
    getter_kwargs: the keyword arguments of the `get_variable` call.

  Returns:
    The variable (back in its collections and the variable store, with its
    regularization loss made again), or None
    if no failed connection left a variable of that name, shape and dtype in
    the current graph.
  """
  if not _ORPHANS or tf.executing_eagerly():
    return None
  graph = tf1.get_default_graph()
  orphans = _ORPHANS.get(graph)
  if not orphans or name not in orphans:
    return None
  orphan = orphans.pop(name)
  if not orphans:
    del _ORPHANS[graph]
  variable = orphan.variable
  shape = getter_kwargs.get("shape")
  dtype = getter_kwargs.get("dtype") or tf.float32
  if ((shape is not None and
       not variable.shape.is_compatible_with(tf.TensorShape(shape))) or
      variable.dtype.base_dtype != tf.as_dtype(dtype).base_dtype):
    return None
  for key in orphan.collections:
    graph.add_to_collection(key, variable)
  tf_shim.restore_stored_variable(name, variable)
  regularizer = getter_kwargs.get("regularizer")
  if regularizer is not None:  # Its loss went with the failed connection.
    with tf1.name_scope(name + "/Regularizer/"):
      loss = regularizer(variable)
    if loss is not None:
      graph.add_to_collection(tf1.GraphKeys.REGULARIZATION_LOSSES, loss)
  return variable


def _name(variable):
  return variable.name.split(":")[0]


def _store_keys(variable):
  """The names a variable store may know `variable` by (a part's too)."""
  name = _name(variable)
  return [name, re.sub(r"/part_\d+$", "", name)]


def _is_new(entry, new_ops):
  """Whether a collection entry is, or is an output of, one of `new_ops`."""
  if isinstance(entry, tf.Operation):
    return entry in new_ops
  try:
    return getattr(entry, "op", None) in new_ops
  except (AttributeError, TypeError, RuntimeError):
    return False


def _drop_from_collections(graph, variables, new_ops):
  """Removes the variables and the new ops' outputs from every collection.

  Args:
    graph: the graph whose collections are cleaned.
    variables: variables to remove.
    new_ops: operations to remove, with the tensors they produce.

  Returns:
    A dict from `id(variable)` to the collection keys it was removed from.
  """
  variable_ids = set(id(v) for v in variables)
  new_ops = set(new_ops)
  memberships = {key: [] for key in variable_ids}
  for key in graph.get_all_collection_keys():
    entries = graph.get_collection_ref(key)
    kept = []
    for entry in entries:
      if id(entry) in variable_ids:
        memberships[id(entry)].append(key)
      elif not _is_new(entry, new_ops):
        kept.append(entry)
    entries[:] = kept
  return memberships
