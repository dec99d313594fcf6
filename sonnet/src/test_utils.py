"""Helpers for Sonnet's tests: run each test in every world users run.

A test process lives in one of two worlds, chosen before TensorFlow is used:
- TF2 behaviour (the default): tests run in eager mode and in graph mode
  (inside `with tf.Graph().as_default()`, with a Session).
- TF1 behaviour (environment variable SONNET_TEST_TF1_BEHAVIOR=1, set by the
  `*_tf1` Bazel targets): `tf.compat.v1.disable_v2_behavior()` is called at
  import, and tests run in graph mode only, with ref variables and v1
  control flow, as old Sonnet 1 programs do.

Decorate a test method with `@test_utils.in_all_modes` to run it once per mode
of the current world; inside it, `self.mode` says which ("graph" or "eager")
and `self.evaluate` works in both (run `self.init()` first in graph mode to
initialize variables).
"""

import functools
import os

import tensorflow as tf

TF1_BEHAVIOR = os.environ.get("SONNET_TEST_TF1_BEHAVIOR") == "1"
if TF1_BEHAVIOR:
  tf.compat.v1.disable_v2_behavior()

GRAPH = "graph"
EAGER = "eager"


def modes():
  """The modes available in this process's world."""
  return (GRAPH,) if TF1_BEHAVIOR else (GRAPH, EAGER)


def in_all_modes(test_method):
  """Runs a test method once in each mode of the current world.

  Each run starts from a fresh default graph, so module names start again at
  "linear" rather than "linear_7".

  Args:
    test_method: a method of a `snt_test.TestCase`.

  Returns:
    The wrapped method.
  """

  @functools.wraps(test_method)
  def run_in_modes(self, *args, **kwargs):
    for mode in modes():
      with self.subTest(mode=mode):
        self.mode = mode
        if mode == EAGER:
          tf.compat.v1.reset_default_graph()
          test_method(self, *args, **kwargs)
        else:
          with tf.Graph().as_default() as graph:
            with self.session(graph=graph):
              test_method(self, *args, **kwargs)
    self.mode = None

  return run_in_modes


def in_eager_mode(test_method):
  """Runs a test in eager mode only (skipped in the TF1 world).

  Args:
    test_method: a method of a `TestCase`.

  Returns:
    The wrapped method.
  """

  @functools.wraps(test_method)
  def run_eagerly(self, *args, **kwargs):
    if TF1_BEHAVIOR:
      self.skipTest("Eager mode does not exist with TF1 behaviour.")
    self.mode = EAGER
    tf.compat.v1.reset_default_graph()
    test_method(self, *args, **kwargs)

  return run_eagerly


def in_graph_mode(test_method):
  """Runs a test in graph mode only (a fresh graph with a Session).

  Args:
    test_method: a method of a `TestCase`.

  Returns:
    The wrapped method.
  """

  @functools.wraps(test_method)
  def run_in_graph(self, *args, **kwargs):
    self.mode = GRAPH
    with tf.Graph().as_default() as graph:
      with self.session(graph=graph):
        test_method(self, *args, **kwargs)

  return run_in_graph


class TestCase(tf.test.TestCase):
  """`tf.test.TestCase` with helpers for mode-independent module tests."""

  mode = None

  @property
  def eager(self):
    """Whether the current test run is in eager mode."""
    return self.mode == EAGER

  def init(self):
    """Initializes all variables in graph mode; does nothing in eager mode."""
    if not tf.executing_eagerly():
      self.evaluate(tf.compat.v1.global_variables_initializer())
      self.evaluate(tf.compat.v1.local_variables_initializer())

  def assertVariableNames(self, variables, expected_names):
    """Checks variable names (":0" suffixes dropped), ignoring order."""
    names = sorted(v.name.split(":")[0] for v in variables)
    self.assertEqual(names, sorted(expected_names))

  def assertVariableShapes(self, variables, expected):
    """Checks a {name: shape} dict against variables (":0" dropped)."""
    shapes = {v.name.split(":")[0]: v.shape.as_list() for v in variables}
    self.assertEqual(shapes, {k: list(s) for k, s in expected.items()})


def main():
  """Runs the tests of the calling module."""
  tf.test.main()
