"""Tests for snt.nets.Dilation and its kernel initializers."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf


class DilationTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_variable_names(self):
    net = snt.nets.Dilation(3)
    net(tf.ones([1, 8, 8, 3]))
    net(tf.ones([2, 5, 5, 3]))
    expected = {}
    for i in range(1, 9):
      expected["dilation/dilated_conv_conv%d/w" % i] = [3, 3, 3, 3]
      expected["dilation/dilated_conv_conv%d/b" % i] = [3]
    self.assertVariableShapes(net.get_variables(), expected)
    self.assertEqual([m.rate for m in net.conv_modules],
                     [(r, r) for r in (1, 1, 2, 4, 8, 16, 1, 1)])

  @parameterized.parameters("basic", "large")
  @test_utils.in_all_modes
  def test_identity_at_initialization(self, model_size):
    x = np.random.RandomState(0).rand(2, 9, 9, 2).astype(np.float32)
    net = snt.nets.Dilation(2, model_size=model_size)
    y = net(tf.constant(x))
    self.init()
    self.assertAllClose(self.evaluate(y), x, atol=1e-5)
    if model_size == "large":
      widths = [m.output_channels for m in net.conv_modules]
      self.assertEqual(widths, [4, 4, 8, 16, 32, 64, 64, 2])

  @test_utils.in_all_modes
  def test_wrong_channels_raise(self):
    net = snt.nets.Dilation(3)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                r"dilation: inputs must be \[batch, height, "
                                r"width, 3\]"):
      net(tf.ones([1, 8, 8, 4]))
    self.assertFalse(net.is_connected)

  @test_utils.in_all_modes
  def test_identity_kernel_initializer(self):
    w = self.evaluate(snt.nets.identity_kernel_initializer([3, 5, 2, 2]))
    expected = np.zeros([3, 5, 2, 2])
    expected[1, 2] = np.eye(2)
    self.assertAllEqual(w, expected)
    with self.assertRaisesRegex(ValueError, "odd height and width"):
      snt.nets.identity_kernel_initializer([2, 3, 2, 2])
    with self.assertRaisesRegex(ValueError, "as many input as output"):
      snt.nets.identity_kernel_initializer([3, 3, 2, 4])
    with self.assertRaisesRegex(ValueError, "4-D"):
      snt.nets.identity_kernel_initializer([3, 3, 2])

  @test_utils.in_all_modes
  def test_noisy_identity_kernel_initializer(self):
    init = snt.nets.noisy_identity_kernel_initializer(2, stddev=0.)
    w = self.evaluate(init([3, 3, 4, 2]))
    centre = np.array([[1., 0.], [1., 0.], [0., 1.], [0., 1.]])
    self.assertAllClose(w[1, 1], centre)
    self.assertAllClose(w[0], np.zeros([3, 4, 2]))
    noisy = self.evaluate(snt.nets.noisy_identity_kernel_initializer(
        2, stddev=0.1)([3, 3, 4, 2]))
    self.assertAllClose((noisy - w).std(), 0.1, rtol=0.3)
    with self.assertRaisesRegex(ValueError, "multiples"):
      init([3, 3, 3, 2])

  def test_bad_model_size(self):
    with self.assertRaisesRegex(ValueError, "model_size"):
      snt.nets.Dilation(3, model_size="huge")


if __name__ == "__main__":
  test_utils.main()
