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
initialize variables). `gradients` and `TestCase.variable_values` work in
both modes too; the NumPy references the tests compare against are in
`numpy_reference`.
"""

import doctest
import functools
import os

from sonnet.src import unroll
import tensorflow as tf

TF1_BEHAVIOR = os.environ.get("SONNET_TEST_TF1_BEHAVIOR") == "1"
if TF1_BEHAVIOR:
  tf.compat.v1.disable_v2_behavior()

GRAPH = "graph"
EAGER = "eager"


def modes():
  """The modes available in this process's world."""
  return (GRAPH,) if TF1_BEHAVIOR else (GRAPH, EAGER)


def _in_modes(test_method, wanted):
  """Runs a test method once in each of the `wanted` modes of the world.

  Each run starts from a fresh default graph: eager runs reset it (so that
  module names start again at "linear" rather than "linear_7"), graph runs
  build in a new graph with a Session. Inside a run, `self.mode` says which.

  Args:
    test_method: a method of a `TestCase`.
    wanted: the modes (GRAPH, EAGER) to run it in; it is skipped when the
      current world has none of them.

  Returns:
    The wrapped method.
  """

  @functools.wraps(test_method)
  def run_in_modes(self, *args, **kwargs):
    run_modes = [mode for mode in modes() if mode in wanted]
    if not run_modes:
      self.skipTest("Eager mode does not exist with TF1 behaviour.")
    for mode in run_modes:
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


def in_all_modes(test_method):
  """Runs a test method once in each mode of the current world."""
  return _in_modes(test_method, (GRAPH, EAGER))


def in_eager_mode(test_method):
  """Runs a test method in eager mode only (skipped in the TF1 world)."""
  return _in_modes(test_method, (EAGER,))


def in_graph_mode(test_method):
  """Runs a test method in graph mode only."""
  return _in_modes(test_method, (GRAPH,))


def gradients(fn, xs):
  """The gradients of what `fn()` builds with respect to `xs`, in any mode.

  As `tf.gradients`, the gradient of a non-scalar value is that of its sum.
  In eager mode `fn` runs under a `tf.GradientTape` that watches the tensors
  in `xs`; variables are left to the tape, which watches the trainable ones
  only, so a non-trainable variable's gradient is None there.

  Args:
    fn: a function of no arguments that builds the value to differentiate.
    xs: a tensor or variable, or a list of them.

  Returns:
    The gradient with respect to `xs` (a list for a list), None where the
    value does not depend on it.
  """
  sources = xs if isinstance(xs, (list, tuple)) else [xs]
  if tf.executing_eagerly():
    with tf.GradientTape() as tape:
      for x in sources:
        if not isinstance(x, tf.Variable):
          tape.watch(x)
      value = fn()
    grads = tape.gradient(value, sources)
  else:
    grads = tf.compat.v1.gradients(fn(), sources)
  return grads if isinstance(xs, (list, tuple)) else grads[0]


def random_initializers(keys):
  """A seeded random normal initializer for each key (seeds: sorted order).

  Args:
    keys: the initializer keys of a module.

  Returns:
    A dict for the module's `initializers` argument.
  """
  return {
      key: tf.compat.v1.random_normal_initializer(seed=i)
      for i, key in enumerate(sorted(keys))}


def variables_by_name(variables, scope=None):
  """A dict from each variable's `variable_name(v, scope)` to the variable."""
  return {variable_name(v, scope): v for v in variables}


def variable_name(variable, scope=None):
  """A variable's name without ":0" and, when given, without `scope/`.

  Args:
    variable: a variable.
    scope: None, or the name scope the variable must be in.

  Returns:
    "linear/w" for "linear/w:0"; with scope "linear", "w".

  Raises:
    ValueError: if the variable is not inside `scope`.
  """
  name = variable.name.split(":")[0]
  if scope is None:
    return name
  if not name.startswith(scope + "/"):
    raise ValueError("%s is not in scope %s." % (name, scope))
  return name[len(scope) + 1:]


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

  def variable_values(self, module, scope=None):
    """The values of a connected module's variables, by relative name.

    Args:
      module: the module; its `get_all_variables()` are read.
      scope: the name scope the names are relative to (default: the module's
        own).

    Returns:
      A dict such as {"w_gates": array, "layer_norm/gamma": array}.
    """
    scope = module.scope_name if scope is None else scope
    return self.evaluate(variables_by_name(module.get_all_variables(), scope))

  def assertUnrollMatches(self, core, inputs, initial_state, step, atol=1e-5,
                          scope=None):
    """Unrolls a core over a sequence and checks it against a NumPy step.

    Each output and the final state are compared with those of `step` run
    over the same inputs from the same (evaluated) initial state.

    Args:
      core: the RNN core.
      inputs: NumPy inputs, time-major (`[T, B, ...]`).
      initial_state: the core's initial state (tensors).
      step: `step(x, state, values) -> (output, state)` in NumPy, where
        `state` has the structure of the core's state and `values` are
        `variable_values(core, scope)`.
      atol: the absolute tolerance of each comparison.
      scope: the scope the variable names are relative to (default: the
        core's).

    Returns:
      The core's variable values, by relative name.
    """
    outputs, final = unroll.dynamic_unroll(core, tf.constant(inputs),
                                           initial_state)
    self.init()
    values = self.variable_values(core, scope)
    outputs, final, state = self.evaluate([outputs, final, initial_state])
    for x, output in zip(inputs, outputs):
      expected, state = step(x, state, values)
      self.assertAllClose(output, expected, atol=atol)
    self.assertAllClose(final, state, atol=atol)
    return values

  def assertDocstringExamplesPass(self, module):
    """Runs the `>>>` examples of a module's docstrings (with `tf` defined).

    Args:
      module: the module; it must have examples, and they must all pass.
    """
    result = doctest.testmod(module, extraglobs={"tf": tf})
    self.assertEqual(result.failed, 0)
    self.assertGreater(result.attempted, 0)

  def assertVariableNames(self, variables, expected_names):
    """Checks variable names (":0" suffixes dropped), ignoring order."""
    names = sorted(variable_name(v) for v in variables)
    self.assertEqual(names, sorted(expected_names))

  def assertVariableShapes(self, variables, expected):
    """Checks a {name: shape} dict against variables (":0" dropped)."""
    shapes = {variable_name(v): v.shape.as_list() for v in variables}
    self.assertEqual(shapes, {k: list(s) for k, s in expected.items()})


def main():
  """Runs the tests of the calling module."""
  tf.test.main()
