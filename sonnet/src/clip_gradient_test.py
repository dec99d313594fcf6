"""Tests for snt.clip_gradient."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf


class ClipGradientTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_forward_identity_backward_clipped(self):
    rng = np.random.RandomState(0)
    x_np = rng.randn(4, 5).astype(np.float32)
    upstream = (3 * rng.randn(4, 5)).astype(np.float32)
    x = tf.constant(x_np)
    y = snt.clip_gradient(x, -1., 0.5)
    grad = test_utils.gradients(
        lambda: tf.reduce_sum(snt.clip_gradient(x, -1., 0.5) * upstream), x)
    y, grad = self.evaluate([y, grad])
    self.assertAllEqual(y, x_np)
    self.assertAllClose(grad, np.clip(upstream, -1., 0.5))

  @test_utils.in_all_modes
  def test_tensor_bounds_and_name(self):
    x = tf.constant([[1., -2., 3.]])
    low, high = tf.constant(-0.25), tf.constant(0.75)
    grad = test_utils.gradients(
        lambda: tf.reduce_sum(
            snt.clip_gradient(x, low, high, name="clip") * tf.constant([[
                2., -2., 0.5]])), x)
    self.assertAllClose(self.evaluate(grad), [[0.75, -0.25, 0.5]])
    if not self.eager:
      y = snt.clip_gradient(x, 0., 1., name="my_clip")
      self.assertStartsWith(y.op.name, "my_clip")

  @test_utils.in_all_modes
  def test_compute_gradient_jacobian(self):
    x = tf.constant([0.3, -0.7])
    theoretical, numerical = tf.test.compute_gradient(
        lambda t: 4. * snt.clip_gradient(t, -2., 2.), [x])
    # Forward: 4x, so the true Jacobian is 4I; the clipped one is 2I.
    self.assertAllClose(numerical[0], 4. * np.eye(2), atol=1e-2)
    self.assertAllClose(theoretical[0], 2. * np.eye(2))

  @test_utils.in_all_modes
  def test_bounds_are_not_checked(self):
    # As tf.clip_by_value (and Sonnet 1): with min > max, every value is min.
    x = tf.ones([2])
    grad = test_utils.gradients(
        lambda: tf.reduce_sum(snt.clip_gradient(x, 1., -1.)), x)
    self.assertAllEqual(self.evaluate(grad), [1., 1.])

  @test_utils.in_all_modes
  def test_non_float_net_raises(self):
    with self.assertRaisesRegex(
        ValueError, "^clip_gradient does not support non-float `net` inputs.$"):
      snt.clip_gradient(tf.constant([1, 2]), 0, 1)

  @test_utils.in_all_modes
  def test_bounds_take_the_dtype_of_net(self):
    x = tf.constant([1., 2.], tf.float64)
    grad = test_utils.gradients(
        lambda: tf.reduce_sum(snt.clip_gradient(x, 0, 1) * 3.), x)
    self.assertEqual(grad.dtype, tf.float64)
    self.assertAllEqual(self.evaluate(grad), [1., 1.])
    with self.assertRaisesRegex(ValueError, "requested dtype float32"):
      snt.clip_gradient(tf.ones([2]), tf.constant(0., tf.float64), 1.)

  @test_utils.in_eager_mode
  def test_tf_function(self):

    @tf.function
    def grad(x):
      with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(10. * snt.clip_gradient(x, -3., 3.))
      return tape.gradient(y, x)

    self.assertAllClose(grad(tf.ones([3])), [3., 3., 3.])


if __name__ == "__main__":
  test_utils.main()
