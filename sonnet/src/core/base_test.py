"""Tests for the AbstractModule contract (sonnet/src/base.py)."""

import inspect
import pickle

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src import variable_options
from sonnet.src.core import base
import tensorflow as tf

tf1 = tf.compat.v1


class ScaleModule(snt.AbstractModule):
  """Multiplies by one scalar variable "s" (initialized to 2)."""

  def __init__(self, custom_getter=None, name=None):
    super().__init__(custom_getter=custom_getter, name=name)

  def _build(self, inputs, extra=0.):
    s = tf1.get_variable("s", [], initializer=tf1.constant_initializer(2.))
    return inputs * s + extra


class NoSuperModule(snt.AbstractModule):

  def __init__(self, size):  # pylint: disable=super-init-not-called
    self._size = size

  def _build(self, inputs):
    return inputs


class GrowingModule(snt.AbstractModule):
  """Creates one new variable per connection: not allowed."""

  def __init__(self, name="growing"):
    super().__init__(name=name)
    self._calls = 0

  def _build(self, inputs):
    self._calls += 1
    return inputs * tf1.get_variable("v%d" % self._calls, [])


class TwoLayers(snt.AbstractModule):
  """Nested submodules, for checkpoint tests."""

  def __init__(self, name="two_layers"):
    super().__init__(name=name)
    with self._enter_variable_scope():
      self._first = snt.Linear(3, name="first")

  def _build(self, inputs):
    return snt.Linear(2, name="second")(tf.nn.relu(self._first(inputs)))


class ConstructionTest(test_utils.TestCase, parameterized.TestCase):

  def test_forgotten_super_init(self):
    module = NoSuperModule(3)
    with self.assertRaisesRegex(
        snt.NotInitializedError,
        r"You may have forgotten to call super at the start of "
        r"NoSuperModule.__init__.*super\(\).__init__\(name=name\)"):
      module(tf.ones([1]))
    with self.assertRaises(snt.NotInitializedError):
      _ = module.module_name

  def test_positional_arguments_rejected(self):
    with self.assertRaisesRegex(
        ValueError, "Calling AbstractModule.__init__ without named arguments "
        "is not supported"):
      snt.AbstractModule.__init__(ScaleModule(), "oops")

  def test_name_must_be_string(self):
    with self.assertRaisesRegex(TypeError,
                                "Name must be a string, not 3 of type"):
      ScaleModule(name=3)

  def test_custom_getter_must_be_callable(self):
    with self.assertRaisesRegex(TypeError,
                                "Given custom_getter is not callable"):
      ScaleModule(custom_getter=3)
    with self.assertRaisesRegex(TypeError,
                                "Given custom_getter is not callable"):
      ScaleModule(custom_getter={"s": 3})

  @test_utils.in_all_modes
  def test_default_name_is_snake_case(self):
    self.assertEqual(ScaleModule().module_name, "scale_module")
    self.assertEqual(ScaleModule().module_name, "scale_module_1")
    self.assertEqual(ScaleModule(name="x").scope_name, "x")

  @test_utils.in_all_modes
  def test_scope_name_nests_under_variable_scope(self):
    with tf1.variable_scope("outer"):
      module = ScaleModule()
    self.assertEqual(module.scope_name, "outer/scale_module")
    self.assertEqual(module.module_name, "scale_module")
    module(tf.ones([1]))
    self.assertVariableNames(module.get_variables(), ["outer/scale_module/s"])

  def test_pickling_not_supported(self):
    with self.assertRaisesRegex(
        snt.NotSupportedError,
        "Sonnet AbstractModule instances cannot be serialized"):
      pickle.dumps(ScaleModule())

  @test_utils.in_all_modes
  def test_call_shows_the_signature_of_build(self):
    module = ScaleModule()
    self.assertEqual(str(inspect.signature(module.__call__)),
                     "(inputs, extra=0.0)")
    self.assertEqual(module.__call__.__doc__, ScaleModule._build.__doc__)  # pylint: disable=protected-access
    # The module itself stays callable with any arguments (e.g. for defun).
    self.assertEqual(str(inspect.signature(module)), "(*args, **kwargs)")
    outputs = module(tf.ones([]), extra=1.)
    self.init()
    self.assertEqual(self.evaluate(outputs), 3.)

  def test_possible_initializer_keys(self):
    self.assertEqual(snt.Linear.get_possible_initializer_keys(), {"w", "b"})
    self.assertEqual(snt.Linear.get_possible_initializer_keys(use_bias=False),
                     {"w"})
    self.assertEqual(ScaleModule.get_possible_initializer_keys(), set())

  def test_transposable_is_abstract(self):
    with self.assertRaises(TypeError):
      snt.Transposable()  # pylint: disable=abstract-class-instantiated


class ConnectionTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_not_connected_errors(self):
    module = ScaleModule()
    self.assertFalse(module.is_connected)
    getters = [
        module.get_variables, lambda: module.variable_scope,
        lambda: module.variables]
    if not self.eager:  # Eager mode keeps no subgraphs to ask for.
      getters.append(lambda: module.last_connected_subgraph)
    for getter in getters:
      with self.assertRaisesRegex(
          snt.NotConnectedError,
          "Variables in scale_module not instantiated yet, __call__ the "
          "module first"):
        getter()
    module(tf.ones([1]))
    self.assertTrue(module.is_connected)
    self.assertEqual(module.variable_scope.name, "scale_module")

  @test_utils.in_eager_mode
  def test_no_subgraphs_in_eager_mode(self):
    module = ScaleModule()
    for connect in (False, True):
      if connect:
        module(tf.ones([2]))
      with self.assertRaisesRegex(snt.NotSupportedError,
                                  "not tracked in eager mode"):
        _ = module.connected_subgraphs
      with self.assertRaisesRegex(snt.NotSupportedError,
                                  "not tracked in eager mode"):
        _ = module.last_connected_subgraph
      with self.assertRaisesRegex(snt.NotSupportedError,
                                  "not supported in eager mode"):
        _ = module.name_scopes

  @test_utils.in_graph_mode
  def test_connected_subgraphs(self):
    module = ScaleModule()
    x = tf.ones([2])
    y = module(x, extra=1.)
    subgraph = module.last_connected_subgraph
    self.assertIs(subgraph.module, module)
    self.assertEqual(list(subgraph.inputs), ["inputs", "extra"])
    self.assertIs(subgraph.inputs["inputs"], x)
    self.assertEqual(subgraph.inputs["extra"], 1.)
    self.assertIs(subgraph.outputs, y)
    module(x)
    self.assertLen(module.connected_subgraphs, 2)
    self.assertIs(module.connected_subgraphs[0], subgraph)
    self.assertEqual(module.name_scopes, ("scale_module", "scale_module_1"))

  @test_utils.in_all_modes
  def test_observe_connections(self):
    seen = []
    inner = ScaleModule(name="inner")
    outer = snt.Sequential([inner, tf.negative], name="outer")
    with snt.observe_connections(seen.append):
      outer(tf.ones([2]))
    outer(tf.ones([2]))
    self.assertEqual([s.module.module_name for s in seen], ["inner", "outer"])

  @test_utils.in_all_modes
  def test_module_and_connection_stacks(self):
    from sonnet.python.modules import base as sonnet1_base  # pylint: disable=import-outside-toplevel
    seen = []

    class Peek(snt.AbstractModule):

      def _build(self, inputs):
        seen.append([m.module_name for m in sonnet1_base.get_module_stack()])
        return inputs

    outer = snt.Sequential([Peek(name="peek")], name="outer")
    observer = seen.append
    with snt.observe_connections(observer):
      self.assertEqual(sonnet1_base.get_connection_stack(), [observer])
      outer(tf.ones([1]))
    self.assertEqual(seen[0], ["outer", "peek"])
    self.assertEqual(sonnet1_base.get_connection_stack(), [])
    self.assertEqual(sonnet1_base.get_module_stack(), [])

  @test_utils.in_all_modes
  def test_new_variable_on_later_connection_is_an_error(self):
    module = GrowingModule()
    module(tf.ones([]))
    with self.assertRaisesRegex(
        ValueError, r"'growing' asked for variable 'growing/v2' in "
        r"connection 2, but its first connection did not create it"):
      module(tf.ones([]))

  @test_utils.in_all_modes
  def test_submodule_built_in_build_cannot_grow(self):

    class Parent(snt.AbstractModule):

      def __init__(self):
        super().__init__(name="parent")
        self.inner = GrowingModule

      def _build(self, inputs):
        return self.inner()(inputs)

    parent = Parent()
    parent(tf.ones([]))
    # Each call builds a fresh GrowingModule, whose first variable is v1.
    parent(tf.ones([]))
    self.assertVariableNames(parent.get_variables(), ["parent/growing/v1"])

  @test_utils.in_graph_mode
  def test_different_graph(self):
    module = ScaleModule()
    module(tf.ones([]))
    with tf.Graph().as_default():
      with self.assertRaisesRegex(snt.DifferentGraphError,
                                  "Cannot connect module to multiple Graphs"):
        module(tf.ones([]))

  def test_graph_is_fixed_by_the_first_connection(self):
    # Built at the top level (eager with TF2 behaviour, the default graph
    # with TF1's), connected in a graph of its own: fine, as in Sonnet 1.
    module = ScaleModule()
    self.assertIsNone(module.graph)
    with tf.Graph().as_default() as graph:
      module(tf.ones([]))
      module(tf.ones([2]))
      self.assertVariableNames(tf1.global_variables(), ["scale_module/s"])
    self.assertIs(module.graph, graph)
    self.assertLen(module.get_variables(), 1)
    with tf.Graph().as_default():
      with self.assertRaisesRegex(snt.DifferentGraphError,
                                  "Cannot connect module to multiple Graphs"):
        module(tf.ones([]))

  def test_entering_the_scope_fixes_the_graph(self):
    module = ScaleModule()
    with tf.Graph().as_default() as graph:
      with module._enter_variable_scope():  # pylint: disable=protected-access
        pass
    self.assertIs(module.graph, graph)
    with tf.Graph().as_default():
      with module._enter_variable_scope(check_same_graph=False):  # pylint: disable=protected-access
        pass
      with self.assertRaises(snt.DifferentGraphError):
        module(tf.ones([]))

  @test_utils.in_eager_mode
  def test_module_built_inside_a_trace_cannot_escape_it(self):
    built = []

    @tf.function
    def build_and_call(x):
      built.append(snt.Module(lambda y: 2. * y, name="double"))
      return built[-1](x)

    build_and_call(tf.ones([]))
    with self.assertRaisesRegex(snt.DifferentGraphError,
                                "while tracing a tf.function"):
      built[0](tf.ones([]))

  @test_utils.in_all_modes
  def test_regularizers_of_submodules_built_in_build(self):

    class Parent(snt.AbstractModule):

      def _build(self, inputs):
        return snt.Linear(2,
                          regularizers={"w": snt.regularizers.l1(1.)})(inputs)

    parent = Parent()
    parent(tf.ones([1, 3]))
    self.init()
    losses = parent.get_regularization_losses()
    self.assertLen(losses, 1)
    w, = parent.get_variables()[:1]
    self.assertAllClose(self.evaluate(losses[0]),
                        abs(self.evaluate(w)).sum(), rtol=1e-5)

  @test_utils.in_all_modes
  def test_regularization_losses_reach_the_collection(self):
    # As in Sonnet 1.36, eager mode included (computed at creation there).
    linear = snt.Linear(2, regularizers={"w": snt.regularizers.l1(1.)})
    linear(tf.ones([1, 3]))
    self.init()
    collected = tf1.get_collection(tf1.GraphKeys.REGULARIZATION_LOSSES)
    self.assertLen(collected, 1)
    self.assertAllClose(self.evaluate(tf.add_n(collected)),
                        abs(self.evaluate(linear.w)).sum(), rtol=1e-5)

  @test_utils.in_eager_mode
  def test_eager_module_stays_eager(self):
    module = ScaleModule()
    module(tf.ones([]))
    with tf.Graph().as_default():
      with self.assertRaisesRegex(snt.DifferentGraphError,
                                  "first used in eager mode"):
        module(tf.ones([]))

  @test_utils.in_eager_mode
  def test_graph_module_cannot_run_eagerly(self):
    with tf.Graph().as_default():
      module = ScaleModule()
    with self.assertRaisesRegex(snt.DifferentGraphError,
                                "constructed in a tf.Graph"):
      module(tf.ones([]))

  @test_utils.in_all_modes
  def test_module_wraps_function(self):

    def build(inputs):
      w = tf1.get_variable("w", [inputs.shape[-1], 2],
                           initializer=tf1.ones_initializer())
      return tf.matmul(inputs, w)

    module = snt.Module(build, name="wrapped")
    y = module(tf.ones([1, 3]))
    module(tf.ones([4, 3]))
    self.assertVariableNames(module.get_variables(), ["wrapped/w"])
    self.init()
    self.assertAllClose(self.evaluate(y), [[3., 3.]])
    self.assertEqual(snt.Module(build).module_name, "build")
    self.assertEqual(snt.Module(lambda x: x).module_name, "module")

  def test_module_needs_callable(self):
    with self.assertRaisesRegex(TypeError, "^Input 'build' must be callable.$"):
      snt.Module(3)


class CustomGetterTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_callable_custom_getter(self):

    def times_ten(getter, *args, **kwargs):
      return getter(*args, **kwargs) * 10.

    module = ScaleModule(custom_getter=times_ten)
    y = module(tf.ones([]))
    y_again = module(tf.ones([]))  # The getter applies on every connection.
    self.init()
    self.assertAllClose(self.evaluate([y, y_again]), [20., 20.])
    self.assertVariableNames(module.get_variables(), ["scale_module/s"])

  @test_utils.in_all_modes
  def test_enclosing_module_getter_applies_to_submodules_every_time(self):

    def times_ten(getter, *args, **kwargs):
      return getter(*args, **kwargs) * 10.

    class Outer(snt.AbstractModule):

      def __init__(self):
        super().__init__(custom_getter=times_ten, name="outer")
        with self._enter_variable_scope():
          self.inner = ScaleModule(name="inner")

      def _build(self, inputs):
        return self.inner(inputs)

    outer = Outer()
    outputs = [outer(tf.ones([])) for _ in range(3)]
    self.init()
    self.assertAllClose(self.evaluate(outputs), [20., 20., 20.])

  @test_utils.in_all_modes
  def test_dict_custom_getter_routes_by_relative_name(self):

    def stop(getter, *args, **kwargs):
      return tf.stop_gradient(getter(*args, **kwargs))

    linear = snt.Linear(1, custom_getter={"w": stop})
    x = tf.ones([1, 2])
    linear(x)  # Creates the variables.
    grads = test_utils.gradients(lambda: linear(x), linear.get_variables())
    self.assertIsNone(grads[0])
    self.assertIsNotNone(grads[1])

  def test_router_rejects_ambiguous_names(self):
    identity = lambda getter, *a, **k: getter(*a, **k)
    router = snt.custom_getter_router({"w.*": identity, ".*": identity},
                                      name_fn=lambda name: name)
    with self.assertRaisesRegex(
        KeyError, r"More than one custom_getter matched w \(w\): \['w.\*', "
        r"'.\*'\]"):
      router(lambda *a, **k: None, "w")
    with self.assertRaisesRegex(TypeError,
                                "Given custom_getter is not callable"):
      snt.custom_getter_router({"w": 1}, name_fn=str)


class VariablesTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_collections(self):

    class WithLocal(snt.AbstractModule):

      def _build(self, inputs):
        t = tf1.get_variable("t", [])
        n = tf1.get_variable("n", [], trainable=False)
        return inputs * t * n

    module = WithLocal()
    module(tf.ones([]))
    self.assertVariableNames(module.get_variables(), ["with_local/t"])
    self.assertVariableNames(
        module.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES),
        ["with_local/t", "with_local/n"])
    self.assertVariableNames(module.trainable_variables, ["with_local/t"])
    self.assertVariableNames(module.non_trainable_variables, ["with_local/n"])
    self.assertVariableNames(module.variables, ["with_local/t", "with_local/n"])

  @test_utils.in_all_modes
  def test_all_variables_of_a_module_connected_before(self):
    linear = snt.Linear(2, name="early")
    linear(tf.ones([1, 3]))
    linear(tf.ones([1, 3]))
    wrapper = snt.Sequential([linear, tf.nn.relu])
    wrapper(tf.ones([1, 3]))
    wrapper(tf.ones([1, 3]))
    self.assertVariableNames(wrapper.get_all_variables(),
                             ["early/w", "early/b"])

  @test_utils.in_eager_mode
  def test_later_eager_connections_use_the_same_variables(self):
    linear = snt.Linear(2)
    x = tf.constant([[1., 2., 3.]])
    first = linear(x)
    linear.w.assign_add(tf.ones_like(linear.w))
    self.assertAllClose(linear(x), first + 6.)
    self.assertLen(linear.get_variables(), 2)

  @test_utils.in_all_modes
  def test_get_variables_does_not_match_sibling_prefix(self):
    first = ScaleModule(name="scale")
    second = ScaleModule(name="scale_extra")
    first(tf.ones([]))
    second(tf.ones([]))
    self.assertVariableNames(first.get_variables(), ["scale/s"])


