"""Tests for snt.Conv1DTranspose, snt.Conv2DTranspose, snt.Conv3DTranspose."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import conv_transpose
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1

_TRANSPOSES = {
    1: snt.Conv1DTranspose, 2: snt.Conv2DTranspose, 3: snt.Conv3DTranspose}
_CONVS = {1: snt.Conv1D, 2: snt.Conv2D, 3: snt.Conv3D}


def _random(shape, seed):
  return np.random.RandomState(seed).randn(*shape).astype(np.float32)


class ConvTransposeNumericsTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      ("1d_same", 1, [5], 3, 2, "SAME", None),
      ("1d_valid", 1, [4], 3, 2, "VALID", None),
      ("1d_same_odd_output", 1, [4], 4, 2, "SAME", [7]),
      ("2d_same", 2, [3, 4], 3, 2, "SAME", None),
      ("2d_valid_rect", 2, [3, 2], (2, 3), (2, 1), "VALID", None),
      ("2d_valid_small_kernel", 2, [3, 3], 1, 3, "VALID", None),
      ("2d_same_given_shape", 2, [3, 3], 3, 2, "SAME", [5, 6]),
      ("2d_valid_given_shape", 2, [3, 3], 3, 2, "VALID", [8, 7]),
      ("3d_same", 3, [2, 3, 2], 2, (1, 2, 2), "SAME", None),
      ("3d_valid", 3, [2, 2, 2], 3, 2, "VALID", None),
  )
  @test_utils.in_all_modes
  def test_matches_numpy_scatter(self, n, spatial, kernel, stride, padding,
                                 output_shape):
    x = _random([2] + spatial + [3], seed=n)
    module = _TRANSPOSES[n](4, output_shape=output_shape, kernel_shape=kernel,
                            stride=stride, padding=padding, initializers={
                                "b": tf1.random_normal_initializer(seed=2)})
    y = module(tf.constant(x))
    self.init()
    w, b, y = self.evaluate([module.w, module.b, y])
    if n == 1:
      self.assertEqual(w.shape[0], 1)
      w = w[0]
    strides = module.stride[1:-1]
    expected_shape = output_shape or [
        s * st + (k - 1 if padding == "VALID" else 0)
        for s, k, st in zip(spatial, module.kernel_shape, strides)]
    self.assertEqual(module.output_shape, tuple(expected_shape))
    expected = refs.transpose_scatter(x, w, strides, expected_shape,
                                      padding) + b
    self.assertEqual(y.shape, expected.shape)
    self.assertAllClose(y, expected, rtol=1e-4, atol=1e-4)

  @parameterized.parameters(("SAME",), ("VALID",))
  @test_utils.in_all_modes
  def test_is_the_adjoint_of_the_convolution(self, padding):
    # <conv(x), y> == <x, conv_transpose(y)> for the same kernel, which the
    # transpose gets here from the initializers it inherits.
    x = tf.constant(_random([2, 7, 6, 3], seed=1))
    kernel = tf1.constant_initializer(_random([3, 3, 3, 4], seed=3))
    conv = snt.Conv2D(4, 3, stride=2, padding=padding, use_bias=False,
                      initializers={"w": kernel})
    transpose = conv.transpose()
    forward = conv(x)
    y = tf.constant(_random(forward.shape.as_list(), seed=2))
    backward = transpose(y)
    self.assertEqual(backward.shape.as_list(), [2, 7, 6, 3])
    self.init()
    lhs, rhs = self.evaluate([
        tf.reduce_sum(forward * y),
        tf.reduce_sum(x * backward)])
    self.assertAllClose(lhs, rhs, rtol=1e-4)


class ConvTransposeVariablesTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((1, "conv_1d_transpose", [1, 3, 8, 3]),
                            (2, "conv_2d_transpose", [3, 3, 8, 3]),
                            (3, "conv_3d_transpose", [3, 3, 3, 8, 3]))
  @test_utils.in_all_modes
  def test_names_shapes_and_sharing(self, n, name, w_shape):
    module = _TRANSPOSES[n](8, None, 3, stride=2)
    y = module(tf.ones([2] + [4] * n + [3]))
    module(tf.zeros([5] + [4] * n + [3]))
    self.assertEqual(y.shape.as_list(), [2] + [8] * n + [8])
    self.assertVariableShapes(module.get_variables(),
                              {name + "/w": w_shape, name + "/b": [8]})
    self.assertLen(module.variables, 2)

  @test_utils.in_all_modes
  def test_no_bias(self):
    module = snt.Conv2DTranspose(2, kernel_shape=3, use_bias=False)
    module(tf.ones([1, 3, 3, 1]))
    self.assertVariableNames(module.get_variables(), ["conv_2d_transpose/w"])
    with self.assertRaisesRegex(
        AttributeError, "^No bias Variable in Conv2DTranspose Module when "
        "`use_bias=False`"):
      _ = module.b

  @test_utils.in_graph_mode
  def test_unknown_batch_and_spatial_with_output_shape(self):
    module = snt.Conv2DTranspose(2, (6, 8), 3, stride=2)
    x = tf1.placeholder(tf.float32, [None, None, None, 5])
    y = module(x)
    self.assertEqual(y.shape.as_list(), [None, 6, 8, 2])
    self.init()
    out = tf1.get_default_session().run(y, {x: np.ones([3, 3, 4, 5])})
    self.assertEqual(out.shape, (3, 6, 8, 2))

  @test_utils.in_eager_mode
  def test_tf_function(self):
    module = snt.Conv1DTranspose(3, kernel_shape=2, stride=2)
    x = tf.constant(_random([2, 5, 4], seed=3))
    self.assertAllClose(module(x), tf.function(module)(x))
    self.assertLen(module.variables, 2)


class ConvTransposeTransposeTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((1, "SAME", [9]), (2, "VALID", [9, 8]),
                            (3, "SAME", [5, 4, 6]))
  @test_utils.in_all_modes
  def test_round_trip_keeps_shapes(self, n, padding, spatial):
    conv = _CONVS[n](5, 3, stride=2, padding=padding, name="enc")
    transpose = conv.transpose()  # Made before `conv` is connected.
    self.assertIsInstance(transpose, _TRANSPOSES[n])
    self.assertEqual(transpose.module_name, "enc_transpose")
    x = tf.ones([2] + spatial + [3])
    z = transpose(conv(x))
    self.assertEqual(z.shape.as_list(), [2] + spatial + [3])
    self.assertEqual(transpose.kernel_shape, conv.kernel_shape)
    self.assertEqual(transpose.stride, conv.stride)
    self.assertEqual(transpose.padding, padding)
    w_shape = conv.w.shape.as_list()
    self.assertEqual(transpose.w.shape.as_list(),
                     [1] + w_shape if n == 1 else w_shape)

    back = transpose.transpose()
    self.assertIsInstance(back, _CONVS[n])
    self.assertEqual(back.module_name, "enc_transpose_transpose")
    self.assertEqual(back(z).shape.as_list(), conv(x).shape.as_list())
    self.assertEqual(back.w.shape.as_list(), w_shape)
    self.assertEqual((back.kernel_shape, back.stride, back.output_channels),
                     (conv.kernel_shape, conv.stride, 5))

  @test_utils.in_all_modes
  def test_transpose_before_parent_connected_raises(self):
    transpose = snt.Conv2D(4, 3).transpose()
    with self.assertRaisesRegex(
        snt.NotConnectedError,
        "^Variables in conv_2d not instantiated yet, __call__ the module "
        "first."):
      transpose(tf.ones([1, 4, 4, 4]))
    up = snt.Conv2DTranspose(4, kernel_shape=3, name="up")
    with self.assertRaisesRegex(snt.NotConnectedError,
                                "^Variables in up not instantiated yet"):
      up.transpose()(tf.ones([1, 3, 3, 4]))

  @test_utils.in_all_modes
  def test_transpose_of_transpose_reads_parent_lazily(self):
    up = snt.Conv1DTranspose(5, kernel_shape=2, stride=3, padding=snt.VALID,
                             name="up")
    down = up.transpose()
    self.assertEqual((down.kernel_shape, down.stride, down.conv_op_padding),
                     ((2,), (1, 3, 1), "VALID"))
    with self.assertRaisesRegex(snt.NotConnectedError,
                                "^Variables in up not instantiated yet"):
      _ = down.output_channels
    y = up(tf.ones([2, 4, 6]))
    self.assertEqual(up.output_shape, (13,))  # 4 * 3 + 2 - 1
    self.assertEqual(down.output_channels, 6)
    with self.assertRaisesRegex(snt.NotConnectedError,
                                "^Variables in up_transpose not"):
      _ = down.input_shape
    self.assertEqual(down(y).shape.as_list(), [2, 4, 6])

  def test_output_shape_of_transpose_resolved_before_connection(self):
    conv = snt.Conv2D(4, 3, stride=2)
    transpose = conv.transpose()
    conv(tf.ones([1, 9, 7, 2]))
    self.assertEqual(transpose.output_shape, (9, 7))

  def test_untransposable_convolutions(self):
    with self.assertRaisesRegex(
        snt.NotSupportedError,
        "^Cannot transpose a dilated convolution module"):
      snt.Conv2D(4, 3, rate=2).transpose()
    for conv in (snt.Conv1D(4, 3, padding=snt.CAUSAL),
                 snt.Conv2D(4, 3, padding=[snt.SAME, snt.VALID]),
                 snt.Conv2D(4, 3, padding_value=snt.REFLECT_PADDING)):
      with self.assertRaisesRegex(
          snt.NotSupportedError,
          "^Cannot transpose a convolution using mixed paddings or paddings "
          "other than SAME or VALID"):
        conv.transpose()

  @test_utils.in_all_modes
  def test_clone(self):
    module = snt.Conv2DTranspose(3, (4, 4), 2, stride=2, name="up")
    clone = module.clone()
    self.assertEqual(clone.module_name, "up_clone")
    self.assertEqual((clone.output_shape, clone.kernel_shape, clone.stride),
                     ((4, 4), (2, 2), (1, 2, 2, 1)))
    clone(tf.ones([1, 2, 2, 1]))
    self.assertVariableNames(clone.get_variables(),
                             ["up_clone/w", "up_clone/b"])


class ConvTransposeErrorsTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_input_not_matching_output_shape_fails_when_run(self):
    module = snt.Conv2DTranspose(2, (8, 8), 3, stride=2)
    if self.eager:
      with self.assertRaisesRegex(
          tf.errors.InvalidArgumentError,
          r"conv_2d_transpose: an output of spatial shape \[8, 8\] .* needs "
          r"inputs of spatial shape \[4, 4\], got input shape "
          r"\(1, 5, 4, 3\)"):
        module(tf.ones([1, 5, 4, 3]))
    else:
      y = module(tf.ones([1, 5, 4, 3]))  # As Sonnet 1: the op fails later.
      self.init()
      with self.assertRaises(tf.errors.OpError):
        self.evaluate(y)

  @test_utils.in_all_modes
  def test_inferred_output_shape_follows_each_connection(self):
    module = snt.Conv1DTranspose(2, kernel_shape=3, stride=2)
    module(tf.ones([1, 4, 3]))
    self.assertEqual(module.output_shape, (8,))
    self.assertEqual(module(tf.ones([1, 5, 3])).shape.as_list(), [1, 10, 2])
    self.assertEqual(module.output_shape, (10,))

  def test_output_shape_forms(self):
    self.assertEqual(
        snt.Conv2DTranspose(1, tf1.Dimension(6), 3).output_shape, (6, 6))
    self.assertEqual(
        snt.Conv2DTranspose(1, tf.TensorShape([4, 5]), 3).output_shape, (4, 5))
    self.assertEqual(
        snt.Conv2DTranspose(1, lambda: [tf1.Dimension(2), 3], 1).output_shape,
        (2, 3))
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        "^Output shape must have rank 2, but instead "
        "was 3"):
      _ = snt.Conv2DTranspose(1, lambda: (2, 3, 4), 1).output_shape

  @parameterized.parameters(
      ([20], [3], [4], "SAME", (60,)),
      ([23, 11, 13], [7, 1, 2], [1, 3, 2], "VALID", (161, 13, 27)),
      ([1, 3], [6, 2], [34, 2], "VALID", (39, 7)))
  def test_default_transpose_size(self, input_shape, stride, kernel, padding,
                                  expected):
    self.assertEqual(
        conv_transpose.default_transpose_size(input_shape, stride, kernel,
                                              padding), expected)

  def test_default_transpose_size_errors(self):
    with self.assertRaisesRegex(TypeError, "^input_shape is None"):
      conv_transpose.default_transpose_size([], 2)
    with self.assertRaisesRegex(ValueError, "^Padding must be member of"):
      conv_transpose.default_transpose_size([2], 2, 3, snt.FULL)

  @test_utils.in_all_modes
  def test_wrong_rank_and_channels_raise(self):
    module = snt.Conv3DTranspose(2, kernel_shape=3)
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "rank 5"):
      module(tf.ones([1, 4, 4, 3]))
    module(tf.ones([1, 2, 2, 2, 3]))
    with self.assertRaisesRegex(ValueError, "^Trying to share variables"):
      module(tf.ones([1, 2, 2, 2, 4]))

  @test_utils.in_graph_mode
  def test_unknown_sizes_raise(self):
    module = snt.Conv2DTranspose(2, kernel_shape=3)
    with self.assertRaisesRegex(snt.UnderspecifiedError,
                                "spatial input sizes must be known"):
      module(tf1.placeholder(tf.float32, [1, None, 4, 3]))
    with self.assertRaisesRegex(snt.UnderspecifiedError, "input channels"):
      module(tf1.placeholder(tf.float32, [1, 4, 4, None]))
    self.assertEmpty(tf1.global_variables())

  def test_output_shape_needs_connection_when_inferred(self):
    with self.assertRaises(snt.NotConnectedError):
      _ = snt.Conv2DTranspose(2, kernel_shape=3).output_shape
    self.assertEqual(snt.Conv2DTranspose(2, 5, 3).output_shape, (5, 5))

  @parameterized.named_parameters(
      ("no_kernel", dict(), ValueError, "^`kernel_shape` cannot be None."),
      ("negative_kernel", dict(kernel_shape=-2), snt.IncompatibleShapeError,
       "^Invalid kernel shape: x is -2"),
      ("output_shape", dict(kernel_shape=3, output_shape=[
          4, 0]), snt.IncompatibleShapeError,
       r"^Invalid output_shape shape: x is \[4, 0\]"),
      ("output_shape_length", dict(kernel_shape=3, output_shape=[
          4]), snt.IncompatibleShapeError,
       "must be either a positive integer or an iterable of positive integers "
       "of size 2"),
      ("padding", dict(kernel_shape=3, padding=snt.FULL), ValueError,
       r"^Padding must be member of '\{SAME, VALID\}', not FULL"),
      ("stride", dict(kernel_shape=3, stride=[1, 2, 2, 2
                                             ]), snt.IncompatibleShapeError,
       "^Invalid stride: First and last element must be 1"),
      ("stride_nchw",
       dict(kernel_shape=3, stride=[2, 1, 2, 2],
            data_format="NCHW"), snt.IncompatibleShapeError,
       "^Invalid stride: First and second element must be 1"),
      ("stride_length", dict(kernel_shape=3, stride=[
          1, 1, 1]), snt.IncompatibleShapeError,
       r"^stride is \[1, 1, 1\] \(<class 'list'>\), must be either a "
       "positive integer or an iterable of positive integers of size 2"),
      ("zero_stride", dict(kernel_shape=3, stride=0), TypeError,
       "^x is 0, must be either a positive integer"),
      ("short_stride", dict(kernel_shape=3, stride=[
          2]), TypeError, r"^x is \[2\], must be either"),
      ("data_format", dict(kernel_shape=3, data_format="NDHWC"), ValueError,
       "^Invalid data_format NDHWC"),
      ("initializer_key", dict(kernel_shape=3, initializers={
          "u": tf.ones}), KeyError, "Invalid initializer keys"),
  )
  def test_bad_configuration(self, kwargs, error, message):
    with self.assertRaisesRegex(error, message):
      snt.Conv2DTranspose(4, **kwargs)


if __name__ == "__main__":
  test_utils.main()
