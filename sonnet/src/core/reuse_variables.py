"""`reuse_variables`: several methods of one object sharing one scope."""

import functools
import inspect
import weakref

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import naming

tf1 = tf.compat.v1


def _entered_scope_names(graph, graphs_seen, eager_seen):
  """The set of scope names a method has already run in, for this world."""
  if graph is None:
    return eager_seen
  return graphs_seen.setdefault(graph, set())


def _absolute(name_scope):
  """`name_scope` in the form `tf.name_scope` takes as absolute."""
  return name_scope + "/" if name_scope and not name_scope.endswith("/") else (
      name_scope)


def reuse_variables(method):
  """Makes a method share its object's variable scope, reusing on later calls.

  The object is a Sonnet module, or (in graph mode) any object with a
  `variable_scope` attribute. Each call enters that scope, under a name scope
  `<scope name>/<method name in snake_case>`. The first call of a method in a
  scope (per graph) may create variables; later calls of that method in a
  scope of the same name reuse them. Each decorated method has its own reuse
  flag, so methods may be called in any order and may call each other.

  Args:
    method: the method to decorate; its first parameter must be `self`.

  Returns:
    The decorated method.

  Raises:
    TypeError: if `method` is not a method.
    ValueError: (on call) in eager mode, if the object is not a Sonnet
      module.

  >>> class Pair(snt.AbstractModule):
  ...   def _build(self, x):
  ...     return self.scale(x)
  ...   @snt.reuse_variables
  ...   def scale(self, x):
  ...     return x * tf.compat.v1.get_variable("s", [], initializer=tf.ones)
  >>> pair = Pair()
  >>> _ = pair.scale(tf.ones([2])); _ = pair(tf.ones([2]))
  >>> len(pair.get_variables())
  1
  """
  parameters = list(inspect.signature(method).parameters)
  if not parameters or parameters[0] != "self":
    raise TypeError("reuse_variables can only be used with methods.")
  method_name = naming.to_snake_case(method.__name__)
  graphs_seen = weakref.WeakKeyDictionary()
  eager_seen = set()

  @functools.wraps(method)
  def reusing_method(obj, *args, **kwargs):
    is_module = isinstance(obj, base.AbstractModule)
    if tf.executing_eagerly() and not is_module:
      raise ValueError(
          "reuse_variables is not supported in eager mode except in Sonnet "
          "modules.")
    if is_module:
      obj._check_graph()  # pylint: disable=protected-access
      scope = obj._template.variable_scope  # pylint: disable=protected-access
    else:
      scope = obj.variable_scope
    with tf.init_scope():
      world = None if tf.executing_eagerly() else tf1.get_default_graph()
    seen = _entered_scope_names(world, graphs_seen, eager_seen)
    reuse = scope.name in seen
    with tf1.variable_scope(scope, reuse=reuse, auxiliary_name_scope=False):
      current = tf1.get_default_graph().get_name_scope()
      with tf1.name_scope(_absolute(current)):
        with tf1.name_scope("%s/%s" % (scope.name, method_name)) as ops_scope:
          if is_module:
            with obj._capturing_variables():  # pylint: disable=protected-access
              outputs = method(obj, *args, **kwargs)
          else:
            outputs = method(obj, *args, **kwargs)
    seen.add(scope.name)
    if is_module:
      obj._record_method_connection(  # pylint: disable=protected-access
          method, ops_scope, (obj,) + args, kwargs, outputs)
    return outputs

  return reusing_method
