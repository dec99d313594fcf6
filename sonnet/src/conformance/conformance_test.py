"""Every public module against what Sonnet 1.36 made (`goldens.json`).

For each golden configuration: the variables (names, shapes, dtypes,
trainable flags), the module's own-scope variables, the graph's global and
local variables, the UPDATE_OPS and the outputs' structure, shapes and dtypes
must be those the original recorded; and every public module class must have
a golden.
"""

import inspect

from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.conformance import goldens
import tensorflow as tf

CASES = tuple((g.name, g) for g in goldens.GOLDENS)

# Public classes that are not modules one builds: abstract bases (they have
# no `_build`) that only exist to be subclassed.
NOT_BUILT = {
    "AbstractModule": "the base class of every module",
    "RNNCore": "the base class of recurrent cores",
    "GridWarper": "abstract base of AffineGridWarper (no _build of its own)",}

_KEYS = tf.compat.v1.GraphKeys


def public_module_classes():
  """{"snt.X" or "snt.nets.X": class} for every public module class."""
  classes = {}
  for prefix, namespace in (("snt", snt), ("snt.nets", snt.nets)):
    for name in dir(namespace):
      value = getattr(namespace, name)
      if inspect.isclass(value) and issubclass(value, snt.AbstractModule):
        classes["%s.%s" % (prefix, name)] = value
  return classes


def _names(variables):
  return sorted(test_utils.variable_name(v) for v in variables)


def _describe(variables):
  return [[
      test_utils.variable_name(v),
      v.shape.as_list(), v.dtype.base_dtype.name,
      bool(v.trainable)] for v in variables]


class CoverageTest(test_utils.TestCase):

  def test_every_public_module_class_has_a_golden(self):
    with tf.Graph().as_default():
      covered = {type(g.make_module()) for g in goldens.GOLDENS}
    missing = sorted(
        name for name, cls in public_module_classes().items()
        if cls not in covered and name.split(".")[-1] not in NOT_BUILT)
    self.assertEqual(missing, [], "public module classes without a golden")

  def test_exclusions_are_public_classes(self):
    public = {name.split(".")[-1] for name in public_module_classes()}
    self.assertEmpty(set(NOT_BUILT) - public)

  def test_every_golden_has_a_record_from_sonnet_1_36(self):
    names = [g.name for g in goldens.GOLDENS]
    self.assertLen(set(names), len(names))
    for name in names:
      record = goldens.expected(name)
      self.assertIsNotNone(record, name)
      self.assertNotIn("error", record, name)


class GoldenTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(*CASES)
  @test_utils.in_all_modes
  def test_variables(self, golden):
    record = goldens.expected(golden.name)
    module = golden.make_module()
    goldens.connect(golden, module, 2)
    self.assertEqual(_describe(module.variables), record["variables"])
    self.assertEqual(_names(module.get_variables(_KEYS.GLOBAL_VARIABLES)),
                     record["own_variables"])
    if not self.eager:
      graph = tf.compat.v1.get_default_graph()
      self.assertEqual(_names(graph.get_collection(_KEYS.GLOBAL_VARIABLES)),
                       record["graph_variables"])
      self.assertEqual(_names(graph.get_collection(_KEYS.LOCAL_VARIABLES)),
                       record["local_variables"])
      self.assertLen(graph.get_collection(_KEYS.UPDATE_OPS),
                     record["update_ops"])

  @parameterized.named_parameters(*CASES)
  @test_utils.in_all_modes
  def test_outputs(self, golden):
    record = goldens.expected(golden.name)["outputs"]
    module = golden.make_module()
    outputs = goldens.connect(golden, module, 2)
    self.assertEqual(goldens.describe_structure(outputs), record["structure"])
    leaves = goldens.describe_leaves(outputs)
    self.assertLen(leaves, len(record["leaves"]))
    for (shape, dtype), (want_shape, want_dtype) in zip(leaves,
                                                        record["leaves"]):
      self.assertEqual(dtype, want_dtype)
      # Where Sonnet 1.36's graph left a size unknown, any size will do.
      self.assertTrue(
          tf.TensorShape(want_shape).is_compatible_with(shape),
          "%s vs Sonnet 1.36's %s" % (shape, want_shape))
      if not self.eager:
        self.assertEqual(len(shape), len(want_shape))
        self.assertEqual(
            [w is None or s == w for s, w in zip(shape, want_shape)],
            [True] * len(shape), (shape, want_shape))

  @parameterized.named_parameters(*CASES)
  @test_utils.in_all_modes
  def test_second_connection_shares_variables(self, golden):
    record = goldens.expected(golden.name)["second_connection"]
    module = golden.make_module()
    goldens.connect(golden, module, 2)
    variables = module.variables
    goldens.connect(golden, module, 3)
    self.assertEqual(_names(module.variables), record["variables"])
    self.assertTrue(all(a is b for a, b in zip(module.variables, variables)))
    if not self.eager:
      self.assertEqual(_names(tf.compat.v1.global_variables()),
                       record["graph_variables"])


if __name__ == "__main__":
  test_utils.main()
