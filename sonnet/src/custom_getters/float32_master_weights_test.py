"""Tests for snt.custom_getters.float32_master_weights."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1
_getter = snt.custom_getters.float32_master_weights


class Float32MasterWeightsTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(tf.float16, tf.bfloat16)
  @test_utils.in_all_modes
  def test_low_precision_use_of_float32_variables(self, dtype):
    x = np.arange(6, dtype=np.float32).reshape([2, 3]) / 4
    linear = snt.Linear(4, custom_getter=_getter)
    y = linear(tf.constant(x, dtype))
    self.assertEqual(y.dtype, dtype)
    self.assertEqual(linear.w.dtype, dtype)
    self.assertVariableNames(linear.variables, ["linear/w", "linear/b"])
    self.assertVariableShapes(linear.variables,
                              {"linear/w": [3, 4], "linear/b": [4]})
    self.assertEqual([v.dtype.base_dtype for v in linear.variables],
                     [tf.float32, tf.float32])
    self.assertLen(linear.trainable_variables, 2)
    self.init()
    variables = {v.name: v for v in linear.variables}
    w, b = self.evaluate([variables["linear/w:0"], variables["linear/b:0"]])
    tolerance = 1e-2 if dtype == tf.bfloat16 else 1e-3
    self.assertAllClose(self.evaluate(tf.cast(y, tf.float32)),
                        x.dot(w) + b, rtol=tolerance, atol=tolerance)

  @test_utils.in_all_modes
  def test_other_types_untouched(self):
    linear = snt.Linear(4, custom_getter=_getter)
    y = linear(tf.ones([2, 3], tf.float64))
    self.assertEqual(y.dtype, tf.float64)
    self.assertIsInstance(linear.w, tf.Variable)
    self.assertEqual(linear.w.dtype.base_dtype, tf.float64)

  @test_utils.in_all_modes
  def test_updates_too_small_for_float16_are_kept(self):
    # float16 steps by ~1e-3 near 1; the float32 variable keeps 1e-4.
    linear = snt.Linear(1, use_bias=False, custom_getter=_getter,
                        initializers={"w": tf1.ones_initializer()})
    x = tf.ones([1, 1], tf.float16)
    linear(x)
    w_var, = linear.trainable_variables
    grad, = test_utils.gradients(
        lambda: tf.reduce_sum(tf.cast(linear(x), tf.float32)), [w_var])
    self.assertEqual(grad.dtype, tf.float32)
    update = w_var.assign_sub(1e-4 * grad)
    self.init()
    self.evaluate(update)
    self.assertAllClose(self.evaluate(w_var), [[1 - 1e-4]], rtol=0, atol=1e-7)
    self.assertEqual(self.evaluate(tf.cast(w_var, tf.float16)), 1)

  @test_utils.in_all_modes
  def test_whole_network(self):
    mlp = snt.nets.MLP([5, 2], custom_getter=_getter)
    y = mlp(tf.ones([3, 4], tf.bfloat16))
    self.assertEqual(y.dtype, tf.bfloat16)
    self.assertVariableNames(mlp.get_variables(), [
        "mlp/linear_0/w", "mlp/linear_0/b", "mlp/linear_1/w", "mlp/linear_1/b"])
    self.assertTrue(
        all(v.dtype.base_dtype == tf.float32 for v in mlp.get_variables()))


if __name__ == "__main__":
  test_utils.main()
