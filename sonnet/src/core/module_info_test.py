"""Tests for sonnet.src.core.module_info: module records in MetaGraphs."""

import collections
import os

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules import base_info
from sonnet.src.core import module_info
from sonnet.src.core import module_proto
from sonnet.src import test_utils
from sonnet.src.core.testdata import make_sonnet136_meta
import tensorflow as tf

tf1 = tf.compat.v1

_SONNET136_META = os.path.join(os.path.dirname(__file__), "testdata",
                               "sonnet136_modules.meta")

Point = collections.namedtuple("Point", ("x", "y"))


class _Identity(snt.AbstractModule):
  """Returns its inputs, through tf.identity where they are tensors."""

  def __init__(self, name="identity"):
    super().__init__(name=name)

  def _build(self, inputs):
    return tf.nest.map_structure(
        lambda x: tf.identity(x) if isinstance(x, tf.Tensor) else x, inputs)


def _records():
  return tf1.get_collection(module_info.SONNET_COLLECTION_NAME)


def _copy_default_graph(export_scope=None, import_scope=None):
  """Exports the default graph and imports it into a new default graph."""
  meta_graph = tf1.train.export_meta_graph(export_scope=export_scope)
  graph = tf.Graph()
  with graph.as_default():
    tf1.train.import_meta_graph(meta_graph, import_scope=import_scope)
  return graph


def _describe(value):
  """A nest of names and type names, comparable across graphs."""
  if isinstance(value, tf.Tensor):
    return value.name
  if isinstance(value, tf.SparseTensor):
    return ("SparseTensor", value.indices.name, value.values.name,
            value.dense_shape.name)
  if module_info.is_namedtuple(value):
    return (type(value).__name__,
            {f: _describe(getattr(value, f)) for f in value._fields})
  if isinstance(value, dict):
    return {k: _describe(v) for k, v in value.items()}
  if isinstance(value, (list, tuple)):
    return type(value)(_describe(v) for v in value)
  return type(value).__name__


def _describe_records(records):
  return [(r.module_name, r.scope_name, r.class_name, [
      (s.name_scope, _describe(s.inputs), _describe(s.outputs))
      for s in r.connected_subgraphs])
          for r in records]