class LeafScale(snt.AbstractModule, variable_options.VariableOptions):
  """Multiplies by "s" (2 at first); notes the variable scope `_build` saw."""

  def __init__(self, name="leaf_scale"):
    super().__init__(name=name)
    self._set_variable_options(None, None, None, {"s", "t"})
    self.scopes_seen = []
    self.extra_variable = False

  @base.leaf_build
  def _build(self, inputs):
    self.scopes_seen.append(tf1.get_variable_scope().name)
    s = self._get_variable("s", [], inputs.dtype, tf1.constant_initializer(2.))
    if self.extra_variable:
      s += self._get_variable("t", [], inputs.dtype)
    return inputs * s


class NotALeaf(LeafScale):
  """Overrides a leaf `_build` without marking its own."""

  def _build(self, inputs):
    return super()._build(inputs) + 1.


class LeafBuildTest(test_utils.TestCase):

  @test_utils.in_eager_mode
  def test_later_eager_connections_skip_the_scope(self):
    if not base.EAGER_REPLAY:
      self.skipTest("The fast path is off (SONNET_EAGER_REPLAY=0).")
    module = LeafScale()
    x = tf.constant(3.)
    self.assertEqual(float(module(x)), 6.)
    module.get_variables()[0].assign(5.)
    self.assertEqual(float(module(x)), 15.)
    self.assertEqual(float(tf.function(module)(x)), 15.)
    self.assertEqual(module.scopes_seen, ["leaf_scale", "", ""])
    self.assertVariableNames(module.get_variables(), ["leaf_scale/s"])

  @test_utils.in_graph_mode
  def test_graph_connections_enter_the_scope(self):
    module = LeafScale()
    y = module(tf.constant(3.)) + module(tf.constant(1.))
    self.init()
    self.assertEqual(self.evaluate(y), 8.)
    self.assertEqual(module.scopes_seen, ["leaf_scale", "leaf_scale"])
    self.assertVariableNames(module.get_variables(), ["leaf_scale/s"])

  @test_utils.in_eager_mode
  def test_an_override_of_a_leaf_build_is_no_leaf(self):
    module = NotALeaf()
    module(tf.constant(3.))
    self.assertEqual(float(module(tf.constant(3.))), 7.)
    self.assertEqual(module.scopes_seen, ["leaf_scale", "leaf_scale"])

  @test_utils.in_eager_mode
  def test_new_variable_on_later_connection_is_an_error(self):
    module = LeafScale()
    module(tf.constant(3.))
    module.extra_variable = True
    with self.assertRaisesRegex(
        ValueError, r"^Module 'leaf_scale' asked for variable 'leaf_scale/t' "
        r"in connection 2, but its first connection did not create it"):
      module(tf.constant(3.))
    self.assertVariableNames(module.get_variables(), ["leaf_scale/s"])


