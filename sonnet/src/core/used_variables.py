"""The variables a module has used, with what `get_variable` was told of them.

Graph collections do not exist in eager mode or inside `tf.function`, so each
module keeps its own record: the variable, the collections it was meant to
join and its regularizer. In graph mode the graph's collections stay the
source of truth and this record only adds variables of modules called from
outside the module's scope.
"""

import tensorflow as tf

_GLOBAL = tf.compat.v1.GraphKeys.GLOBAL_VARIABLES
_TRAINABLE = tf.compat.v1.GraphKeys.TRAINABLE_VARIABLES


def collections_of(getter_kwargs):
  """Returns the collections `get_variable` would add a variable to."""
  collections = getter_kwargs.get("collections")
  collections = set(collections) if collections else {_GLOBAL}
  trainable = getter_kwargs.get("trainable")
  if trainable is None or trainable:
    collections.add(_TRAINABLE)
  return frozenset(collections)


def note_creation(record, next_creator, **kwargs):
  """A variable creator that notes the collections of what it creates.

  Use with `functools.partial(note_creation, record)` as a
  `tf.variable_creator_scope` creator.

  Args:
    record: a dict; "collections" is set to the created variable's.
    next_creator: the next creator in TensorFlow's chain.
    **kwargs: the creation arguments.

  Returns:
    The created variable.
  """
  record["collections"] = collections_of(kwargs)
  return next_creator(**kwargs)


class UsedVariables:
  """An insertion-ordered set of variables with their collections."""

  __slots__ = ("_entries",)

  def __init__(self):
    self._entries = {}

  def add(self, variable, collections, regularizer=None):
    """Records a variable; a later record may supply its regularizer."""
    key = id(variable)
    if key not in self._entries or (regularizer and not self._entries[key][2]):
      self._entries[key] = (variable, collections, regularizer)

  def update(self, other):
    """Records every variable `other` (another `UsedVariables`) holds."""
    for variable, collections, regularizer in other._entries.values():  # pylint: disable=protected-access
      self.add(variable, collections, regularizer)

  def clear(self):
    """Forgets every record (after a failed first connection)."""
    self._entries.clear()

  def __len__(self):
    return len(self._entries)

  def variables(self, collection=None):
    """The recorded variables, optionally only those in `collection`."""
    return [
        v for v, cols, _ in self._entries.values()
        if collection is None or collection in cols]

  def regularized(self):
    """(variable, regularizer) pairs of the variables that have one."""
    return [(v, reg) for v, _, reg in self._entries.values() if reg]
