"""Tests for snt.TrainableVariable."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class TrainableVariableTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_name_shape_and_sharing(self):
    module = snt.TrainableVariable([2, 3])
    first = module()
    second = module()
    self.assertVariableShapes(module.get_variables(),
                              {"trainable_variable/w": [2, 3]})
    self.assertIs(module.w, second)
    self.init()
    self.assertAllEqual(*self.evaluate([first, second]))

  @test_utils.in_all_modes
  def test_initializer_dtype_and_regularizer(self):
    module = snt.TrainableVariable([3], dtype=tf.float64, initializers={
        "w": tf1.constant_initializer([1., -2., 3.])},
                                   regularizers={"w": snt.regularizers.l1(0.5)})
    w = module()
    self.assertEqual(w.dtype.base_dtype, tf.float64)
    self.init()
    self.assertAllEqual(self.evaluate(w), [1., -2., 3.])
    self.assertAllClose(self.evaluate(module.get_regularization_losses()),
                        [3.0])

  @test_utils.in_all_modes
  def test_default_initializer_scale(self):
    module = snt.TrainableVariable([100, 100])
    module()
    self.init()
    w = self.evaluate(module.w)
    # Truncated normal, stddev 1/sqrt(10000) before truncation at 2 stddevs.
    self.assertLess(np.abs(w).max(), 0.02 + 1e-6)
    self.assertAllClose(w.std(), 0.88 / 100, rtol=0.05)

  @parameterized.parameters(
      ([0, 2], ZeroDivisionError, "division by zero"),
      ([2, -1], ValueError, "math domain error"),
      ([1.5], TypeError, "Dimension value must be integer"))
  @test_utils.in_all_modes
  def test_bad_shape_raises_on_connection(self, shape, error, message):
    module = snt.TrainableVariable(shape)  # Sonnet 1 checked it only here.
    with self.assertRaisesRegex(error, message):
      module()

  @parameterized.parameters(([0, 2],), (tf.TensorShape([2, 3]),), ([],))
  @test_utils.in_all_modes
  def test_shapes_with_initializer(self, shape):
    module = snt.TrainableVariable(
        shape, initializers={"w": tf1.constant_initializer(2.)})
    w = module()
    self.assertEqual(w.shape.as_list(), list(shape))
    self.init()
    self.assertAllEqual(self.evaluate(w), np.full(list(shape), 2.))

  def test_bad_key_and_not_connected(self):
    with self.assertRaisesRegex(KeyError, r"Invalid initializer keys 'b'"):
      snt.TrainableVariable([2], initializers={"b": tf.zeros})
    with self.assertRaises(snt.NotConnectedError):
      _ = snt.TrainableVariable([2]).w

  @test_utils.in_eager_mode
  def test_tf_function_gradient(self):
    module = snt.TrainableVariable([2],
                                   initializers={"w": tf1.ones_initializer()})

    @tf.function
    def grad():
      with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(module()))
      return tape.gradient(loss, module.w)

    self.assertAllClose(grad(), [2., 2.])


if __name__ == "__main__":
  test_utils.main()
