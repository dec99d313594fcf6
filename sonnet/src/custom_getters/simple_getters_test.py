"""Tests for non_trainable, stop_gradient, override_args and Context."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1
cg = snt.custom_getters


class NonTrainableTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_variables_not_trainable_but_gradients_flow(self):
    x = tf.constant(np.ones([2, 3], np.float32))
    linear = snt.Linear(4, custom_getter=cg.non_trainable)
    grad_x, = test_utils.gradients(lambda: tf.reduce_sum(linear(x)), [x])
    self.assertEqual(linear.trainable_variables, ())
    self.assertVariableNames(linear.variables, ["linear/w", "linear/b"])
    self.assertEqual(linear.get_variables(), ())
    if not self.eager:
      self.assertEqual(tf1.trainable_variables(), [])
    self.init()
    w, grad_x = self.evaluate([linear.w, grad_x])
    self.assertAllClose(grad_x, np.tile(w.sum(axis=1), [2, 1]))


class StopGradientTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_no_gradient_to_variables(self):
    x = tf.constant(np.ones([2, 3], np.float32))
    linear = snt.Linear(4, custom_getter=cg.stop_gradient)
    linear(x)  # Creates the variables.
    variables = {v.name: v for v in linear.trainable_variables}
    w_var, b_var = variables["linear/w:0"], variables["linear/b:0"]
    grads = test_utils.gradients(lambda: tf.reduce_sum(linear(x)),
                                 [w_var, b_var, x])
    self.assertIsNone(grads[0])
    self.assertIsNone(grads[1])
    self.init()
    w, grad_x = self.evaluate([w_var, grads[2]])
    self.assertAllClose(grad_x, np.tile(w.sum(axis=1), [2, 1]))

  @test_utils.in_all_modes
  def test_router_freezes_only_w(self):
    x = tf.ones([2, 3])
    linear = snt.Linear(4, custom_getter={"w": cg.stop_gradient})
    linear(x)
    variables = {v.name: v for v in linear.trainable_variables}
    grads = test_utils.gradients(
        lambda: tf.reduce_sum(linear(x)),
        [variables["linear/w:0"], variables["linear/b:0"]])
    self.assertIsNone(grads[0])
    self.init()
    self.assertAllClose(self.evaluate(grads[1]), [2., 2., 2., 2.])


class OverrideArgsTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_override_args_wins_over_module(self):
    getter = cg.override_args(initializer=tf1.ones_initializer(),
                              trainable=False)
    linear = snt.Linear(4, custom_getter=getter,
                        initializers={"w": tf1.zeros_initializer()})
    linear(tf.ones([1, 3]))
    self.assertEqual(linear.trainable_variables, ())
    self.init()
    self.assertAllEqual(self.evaluate(linear.w), np.ones([3, 4]))
    self.assertAllEqual(self.evaluate(linear.b), np.ones([4]))

  @test_utils.in_all_modes
  def test_override_default_args_fills_unset_only(self):
    getter = cg.override_default_args(regularizer=snt.regularizers.l1(1.0),
                                      initializer=tf1.ones_initializer())
    explicit = snt.Linear(2, custom_getter=getter, name="explicit",
                          initializers={"w": tf1.constant_initializer(2.)},
                          regularizers={"w": snt.regularizers.l1(0.5)})
    default = snt.Linear(2, use_bias=False, custom_getter=getter,
                         name="default",
                         initializers={"w": tf1.constant_initializer(3.)})
    explicit(tf.ones([1, 3]))
    default(tf.ones([1, 3]))
    self.init()
    # Linear always passes an initializer, so it is never replaced.
    self.assertAllEqual(self.evaluate(explicit.w), np.full([3, 2], 2.))
    self.assertAllEqual(self.evaluate(default.w), np.full([3, 2], 3.))
    # The regularizer is only filled in where the module gave none.
    losses = sorted(self.evaluate(explicit.get_regularization_losses()))
    self.assertAllClose(losses, [0., 0.5 * 6 * 2.])  # b (zeros), then w.
    self.assertAllClose(self.evaluate(default.get_regularization_losses()),
                        [6 * 3.])

  @parameterized.parameters(cg.override_args, cg.override_default_args)
  def test_errors(self, factory):
    with self.assertRaisesRegex(ValueError, "at least one keyword"):
      factory()
    with self.assertRaisesRegex(ValueError, "cannot change a variable's name"):
      factory(name="other")


class ContextTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_getter_only_inside_context(self):
    ctx = cg.Context(cg.stop_gradient)
    linear = snt.Linear(2, custom_getter=ctx)
    x = tf.ones([1, 3])
    linear(x)
    w_var = [v for v in linear.variables if v.name == "linear/w:0"][0]
    outside, = test_utils.gradients(lambda: tf.reduce_sum(linear(x)), [w_var])
    self.assertFalse(ctx.active)
    with ctx:
      self.assertTrue(ctx.active)
      inside, = test_utils.gradients(lambda: tf.reduce_sum(linear(x)), [w_var])
    self.assertIsNone(inside)
    self.init()
    self.assertAllClose(self.evaluate(outside), np.ones([3, 2]))
    after, = test_utils.gradients(lambda: tf.reduce_sum(linear(x)), [w_var])
    self.assertIsNotNone(after)

  @test_utils.in_all_modes
  def test_nesting_and_default_getter(self):
    calls = []

    def counting(getter, name, *args, **kwargs):
      calls.append(name)
      return getter(name, *args, **kwargs)

    ctx = cg.Context(cg.stop_gradient, default_getter=counting)
    linear = snt.Linear(2, use_bias=False, custom_getter=ctx)
    linear(tf.ones([1, 3]))
    self.assertEqual(calls, ["linear/w"])
    with ctx:
      with ctx:
        linear(tf.ones([1, 3]))
      self.assertTrue(ctx.active)
      linear(tf.ones([1, 3]))
    self.assertFalse(ctx.active)
    self.assertEqual(calls, ["linear/w"])
    linear(tf.ones([1, 3]))
    self.assertEqual(calls, ["linear/w", "linear/w"])

  def test_verbose_logs_names(self):
    ctx = cg.Context(cg.non_trainable, verbose=True)
    with tf.Graph().as_default():
      linear = snt.Linear(2, custom_getter=ctx)
      with self.assertLogs(level="INFO") as logs:
        with ctx:
          linear(tf.ones([1, 3]))
    self.assertTrue(any("linear/w" in line for line in logs.output))

  def test_bad_getters(self):
    with self.assertRaisesRegex(TypeError, "getter must be a callable"):
      cg.Context(None)
    with self.assertRaisesRegex(TypeError, "default_getter must be None"):
      cg.Context(cg.stop_gradient, default_getter=3)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    ctx = cg.Context(cg.stop_gradient)
    linear = snt.Linear(2, custom_getter=ctx)

    @tf.function
    def grad_norm(x):
      with tf.GradientTape() as tape:
        y = tf.reduce_sum(linear(x))
      grads = tape.gradient(y, linear.trainable_variables)
      return [g is None for g in grads]

    self.assertEqual(grad_norm(tf.ones([1, 3])), [False, False])
    with ctx:
      self.assertEqual(grad_norm(tf.ones([2, 3])), [True, True])


if __name__ == "__main__":
  test_utils.main()
