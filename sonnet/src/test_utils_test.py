"""Tests for the test-support library: test_utils and numpy_reference."""

import numpy as np
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf


class GradientsTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_tensor_and_list(self):
    x = tf.constant([1., -2.])
    y = tf.constant(3.)
    grad = test_utils.gradients(lambda: tf.reduce_sum(x**2) * y, x)
    grads = test_utils.gradients(lambda: x * y, [x, y])
    self.assertAllClose(self.evaluate(grad), [6., -12.])
    self.assertLen(grads, 2)
    self.assertAllClose(self.evaluate(grads), [[3., 3.], -1.])

  @test_utils.in_all_modes
  def test_variables_and_unused_sources(self):
    v = tf.Variable([2., 5.])
    unused = tf.constant(1.)
    grads = test_utils.gradients(lambda: tf.reduce_sum(v * v), [v, unused])
    self.assertIsNone(grads[1])
    self.init()
    self.assertAllClose(self.evaluate(grads[0]), [4., 10.])


class VariableNamesTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_names_relative_to_a_scope(self):
    with tf.compat.v1.variable_scope("outer"):
      w = tf.compat.v1.get_variable("inner/w", [1])
    self.assertEqual(test_utils.variable_name(w), "outer/inner/w")
    self.assertEqual(test_utils.variable_name(w, "outer"), "inner/w")
    self.assertEqual(list(test_utils.variables_by_name([w], "outer/inner")),
                     ["w"])
    with self.assertRaisesRegex(ValueError,
                                "^outer/inner/w is not in scope out.$"):
      test_utils.variable_name(w, "out")


class NumpyReferenceTest(test_utils.TestCase):

  def test_activations(self):
    x = np.array([[-1., 0., 2.], [1000., 1000., 1000.]])
    self.assertAllClose(refs.sigmoid(np.array([0., np.log(3.)])), [0.5, 0.75])
    self.assertAllClose(refs.softplus(np.array([0.])), [np.log(2.)])
    softmax = refs.softmax(x)
    self.assertAllClose(softmax.sum(-1), [1., 1.])
    self.assertAllClose(softmax[1], [1 / 3.] * 3)
    self.assertAllClose(softmax[0], np.exp(x[0]) / np.exp(x[0]).sum())

  def test_moments_and_layer_norm(self):
    x = np.array([[1., 3.], [5., 7.]])
    mean, variance = refs.moments(x, 0)
    self.assertAllClose(mean, [[3., 5.]])
    self.assertAllClose(variance, [[4., 4.]])
    self.assertAllClose(refs.moments(x, 0, bessel=True)[1], [[8., 8.]])
    self.assertAllClose(refs.layer_norm(x, 2., 1., eps=0.), [[-1., 3.]] * 2)

  def test_padding_rules(self):
    # TensorFlow's SAME: 5 inputs, kernel 3, stride 2 -> 3 outputs, 1 + 1.
    self.assertEqual(refs.tf_same_pads(5, 3, 2, 1), (1, 1))
    self.assertEqual(refs.tf_same_pads(6, 3, 2, 1), (0, 1))
    self.assertEqual(refs.explicit_pads("FULL", 3, 2), (4, 4))
    self.assertEqual(refs.explicit_pads("CAUSAL", 3, 1), (2, 0))

  def test_conv_is_a_sliding_dot_product(self):
    x = np.arange(5.).reshape(1, 5, 1)
    w = np.array([1., 10.]).reshape([2, 1, 1])
    self.assertAllClose(refs.conv(x, w)[0, :, 0], [10., 21., 32., 43.])
    self.assertAllClose(refs.conv(x, w, rate=2)[0, :, 0], [20., 31., 42.])
    self.assertAllClose(refs.conv(x, w, stride=2)[0, :, 0], [10., 32.])


if __name__ == "__main__":
  test_utils.main()
