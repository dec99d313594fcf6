"""Tests for snt.scale_gradient."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class ScaleGradientTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(0.5, 1.0, -2.0, 3)
  @test_utils.in_all_modes
  def test_forward_identity_backward_scaled(self, scale):
    rng = np.random.RandomState(0)
    x_np = rng.randn(3, 4).astype(np.float32)
    upstream = rng.randn(3, 4).astype(np.float32)
    x = tf.constant(x_np)
    y = snt.scale_gradient(x, scale)
    grad = test_utils.gradients(
        lambda: tf.reduce_sum(snt.scale_gradient(x, scale) * upstream), x)
    y, grad = self.evaluate([y, grad])
    self.assertAllEqual(y, x_np)
    self.assertAllClose(grad, scale * upstream)

  @test_utils.in_all_modes
  def test_zero_stops_gradient(self):
    x = tf.constant([1., 2.])
    grad = test_utils.gradients(
        lambda: tf.reduce_sum(snt.scale_gradient(x, 0.)), x)
    self.assertIsNone(grad)
    grad = test_utils.gradients(
        lambda: tf.reduce_sum(snt.scale_gradient(x, 0) * x), x)
    self.assertAllClose(self.evaluate(grad), [1., 2.])

  @test_utils.in_all_modes
  def test_tensor_scale_and_dtype(self):
    x = tf.constant([1., 2.], tf.float64)
    for scale in (tf.constant(0.25, tf.float64), 0.25, np.array(0.25)):
      grad = test_utils.gradients(
          lambda: tf.reduce_sum(snt.scale_gradient(x, scale)), x)  # pylint: disable=cell-var-from-loop
      grad = self.evaluate(grad)
      self.assertEqual(grad.dtype, np.float64)
      self.assertAllClose(grad, [0.25, 0.25])
    with self.assertRaisesRegex(ValueError, "requested dtype float64"):
      snt.scale_gradient(x, tf.constant(0.25))

  @test_utils.in_graph_mode
  def test_op_types_and_names(self):
    x = tf1.placeholder(tf.float32, [2])
    zero = snt.scale_gradient(x, 0.)
    one = snt.scale_gradient(x, 1)
    half = snt.scale_gradient(x, 0.5, name="half")
    self.assertEqual((zero.op.type, zero.op.name),
                     ("StopGradient", "scale_gradient"))
    self.assertEqual((one.op.type, one.op.name),
                     ("Identity", "scale_gradient_1"))
    self.assertEqual(half.op.type, "IdentityN")
    self.assertStartsWith(half.op.name, "half/")

  @test_utils.in_all_modes
  def test_non_float_net(self):
    ints = tf.constant([1, 2])
    self.assertAllEqual(self.evaluate(snt.scale_gradient(ints, 0)), [1, 2])
    self.assertAllEqual(self.evaluate(snt.scale_gradient(ints, 1.)), [1, 2])
    with self.assertRaisesRegex(
        ValueError, "^clip_gradient does not support non-float `net` inputs."):
      snt.scale_gradient(ints, 0.5)

  @test_utils.in_eager_mode
  def test_callable_net_in_eager_mode(self):
    x = tf.constant([1., 2.])
    scaled = snt.scale_gradient(lambda t: t * 3., -0.5)
    with tf.GradientTape() as tape:
      tape.watch(x)
      y = tf.reduce_sum(scaled(x))
    self.assertAllClose(y, 9.)
    self.assertAllClose(tape.gradient(y, x), [-1.5, -1.5])

  @test_utils.in_all_modes
  def test_compute_gradient_jacobian(self):
    x = tf.constant([0.3, -0.7, 0.1])
    theoretical, numerical = tf.test.compute_gradient(
        lambda t: snt.scale_gradient(t, -0.5), [x])
    self.assertAllClose(numerical[0], np.eye(3), atol=1e-2)
    self.assertAllClose(theoretical[0], -0.5 * np.eye(3))

  @test_utils.in_all_modes
  def test_gradient_reaches_variables_scaled(self):
    linear = snt.Linear(2, use_bias=False,
                        initializers={"w": tf1.ones_initializer()})
    x = tf.ones([1, 3])
    linear(x)
    w = linear.trainable_variables[0]
    grad = test_utils.gradients(
        lambda: tf.reduce_sum(snt.scale_gradient(linear(x), 0.1)), w)
    self.init()
    self.assertAllClose(self.evaluate(grad), np.full([3, 2], 0.1))

  @test_utils.in_all_modes
  def test_bad_scale(self):
    with self.assertRaises(TypeError):
      snt.scale_gradient(tf.ones([2]), "half")

  @test_utils.in_eager_mode
  def test_tf_function_and_variable_scale(self):
    scale = tf.Variable(2.)

    @tf.function
    def grad(x):
      with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(snt.scale_gradient(x, scale))
      return tape.gradient(y, x)

    self.assertAllClose(grad(tf.ones([2])), [2., 2.])
    scale.assign(-1.)
    self.assertAllClose(grad(tf.ones([2])), [-1., -1.])


if __name__ == "__main__":
  test_utils.main()
