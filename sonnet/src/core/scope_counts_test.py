"""Tests for `scope_counts` and the module names it finds."""

import contextlib
import copy
import random
from unittest import mock

from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.core import scope_counts
from sonnet.src.core import tf_shim
import tensorflow as tf

tf1 = tf.compat.v1


def _tensorflow_search(name, counts):
  """TensorFlow's own answer: try N = 1, 2, ... ."""
  n = 1
  while counts.get("%s_%d" % (name, n)):
    n += 1
  return n


class ScopeCountsTest(test_utils.TestCase, parameterized.TestCase):

  def test_first_free_suffix(self):
    counts = scope_counts.ScopeCounts({"a": 1, "a_1": 2, "a_2": 1, "a_4": 1})
    self.assertEqual(counts.free_suffix("a"), 3)
    counts["a_3"] = 1
    self.assertEqual(counts.free_suffix("a"), 5)
    self.assertEqual(counts.free_suffix("b"), 1)

  def test_counts_falling_to_zero_free_their_suffix(self):
    counts = scope_counts.ScopeCounts({"a": 1, "a_1": 1, "a_2": 1, "a_3": 1})
    self.assertEqual(counts.free_suffix("a"), 4)
    counts["a_2"] = 0
    counts["a_1"] = 0
    self.assertEqual(counts.free_suffix("a"), 1)
    counts["a_1"] = 1
    self.assertEqual(counts.free_suffix("a"), 2)
    counts["a_2"] = 3
    self.assertEqual(counts.free_suffix("a"), 4)

  def test_only_suffixes_written_as_numbers_count(self):
    counts = scope_counts.ScopeCounts({"a": 1, "a_1": 1, "a_01": 1})
    self.assertEqual(counts.free_suffix("a"), 2)
    counts["a_1"] = 0
    counts["a_01"] = 0
    self.assertEqual(counts.free_suffix("a"), 1)
    self.assertEqual(counts.free_suffix("a_0"), 1)

  def test_copies_keep_their_own_index(self):
    counts = scope_counts.ScopeCounts({"a": 1, "a_1": 1})
    self.assertEqual(counts.free_suffix("a"), 2)
    saved = copy.copy(counts)
    self.assertIsInstance(saved, scope_counts.ScopeCounts)
    counts["a_2"] = 1
    counts["a_3"] = 1
    self.assertEqual(counts.free_suffix("a"), 4)
    self.assertEqual(saved.free_suffix("a"), 2)
    saved["a_1"] = 0
    self.assertEqual(saved.free_suffix("a"), 1)
    self.assertEqual(counts.free_suffix("a"), 4)

  def test_knows_which_names_have_subscopes(self):
    counts = scope_counts.ScopeCounts({"a/b/c": 1, "d": 0})
    self.assertTrue(counts.has_subscopes("a"))
    self.assertTrue(counts.has_subscopes("a/b"))
    self.assertFalse(counts.has_subscopes("a/b/c"))
    self.assertFalse(counts.has_subscopes("d"))
    saved = copy.copy(counts)
    counts["d/e"] = 1
    self.assertTrue(counts.has_subscopes("d"))
    self.assertFalse(saved.has_subscopes("d"))
    self.assertTrue(copy.deepcopy(counts).has_subscopes("d"))

  @parameterized.parameters(copy.copy, copy.deepcopy)
  def test_copies_equal_their_original(self, copy_fn):
    counts = scope_counts.ScopeCounts({"a": 1, "a_1": 1, "a_2": 1})
    counts.free_suffix("a")
    counts["a_1"] = 0
    copied = copy_fn(counts)
    self.assertIsInstance(copied, scope_counts.ScopeCounts)
    self.assertEqual(copied, counts)
    self.assertEqual(copied.free_suffix("a"), 1)
    copied["a_1"] = 1
    self.assertEqual(copied.free_suffix("a"), 3)
    self.assertEqual(counts.free_suffix("a"), 1)

  @parameterized.parameters(range(5))
  def test_random_changes_answer_as_tensorflow(self, seed):
    rng = random.Random(seed)
    counts = scope_counts.ScopeCounts()
    for _ in range(400):
      key = "a_%d" % rng.randrange(1, 12) if rng.random() < .9 else "a"
      counts[key] = rng.choice([0, 0, 1, 2])
      if rng.random() < .1:
        counts = copy.copy(counts)
      self.assertEqual(counts.free_suffix("a"), _tensorflow_search("a", counts))


