"""The one place where Sonnet touches TensorFlow internals.

Every private `tensorflow.python` name the library needs is imported here, so
that a TensorFlow upgrade that moves one has a single file to fix.
"""

# pylint: disable=g-direct-tensorflow-import
from tensorflow.python.framework import ops as _ops
from tensorflow.python.ops import init_ops as _init_ops
from tensorflow.python.ops import variable_scope as _variable_scope
from tensorflow.python.ops import variables as _variables
from tensorflow.python.trackable import autotrackable as _autotrackable
from tensorflow.python.util import nest as _nest

AutoTrackable = _autotrackable.AutoTrackable
PartitionedVariable = _variables.PartitionedVariable
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


def variable_scope_store():
  """The per-thread record of the current variable scope and name counts."""
  return _variable_scope.get_variable_scope_store()
