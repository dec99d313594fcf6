"""Module records in graph collections, exported with the MetaGraph.

Each module connected in a `tf.Graph` adds a `ModuleInfo` to the graph's
collection `SONNET_COLLECTION_NAME`. Exporting the graph
(`tf.compat.v1.train.export_meta_graph`, `Saver.save`) writes each record as
a Sonnet 1 `SonnetModule` protobuf (see `module_proto`); importing it
(`tf.compat.v1.train.import_meta_graph`) turns each back into a `ModuleInfo`
whose connected subgraphs hold the imported graph's tensors. MetaGraphs
written by Sonnet 1 and by this library read the same way.

Inputs and outputs are written as nests of tensor names: tuples, lists,
dicts (keys as strings), namedtuples and `tf.SparseTensor`s keep their
structure; any other leaf (a Python number, a variable, an arbitrary object)
or a container that contains itself reads back as an `UnserializableObject`,
and a tensor missing from the graph as a `MissingTensor`.
"""

import collections
import collections.abc
import importlib
import inspect
import pkgutil
import weakref

from absl import logging
import tensorflow as tf

from sonnet.src.core import connections
from sonnet.src.core import errors
from sonnet.src.core import module_proto
from sonnet.src.core import tf_shim

SONNET_COLLECTION_NAME = "sonnet"

ModuleInfo = collections.namedtuple(
    "ModuleInfo",
    ("module_name", "scope_name", "class_name", "connected_subgraphs"))
ModuleInfo.__doc__ = """What the graph records about one module.

Attributes:
  module_name: the module's unique name, e.g. "linear_1".
  scope_name: its variable scope, e.g. "mlp/linear_1".
  class_name: its class, e.g. "sonnet.python.modules.basic.Linear" (library
    classes are named by their Sonnet 1 module).
  connected_subgraphs: the `ConnectedSubGraph`s of its connections. For a
    module of this process it follows the module's connections as they
    happen; for an imported record each subgraph's `module` is the
    `ModuleInfo` and its inputs and outputs are imported tensors.
"""

# Placeholder for a tensor name that the importing graph does not have.
MissingTensor = collections.namedtuple("MissingTensor", ("name",))

_SPARSE_TENSOR = "SparseTensor"
_SPARSE_TENSOR_FIELDS = ("indices", "values", "dense_shape")


class UnserializableObject:
  """What an imported record holds where the exported value was not a tensor.
  """


def is_namedtuple(obj):
  """Whether `obj` is an instance of a `collections.namedtuple` class."""
  return isinstance(obj, tuple) and hasattr(obj, "_fields")


def is_iterable(obj):
  """Whether `obj` is a container the records keep: a list, tuple or dict."""
  return isinstance(obj, (list, tuple, dict))


class _LiveConnectedSubgraphs(collections.abc.Sequence):
  """A module's `connected_subgraphs`, read afresh on every access."""

  def __init__(self, module):
    self.module = module

  def __getitem__(self, index):
    return self.module.connected_subgraphs[index]

  def __len__(self):
    return len(self.module.connected_subgraphs)

  def __repr__(self):
    return repr(list(self))


_SONNET1_PACKAGE = "sonnet.python.modules"
_sonnet1_modules = {}
_recorded_modules = weakref.WeakSet()


def _sonnet1_module_of(cls):
  """The Sonnet 1 module path of a library class, else its own module.

  Records name classes as Sonnet 1 did ("sonnet.python.modules.basic.Linear",
  not "sonnet.src.linear.Linear"): the Sonnet 1 paths are the modules of
  `sonnet.python.modules` (packages excluded) that re-export the class under
  its own name. They are looked up once, on the first call.

  Args:
    cls: a class.

  Returns:
    A dotted module name.
  """
  if not _sonnet1_modules:
    package = importlib.import_module(_SONNET1_PACKAGE)
    for info in pkgutil.walk_packages(package.__path__,
                                      prefix=_SONNET1_PACKAGE + "."):
      if info.ispkg:
        continue
      for name, value in vars(importlib.import_module(info.name)).items():
        if inspect.isclass(value) and value.__name__ == name:
          _sonnet1_modules.setdefault(value, info.name)
  return _sonnet1_modules.get(cls, cls.__module__)


def record(module):
  """Adds a module's `ModuleInfo` to its graph's Sonnet collection, once.

  Args:
    module: a Sonnet module connected in a `tf.Graph` (`module.graph`).
  """
  if module in _recorded_modules:
    return
  _recorded_modules.add(module)
  cls = type(module)
  module.graph.add_to_collection(
      SONNET_COLLECTION_NAME,
      ModuleInfo(module_name=module.module_name, scope_name=module.scope_name,
                 class_name="%s.%s" % (_sonnet1_module_of(cls), cls.__name__),
                 connected_subgraphs=_LiveConnectedSubgraphs(module)))


def _strip_scope(name, scope):
  scope = (scope or "").rstrip("/")
  if scope and name.startswith(scope + "/"):
    return name[len(scope) + 1:]
  return name


def _prepend_scope(name, scope):
  scope = (scope or "").rstrip("/")
  return scope + "/" + name if scope else name