class Sonnet136MetaGraphTest(test_utils.TestCase):
  """Reads a MetaGraph that Sonnet 1.36 wrote (see testdata/)."""

  @test_utils.in_graph_mode
  def test_module_records(self):
    tf1.train.import_meta_graph(_SONNET136_META)
    records = _records()
    self.assertEqual([
        (r.module_name, r.scope_name, r.class_name) for r in records], [
            ("mlp", "mlp", "sonnet.python.modules.nets.mlp.MLP"),
            ("linear_0", "mlp/linear_0", "sonnet.python.modules.basic.Linear"),
            ("linear_1", "mlp/linear_1", "sonnet.python.modules.basic.Linear"),
            ("mixer", "mixer", "__main__.Mixer")])
    for record in records:
      self.assertIsInstance(record, base_info.ModuleInfo)
      for subgraph in record.connected_subgraphs:
        self.assertIsInstance(subgraph, base_info.ConnectedSubGraph)
        self.assertIs(subgraph.module, record)
    mlp, linear_0, linear_1, _ = records
    (subgraph,) = mlp.connected_subgraphs
    graph = tf1.get_default_graph()
    self.assertEqual(subgraph.name_scope, "mlp_1")
    self.assertIs(subgraph.inputs["inputs"], graph.get_tensor_by_name("x:0"))
    self.assertIsInstance(subgraph.inputs["is_training"],
                          base_info._UnserializableObject)  # pylint: disable=protected-access
    self.assertEqual(subgraph.outputs.name, "mlp_1/linear_1/add:0")
    self.assertEqual(linear_0.connected_subgraphs[0].name_scope,
                     "mlp_1/linear_0")
    self.assertEqual(linear_1.connected_subgraphs[0].inputs["inputs"].name,
                     "mlp_1/Relu:0")

  @test_utils.in_graph_mode
  def test_nested_inputs_and_outputs(self):
    tf1.train.import_meta_graph(_SONNET136_META)
    mixer = _records()[3]
    self.assertEqual([s.name_scope for s in mixer.connected_subgraphs],
                     ["mixer", "outer/mixer"])
    inputs = mixer.connected_subgraphs[1].inputs
    outputs = mixer.connected_subgraphs[1].outputs
    self.assertEqual(
        _describe(inputs), {
            "pair": ("Pair", {"first": "y:0", "second": "x:0"}), "sparse":
                ("SparseTensor", "indices:0", "values:0", "dense_shape:0"),
            "extras": {
                "opaque": "UnserializableObject", "loop": {
                    "x": "x:0", "self": "UnserializableObject"}}})
    self.assertEqual(
        _describe(outputs), {
            "pair": ("Pair", {
                "first": "outer/mixer/doubled:0", "second": "x:0"}), "items": [
                    ("SparseTensor", "indices:0", "values:0", "dense_shape:0"),
                    ("outer/mixer/doubled:0", "UnserializableObject")],
            "loop": {"x": "x:0", "self": "UnserializableObject"}})
    self.assertTrue(base_info._is_namedtuple(inputs["pair"]))  # pylint: disable=protected-access
    self.assertEqual(inputs["pair"]._fields, ("first", "second"))
    self.assertIsInstance(outputs["items"][0], tf.SparseTensor)

    # The imported tensors compute: "doubled" is twice the pair's first.
    y = np.arange(6, dtype=np.float32).reshape([2, 3])
    doubled = tf1.get_default_session().run(outputs["pair"].first,
                                            feed_dict={inputs["pair"].first: y})
    self.assertAllClose(doubled, 2 * y)

  @test_utils.in_graph_mode
  def test_import_scope(self):
    tf1.train.import_meta_graph(_SONNET136_META, import_scope="imported")
    mlp, linear_0, _, mixer = _records()
    self.assertEqual(mlp.scope_name, "imported/mlp")
    self.assertEqual(linear_0.scope_name, "imported/mlp/linear_0")
    self.assertEqual(mixer.connected_subgraphs[1].name_scope,
                     "imported/outer/mixer")
    self.assertEqual(mlp.connected_subgraphs[0].inputs["inputs"].name,
                     "imported/x:0")
    self.assertEqual(mixer.connected_subgraphs[0].inputs["sparse"].values.name,
                     "imported/values:0")

  def test_our_records_match_sonnet_136s(self):
    with tf.Graph().as_default():
      tf1.train.import_meta_graph(_SONNET136_META)
      expected = _describe_records(_records())
    path = os.path.join(self.get_temp_dir(), "ours.meta")
    with tf.Graph().as_default():
      make_sonnet136_meta.main(path)
    with tf.Graph().as_default():
      tf1.train.import_meta_graph(path)
      actual = _describe_records(_records())
    # The script's own module class lives in another Python module here.
    self.assertEqual(actual[3][2], make_sonnet136_meta.__name__ + ".Mixer")
    actual[3] = actual[3][:2] + ("__main__.Mixer",) + actual[3][3:]
    self.assertEqual(actual, expected)


