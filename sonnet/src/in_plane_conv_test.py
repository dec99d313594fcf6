"""Tests for snt.InPlaneConv2D."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class InPlaneConv2DTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((3, 1, "SAME"), ((2, 3), 1, "VALID"),
                            (3, 2, "SAME"), (2, 1, "FULL"))
  @test_utils.in_all_modes
  def test_matches_numpy(self, kernel, stride, padding):
    x = np.random.RandomState(0).randn(2, 6, 7, 3).astype(np.float32)
    conv = snt.InPlaneConv2D(
        kernel, stride=stride, padding=padding,
        initializers={"b": tf1.random_normal_initializer(seed=1)})
    y = conv(tf.constant(x))
    self.init()
    w, b, y = self.evaluate([conv.w, conv.b, y])
    strides = conv.stride[1:-1]
    pads = refs.conv_pads(conv.paddings, [6, 7], conv.kernel_shape, strides,
                          [1, 1])
    # The same filter for every channel, channels kept apart.
    expected = refs.depthwise(x, np.tile(w, [1, 1, 3, 1]), strides, [1, 1],
                              pads) + b
    self.assertAllClose(y, expected, rtol=1e-4, atol=1e-4)

  @test_utils.in_all_modes
  def test_names_shapes_and_sharing(self):
    conv = snt.InPlaneConv2D(3)
    y = conv(tf.ones([1, 5, 5, 3]))
    conv(tf.ones([2, 4, 4, 3]))
    self.assertEqual(y.shape.as_list(), [1, 5, 5, 3])
    self.assertVariableShapes(
        conv.get_variables(),
        {"in_plane_conv2d/w": [3, 3, 1, 1], "in_plane_conv2d/b": [3]})
    self.assertEqual(conv.output_channels, 3)

  @test_utils.in_all_modes
  def test_changed_channels_raise(self):
    conv = snt.InPlaneConv2D(3)
    conv(tf.ones([1, 5, 5, 3]))
    with self.assertRaisesRegex(ValueError, "^Trying to share variables"):
      conv(tf.ones([1, 5, 5, 2]))

  def test_bad_configuration(self):
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "^Invalid stride shape: x is 0"):
      snt.InPlaneConv2D(3, stride=0)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "^Invalid kernel shape: x is 0"):
      snt.InPlaneConv2D(0)

  @test_utils.in_all_modes
  def test_clone(self):
    clone = snt.InPlaneConv2D(2, use_bias=False).clone()
    clone(tf.ones([1, 3, 3, 5]))
    self.assertVariableShapes(clone.get_variables(),
                              {"in_plane_conv2d_clone/w": [2, 2, 1, 1]})


if __name__ == "__main__":
  test_utils.main()