class CheckpointTest(test_utils.TestCase):

  @test_utils.in_eager_mode
  def test_checkpoint_restores_into_fresh_twin(self):
    x = tf.constant(np.random.RandomState(0).randn(4, 5).astype(np.float32))
    model = TwoLayers()
    expected = model(x)
    path = tf.train.Checkpoint(model=model).save(self.get_temp_dir() + "/ckpt")

    twin = TwoLayers()
    twin(x)  # Built first, then restored.
    tf.train.Checkpoint(model=twin).restore(path).assert_consumed()
    self.assertAllClose(twin(x), expected)

    lazy = TwoLayers()  # Restored first: values arrive when variables do.
    status = tf.train.Checkpoint(model=lazy).restore(path)
    self.assertAllClose(lazy(x), expected)
    status.assert_existing_objects_matched()

  @test_utils.in_eager_mode
  def test_attributes_a_checkpoint_follows(self):
    model = ScaleModule()
    model.plain = [1, "two", None, 3.0, True]
    for value in model.plain:
      model.value = value  # Plain values: stored as they are, not tracked.
      self.assertIs(model.value, value)
    model.held = [tf.Variable(2.)]  # Wrapped and tracked as before.
    model.inner = snt.Linear(3, name="inner")
    children = model._trackable_children()  # pylint: disable=protected-access
    self.assertEqual(sorted(children), ["_template", "held", "inner", "plain"])
    self.assertIsInstance(children["held"], list)
    self.assertEqual(model.plain, [1, "two", None, 3.0, True])

  @test_utils.in_eager_mode
  def test_tf_function_retrace_creates_nothing(self):
    model = TwoLayers()
    call = tf.function(model)
    call(tf.ones([2, 5]))
    call(tf.ones([7, 5]))  # A new batch size retraces.
    call(tf.ones([3, 5]))
    self.assertLen(model.get_all_variables(), 4)
    self.assertVariableNames(model.get_variables(), [
        "two_layers/first/w", "two_layers/first/b", "two_layers/second/w",
        "two_layers/second/b"])
    self.assertAllClose(call(tf.ones([2, 5])), model(tf.ones([2, 5])))

  @test_utils.in_eager_mode
  def test_defun(self):
    model = ScaleModule()
    self.assertFalse(model.defun_wrapped)
    model.defun()
    self.assertTrue(model.defun_wrapped)
    self.assertAllClose(model(tf.ones([2])), [2., 2.])
    self.assertVariableNames(model.variables, ["scale_module/s"])
    with self.assertRaisesRegex(snt.NotSupportedError, "wrapped with defun"):
      model.get_variables()

  @test_utils.in_eager_mode
  def test_gradient_tape_trains(self):
    model = TwoLayers()
    rng = np.random.RandomState(1)
    x = tf.constant(rng.randn(32, 5).astype(np.float32))
    y = tf.constant(rng.randn(32, 1).astype(np.float32)) * 0. + 1.
    optimizer = tf.keras.optimizers.SGD(0.1)
    losses = []
    for _ in range(50):
      with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - tf.concat([y, -y], 1)))
      variables = model.get_all_variables()
      optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
      losses.append(float(loss))
    self.assertLess(losses[-1], losses[0] / 5)


if __name__ == "__main__":
  test_utils.main()
