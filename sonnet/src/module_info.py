"""Module records in graph collections, exported with the MetaGraph.

In graph mode every connected module is added to the collection
`SONNET_COLLECTION_NAME`. When the graph is exported
(`tf.compat.v1.train.export_meta_graph`, `Saver.save`), each module is written
as its name, scope, class and connections (inputs and outputs by tensor
name); `import_meta_graph` turns each back into a `ModuleInfo` whose
connections refer to the tensors of the imported graph.
"""

import collections
import json

import tensorflow as tf

from sonnet.src import connections
from sonnet.src import errors
from sonnet.src import tf_shim

SONNET_COLLECTION_NAME = "sonnet"

ModuleInfo = collections.namedtuple(
    "ModuleInfo",
    ["module_name", "scope_name", "class_name", "connected_subgraphs"])
ModuleInfo.__doc__ = """What an imported MetaGraph says about one module.

Attributes:
  module_name: the module's unique name, e.g. "linear_1".
  scope_name: its variable scope, e.g. "mlp/linear_1".
  class_name: its class, e.g. "sonnet.src.linear.Linear".
  connected_subgraphs: a list of `ConnectedSubGraph`s whose `module` is
    this `ModuleInfo` and whose inputs and outputs are imported tensors.
"""


def record(module):
  """Adds a connected graph-mode module to its graph's Sonnet collection."""
  graph = module.graph
  if module not in graph.get_collection(SONNET_COLLECTION_NAME):
    graph.add_to_collection(SONNET_COLLECTION_NAME, module)


def _strip_scope(name, scope):
  if scope and name.startswith(scope + "/"):
    return name[len(scope) + 1:]
  return name


def _prepend_scope(name, scope):
  return scope + "/" + name if scope else name


def _encode(value, export_scope):
  """A JSON-ready tree for a nest of tensors and plain values."""
  if isinstance(value, (tf.Tensor, tf.Variable, tf.Operation)):
    return {"graph_element": _strip_scope(value.name, export_scope)}
  if isinstance(value, tuple) and hasattr(value, "_fields"):
    return {"namedtuple": type(value).__name__,
            "fields": [[f, _encode(getattr(value, f), export_scope)]
                       for f in value._fields]}
  if isinstance(value, (tuple, list)):
    kind = "tuple" if isinstance(value, tuple) else "list"
    return {kind: [_encode(v, export_scope) for v in value]}
  if isinstance(value, dict):
    return {"dict": [[str(k), _encode(v, export_scope)]
                     for k, v in value.items()]}
  if value is None or isinstance(value, (bool, int, float, str)):
    return {"value": value}
  return {"repr": repr(value)}


def _decode(tree, graph, import_scope):
  """Inverse of `_encode`, resolving element names in `graph`."""
  if "graph_element" in tree:
    return graph.as_graph_element(
        _prepend_scope(tree["graph_element"], import_scope))
  if "namedtuple" in tree:
    fields = [f for f, _ in tree["fields"]]
    cls = collections.namedtuple(tree["namedtuple"], fields)
    return cls(*[_decode(v, graph, import_scope) for _, v in tree["fields"]])
  if "tuple" in tree:
    return tuple(_decode(v, graph, import_scope) for v in tree["tuple"])
  if "list" in tree:
    return [_decode(v, graph, import_scope) for v in tree["list"]]
  if "dict" in tree:
    return collections.OrderedDict(
        (k, _decode(v, graph, import_scope)) for k, v in tree["dict"])
  if "value" in tree:
    return tree["value"]
  return tree["repr"]


def _to_proto(module, export_scope=None):
  """Serializes a module (or an imported `ModuleInfo`) into an AttrValue."""
  if isinstance(module, ModuleInfo):
    info = module
  else:
    info = ModuleInfo(
        module_name=module.module_name, scope_name=module.scope_name,
        class_name=type(module).__module__ + "." + type(module).__name__,
        connected_subgraphs=module.connected_subgraphs)
  try:
    payload = {
        "module_name": info.module_name,
        "scope_name": _strip_scope(info.scope_name, export_scope),
        "class_name": info.class_name,
        "connected_subgraphs": [
            {"name_scope": _strip_scope(s.name_scope, export_scope),
             "inputs": _encode(s.inputs, export_scope),
             "outputs": _encode(s.outputs, export_scope)}
            for s in info.connected_subgraphs],
    }
    return tf.compat.v1.AttrValue(s=json.dumps(payload).encode("utf-8"))
  except (TypeError, ValueError) as e:
    raise errors.ModuleInfoError(
        "Could not serialize module %r: %s" % (info.scope_name, e))


def _from_proto(proto, import_scope=None):
  """Rebuilds a `ModuleInfo` from `_to_proto`'s output in the default graph."""
  try:
    payload = json.loads(proto.s.decode("utf-8"))
    graph = tf.compat.v1.get_default_graph()
    subgraphs = []
    info = ModuleInfo(
        module_name=payload["module_name"],
        scope_name=_prepend_scope(payload["scope_name"], import_scope),
        class_name=payload["class_name"],
        connected_subgraphs=subgraphs)
    for s in payload["connected_subgraphs"]:
      subgraphs.append(connections.ConnectedSubGraph(
          module=info,
          name_scope=_prepend_scope(s["name_scope"], import_scope),
          inputs=_decode(s["inputs"], graph, import_scope),
          outputs=_decode(s["outputs"], graph, import_scope)))
    return info
  except (KeyError, ValueError, TypeError) as e:
    raise errors.ModuleInfoError(
        "Could not read a Sonnet module record from the MetaGraph: %s" % e)


tf_shim.register_proto_function(
    SONNET_COLLECTION_NAME, proto_type=tf.compat.v1.AttrValue,
    to_proto=_to_proto, from_proto=_from_proto)
