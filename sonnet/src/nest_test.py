"""Tests for snt.nest."""

import collections

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.ops import nest as deep_nest
from sonnet.src import test_utils
import tensorflow as tf

Point = collections.namedtuple("Point", ["x", "y"])


class NestTest(test_utils.TestCase, parameterized.TestCase):

  def test_flatten_and_pack(self):
    structure = {"b": [3, Point(4, 5)], "a": (1, 2)}
    flat = snt.nest.flatten(structure)
    self.assertEqual(flat, [1, 2, 3, 4, 5])
    packed = snt.nest.pack_sequence_as(structure, [x * 10 for x in flat])
    self.assertEqual(packed, {"a": (10, 20), "b": [30, Point(40, 50)]})
    self.assertIsInstance(packed["b"][1], Point)
    self.assertEqual(snt.nest.flatten("leaf"), ["leaf"])
    self.assertEqual(snt.nest.pack_sequence_as("leaf", [3]), 3)

  @parameterized.parameters("pack_sequence_as", "pack_iterable_as")
  def test_pack_errors_read_as_in_sonnet_1(self, name):
    pack = getattr(snt.nest, name)
    with self.assertRaisesRegex(
        ValueError, r"^Could not pack sequence. Structure had 2 elements, but "
        r"flat_sequence had 3 elements.  Structure: \['a', 'b'\], "
        r"flat_sequence: \[1, 2, 3\].$"):
      pack(["a", "b"], [1, 2, 3])
    with self.assertRaisesRegex(
        TypeError, "^Attempted to pack value:\n  bye\ninto a sequence, but "
        "found incompatible type `<class 'str'>` instead.$"):
      pack("hi", "bye")
    with self.assertRaisesRegex(TypeError, r"  x{97}\.\.\.\n"):
      pack("hi", "x" * 200)
    with self.assertRaisesRegex(
        ValueError, "nest cannot guarantee that it is safe to map one to the "
        "other."):
      pack("hi", ["bye", "twice"])

  def test_assert_same_structure(self):
    snt.nest.assert_same_structure((1, [2]), ("a", ["b"]))
    with self.assertRaises(ValueError):
      snt.nest.assert_same_structure((1, [2]), (1, [2, 3]))
    with self.assertRaises(TypeError):
      snt.nest.assert_same_structure((1, 2), [1, 2])
    snt.nest.assert_same_structure((1, 2), [1, 2], check_types=False)

  def test_map(self):
    out = snt.nest.map(lambda a, b: a * b, {"u": (1, 2)}, {"u": (3, 4)})
    self.assertEqual(out, {"u": (3, 8)})
    self.assertIs(snt.nest.map_structure, snt.nest.map)
    with self.assertRaisesRegex(ValueError,
                                "^Must provide at least one structure$"):
      snt.nest.map(len)
    with self.assertRaises(ValueError):
      snt.nest.map(lambda a, b: a, (1, 2), (1,))

  @test_utils.in_all_modes
  def test_map_tensors(self):
    out = snt.nest.map(tf.square, Point(tf.constant(2.), [tf.constant(3.)]))
    self.assertIsInstance(out, Point)
    self.assertAllClose(self.evaluate(snt.nest.flatten(out)), [4., 9.])

  def test_shallow_structure(self):
    shallow = (0, {"k": 0})
    deep = ([1, 2], {"k": Point(3, 4)})
    snt.nest.assert_shallow_structure(shallow, deep)
    self.assertEqual(snt.nest.flatten_up_to(shallow, deep),
                     [[1, 2], Point(3, 4)])
    self.assertEqual(snt.nest.map_up_to(shallow, len, deep), (2, {"k": 2}))
    self.assertEqual(
        snt.nest.map_up_to((0, 0), lambda a, b: a + b, ([1], [2]), ([3], [4])),
        ([1, 3], [2, 4]))
    with self.assertRaises(TypeError):  # Shallow node where deep has a leaf.
      snt.nest.assert_shallow_structure(([0, 0], 0), (1, 2))
    with self.assertRaises(ValueError):
      snt.nest.flatten_up_to((0, 0, 0), (1, 2))
    with self.assertRaisesRegex(ValueError, "^Cannot map over no sequences$"):
      snt.nest.map_up_to((0,), len)
    with self.assertRaises(TypeError):
      snt.nest.assert_shallow_structure((0, 0), [1, 2])
    snt.nest.assert_shallow_structure((0, 0), [1, 2], check_types=False)

  def test_is_sequence(self):
    self.assertTrue(snt.nest.is_sequence([]))
    self.assertTrue(snt.nest.is_sequence({"a": 1}))
    self.assertTrue(snt.nest.is_sequence(Point(1, 2)))
    self.assertFalse(snt.nest.is_sequence("ab"))
    self.assertFalse(snt.nest.is_sequence(np.ones([2])))
    self.assertFalse(snt.nest.is_sequence(tf.constant([1, 2])))
    self.assertFalse(snt.nest.is_sequence({1, 2}))

  def test_flatten_dict_items(self):
    self.assertEqual(
        snt.nest.flatten_dict_items({("a", ("b",)): (1, (2,)), "c": 3}),
        {"a": 1, "b": 2, "c": 3})
    with self.assertRaises(TypeError):
      snt.nest.flatten_dict_items([1, 2])
    with self.assertRaises(ValueError):
      snt.nest.flatten_dict_items({("a", "b"): (1, 2, 3)})
    with self.assertRaises(ValueError):
      snt.nest.flatten_dict_items({("a", "b"): (1, 2), "a": 3})

  def test_iterable_names_are_sonnet_1s_aliases(self):
    # Sonnet 1.36 defined them as tf nest's is_sequence, flatten and
    # pack_sequence_as: sets and iterators are leaves.
    for value in ([1], (), {"a": 1}, Point(1, 2)):
      self.assertTrue(snt.nest.is_iterable(value), value)
    for value in ("ab", b"ab", 3, None, {1}, frozenset([1]), iter([1]),
                  np.ones([2]), tf.constant([1, 2])):
      self.assertFalse(snt.nest.is_iterable(value), value)
    structure = [frozenset([7]), {"b": {8}, "a": Point(1, (2,))}, "str"]
    flat = snt.nest.flatten_iterable(structure)
    self.assertEqual(flat, [frozenset([7]), 1, 2, {8}, "str"])
    packed = snt.nest.pack_iterable_as(structure, [str(x) for x in flat])
    self.assertEqual(
        packed,
        ["frozenset({7})", {"a": Point("1", ("2",)), "b": "{8}"}, "str"])
    self.assertEqual(snt.nest.flatten_iterable(5), [5])
    self.assertEqual(snt.nest.pack_iterable_as(5, [6]), 6)

  def test_with_deprecation_warning_warns_once_per_message(self):
    calls = []
    first = snt.nest.with_deprecation_warning(
        lambda *a, **k: calls.append((a, k)) or len(calls), "Unique A.")
    second = snt.nest.with_deprecation_warning(len, "Unique A.")
    with self.assertLogs(level="WARNING") as logs:
      self.assertEqual(first(1, b=2), 1)
    self.assertEqual(calls, [((1,), {"b": 2})])
    self.assertRegex(
        logs.output[0], "Sonnet nest is deprecated. Please use "
        "tf.contrib.framework.nest instead. Unique A.")
    with self.assertNoLogs(level="WARNING"):
      first()
      self.assertEqual(second("ab"), 2)

  @parameterized.parameters("assert_same_structure", "flatten",
                            "pack_sequence_as", "map", "map_up_to",
                            "flatten_up_to", "assert_shallow_structure",
                            "is_sequence", "flatten_dict_items",
                            "flatten_iterable", "pack_iterable_as",
                            "is_iterable", "with_deprecation_warning")
  def test_sonnet1_path(self, name):
    self.assertIs(getattr(deep_nest, name), getattr(snt.nest, name))


if __name__ == "__main__":
  test_utils.main()
