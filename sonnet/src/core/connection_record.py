"""What a module knows about its connections: one record per module.

`AbstractModule` keeps all of its bookkeeping here: which graph it belongs
to, how often it was connected, which variables its first connection
fetched and which variables it (and the modules it called) used, the
subgraphs of its graph-mode connections, and the scope that makes later
eager connections cheap.
"""

import tensorflow as tf

from sonnet.src.core import errors
from sonnet.src.core import used_variables

tf1 = tf.compat.v1

# `ConnectionRecord.graph` before the first use fixes it.
NOT_FIXED = object()


def _outer_graph():
  """The graph a connection made now will live in, or None if eager.

  Inside a function being traced this looks through to where the function
  will run, as `tf.init_scope` does.
  """
  if tf.executing_eagerly():
    return None
  if not tf.inside_function():
    return tf1.get_default_graph()
  with tf.init_scope():
    return None if tf.executing_eagerly() else tf1.get_default_graph()


def _nested_in(graph, ancestor):
  """Whether `graph` is `ancestor` or a function graph traced inside it."""
  while graph is not None:
    if graph is ancestor:
      return True
    graph = getattr(graph, "outer_graph", None)
  return False


class ConnectionRecord:
  """A module's bookkeeping.

  Attributes:
    graph: the `tf.Graph` the module belongs to, None if it belongs to eager
      mode, or `NOT_FIXED` before its first use.
    template_graph: the graph its variable scope was made in (None if that
      was done eagerly).
    scope_getter: the custom getter of the module's own scope, or None.
    replay_allowed: whether later eager connections may take the fast path
      (only Sonnet's own getters apply to the module's scope).
    count: how many times `__call__` connected the module.
    method_connected: whether a `reuse_variables` method connected it.
    first_names: the variable names its first connection fetched.
    first_variables: those variables, by full name.
    used: the `UsedVariables` it and the modules it called fetched.
    subgraphs: a `ConnectedSubGraph` per graph-mode connection.
    leaf_build: whether the module's `_build` is a `leaf_build` (later
      eager connections need no variable scope).
    replay_variables: the first connection's variables by name relative to
      the module's scope, once later eager connections take the fast path.
    replay_scope: the scope later eager connections run `_build` in, or
      None while they take the full path.
  """

  __slots__ = ("graph", "template_graph", "scope_getter", "replay_allowed",
               "count", "method_connected", "first_names", "first_variables",
               "used", "subgraphs", "leaf_build", "replay_variables",
               "replay_scope")

  def __init__(self, scope_getter, replay_allowed, leaf_build=False):
    """A record for a module being constructed now.

    Args:
      scope_getter: the custom getter of the module's own scope, or None.
      replay_allowed: see the class docstring.
      leaf_build: see the class docstring.
    """
    self.graph = NOT_FIXED
    self.template_graph = (None if tf.executing_eagerly() else
                           tf1.get_default_graph())
    self.scope_getter = scope_getter
    self.replay_allowed = replay_allowed
    self.count = 0
    self.method_connected = False
    self.first_names = set()
    self.first_variables = {}
    self.used = used_variables.UsedVariables()
    self.subgraphs = []
    self.leaf_build = leaf_build
    self.replay_variables = None
    self.replay_scope = None

  @property
  def is_connected(self):
    return self.count > 0 or self.method_connected

  @property
  def in_graph(self):
    """Whether the module belongs to a `tf.Graph` (its collections count)."""
    return self.graph is not None and self.graph is not NOT_FIXED

  @property
  def eager_template(self):
    """Whether the module's variable scope was made in eager mode."""
    return self.template_graph is None

  def fix_graph(self, scope_name):
    """Fixes the module's graph on first use; refuses any other after.

    Args:
      scope_name: the module's scope name, for messages.

    Returns:
      True if this call fixed the graph to a `tf.Graph`.

    Raises:
      DifferentGraphError: if the module is used in a graph other than the
        first one it was used in, or its variable scope cannot live there.
    """
    if (tf.executing_eagerly() and self.graph is None and
        self.template_graph is None):
      return False  # The common eager case, kept cheap.
    world = _outer_graph()
    home = self.template_graph
    if home is not None and not _nested_in(tf1.get_default_graph(), home):
      if getattr(home, "outer_graph", None) is not None:
        raise errors.DifferentGraphError(
            "Cannot connect module to multiple Graphs: module %r was "
            "constructed while tracing a tf.function and cannot be used "
            "outside that trace. Construct it before the function runs (e.g. "
            "in its parent's __init__, under _enter_variable_scope()), or "
            "construct a new one in each connection of its parent." %
            scope_name)
      if world is None:
        raise errors.DifferentGraphError(
            "Cannot connect module to multiple Graphs: module %r was "
            "constructed in a tf.Graph and cannot be used in eager mode. "
            "Construct it in eager mode instead." % scope_name)
    if self.graph is NOT_FIXED:
      self.graph = world
      return world is not None
    if world is not self.graph:
      raise errors.DifferentGraphError(
          "Cannot connect module to multiple Graphs. Module %r was first used "
          "in %s; construct one module per graph." %
          (scope_name,
           "eager mode" if self.graph is None else "another tf.Graph"))
    return False

  def check_later_fetch(self, name, scope_name):
    """Refuses a variable a later connection asks for but the first did not.

    Args:
      name: the variable's full name.
      scope_name: the module's scope name, for the message.

    Raises:
      ValueError: if `name` was not fetched by the first connection.
    """
    if name not in self.first_names:
      raise self.later_fetch_error(name, scope_name)

  def later_fetch_error(self, name, scope_name):
    """The `ValueError` for a variable the first connection did not fetch.

    Args:
      name: the variable's full name.
      scope_name: the module's scope name, for the message.

    Returns:
      The error, to raise.
    """
    return ValueError(
        "Module %r asked for variable %r in connection %d, but its first "
        "connection did not create it. A module must create all of its "
        "variables on the first connection, with the same names on every "
        "call (tf.compat.v1.get_variable, not tf.Variable)." %
        (scope_name, name, self.count + 1))

  def forget_first_connection(self):
    """Drops what a failed first connection recorded."""
    self.first_names.clear()
    self.first_variables.clear()
    self.used.clear()

  def tell(self, caller, first_connection):
    """Adds this module's variables to a calling module's record.

    Variables a module holds without fetching them on every connection
    (made in its constructor, say) reach its callers this way; a caller in
    its own first connection also learns which names that connection used.
    Later eager connections, which run every training step, only tell
    callers that are connecting for the first time.

    Args:
      caller: the `ConnectionRecord` of a module connecting around this one.
      first_connection: whether this was this module's first connection.
    """
    caller_first = not caller.is_connected
    if caller_first or first_connection or not tf.executing_eagerly():
      caller.used.update(self.used)
    if caller_first and not first_connection:
      caller.first_names.update(self.first_names)
