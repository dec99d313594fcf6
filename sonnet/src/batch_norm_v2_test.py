"""Tests for snt.BatchNormV2."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import batch_norm_test_utils
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1

_FORMATS = (("NC", (6, 3)), ("NWC", (4, 5, 3)), ("NCW", (4, 3, 5)),
            ("NHWC", (2, 3, 4, 3)), ("NCHW", (2, 3, 4, 5)),
            ("NDHWC", (2, 2, 3, 2, 3)), ("NCDHW", (2, 3, 2, 2, 2)))


def _inputs(shape, seed=0):
  rng = np.random.RandomState(seed)
  return (rng.randn(*shape) * 2. - 1.).astype(np.float32)


def _np_stats(x, data_format, fused):
  """Sonnet 1.36's batch statistics, shaped to broadcast against `x`.

  Args:
    x: the input.
    data_format: its data format.
    fused: whether the fused kernel (whose variance is Bessel-corrected)
      computes them.

  Returns:
    (mean, variance), size 1 over every dimension but the channels.
  """
  axes = tuple(i for i, d in enumerate(data_format) if d != "C")
  return refs.moments(x, axes, bessel=fused)


class BatchNormV2Test(batch_norm_test_utils.BatchNormTestCase,
                      parameterized.TestCase):

  @parameterized.parameters(*_FORMATS)
  @test_utils.in_all_modes
  def test_matches_numpy_fused_and_not(self, data_format, shape):
    x = _inputs(shape)
    mean, var = _np_stats(x, data_format, fused=False)
    expected = (x - mean) / np.sqrt(var + 1e-3) * 3. + 1.
    for fused in (True, False):
      bn = snt.BatchNormV2(
          data_format=data_format, fused=fused, scale=True, decay_rate=0.75,
          initializers={
              "gamma": tf1.constant_initializer(3.),
              "beta": tf1.constant_initializer(1.)})
      y = bn(tf.constant(x), is_training=True)
      self.init()
      self.assertAllClose(self.evaluate(y), expected, atol=1e-4, rtol=1e-4)
      mean, var = _np_stats(x, data_format, fused)
      self.assertMovingAverages(bn, mean, var, 0.75, atol=1e-5)

  @parameterized.parameters(*_FORMATS)
  @test_utils.in_all_modes
  def test_shapes_per_data_format(self, data_format, shape):
    channels = shape[data_format.index("C")]
    expanded = [channels if d == "C" else 1 for d in data_format]
    formats = [data_format] + ([None] if data_format.endswith("C") else [])
    for i, bn_format in enumerate(formats):
      bn = snt.BatchNormV2(data_format=bn_format, scale=True, name="bn%d" % i)
      bn(tf.ones(shape), is_training=True)
      self.assertEqual(bn.data_format, data_format)
      for prop in (bn.moving_mean, bn.moving_variance, bn.gamma, bn.beta):
        self.assertEqual(prop.shape.as_list(), expanded)
      self.assertVariableShapes(
          bn.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES), {
              "bn%d/%s" % (i, n): [channels]
              for n in ("beta", "gamma", "moving_mean", "moving_variance")})

  @parameterized.parameters(True, False)
  @test_utils.in_all_modes
  def test_moving_stats_in_test_mode(self, fused):
    x = _inputs((5, 2, 2, 3))
    bn = snt.BatchNormV2(
        fused=fused, initializers={
            "moving_mean": tf1.constant_initializer(2.),
            "moving_variance": tf1.constant_initializer(4.)})
    y = bn(tf.constant(x), is_training=False)  # test_local_stats=False.
    local = bn(tf.constant(x), is_training=False, test_local_stats=True)
    self.init()
    self.assertAllClose(self.evaluate(y), (x - 2.) / np.sqrt(4. + 1e-3),
                        atol=1e-5)
    mean, var = _np_stats(x, "NHWC", fused=False)
    self.assertAllClose(self.evaluate(local), (x - mean) / np.sqrt(var + 1e-3),
                        atol=1e-4)
    self.assertAllClose(self.evaluate(bn.moving_mean), np.full([1, 1, 1, 3],
                                                               2.))

  @parameterized.parameters(("NCW", True), ("NCW", False), ("NWC", True),
                            ("NHWC", False))
  @test_utils.in_graph_mode
  def test_tensor_flags_and_unknown_dimensions(self, data_format, fused):
    shape = [4, 3, 5] if data_format == "NCW" else (
        [4, 5, 3] if data_format == "NWC" else [4, 2, 2, 3])
    x = _inputs(shape)
    spec = [None, 3, None] if data_format == "NCW" else ([None] *
                                                         (len(shape) - 1) + [3])
    inputs = tf1.placeholder(tf.float32, spec)
    is_training = tf1.placeholder(tf.bool, [])
    local = tf1.placeholder(tf.bool, [])
    bn = snt.BatchNormV2(data_format=data_format, fused=fused, decay_rate=0.)
    y = bn(inputs, is_training=is_training, test_local_stats=local)
    self.assertEqual(y.shape.as_list(), spec)
    self.init()
    run = lambda t, l: tf1.get_default_session().run(y, {
        inputs: x, is_training: t, local: l})
    mean, var = _np_stats(x, data_format, fused=False)
    normalized = (x - mean) / np.sqrt(var + 1e-3)
    self.assertAllClose(run(False, False), x / np.sqrt(1. + 1e-3), atol=1e-5)
    self.assertAllClose(run(False, True), normalized, atol=1e-4)
    self.assertAllClose(self.evaluate(bn.moving_mean), np.zeros_like(mean))
    self.assertAllClose(run(True, False), normalized, atol=1e-4)
    mean, var = _np_stats(x, data_format, fused)
    self.assertMovingAverages(bn, mean, var, 0., atol=1e-5)

  @test_utils.in_graph_mode
  def test_collection_when_asked(self):
    x = _inputs((4, 3))
    bn = snt.BatchNormV2(update_ops_collection=tf1.GraphKeys.UPDATE_OPS,
                         decay_rate=0.5)
    bn(tf.constant(x), is_training=True)
    update_ops = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)
    self.assertLen(update_ops, 2)
    snt.BatchNormV2()(tf.ones([2, 3]), is_training=True)
    self.assertLen(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS), 2)
    self.init()
    self.evaluate(update_ops)
    mean, var = _np_stats(x, "NC", fused=True)
    self.assertMovingAverages(bn, mean, var, 0.5, atol=1e-5)

  @parameterized.parameters(
      ({}, ["beta", "gamma", "moving_mean", "moving_variance"], ["beta"]),
      ({"scale": True, "offset": False}, [
          "beta", "gamma", "moving_mean", "moving_variance"], ["gamma"]),
      ({"fused": False}, ["beta", "moving_mean", "moving_variance"], ["beta"]),
      ({"fused": False, "offset": False}, ["moving_mean", "moving_variance"
                                          ], []))
  @test_utils.in_all_modes
  def test_variable_names_and_trainability(self, kwargs, names, trainable):
    bn = snt.BatchNormV2(**kwargs)
    bn(tf.ones([2, 3]), is_training=True)
    bn(tf.ones([4, 3]), is_training=False)
    self.assertBatchNormVariables(bn, names, trainable, [3])

  @test_utils.in_all_modes
  def test_missing_gamma_and_beta(self):
    bn = snt.BatchNormV2(fused=False, offset=False)
    bn(tf.ones([2, 3]), is_training=True)
    self.assertNoGammaOrBeta(bn)
    self.assertEqual(bn._moving_mean.shape.as_list(), [3])  # pylint: disable=protected-access

  @parameterized.parameters(
      (False, tf.float16, tf.float16), (False, tf.bfloat16, tf.bfloat16),
      (True, tf.float16, tf.float32), (False, tf.float64, tf.float64))
  @test_utils.in_all_modes
  def test_dtypes(self, fused, dtype, affine_dtype):
    bn = snt.BatchNormV2(fused=fused, scale=True, decay_rate=0.5)
    self.assertTrainsInDtype(bn, _inputs((4, 5, 3)), dtype, affine_dtype,
                             (0, 1), fused)

  @test_utils.in_all_modes
  def test_fused_dtype_refusals(self):
    with self.assertRaisesRegex(
        snt.NotSupportedError,
        "^Fused batch norm does not support tf.bfloat16."):
      snt.BatchNormV2()(tf.ones([2, 3], tf.bfloat16), is_training=True)
    with self.assertRaisesRegex(TypeError, "float16 or float32"):
      snt.BatchNormV2()(tf.ones([2, 3], tf.float64), is_training=True)
    with self.assertRaisesRegex(TypeError, "floating point"):
      snt.BatchNormV2(fused=False)(tf.ones([2, 3], tf.int32), is_training=True)

  @test_utils.in_all_modes
  def test_zero_eps_is_accepted(self):
    x = _inputs((6, 3))
    for fused in (True, False):
      bn = snt.BatchNormV2(eps=0., fused=fused)
      y = bn(tf.constant(x), is_training=True)
      self.init()
      self.assertAllClose(self.evaluate(y), (x - x.mean(0)) / x.std(0),
                          atol=1e-4)
      self.assertEqual(bn._eps, 0.)  # pylint: disable=protected-access

  @test_utils.in_all_modes
  def test_shape_errors(self):
    bn = snt.BatchNormV2(data_format="NCHW")
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^Incorrect data format NCHW for input shape \(2, 3\)."):
      bn(tf.ones([2, 3]), is_training=True)
    self.assertFalse(bn.is_connected)
    bn(tf.ones([2, 3, 4, 4]), is_training=True)
    with self.assertRaisesRegex(
        ValueError, r"^Trying to share variable batch_norm/moving_mean, but "
        r"specified shape \(5,\) and found shape \(3,\)."):
      bn(tf.ones([2, 5, 4, 4]), is_training=True)
    for shape in ([3], [1] * 6):
      with self.assertRaisesRegex(
          snt.IncompatibleShapeError,
          "^Input shape .* has too many or too few dimensions."):
        snt.BatchNormV2()(tf.ones(shape), is_training=True)

  @test_utils.in_all_modes
  def test_changed_rank_is_refused(self):
    bn = snt.BatchNormV2()
    bn(tf.ones([2, 3]), is_training=True)
    self.assertEqual(bn.data_format, "NC")
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^Incorrect data format NC for input shape \(2, 5, 3\)."):
      bn(tf.ones([2, 5, 3]), is_training=True)

  @test_utils.in_graph_mode
  def test_unknown_channels_and_rank(self):
    with self.assertRaisesRegex(TypeError, "NoneType"):
      snt.BatchNormV2()(tf1.placeholder(tf.float32, [2, None]),
                        is_training=True)
    with self.assertRaisesRegex(ValueError, "unknown TensorShape"):
      snt.BatchNormV2()(tf1.placeholder(tf.float32), is_training=True)

  @test_utils.in_graph_mode
  def test_partitioned_gamma_and_beta(self):
    x = _inputs((6, 4))
    part = tf1.fixed_size_partitioner(2)
    bn = snt.BatchNormV2(scale=True, partitioners={"gamma": part, "beta": part},
                         initializers={"gamma": tf1.constant_initializer(3.)})
    y = bn(tf.constant(x), is_training=True)
    self.assertLen(tf1.global_variables("batch_norm/gamma"), 2)
    self.assertLen(tf1.global_variables("batch_norm/beta"), 2)
    self.init()
    self.assertAllClose(self.evaluate(y),
                        (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3) * 3.,
                        atol=1e-4)

  @test_utils.in_all_modes
  def test_default_initializers_join_the_dict(self):
    bn = snt.BatchNormV2(fused=False)
    bn(tf.ones([2, 3]), is_training=True)
    self.assertCountEqual(bn.initializers,
                          ["beta", "moving_mean", "moving_variance"])
    self.assertIsInstance(bn.initializers["beta"], tf1.zeros_initializer)

  def test_constructor_refusals(self):
    with self.assertRaisesRegex(ValueError, "^Invalid data_format: 'HWCN'"):
      snt.BatchNormV2(data_format="HWCN")
    with self.assertRaisesRegex(
        KeyError, "Invalid partitioner keys 'moving_mean', partitioners can "
        "only be provided for 'beta', 'gamma'"):
      snt.BatchNormV2(
          partitioners={"moving_mean": tf1.fixed_size_partitioner(2)})
    with self.assertRaisesRegex(KeyError, "Invalid regularizer keys"):
      snt.BatchNormV2(regularizers={"moving_mean": tf.nn.l2_loss})

  @test_utils.in_eager_mode
  def test_tf_function_in_place(self):
    x = _inputs((8, 3))
    bn = snt.BatchNormV2(decay_rate=0.)
    step = tf.function(lambda t, flag: bn(t, is_training=flag))
    step(tf.constant(x), tf.constant(False))
    self.assertAllClose(bn.moving_mean.numpy(), np.zeros([1, 3]))
    step(tf.constant(x), tf.constant(True))
    mean, var = _np_stats(x, "NC", fused=True)
    self.assertAllClose(bn.moving_mean.numpy(), mean, atol=1e-5)
    self.assertAllClose(bn.moving_variance.numpy(), var, atol=1e-5)


if __name__ == "__main__":
  test_utils.main()
