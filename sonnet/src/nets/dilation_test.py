"""Tests for snt.nets.Dilation and its kernel initializers."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules.nets import dilation as deep_dilation
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1

_RATES = (1, 1, 2, 4, 8, 16, 1, 1)


class DilationTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_variable_names_and_layers(self):
    net = snt.nets.Dilation(3)
    with self.assertRaisesRegex(snt.NotConnectedError,
                                "Variables in dilation not instantiated"):
      _ = net.conv_modules
    net(tf.ones([1, 8, 8, 3]))
    net(tf.ones([2, 5, 5, 3]))
    expected = {}
    for i in range(1, 9):
      expected["dilation/dilated_conv_conv%d/w" % i] = [3, 3, 3, 3]
      expected["dilation/dilated_conv_conv%d/b" % i] = [3]
    self.assertVariableShapes(net.get_variables(), expected)
    layers = net.conv_modules
    self.assertEqual(type(layers), list)
    self.assertEqual([m.module_name for m in layers],
                     ["conv%d" % i for i in range(1, 9)])
    convs = [m.layers[0] for m in layers]
    self.assertEqual([m.rate for m in convs], [(r, r) for r in _RATES])
    self.assertLen(layers[0].layers, 2)  # Conv and ReLU.
    self.assertLen(layers[-1].layers, 1)  # No final ReLU.

  @test_utils.in_all_modes
  def test_matches_numpy(self):
    rng = np.random.RandomState(0)
    x = rng.randn(2, 9, 9, 2).astype(np.float32)
    net = snt.nets.Dilation(
        2, initializers={
            "w": tf1.random_normal_initializer(stddev=0.3, seed=1),
            "b": tf1.random_normal_initializer(stddev=0.1, seed=2)})
    y = net(tf.constant(x))
    self.init()
    y, params = self.evaluate([
        y, [(m.layers[0].w, m.layers[0].b) for m in net.conv_modules]])
    h = x
    for i, ((w, b), rate) in enumerate(zip(params, _RATES)):
      h = refs.conv(h, w, rate=rate, padding="SAME") + b
      if i < 7:
        h = np.maximum(h, 0.)
    self.assertAllClose(y, h, atol=1e-4, rtol=1e-4)

  @parameterized.parameters("basic", "large")
  @test_utils.in_all_modes
  def test_identity_at_initialization(self, model_size):
    x = np.random.RandomState(0).rand(2, 9, 9, 2).astype(np.float32)
    net = snt.nets.Dilation(2, model_size=model_size)
    y = net(tf.constant(x))
    self.init()
    self.assertAllClose(self.evaluate(y), x, atol=1e-5)
    widths = [m.layers[0].output_channels for m in net.conv_modules]
    if model_size == "large":
      self.assertEqual(widths, [4, 4, 8, 16, 32, 64, 64, 2])
    else:
      self.assertEqual(widths, [2] * 8)

  @test_utils.in_eager_mode
  def test_first_connection_inside_tf_function(self):
    net = snt.nets.Dilation(2, model_size="large")
    x = tf.random.uniform([1, 7, 7, 2])
    y = tf.function(net)(x)
    self.assertAllClose(y, net(x))
    self.assertAllClose(y, x, atol=1e-5)

  @test_utils.in_all_modes
  def test_input_depth_is_not_checked(self):
    # As in Sonnet 1.36, only the rank is checked; the depth must suit the
    # initializers (identities need depth == num_output_classes).
    net = snt.nets.Dilation(2, initializers={"w": tf1.ones_initializer()})
    self.assertEqual(net(tf.ones([1, 5, 5, 3])).shape.as_list(), [1, 5, 5, 2])
    with self.assertRaisesRegex(
        ValueError, "in_channels must equal "
        "out_channels in order to construct "
        "per-channel identities."):
      snt.nets.Dilation(2)(tf.ones([1, 5, 5, 3]))

  @test_utils.in_all_modes
  def test_bad_rank(self):
    net = snt.nets.Dilation(3)
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError, r"^'images' must have shape \[batch_size, "
        r"height, width, depth\]."):
      net(tf.ones([1, 8, 8]))
    self.assertFalse(net.is_connected)

  @parameterized.parameters((None,), ({"w": tf1.ones_initializer()},))
  @test_utils.in_all_modes
  def test_bad_model_size_is_refused_when_connected(self, initializers):
    net = snt.nets.Dilation(3, initializers=initializers, model_size="huge")
    with self.assertRaisesRegex(ValueError, "^Unrecognized model_size: huge"):
      net(tf.ones([1, 8, 8, 3]))

  def test_bad_variable_options(self):
    with self.assertRaisesRegex(KeyError, "Invalid regularizer keys"):
      snt.nets.Dilation(3, regularizers={"x": tf.abs})
    with self.assertRaisesRegex(TypeError, "Initializer for 'w' is not"):
      snt.nets.Dilation(3, initializers={"w": 1.})

  @test_utils.in_all_modes
  def test_identity_kernel_initializer(self):
    w = self.evaluate(
        snt.nets.identity_kernel_initializer([5, 5, 2, 2], dtype=tf.float64))
    expected = np.zeros([5, 5, 2, 2])
    expected[2, 2] = np.eye(2)
    self.assertAllEqual(w, expected)
    self.assertEqual(w.dtype, np.float64)

  @parameterized.parameters(
      ([3, 3, 2], "^Convolution kernels must be rank 4.$"),
      ([3, 5, 2, 2], "^Identity initializer only works for square filters.$"),
      ([2, 2, 2, 2], "^Identity initializer requires filters have odd "
       "height and width.$"),
      ([3, 3, 2, 4], "^in_channels must equal out_channels in order to "
       "construct per-channel identities.$"))
  def test_identity_kernel_initializer_bad_shapes(self, shape, message):
    with self.assertRaisesRegex(ValueError, message):
      snt.nets.identity_kernel_initializer(shape)

  @test_utils.in_all_modes
  def test_noisy_identity_kernel_initializer(self):
    init = snt.nets.noisy_identity_kernel_initializer(2, stddev=0.)
    w = self.evaluate(init([3, 3, 4, 6]))
    centre = np.zeros([4, 6])
    centre[:2, :3] = centre[2:, 3:] = 1. / 3.
    self.assertAllClose(w[1, 1], centre)
    self.assertAllClose(w[0], np.zeros([3, 4, 6]))
    tf1.set_random_seed(0)
    noisy = self.evaluate(
        snt.nets.noisy_identity_kernel_initializer(2, stddev=0.1)([3, 3, 4, 6]))
    # The centre taps within a group are exact; the rest is truncated noise.
    self.assertAllEqual(noisy[1, 1][centre > 0],
                        centre[centre > 0].astype(np.float32))
    off = noisy[w == 0.]
    self.assertAllClose(off.std(), 0.088, atol=0.02)
    self.assertLess(np.abs(off).max(), 0.2)

  @parameterized.parameters(
      ([3, 3], "^Convolution kernels must be rank 4.$"),
      ([1, 3, 2, 2], "^Noisy identity initializer only works for square "
       "filters.$"),
      ([2, 2, 2, 2], "^Noisy identity initializer requires filters have odd "
       "height and width.$"),
      ([3, 3, 3, 2], "^in_channels and out_channels must both be multiples "
       "of base_num_channels.$"))
  def test_noisy_identity_kernel_initializer_bad_shapes(self, shape, message):
    with self.assertRaisesRegex(ValueError, message):
      snt.nets.noisy_identity_kernel_initializer(2)(shape)

  @test_utils.in_all_modes
  def test_range_along_dimension(self):
    self.assertAllEqual(
        self.evaluate(deep_dilation._range_along_dimension(0, [2, 3])),  # pylint: disable=protected-access
        [[0, 0, 0], [1, 1, 1]])
    self.assertAllEqual(
        self.evaluate(deep_dilation._range_along_dimension(1, [2, 3])),  # pylint: disable=protected-access
        [[0, 1, 2], [0, 1, 2]])
    with self.assertRaisesRegex(
        ValueError, "^Cannot calculate range along non-existent index.$"):
      deep_dilation._range_along_dimension(2, [2, 3])  # pylint: disable=protected-access


if __name__ == "__main__":
  test_utils.main()