class _Parent(snt.AbstractModule):
  """Makes a `Linear` under its scope on its first connection."""

  def __init__(self, child_name, name="parent"):
    super().__init__(name=name)
    self._child_name = child_name
    self.child = None

  def _build(self, x):
    if self.child is None:
      self.child = snt.Linear(2, name=self._child_name)
    return self.child(x)


class ModuleNamesTest(test_utils.TestCase, parameterized.TestCase):
  """Random programs name their modules as TensorFlow's own search would."""

  def _names(self, seed, steps=300):
    """Runs the program of `seed`; the scope names of the modules it made."""
    rng = random.Random(seed)
    name = lambda: rng.choice(["a", "a_1", "a_2", "b"])
    x = tf.ones([1, 2])
    modules, scopes, failed = [], [], []
    with contextlib.ExitStack() as stack:
      for _ in range(steps):
        choice = rng.random()
        if choice < .35:
          modules.append(snt.Linear(2, name=name()))
        elif choice < .45:
          modules.append(_Parent(name(), name=rng.choice(["p", "a"])))
        elif choice < .65 and modules:
          module = rng.choice(modules)
          try:
            module(x)  # Enters its scope by object.
          except ValueError:  # Its variables' names were taken: TF1's rules.
            failed.append(module.scope_name)
        elif choice < .75:
          scopes.append(
              stack.enter_context(tf1.variable_scope(rng.choice(["a", "s"]))))
        elif choice < .8:
          scopes.append(
              stack.enter_context(tf1.variable_scope(None, default_name="a")))
        elif choice < .85 and scopes:
          stack.enter_context(tf1.variable_scope(rng.choice(scopes)))
        else:
          stack.close()  # Closing scopes zeroes the counts under them.
    children = [getattr(m, "child", None) for m in modules]
    return [m.scope_name for m in modules + children if m], failed

  def _fresh_names(self, seed):
    if self.mode == test_utils.EAGER:
      tf1.reset_default_graph()
      return self._names(seed)
    with tf.Graph().as_default():
      return self._names(seed)

  @test_utils.in_all_modes
  def test_names_freed_by_closing_a_scope_are_taken_again(self):
    for _ in range(2):
      with tf1.variable_scope("s"):
        names = [snt.Linear(2, name="a").scope_name for _ in range(3)]
      self.assertEqual(names, ["s/a", "s/a_1", "s/a_2"])

  @test_utils.in_all_modes
  def test_names_taken_inside_a_reentered_scope_are_forgotten(self):
    new_name = lambda: snt.Linear(2, name="a").scope_name
    with tf1.variable_scope("s") as scope:
      names = [new_name()]
      with tf1.variable_scope(scope):  # Its counts are restored on exit.
        names += [new_name(), new_name()]
      names += [new_name(), new_name()]
    self.assertEqual(names, ["s/a", "s/a_1", "s/a_2", "s/a_1", "s/a_2"])

  @parameterized.parameters(range(3))
  @test_utils.in_all_modes
  def test_same_names_as_tensorflow(self, seed):
    names, failed = self._fresh_names(seed)
    with mock.patch.object(tf_shim, "unique_scope_name", lambda name: name):
      expected = self._fresh_names(seed)
    self.assertEqual((names, failed), expected)
    self.assertGreater(len(set(names)), 20)
    self.assertTrue(any(name.endswith("_3") for name in names))


if __name__ == "__main__":
  test_utils.main()
