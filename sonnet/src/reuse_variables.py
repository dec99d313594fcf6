"""`reuse_variables`: several methods of one object sharing one scope."""

import contextlib
import functools

import tensorflow as tf

from sonnet.src import base
from sonnet.src import connections
from sonnet.src import tf_shim

tf1 = tf.compat.v1

_STATE_ATTRIBUTE = "_snt_reuse_variables_state"


class _ReuseState:
  """Per-object record: which methods ran, and which variables each made."""

  def __init__(self):
    self.names_by_method = {}
    self.eager_store = None

  def all_names(self):
    return set().union(*self.names_by_method.values())


def _state_of(obj):
  state = obj.__dict__.get(_STATE_ATTRIBUTE)
  if state is None:
    state = _ReuseState()
    object.__setattr__(obj, _STATE_ATTRIBUTE, state)
  return state


def _scope_of(obj):
  if isinstance(obj, base.AbstractModule):
    return obj._template.variable_scope  # pylint: disable=protected-access
  try:
    return obj.variable_scope
  except AttributeError:
    raise AttributeError(
        "reuse_variables needs %r to be a Sonnet module or to have a "
        "`variable_scope` attribute (a tf.compat.v1.VariableScope)."
        % type(obj).__name__) from None


def _eager_store(obj, state):
  """The variable store that keeps `obj`'s variables outside graph mode."""
  if isinstance(obj, base.AbstractModule):
    return tf_shim.eager_template_store(obj._template)  # pylint: disable=protected-access
  if state.eager_store is None:
    state.eager_store = tf_shim.new_eager_variable_store()
  return state.eager_store


def _reuse_checking_getter(method_name, state, first_call):
  """Enforces graph-mode reuse rules where variables are AUTO_REUSE'd."""
  own_names = state.names_by_method[method_name]

  def checking_getter(getter, name, *args, **kwargs):
    if first_call:
      if name in state.all_names() and name not in own_names:
        raise ValueError(
            "Variable %r already exists, created by another method; with "
            "reuse_variables each method must own its variables." % name)
      own_names.add(name)
    elif name not in own_names:
      raise ValueError(
          "Variable %r does not exist: %s() created no such variable on its "
          "first call, and later calls may only reuse." % (name, method_name))
    return getter(name, *args, **kwargs)

  return checking_getter


def reuse_variables(method):
  """Makes a method share its object's variable scope, reusing on later calls.

  The object is a Sonnet module, or any object with a `variable_scope`
  attribute. Every decorated method enters that scope; each method has its
  own reuse flag, so methods may be called in any order and may call each
  other, but a variable belongs to the method that created it.

  Args:
    method: the method to decorate.

  Returns:
    The decorated method.

  Raises:
    AttributeError: (on call) if the object has no variable scope.

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
  method_name = method.__name__

  @functools.wraps(method)
  def reusing_method(obj, *args, **kwargs):
    scope = _scope_of(obj)
    state = _state_of(obj)
    first_call = method_name not in state.names_by_method
    state.names_by_method.setdefault(method_name, set())
    is_module = isinstance(obj, base.AbstractModule)
    graph_mode = not tf.executing_eagerly() and not tf.inside_function()
    try:
      with (connections.connecting(obj, connections.METHOD) if is_module
            else contextlib.nullcontext()):
        if graph_mode:
          with tf1.variable_scope(scope, reuse=not first_call):
            outputs = method(obj, *args, **kwargs)
        else:
          checker = _reuse_checking_getter(method_name, state, first_call)
          with _eager_store(obj, state).as_default():
            with tf1.variable_scope(scope, reuse=tf1.AUTO_REUSE,
                                    custom_getter=checker):
              outputs = method(obj, *args, **kwargs)
    except Exception:
      if first_call:
        del state.names_by_method[method_name]
      raise
    if is_module:
      obj._set_untracked(_method_connected=True)  # pylint: disable=protected-access
    return outputs

  return reusing_method

