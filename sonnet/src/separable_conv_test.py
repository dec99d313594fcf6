"""Tests for snt.SeparableConv1D and snt.SeparableConv2D."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class SeparableConvTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      ("2d_same", 2, 3, 1, 1, "SAME"),
      ("2d_valid_strided", 2, 3, 2, 1, "VALID"),
      ("2d_same_dilated", 2, 3, 1, 2, "SAME"),
      ("2d_per_dim", 2, (2, 3), 1, 1, ("FULL", "CAUSAL")),
      ("1d_same", 1, 3, 1, 1, "SAME"),
      ("1d_causal_dilated", 1, 3, 1, 2, "CAUSAL"),
      ("1d_valid_strided", 1, 2, 2, 1, "VALID"),
  )
  @test_utils.in_all_modes
  def test_matches_numpy(self, n, kernel, stride, rate, padding):
    spatial = [7, 6][:n] if n == 2 else [9]
    x = np.random.RandomState(n).randn(*([2] + spatial + [3]))
    x = x.astype(np.float32)
    module = {1: snt.SeparableConv1D, 2: snt.SeparableConv2D}[n]
    conv = module(4, 2, kernel, stride=stride, rate=rate, padding=padding,
                  initializers={"b": tf1.random_normal_initializer(seed=1)})
    y = conv(tf.constant(x))
    self.init()
    w_dw, w_pw, b, y = self.evaluate([conv.w_dw, conv.w_pw, conv.b, y])
    if n == 1:
      w_dw = w_dw[0]
    strides = conv.stride[1:-1]
    pads = refs.conv_pads(conv.paddings, spatial, conv.kernel_shape, strides,
                          conv.rate)
    depthwise = refs.depthwise(x, w_dw, strides, conv.rate, pads)
    expected = np.tensordot(depthwise, w_pw[0, 0], axes=[[-1], [0]]) + b
    self.assertAllClose(y, expected, rtol=1e-4, atol=1e-4)

  @parameterized.parameters(
      (snt.SeparableConv2D, "separable_conv2d", [3, 3, 3, 2], [1, 6, 6, 3]),
      (snt.SeparableConv1D, "separable_conv1d", [1, 3, 3, 2], [1, 6, 3]))
  @test_utils.in_all_modes
  def test_names_shapes_and_sharing(self, module, name, dw_shape, x_shape):
    conv = module(8, 2, 3)
    conv(tf.ones(x_shape))
    conv(tf.zeros(x_shape))
    self.assertVariableShapes(conv.get_variables(), {
        name + "/w_dw": dw_shape, name + "/w_pw": [1, 1, 6, 8], name + "/b": [
            8]})
    self.assertLen(conv.variables, 3)
    self.assertEqual(conv.w, (conv.w_dw, conv.w_pw))
    self.assertEqual(conv.channel_multiplier, 2)

  def test_initializer_keys(self):
    self.assertEqual(snt.SeparableConv2D.get_possible_initializer_keys(),
                     {"w_dw", "w_pw", "b"})
    self.assertEqual(
        snt.SeparableConv1D.get_possible_initializer_keys(use_bias=False),
        {"w_dw", "w_pw"})
    with self.assertRaisesRegex(KeyError, r"Invalid initializer keys 'w'"):
      snt.SeparableConv2D(4, 2, 3, initializers={"w": tf.ones})

  @test_utils.in_all_modes
  def test_regularizers_per_kernel(self):
    conv = snt.SeparableConv2D(
        2, 1, 1, use_bias=False, initializers={
            "w_dw": tf1.ones_initializer(), "w_pw": tf1.ones_initializer()},
        regularizers={"w_pw": snt.regularizers.l1(1.)})
    y = conv(tf.ones([1, 2, 2, 3]))
    self.init()
    self.assertAllClose(self.evaluate(y), 3 * np.ones([1, 2, 2, 2]))
    losses = conv.get_regularization_losses()
    self.assertLen(losses, 1)
    self.assertAllClose(self.evaluate(losses[0]), 6.)

  @test_utils.in_all_modes
  def test_errors_at_connection(self):
    conv = snt.SeparableConv1D(4, 2, 3)
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "rank 3"):
      conv(tf.ones([1, 5, 5, 3]))
    conv(tf.ones([1, 5, 3]))
    with self.assertRaisesRegex(ValueError, "^Trying to share variables"):
      conv(tf.ones([1, 5, 2]))

  @parameterized.named_parameters(
      ("multiplier", dict(channel_multiplier=-1), ValueError,
       r"^channel_multiplier \(-1\), must be >= 1"),
      ("multiplier_type", dict(channel_multiplier="2"), ValueError,
       "^channel_multiplier \\(2\\), must be of type"),
      ("stride", dict(stride=[1, 1, 1]), snt.IncompatibleShapeError,
       r"^Invalid stride shape: x is \[1, 1, 1\]"),
      ("stride_and_rate", dict(stride=2, rate=2), snt.NotSupportedError,
       "^Cannot have stride > 1 with rate > 1"),
  )
  def test_bad_configuration(self, kwargs, error, message):
    config = dict(output_channels=4, channel_multiplier=2, kernel_shape=3)
    config.update(kwargs)
    with self.assertRaisesRegex(error, message):
      snt.SeparableConv2D(**config)

  @test_utils.in_all_modes
  def test_clone(self):
    clone = snt.SeparableConv1D(4, 3, 2, name="sep").clone()
    clone(tf.ones([1, 5, 2]))
    self.assertVariableShapes(
        clone.get_variables(), {
            "sep_clone/w_dw": [1, 2, 2, 3], "sep_clone/w_pw": [1, 1, 6, 4],
            "sep_clone/b": [4]})


if __name__ == "__main__":
  test_utils.main()