def _nest_to_proto(value, proto, leaf_name, open_containers):
  """Writes a nest into a `NestedData` proto.

  Args:
    value: the nest.
    proto: an empty `module_proto.NestedData` to fill.
    leaf_name: a function from a leaf to its recorded name ("" for none).
    open_containers: ids of the containers `value` is inside; meeting one of
      them again (a container that contains itself) records "".
  """
  if id(value) in open_containers:
    proto.value = ""
  elif isinstance(value, tf.SparseTensor):
    proto.special_type.name = _SPARSE_TENSOR
    fields = proto.special_type.object.named_tuple
    fields.name = _SPARSE_TENSOR
    for field in _SPARSE_TENSOR_FIELDS:
      fields.map[field].value = leaf_name(getattr(value, field))
  elif is_iterable(value):
    open_containers.add(id(value))
    if isinstance(value, dict):
      proto.dict.SetInParent()
      children = [(proto.dict.map[str(k)], v) for k, v in value.items()]
    elif is_namedtuple(value):
      proto.named_tuple.name = type(value).__name__
      children = [
          (proto.named_tuple.map[f], getattr(value, f)) for f in value._fields]
    else:
      items = proto.tuple if isinstance(value, tuple) else proto.list
      items.SetInParent()
      children = [(items.list.add(), v) for v in value]
    for child_proto, child in children:
      _nest_to_proto(child, child_proto, leaf_name, open_containers)
    open_containers.discard(id(value))
  else:
    proto.value = leaf_name(value)


def _nest_from_proto(proto, leaf):
  """Reads a nest written by `_nest_to_proto`.

  Args:
    proto: a `module_proto.NestedData`.
    leaf: a function from a recorded (non-empty) name to the value.

  Returns:
    The nest: tuples, lists, dicts (keys in sorted order), namedtuples (of a
    new class with the recorded name, fields in name order: the protobuf map
    does not keep their order), `tf.SparseTensor`s and leaves.

  Raises:
    ModuleInfoError: if the proto has none of its fields set, or a special
      type's contents are malformed.
  """
  kind = proto.WhichOneof("one_of")
  if kind == "value":
    return leaf(proto.value) if proto.value else UnserializableObject()
  if kind in ("list", "tuple"):
    items = [_nest_from_proto(p, leaf) for p in getattr(proto, kind).list]
    return items if kind == "list" else tuple(items)
  if kind == "dict":
    return {
        k: _nest_from_proto(p, leaf) for k, p in sorted(proto.dict.map.items())}
  if kind == "named_tuple":
    # The wire format keeps no field order: fields come in name order.
    fields = {
        k: _nest_from_proto(p, leaf)
        for k, p in sorted(proto.named_tuple.map.items())}
    cls = collections.namedtuple(proto.named_tuple.name, list(fields))
    return cls(**fields)
  if kind == "special_type":
    if proto.special_type.name != _SPARSE_TENSOR:
      return UnserializableObject()
    return _sparse_tensor_from_proto(proto.special_type.object, leaf)
  raise errors.ModuleInfoError(
      "Cannot deserialize a `ModuleInfo` protobuf with no fields.")


def _sparse_tensor_from_proto(proto, leaf):
  if not proto.HasField("named_tuple"):
    raise errors.ModuleInfoError(
        "Error while deserializing a SparseTensor: expected proto tuple.")
  if proto.named_tuple.name != _SPARSE_TENSOR:
    raise errors.ModuleInfoError(
        "Error while deserializing a SparseTensor: The name of the tuple "
        "should have been {} but was {}.".format(_SPARSE_TENSOR,
                                                 proto.named_tuple.name))
  fields = proto.named_tuple.map
  return tf.SparseTensor(
      **{f: leaf(fields[f].value) for f in _SPARSE_TENSOR_FIELDS})


def _to_proto(info, export_scope=None):
  """Serializes a `ModuleInfo` into a `SonnetModule` proto.

  Args:
    info: a `ModuleInfo` from the collection.
    export_scope: a name scope to strip from names, or None.

  Returns:
    A `module_proto.SonnetModule`.
  """

  def leaf_name(value):
    if isinstance(value, tf.Tensor):
      return _strip_scope(value.name, export_scope)
    return ""

  proto = module_proto.SonnetModule(
      module_name=info.module_name,
      scope_name=_strip_scope(info.scope_name,
                              export_scope), class_name=info.class_name)
  for subgraph in info.connected_subgraphs:
    subgraph_proto = proto.connected_subgraphs.add(
        name_scope=_strip_scope(subgraph.name_scope, export_scope))
    _nest_to_proto(subgraph.inputs, subgraph_proto.inputs, leaf_name, set())
    _nest_to_proto(subgraph.outputs, subgraph_proto.outputs, leaf_name, set())
  return proto


def _from_proto(proto, import_scope=None):
  """Rebuilds a `ModuleInfo` in the default graph, or None if it cannot.

  A record that cannot be read is logged (WARNING) and read as None, so
  that one bad record does not stop the rest of the MetaGraph importing.

  Args:
    proto: a `module_proto.SonnetModule`.
    import_scope: the name scope the graph was imported into, or None.

  Returns:
    A `ModuleInfo`, or None.
  """
  graph = tf.compat.v1.get_default_graph()

  def leaf(name):
    name = _prepend_scope(name, import_scope)
    try:
      return graph.get_tensor_by_name(name)
    except KeyError:
      return MissingTensor(name)

  try:
    subgraphs = []
    info = ModuleInfo(module_name=proto.module_name,
                      scope_name=_prepend_scope(proto.scope_name, import_scope),
                      class_name=proto.class_name,
                      connected_subgraphs=subgraphs)
    for subgraph in proto.connected_subgraphs:
      subgraphs.append(
          connections.ConnectedSubGraph(
              module=info, name_scope=_prepend_scope(subgraph.name_scope,
                                                     import_scope),
              inputs=_nest_from_proto(subgraph.inputs, leaf),
              outputs=_nest_from_proto(subgraph.outputs, leaf)))
    return info
  except Exception as e:  # pylint: disable=broad-except
    logging.warning(
        "Error encountered when deserializing sonnet ModuleInfo:\n%s", e)
    return None


tf_shim.register_proto_function(SONNET_COLLECTION_NAME,
                                proto_type=module_proto.SonnetModule,
                                to_proto=_to_proto, from_proto=_from_proto)
