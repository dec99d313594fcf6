"""Tests for snt.DepthwiseConv2D."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class DepthwiseConv2DTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      ("same", 3, 1, "SAME"),
      ("same_strided", 3, 2, "SAME"),
      ("valid_rect", (2, 3), 1, "VALID"),
      ("full", 2, 1, "FULL"),
      ("per_dim", 3, 2, ("CAUSAL", "REVERSE_CAUSAL")),
  )
  @test_utils.in_all_modes
  def test_matches_numpy(self, kernel, stride, padding):
    x = np.random.RandomState(0).randn(2, 7, 6, 3).astype(np.float32)
    conv = snt.DepthwiseConv2D(
        2, kernel, stride=stride, padding=padding,
        initializers={"b": tf1.random_normal_initializer(seed=1)})
    y = conv(tf.constant(x))
    self.init()
    w, b, y = self.evaluate([conv.w, conv.b, y])
    strides = conv.stride[1:-1]
    pads = refs.conv_pads(conv.paddings, [7, 6], conv.kernel_shape, strides,
                          [1, 1])
    expected = refs.depthwise(x, w, strides, [1, 1], pads) + b
    self.assertAllClose(y, expected, rtol=1e-4, atol=1e-4)

  @test_utils.in_all_modes
  def test_names_shapes_and_sharing(self):
    conv = snt.DepthwiseConv2D(2, 3)
    self.assertEqual(conv.channel_multiplier, 2)
    y = conv(tf.ones([1, 5, 5, 3]))
    conv(tf.ones([2, 4, 4, 3]))
    self.assertEqual(y.shape.as_list(), [1, 5, 5, 6])
    self.assertVariableShapes(
        conv.get_variables(),
        {"conv_2d_depthwise/w": [3, 3, 3, 2], "conv_2d_depthwise/b": [6]})
    self.assertLen(conv.variables, 2)
    self.assertEqual(conv.output_channels, 6)

  def test_output_channels_need_connection(self):
    with self.assertRaises(snt.NotConnectedError):
      _ = snt.DepthwiseConv2D(2, 3).output_channels

  @test_utils.in_all_modes
  def test_changed_channels_raise(self):
    conv = snt.DepthwiseConv2D(2, 3)
    conv(tf.ones([1, 5, 5, 3]))
    with self.assertRaisesRegex(ValueError, "^Trying to share variables"):
      conv(tf.ones([1, 5, 5, 4]))

  def test_unequal_strides_are_left_to_tensorflow(self):
    # As in Sonnet 1; some of TensorFlow's kernels refuse them when run.
    self.assertEqual(
        snt.DepthwiseConv2D(1, 3, stride=[1, 2]).stride, (1, 1, 2, 1))
    self.assertEqual(snt.InPlaneConv2D(3, stride=[2, 1]).stride, (1, 2, 1, 1))
    self.assertEqual(
        snt.SeparableConv2D(1, 1, 3, stride=[2, 1]).stride, (1, 2, 1, 1))

  def test_channel_multiplier_forms(self):
    self.assertEqual(
        snt.DepthwiseConv2D(tf1.Dimension(3), 1).channel_multiplier, 3)
    self.assertEqual(snt.DepthwiseConv2D(np.int32(2), 1).channel_multiplier, 2)

  @parameterized.named_parameters(
      ("multiplier", dict(channel_multiplier=0), ValueError,
       r"^channel_multiplier \(0\), must be >= 1"),
      ("multiplier_type", dict(channel_multiplier=2.0), ValueError,
       r"^channel_multiplier \(2.0\), must be of type \(`tf.Dimension`, "
       r"`numbers.Integral`\)"),
      ("stride", dict(stride=[1, 1, 1]), snt.IncompatibleShapeError,
       r"^Invalid stride shape: x is \[1, 1, 1\], must be either a positive "
       "integer or an iterable of positive integers of size 2"),
      ("padding", dict(padding="NONE"), TypeError, "^padding is NONE"),
      ("data_format", dict(data_format="NCW"), ValueError,
       "^Invalid data_format NCW"),
  )
  def test_bad_configuration(self, kwargs, error, message):
    config = dict(channel_multiplier=2, kernel_shape=3)
    config.update(kwargs)
    with self.assertRaisesRegex(error, message):
      snt.DepthwiseConv2D(**config)

  @test_utils.in_all_modes
  def test_clone(self):
    conv = snt.DepthwiseConv2D(3, 2, stride=2, use_bias=False)
    clone = conv.clone()
    clone(tf.ones([1, 4, 4, 2]))
    self.assertEqual(clone.channel_multiplier, 3)
    self.assertVariableShapes(clone.get_variables(),
                              {"conv_2d_depthwise_clone/w": [2, 2, 2, 3]})


if __name__ == "__main__":
  test_utils.main()