class CollectionTest(test_utils.TestCase):

  @test_utils.in_graph_mode
  def test_records_follow_the_module(self):
    identity = _Identity(name="ident")
    x = tf.ones([2], name="x")
    self.assertEqual(_records(), [])
    first = identity(x)
    (record,) = _records()
    self.assertEqual(
        record,
        base_info.ModuleInfo(module_name="ident", scope_name="ident",
                             class_name=__name__ + "._Identity",
                             connected_subgraphs=record.connected_subgraphs))
    self.assertLen(record.connected_subgraphs, 1)
    with tf.name_scope("again"):
      second = identity({"a": x})
    self.assertLen(_records(), 1)
    self.assertEqual([
        (s.module, s.name_scope, s.outputs) for s in record.connected_subgraphs
    ], [(identity, "ident", first), (identity, "again/ident", second)])

  @test_utils.in_graph_mode
  def test_library_classes_have_sonnet_1_names(self):
    x = tf.ones([1, 2])
    snt.Sequential([snt.Linear(2), snt.LayerNorm()])(x)
    self.assertEqual([r.class_name for r in _records()], [
        "sonnet.python.modules.sequential.Sequential",
        "sonnet.python.modules.basic.Linear",
        "sonnet.python.modules.layer_norm.LayerNorm"])

  @test_utils.in_graph_mode
  def test_round_trip(self):
    identity = _Identity(name="ident")
    x = tf1.placeholder(tf.float32, [2], name="x")
    sparse = tf.SparseTensor([[0]], [1.], [3])
    identity({"p": Point(x, [x, (x, 3)]), "s": sparse, "o": object()})
    graph = _copy_default_graph()
    with graph.as_default():
      (record,) = _records()
      self.assertEqual(
          (record.module_name, record.scope_name, record.class_name),
          ("ident", "ident", __name__ + "._Identity"))
      (subgraph,) = record.connected_subgraphs
      self.assertIs(subgraph.module, record)
      self.assertEqual(subgraph.name_scope, "ident")
      self.assertEqual(
          _describe(subgraph.inputs), {
              "inputs": {
                  "p": ("Point", {
                      "x": "x:0", "y": ["x:0",
                                        ("x:0", "UnserializableObject")]}),
                  "s": ("SparseTensor", "SparseTensor/indices:0",
                        "SparseTensor/values:0", "SparseTensor/dense_shape:0"),
                  "o": "UnserializableObject"}})
      self.assertEqual(
          _describe(subgraph.outputs)["p"][1]["x"], "ident/Identity:0")
      self.assertIs(subgraph.inputs["inputs"]["p"].x,
                    graph.get_tensor_by_name("x:0"))

  @test_utils.in_graph_mode
  def test_export_and_import_scopes(self):
    with tf1.variable_scope("net"):
      x = tf.ones([2], name="x")
      _Identity(name="ident")(x)
    graph = _copy_default_graph(export_scope="net", import_scope="copy")
    with graph.as_default():
      (record,) = _records()
      self.assertEqual(record.scope_name, "copy/ident")
      (subgraph,) = record.connected_subgraphs
      self.assertEqual(subgraph.name_scope, "copy/ident")
      self.assertEqual(subgraph.inputs["inputs"].name, "copy/x:0")
      self.assertEqual(subgraph.outputs.name, "copy/ident/Identity:0")

  @test_utils.in_graph_mode
  def test_imported_records_export_again(self):
    _Identity(name="ident")(tf.ones([2], name="x"))
    graph = _copy_default_graph()
    with graph.as_default():
      twice = _copy_default_graph()
    with twice.as_default():
      (record,) = _records()
      self.assertEqual(record.connected_subgraphs[0].outputs.name,
                       "ident/Identity:0")

  @test_utils.in_eager_mode
  def test_no_records_in_eager_mode(self):
    identity = _Identity()
    identity(tf.ones([2]))
    tf.function(identity)(tf.ones([2]))
    self.assertEqual(_records(), [])


