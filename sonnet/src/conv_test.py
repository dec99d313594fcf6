"""Tests for snt.Conv1D, snt.Conv2D and snt.Conv3D."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules import conv as conv_v1
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1

_CONVS = {1: snt.Conv1D, 2: snt.Conv2D, 3: snt.Conv3D}
_NP_MODES = {
    "CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def _random(shape, seed):
  return np.random.RandomState(seed).randn(*shape).astype(np.float32)


def _bias_init():
  return tf1.random_normal_initializer(seed=3)


class ConvNumericsTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      ("1d_same", 1, 3, 1, 1, "SAME", "CONSTANT"),
      ("1d_valid_stride", 1, 3, 2, 1, "VALID", "CONSTANT"),
      ("1d_causal_dilated", 1, 3, 1, 2, "CAUSAL", "CONSTANT"),
      ("1d_reverse_causal", 1, 2, 1, 1, "REVERSE_CAUSAL", "CONSTANT"),
      ("1d_full_dilated", 1, 3, 1, 3, "FULL", "CONSTANT"),
      ("1d_same_reflect", 1, 3, 1, 1, "SAME", "REFLECT"),
      ("1d_same_even_reflect", 1, 4, 1, 1, "SAME", "REFLECT"),
      ("2d_same_stride", 2, 3, 2, 1, "SAME", "CONSTANT"),
      ("2d_same_even_kernel_stride", 2, 4, 3, 1, "SAME", "CONSTANT"),
      ("2d_valid_rect", 2, (2, 3), (1, 2), 1, "VALID", "CONSTANT"),
      ("2d_same_dilated", 2, 3, 1, (2, 1), "SAME", "CONSTANT"),
      ("2d_full", 2, (3, 2), 1, 1, "FULL", "CONSTANT"),
      ("2d_per_dim", 2, 3, 1, 1, ("CAUSAL", "VALID"), "CONSTANT"),
      ("2d_per_dim_even", 2, (2, 4), 1, 1, ("SAME", "FULL"), "CONSTANT"),
      ("2d_per_dim_strided", 2, 3, 2, 1,
       ("FULL", "REVERSE_CAUSAL"), "CONSTANT"),
      ("2d_same_symmetric", 2, 3, 1, 1, "SAME", "SYMMETRIC"),
      ("2d_causal_reflect", 2, 3, 1, 1, "CAUSAL", "REFLECT"),
      ("3d_same", 3, 3, 1, 1, "SAME", "CONSTANT"),
      ("3d_valid_stride", 3, 2, (1, 2, 1), 1, "VALID", "CONSTANT"),
      ("3d_per_dim_dilated", 3, 2, 1, 2,
       ("SAME", "FULL", "CAUSAL"), "CONSTANT"),
  )
  @test_utils.in_all_modes
  def test_matches_numpy(self, n, kernel, stride, rate, padding, padding_value):
    spatial = {1: [9], 2: [7, 8], 3: [5, 6, 4]}[n]
    x = _random([2] + spatial + [3], seed=n)
    conv = _CONVS[n](4, kernel, stride=stride, rate=rate, padding=padding,
                     padding_value=padding_value,
                     initializers={"b": _bias_init()})
    y = conv(tf.constant(x))
    self.init()
    w, b, y = self.evaluate([conv.w, conv.b, y])

    kernel = conv.kernel_shape
    strides = conv.stride[1:-1]
    pads = refs.conv_pads(conv.paddings, spatial, kernel, strides, conv.rate,
                          tf_same=padding_value == "CONSTANT")
    expected = refs.correlate(x, w, strides, conv.rate, pads,
                              mode=_NP_MODES[padding_value]) + b
    self.assertEqual(y.shape, expected.shape)
    self.assertAllClose(y, expected, rtol=1e-4, atol=1e-4)

  @parameterized.parameters(("SAME", [9]), ("VALID", [7]), ("FULL", [11]),
                            ("CAUSAL", [9]), ("REVERSE_CAUSAL", [9]))
  @test_utils.in_all_modes
  def test_output_lengths(self, padding, length):
    conv = snt.Conv1D(2, 3, padding=padding)
    self.assertEqual(
        conv(tf.ones([1, 9, 1])).shape.as_list(), [1] + length + [2])

  @test_utils.in_all_modes
  def test_causal_output_ignores_the_future(self):
    x = _random([1, 8, 2], seed=4)
    later = x.copy()
    later[:, 5:] += 10.
    conv = snt.Conv1D(3, 3, rate=2, padding=snt.CAUSAL)
    y, y_later = conv(tf.constant(x)), conv(tf.constant(later))
    self.init()
    y, y_later = self.evaluate([y, y_later])
    self.assertAllClose(y[:, :5], y_later[:, :5])
    self.assertGreater(np.abs(y[:, 5:] - y_later[:, 5:]).min(), 1e-3)

  @parameterized.parameters(1, 2, 3)
  @test_utils.in_all_modes
  def test_mask_of_kernel_shape(self, n):
    mask = np.random.RandomState(n).randint(0, 2,
                                            size=[3] * n).astype(np.float32)
    x = _random([2] + [5] * n + [2], seed=n)
    conv = _CONVS[n](3, 3, mask=mask, use_bias=False)
    y = conv(tf.constant(x))
    self.init()
    w, y = self.evaluate([conv.w, y])
    masked = w * mask.reshape(mask.shape + (1, 1))
    expected = refs.correlate(x, masked, [1] * n, [1] * n, [(1, 1)] * n)
    self.assertAllClose(y, expected, rtol=1e-4, atol=1e-4)
    self.assertAllEqual(conv.mask, mask)

  @parameterized.named_parameters(
      ("full_rank", [2, 2, 3, 4], False), ("input_channels", [2, 2, 3], False),
      ("first_dim", [2], False), ("tensor", [2, 2, 3], True))
  @test_utils.in_all_modes
  def test_mask_broadcast_over_trailing_dims(self, mask_shape, as_tensor):
    mask = np.random.RandomState(5).randint(0, 2,
                                            size=mask_shape).astype(np.float64)
    x = _random([1, 4, 4, 3], seed=5)
    conv = snt.Conv2D(4, 2, mask=tf.constant(mask) if as_tensor else mask,
                      padding=snt.VALID, use_bias=False)
    y = conv(tf.constant(x))
    self.init()
    w, y = self.evaluate([conv.w, y])
    full_mask = mask.reshape(mask.shape + (1,) * (4 - mask.ndim))
    expected = refs.correlate(x, w * full_mask, [1, 1], [1, 1], [(0, 0)] * 2)
    self.assertAllClose(y, expected, rtol=1e-4, atol=1e-4)

  @test_utils.in_all_modes
  def test_default_initializer_scale(self):
    conv = snt.Conv2D(400, 3, use_bias=False)
    conv(tf.ones([1, 4, 4, 20]))
    self.init()
    w = self.evaluate(conv.w)
    fan_in = 3 * 3 * 20
    self.assertLess(np.abs(w).max(), 2 / np.sqrt(fan_in) + 1e-6)
    self.assertAllClose(w.std(), refs.fan_in_stddev(fan_in), rtol=0.05)


class ConvVariablesTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((1, "conv_1d", [3, 3, 8]),
                            (2, "conv_2d", [3, 3, 3, 8]),
                            (3, "conv_3d", [3, 3, 3, 3, 8]))
  @test_utils.in_all_modes
  def test_names_shapes_and_sharing(self, n, name, w_shape):
    conv = _CONVS[n](8, 3)
    conv(tf.ones([2] + [6] * n + [3]))
    conv(tf.ones([1] + [4] * n + [3]))  # Other sizes share the variables.
    self.assertVariableShapes(conv.get_variables(),
                              {name + "/w": w_shape, name + "/b": [8]})
    self.assertLen(tf1.global_variables() if not self.eager else conv.variables,
                   2)
    self.assertEqual(conv.input_shape, tuple([1] + [4] * n + [3]))

  @test_utils.in_all_modes
  def test_no_bias(self):
    conv = snt.Conv2D(8, 3, use_bias=False)
    conv(tf.ones([1, 4, 4, 3]))
    self.assertVariableNames(conv.get_variables(), ["conv_2d/w"])
    self.assertFalse(conv.has_bias)
    with self.assertRaisesRegex(
        AttributeError, "^No bias Variable in Conv2D Module when "
        "`use_bias=False`"):
      _ = conv.b

  @test_utils.in_all_modes
  def test_initializers_and_regularizers(self):
    conv = snt.Conv1D(
        2, 2, initializers={
            "w": tf1.ones_initializer(), "b": tf1.constant_initializer(0.5)},
        regularizers={"w": snt.regularizers.l1(0.5)})
    y = conv(tf.ones([1, 3, 3]))
    self.init()
    # Each output sums 2 taps x 3 channels of ones (SAME pads the last).
    self.assertAllClose(self.evaluate(y)[0, :, 0], [6.5, 6.5, 3.5])
    losses = conv.get_regularization_losses()
    self.assertLen(losses, 1)
    self.assertAllClose(self.evaluate(losses[0]), 0.5 * 2 * 3 * 2)

  @test_utils.in_graph_mode
  def test_partitioned_weights(self):
    conv = snt.Conv2D(8, 3,
                      partitioners={"w": tf1.fixed_size_partitioner(2, axis=3)})
    y = conv(tf.ones([1, 4, 4, 4]))
    self.init()
    self.assertEqual(self.evaluate(y).shape, (1, 4, 4, 8))
    self.assertLen(list(conv.w), 2)

  @test_utils.in_graph_mode
  def test_unknown_spatial_and_batch_sizes(self):
    conv = snt.Conv2D(5, 3, stride=2, padding=snt.FULL)
    x = tf1.placeholder(tf.float32, [None, None, None, 2])
    y = conv(x)
    self.assertEqual(y.shape.as_list(), [None, None, None, 5])
    self.init()
    session = tf1.get_default_session()
    self.assertEqual(
        session.run(y, {x: np.ones([3, 6, 7, 2])}).shape, (3, 4, 5, 5))

  @test_utils.in_all_modes
  def test_custom_getter(self):

    def double(getter, *args, **kwargs):
      return 2. * getter(*args, **kwargs)

    conv = snt.Conv1D(1, 1, use_bias=False, custom_getter=double,
                      initializers={"w": tf1.ones_initializer()})
    y = conv(tf.ones([1, 2, 1]))
    self.init()
    self.assertAllClose(self.evaluate(y), [[[2.], [2.]]])

  @test_utils.in_eager_mode
  def test_tf_function(self):
    conv = snt.Conv2D(3, 2, stride=2)
    x = tf.constant(_random([2, 6, 6, 4], seed=7))
    eager = conv(x)
    traced = tf.function(conv)(x)
    self.assertAllClose(eager, traced)
    self.assertLen(conv.variables, 2)


class ConvErrorsTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_wrong_rank_raises_and_creates_nothing(self):
    conv = snt.Conv2D(4, 3)
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^Input Tensor must have rank 4 corresponding to data_format NHWC, "
        r"but instead was \(2, 5, 3\) of rank 3"):
      conv(tf.ones([2, 5, 3]))
    self.assertFalse(conv.is_connected)
    if not self.eager:
      self.assertEmpty(tf1.global_variables())

  @test_utils.in_all_modes
  def test_changed_channels_raise(self):
    conv = snt.Conv1D(4, 3)
    conv(tf.ones([2, 5, 3]))
    with self.assertRaisesRegex(
        ValueError, r"^Trying to share variables of conv_1d, but the inputs "
        r"have 2 channels \(shape \(2, 5, 2\)\) where its first "
        "connection's had 3 channels"):
      conv(tf.ones([2, 5, 2]))

  @test_utils.in_graph_mode
  def test_unknown_channels_raise(self):
    conv = snt.Conv2D(4, 3)
    with self.assertRaisesRegex(
        snt.UnderspecifiedError, "^Number of input channels must be known at "
        "module build time"):
      conv(tf1.placeholder(tf.float32, [None, 5, 5, None]))
    with self.assertRaisesRegex(
        ValueError, "^as_list\\(\\) is not defined on an unknown TensorShape: "
        "the inputs of conv_2d must have a known rank, 4 for data_format "
        "NHWC"):
      conv(tf1.placeholder(tf.float32))
    self.assertEmpty(tf1.global_variables())

  @test_utils.in_all_modes
  def test_integer_inputs_raise(self):
    with self.assertRaisesRegex(
        TypeError, r"^Input must have dtype tf.float16, tf.bfloat16, "
        r"tf.float32 or tf.float64, but dtype was <dtype: 'int32'>"):
      snt.Conv1D(2, 2)(tf.ones([1, 3, 1], dtype=tf.int32))

  @parameterized.named_parameters(("full_rank", [2, 2, 3, 4]),
                                  ("kernel", [2, 3]), ("vector", [3]))
  @test_utils.in_all_modes
  def test_mask_not_fitting_the_kernel_raises(self, mask_shape):
    conv = snt.Conv2D(4, 2, mask=np.ones(mask_shape))
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^Invalid mask shape: \(%s,?\). Weight shape: \(2, 2, 5, 4\)" %
        ", ".join(str(d) for d in mask_shape)):
      conv(tf.ones([1, 4, 4, 5]))
    self.assertFalse(conv.is_connected)
    if not self.eager:
      self.assertEmpty(tf1.global_variables())

  @test_utils.in_all_modes
  def test_mask_rank_above_kernel_rank_raises(self):
    conv = snt.Conv1D(2, 3, mask=np.ones([3, 1, 2, 1], np.float32))
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^Invalid mask shape: \(3, 1, 2, 1\). Max shape: rank 3"):
      conv(tf.ones([1, 4, 1]))

  @parameterized.named_parameters(
      ("negative_kernel", dict(kernel_shape=-1), snt.IncompatibleShapeError,
       r"^Invalid kernel shape: x is -1, must be either a positive integer "
       r"or an iterable of positive integers of size 2"),
      ("kernel_length", dict(kernel_shape=[3, 3, 3]),
       snt.IncompatibleShapeError, r"^Invalid kernel shape: x is \[3, 3, 3\]"),
      ("kernel_type", dict(kernel_shape="3"), snt.IncompatibleShapeError,
       "^Invalid kernel shape: x is 3,"),
      ("kernel_items", dict(kernel_shape=[3, 1.5]), snt.IncompatibleShapeError,
       "^Invalid kernel shape"),
      ("kernel_float", dict(kernel_shape=3.0), snt.IncompatibleShapeError,
       "^Invalid kernel shape: x is 3.0"),
      ("zero_stride", dict(stride=0), snt.IncompatibleShapeError,
       "^Invalid stride shape: x is 0,"),
      ("stride_length", dict(stride=[1, 1, 1]), snt.IncompatibleShapeError,
       r"^Invalid stride shape: x is \[1, 1, 1\]"),
      ("zero_rate", dict(rate=(1, 0)), snt.IncompatibleShapeError,
       r"^Invalid rate shape: x is \(1, 0\)"),
      ("fractional_rate", dict(rate=0.5), snt.IncompatibleShapeError,
       "^Invalid rate shape"),
      ("stride_and_rate", dict(stride=[2, 1], rate=2), snt.NotSupportedError,
       r"^Cannot have stride > 1 with rate > 1"),
      ("unknown_padding", dict(padding="SOME"), TypeError,
       "^padding is SOME, must be member of"),
      ("padding_length", dict(padding=["SAME"]), TypeError,
       r"^padding is \['SAME'\], .* of size 2"),
      ("padding_type", dict(padding=1), TypeError, "^padding is 1"),
      ("padding_value", dict(padding_value="ZERO"), ValueError,
       r"^Padding must be member of '\{CONSTANT, REFLECT, SYMMETRIC\}', "
       "not ZERO"),
      ("data_format", dict(data_format="NWC"), ValueError,
       r"^Invalid data_format NWC. Allowed formats \['NCHW', 'NHWC'\]"),
      ("mask_int", dict(mask=np.ones([3, 3], np.int32)), TypeError,
       "^Mask needs to have dtype float16, bfloat16, float32 or float64"),
      ("mask_int_tensor", dict(mask=tf.ones([3, 3], tf.int32)), TypeError,
       "^Mask needs to have dtype float16"),
      ("mask_type", dict(mask="mask"), TypeError,
       "^Invalid type for mask: <class 'str'>"),
      ("initializer_key", dict(initializers={"v": tf.ones}), KeyError,
       r"Invalid initializer keys 'v'"),
      ("bias_key_without_bias", dict(use_bias=False, initializers={
          "b": tf.ones}), KeyError, r"only be provided for 'w'"),
  )
  def test_bad_configuration(self, kwargs, error, message):
    config = dict(output_channels=4, kernel_shape=3)
    config.update(kwargs)
    with self.assertRaisesRegex(error, message):
      snt.Conv2D(**config)


class SonnetOnePathTest(test_utils.TestCase, parameterized.TestCase):

  def test_constants(self):
    self.assertEqual((conv_v1.DATA_FORMAT_NWC, conv_v1.DATA_FORMAT_NCW,
                      conv_v1.DATA_FORMAT_NHWC, conv_v1.DATA_FORMAT_NCHW,
                      conv_v1.DATA_FORMAT_NDHWC, conv_v1.DATA_FORMAT_NCDHW),
                     ("NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW"))
    self.assertEqual(conv_v1.SUPPORTED_2D_DATA_FORMATS, {"NHWC", "NCHW"})
    self.assertEqual(conv_v1.ALLOWED_PADDINGS,
                     {"SAME", "VALID", "FULL", "CAUSAL", "REVERSE_CAUSAL"})
    self.assertEqual(conv_v1.CONV_OP_ALLOWED_PADDINGS, {"SAME", "VALID"})
    self.assertEqual(conv_v1.ALLOWED_PADDING_VALUES,
                     {"CONSTANT", "REFLECT", "SYMMETRIC"})

  def test_fill_shape(self):
    self.assertEqual(conv_v1._fill_shape(2, 3), (2, 2, 2))  # pylint: disable=protected-access
    self.assertEqual(conv_v1._fill_shape([1, tf1.Dimension(2)], 2), (1, 2))  # pylint: disable=protected-access
    with self.assertRaisesRegex(TypeError, "^n must be a positive integer"):
      conv_v1._fill_shape(2, 0)  # pylint: disable=protected-access
    with self.assertRaisesRegex(
        TypeError, r"^x is \[2\], must be either a positive integer or an "
        "iterable of positive integers of size 2"):
      conv_v1._fill_shape([2], 2)  # pylint: disable=protected-access

  def test_initializer_factories(self):
    self.assertAllClose(
        conv_v1.create_weight_initializer((3, 3, 4), tf.float16).stddev, 1 / 6)
    self.assertIsInstance(conv_v1.create_bias_initializer([5]),
                          tf1.zeros_initializer)
    self.assertEqual(
        conv_v1._default_transpose_size([3, 4], 2, 3, "VALID"),  # pylint: disable=protected-access
        (8, 10))


class ConvPropertiesTest(test_utils.TestCase, parameterized.TestCase):

  def test_constants(self):
    self.assertEqual(
        (snt.SAME, snt.VALID, snt.FULL, snt.CAUSAL, snt.REVERSE_CAUSAL),
        ("SAME", "VALID", "FULL", "CAUSAL", "REVERSE_CAUSAL"))
    self.assertEqual(
        (snt.CONSTANT_PADDING, snt.REFLECT_PADDING, snt.SYMMETRIC_PADDING),
        ("CONSTANT", "REFLECT", "SYMMETRIC"))

  def test_configuration_properties(self):
    conv = snt.Conv2D(8, (3, 5), stride=[1, 2, 1, 1], padding=snt.VALID)
    self.assertEqual(conv.output_channels, 8)
    self.assertEqual(conv.kernel_shape, (3, 5))
    self.assertEqual(conv.stride, (1, 2, 1, 1))
    self.assertEqual(conv.rate, (1, 1))
    self.assertEqual(conv.padding, "VALID")
    self.assertEqual(conv.paddings, ("VALID", "VALID"))
    self.assertEqual(conv.conv_op_padding, "VALID")
    self.assertEqual(conv.data_format, "NHWC")
    self.assertEqual(conv.padding_value, "CONSTANT")
    self.assertTrue(conv.has_bias)
    self.assertIsNone(conv.mask)
    self.assertEqual(conv.initializers, {})
    self.assertEqual(snt.Conv3D(1, 1, stride=2).stride, (1, 2, 2, 2, 1))
    self.assertEqual(
        snt.Conv1D(1, 1, stride=2, data_format="NCW").stride, (1, 1, 2))

  def test_lenient_arguments_as_sonnet_1(self):
    conv = snt.Conv2D(12.0, [3, tf1.Dimension(2)], stride=[5, 2, 2, 7],
                      rate=np.int64(1))
    self.assertEqual(conv.output_channels, 12)
    self.assertIsInstance(conv.output_channels, int)
    self.assertEqual(conv.kernel_shape, (3, 2))
    self.assertEqual(conv.stride, (1, 2, 2, 1))  # Outer entries ignored.
    # Sonnet 1.36 read a full-rank stride's middle entries in any format.
    nchw = snt.Conv2D(1, 1, stride=[1, 1, 3, 2], data_format="NCHW")
    self.assertEqual(nchw.stride, (1, 1, 1, 3))

  def test_mixed_paddings(self):
    conv = snt.Conv2D(8, 3, padding=[snt.SAME, snt.CAUSAL])
    self.assertEqual(conv.paddings, ("SAME", "CAUSAL"))
    self.assertEqual(conv.conv_op_padding, "VALID")
    with self.assertRaisesRegex(
        ValueError, r"^This layer uses different paddings for different "
        r"dimensions. Use .paddings"):
      _ = conv.padding

  def test_properties_need_connection(self):
    conv = snt.Conv2D(8, 3)
    for name in ("w", "b", "input_shape", "input_channels"):
      with self.assertRaises(snt.NotConnectedError):
        getattr(conv, name)

  @test_utils.in_all_modes
  def test_clone(self):
    conv = snt.Conv1D(5, 2, stride=2, use_bias=False, name="encoder")
    clone = conv.clone()
    self.assertEqual(clone.module_name, "encoder_clone")
    self.assertEqual((clone.output_channels, clone.kernel_shape, clone.stride,
                      clone.has_bias), (5, (2,), (1, 2, 1), False))
    conv(tf.ones([1, 4, 3]))
    clone(tf.ones([1, 4, 3]))
    self.assertVariableNames(clone.get_variables(), ["encoder_clone/w"])
    self.assertIsNot(clone.w, conv.w)

  @test_utils.in_all_modes
  def test_default_initializers_join_the_dict_at_connection(self):
    given = {"b": tf1.zeros_initializer()}
    conv = snt.Conv2D(4, 3, initializers=given)
    self.assertEqual(set(conv.initializers), {"b"})
    conv(tf.ones([1, 5, 5, 2]))
    self.assertEqual(set(conv.initializers), {"w", "b"})
    self.assertEqual(set(given), {"b"})  # The caller's dict is left alone.
    # As in Sonnet 1, later clones and transposes reuse the same initializer
    # (here: stddev 1/sqrt(3 * 3 * 2), not that of their own fan-in).
    self.assertIs(conv.clone().initializers["w"], conv.initializers["w"])
    self.assertIs(conv.transpose().initializers["w"], conv.initializers["w"])
    self.assertAllClose(conv.initializers["w"].stddev, 1 / np.sqrt(18))

  @parameterized.parameters(
      (lambda: snt.Conv1DTranspose(2, None, 3), [1, 4, 5], 1 / np.sqrt(15)),
      (lambda: snt.DepthwiseConv2D(2, (2, 3)), [1, 4, 4, 5], 1 / np.sqrt(6)),
      (lambda: snt.InPlaneConv2D(3), [1, 4, 4, 5], 1 / 3))
  def test_default_weight_stddev(self, make, input_shape, stddev):
    module = make()
    module(tf.ones(input_shape))
    self.assertAllClose(module.initializers["w"].stddev, stddev)

  def test_separable_default_weight_stddevs(self):
    conv = snt.SeparableConv1D(4, 2, 3)
    conv(tf.ones([1, 6, 5]))
    self.assertAllClose(conv.initializers["w_dw"].stddev, 1 / np.sqrt(3))
    self.assertAllClose(conv.initializers["w_pw"].stddev, 1 / np.sqrt(10))

  @test_utils.in_all_modes
  def test_callable_output_channels(self):
    conv = snt.Conv2D(lambda: 6, 1)
    self.assertEqual(conv(tf.ones([1, 2, 2, 1])).shape.as_list(), [1, 2, 2, 6])
    self.assertEqual(conv.output_channels, 6)


if __name__ == "__main__":
  test_utils.main()
