"""Tests for snt.nets.AlexNet, AlexNetFull and AlexNetMini."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class AlexNetTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(("FULL", 195), ("HALF", 195), ("MINI", 17))
  def test_min_input_size(self, mode, size):
    self.assertEqual(snt.nets.AlexNet(mode).min_input_size, size)

  @test_utils.in_all_modes
  def test_mini_variables_and_output(self):
    net = snt.nets.AlexNetMini()
    y = net(tf.ones([2, 17, 17, 3]))
    net(tf.ones([1, 17, 17, 3]))  # Shares the variables.
    self.assertEqual(y.shape.as_list(), [2, 1024])
    self.assertVariableShapes(net.get_variables(), {
        "alex_net_mini/conv_2d_0/w": [3, 3, 3, 48],
        "alex_net_mini/conv_2d_0/b": [48],
        "alex_net_mini/conv_2d_1/w": [3, 3, 48, 128],
        "alex_net_mini/conv_2d_1/b": [128],
        "alex_net_mini/conv_2d_2/w": [3, 3, 128, 192],
        "alex_net_mini/conv_2d_2/b": [192],
        "alex_net_mini/conv_2d_3/w": [3, 3, 192, 192],
        "alex_net_mini/conv_2d_3/b": [192],
        "alex_net_mini/conv_2d_4/w": [3, 3, 192, 128],
        "alex_net_mini/conv_2d_4/b": [128],
        "alex_net_mini/linear_0/w": [128, 1024],
        "alex_net_mini/linear_0/b": [1024],
        "alex_net_mini/linear_1/w": [1024, 1024],
        "alex_net_mini/linear_1/b": [1024]})
    self.assertLen(net.conv_modules, 5)
    self.assertLen(net.linear_modules, 2)

  @test_utils.in_all_modes
  def test_matches_numpy_on_constant_kernels(self):
    # With all-ones kernels and zero bias, every unit sums its receptive
    # field; the result for a constant image follows by hand.
    init = {"w": tf1.constant_initializer(0.01)}
    net = snt.nets.AlexNetMini(initializers=init)
    y = net(tf.ones([1, 17, 17, 1]))
    self.init()
    out = self.evaluate(y)
    value = 1.
    for fan_in in (9 * 1, 9 * 48, 9 * 128, 9 * 192, 9 * 192):
      value *= 0.01 * fan_in  # VALID convs and max pools of constants.
    value *= 0.01 * 128
    value *= 0.01 * 1024
    self.assertAllClose(out, np.full([1, 1024], value), rtol=1e-4)

  @test_utils.in_all_modes
  def test_batch_norm_and_dropout(self):
    net = snt.nets.AlexNetMini(use_batch_norm=True)
    with self.assertRaisesRegex(ValueError, "is_training must be given"):
      net(tf.ones([2, 17, 17, 3]))
    y = net(tf.ones([2, 17, 17, 3]), keep_prob=0.5, is_training=True)
    net(tf.ones([2, 17, 17, 3]), is_training=False)
    self.assertEqual(y.shape.as_list(), [2, 1024])
    names = [v.name for v in net.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES)]
    self.assertIn("alex_net_mini/batch_norm_4/moving_mean:0", names)
    self.assertIn("alex_net_mini/batch_norm_linear_1/beta:0", names)

  @test_utils.in_all_modes
  def test_too_small_raises(self):
    net = snt.nets.AlexNetFull()
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "alex_net_full: inputs must be at least "
                                "195x195 in FULL mode, got 100x100"):
      net(tf.ones([1, 100, 100, 3]))
    self.assertFalse(net.is_connected)

  def test_bad_mode(self):
    with self.assertRaisesRegex(ValueError, "mode must be one of"):
      snt.nets.AlexNet("HUGE")


if __name__ == "__main__":
  test_utils.main()