class ReadingBadRecordsTest(test_utils.TestCase, parameterized.TestCase):

  def _import(self, proto):
    meta_graph = tf1.train.export_meta_graph(graph=tf.Graph())
    meta_graph.collection_def["sonnet"].bytes_list.value.append(
        proto.SerializeToString())
    tf1.train.import_meta_graph(meta_graph)
    return _records()

  def _record(self, **nested_data):
    proto = module_proto.SonnetModule(module_name="m", scope_name="m",
                                      class_name="a.M")
    proto.connected_subgraphs.add(name_scope="m",
                                  inputs=module_proto.NestedData(**nested_data),
                                  outputs=module_proto.NestedData(value=""))
    return proto

  @test_utils.in_graph_mode
  def test_missing_tensor(self):
    (record,) = self._import(self._record(value="nowhere:0"))
    missing = record.connected_subgraphs[0].inputs
    self.assertEqual(missing, base_info._MissingTensor("nowhere:0"))  # pylint: disable=protected-access

  @test_utils.in_graph_mode
  def test_unknown_special_type(self):
    special = module_proto.NestedData.SpecialType(
        name="Ragged", object=module_proto.NestedData(value="x:0"))
    (record,) = self._import(self._record(special_type=special))
    self.assertIsInstance(record.connected_subgraphs[0].inputs,
                          base_info._UnserializableObject)  # pylint: disable=protected-access

  @parameterized.parameters(
      ({}, "Cannot deserialize a `ModuleInfo` protobuf with no fields."), ({
          "special_type": module_proto.NestedData.SpecialType(
              name="SparseTensor", object=module_proto.NestedData(value="x"))
      }, "Error while deserializing a SparseTensor: expected proto tuple."))
  def test_unreadable_record_is_none(self, nested_data, message):
    with tf.Graph().as_default():
      with self.assertLogs(level="WARNING") as logs:
        self.assertEqual(self._import(self._record(**nested_data)), [None])
    self.assertIn(
        "Error encountered when deserializing sonnet ModuleInfo:\n" + message,
        logs.output[0])


class SchemaTest(test_utils.TestCase, parameterized.TestCase):
  """Field numbers are Sonnet 1's wire format."""

  def test_sonnet_module_bytes(self):
    proto = module_proto.SonnetModule(module_name="a", scope_name="b",
                                      class_name="c")
    proto.connected_subgraphs.add(name_scope="s",
                                  inputs=module_proto.NestedData(value="x:0"))
    self.assertEqual(
        proto.SerializeToString(),
        b"\x0a\x01a\x12\x01b\x1a\x0a\x0a\x01s\x12\x05\x0a\x03x:0"
        b"\x22\x01c")

  @parameterized.parameters(("value", b"\x0a\x00"), ("list", b"\x12\x00"),
                            ("tuple", b"\x1a\x00"), ("dict", b"\x22\x00"),
                            ("named_tuple", b"\x2a\x00"),
                            ("special_type", b"\x32\x00"))
  def test_nested_data_kinds(self, kind, expected):
    proto = module_proto.NestedData()
    if kind == "value":
      proto.value = ""
    else:
      getattr(proto, kind).SetInParent()
    self.assertEqual(proto.WhichOneof("one_of"), kind)
    self.assertEqual(proto.SerializeToString(), expected)

  def test_maps_and_names(self):
    proto = module_proto.NestedData()
    proto.named_tuple.name = "P"
    proto.named_tuple.map["k"].value = "v"
    self.assertEqual(proto.SerializeToString(),
                     b"\x2a\x0d\x0a\x01P\x12\x08\x0a\x01k\x12\x03\x0a\x01v")
    special = module_proto.NestedData()
    special.special_type.name = "S"
    special.special_type.object.tuple.list.add().dict.map["d"].value = ""
    parsed = module_proto.NestedData.FromString(special.SerializeToString())
    self.assertEqual(parsed, special)


class PredicatesTest(test_utils.TestCase):

  def test_is_namedtuple(self):
    self.assertTrue(base_info._is_namedtuple(Point(1, 2)))  # pylint: disable=protected-access
    for value in ((1, 2), [1, 2], {"x": 1}, "xy", None):
      self.assertFalse(base_info._is_namedtuple(value), value)  # pylint: disable=protected-access

  def test_is_iterable(self):
    for value in ((1,), [1], {1: 1}, collections.OrderedDict(), Point(1, 2)):
      self.assertTrue(base_info._is_iterable(value), value)  # pylint: disable=protected-access
    for value in ({1}, "abc", None, 3, iter([1]), np.zeros([2])):
      self.assertFalse(base_info._is_iterable(value), value)  # pylint: disable=protected-access


if __name__ == "__main__":
  test_utils.main()
