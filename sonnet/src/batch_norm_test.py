"""Tests for snt.BatchNorm."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import batch_norm_test_utils
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _inputs(shape, seed=0, dtype=np.float32):
  rng = np.random.RandomState(seed)
  return (rng.randn(*shape) * 2. + 3.).astype(dtype)


class BatchNormTest(batch_norm_test_utils.BatchNormTestCase,
                    parameterized.TestCase):

  @parameterized.parameters((False, (6, 3), None), (False, (5, 2, 3, 4), None),
                            (False, (5, 2, 3, 4), [0, 3]),
                            (False, (3, 4), [0, 1]), (True, (5, 2, 3, 4), None),
                            (True, (5, 2, 3, 4), [0, 2, 3]),
                            (True, (2, 3, 1, 4), (0, 1, 2)))
  @test_utils.in_all_modes
  def test_training_output_and_update(self, fused, shape, axis):
    x = _inputs(shape)
    bn = snt.BatchNorm(
        axis=axis, fused=fused, scale=True, decay_rate=0.9,
        update_ops_collection=None, initializers={
            "gamma": tf1.constant_initializer(2.),
            "beta": tf1.constant_initializer(.5)})
    y = bn(tf.constant(x), is_training=True)
    self.init()
    y = self.evaluate(y)
    axes = tuple(range(len(shape) - 1)) if axis is None else tuple(axis)
    self.assertAllClose(y,
                        refs.normalize(x, axes, 1e-3) * 2. + .5, atol=1e-4,
                        rtol=1e-4)
    mean, var = refs.moments(x, axes, bessel=fused)
    self.assertMovingAverages(bn, mean, var, 0.9, atol=1e-5)

  @parameterized.parameters((True, False), (False, False), (True, True),
                            (False, True))
  @test_utils.in_all_modes
  def test_test_mode(self, test_local_stats, fused):
    x = _inputs((6, 1, 1, 4))
    init_mean = np.arange(4, dtype=np.float32).reshape(1, 1, 1, 4)
    init_var = np.full((1, 1, 1, 4), 2., np.float32)
    bn = snt.BatchNorm(
        update_ops_collection=None, fused=fused, initializers={
            "moving_mean": tf1.constant_initializer(init_mean),
            "moving_variance": tf1.constant_initializer(init_var)})
    y = bn(tf.constant(x), is_training=False, test_local_stats=test_local_stats)
    self.init()
    y = self.evaluate(y)
    if test_local_stats:
      expected = refs.normalize(x, (0, 1, 2), 1e-3)
    else:
      expected = refs.normalize(x, (0, 1, 2), 1e-3, init_mean, init_var)
    self.assertAllClose(y, expected, atol=1e-4)
    # Nothing was updated.
    self.assertAllClose(self.evaluate(bn.moving_mean), init_mean)
    self.assertAllClose(self.evaluate(bn.moving_variance), init_var)

  @parameterized.parameters(False, True)
  @test_utils.in_graph_mode
  def test_update_ops_collection(self, fused):
    x = _inputs((8, 1, 1, 3))
    bn = snt.BatchNorm(decay_rate=0.5, fused=fused)
    y = bn(tf.constant(x), is_training=True)
    update_ops = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)
    self.assertLen(update_ops, 2)
    for op, name in zip(update_ops, ["mean", "variance"]):
      self.assertIsInstance(op, tf.Operation)
      self.assertStartsWith(op.name, "batch_norm/update_moving_" + name)
    self.init()
    self.evaluate(y)  # The output alone does not update.
    self.assertAllClose(self.evaluate(bn.moving_mean), np.zeros([1, 1, 1, 3]))
    self.evaluate(update_ops)
    mean, var = refs.moments(x, (0, 1, 2), bessel=fused)
    self.assertMovingAverages(bn, mean, var, 0.5, atol=1e-5)
    bn(tf.constant(x), is_training=False)
    self.assertLen(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS), 2)

  @test_utils.in_graph_mode
  def test_custom_collection_and_in_place(self):
    x = _inputs((8, 3))
    bn = snt.BatchNorm(update_ops_collection="my_updates")
    bn(tf.constant(x), is_training=True)
    self.assertLen(tf1.get_collection("my_updates"), 2)
    self.assertEmpty(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS))
    for collection in (None, ""):
      in_place = snt.BatchNorm(update_ops_collection=collection, decay_rate=0.)
      y = in_place(tf.constant(x), is_training=True)
      self.assertEmpty(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS))
      self.init()
      self.evaluate(y)
      self.assertAllClose(self.evaluate(in_place.moving_mean),
                          x.mean(0, keepdims=True), atol=1e-5)

  @test_utils.in_eager_mode
  def test_eager_updates_in_place_despite_collection(self):
    x = _inputs((8, 3))
    bn = snt.BatchNorm(decay_rate=0.)  # Default collection: ignored here.
    bn(tf.constant(x), is_training=True)
    self.assertAllClose(bn.moving_mean.numpy(), x.mean(0, keepdims=True),
                        atol=1e-5)

  @parameterized.parameters(False, True)
  @test_utils.in_eager_mode
  def test_tf_function_updates_in_place(self, fused):
    x = _inputs((8, 1, 1, 3))
    bn = snt.BatchNorm(decay_rate=0.5, fused=fused)
    step = tf.function(lambda t: bn(t, is_training=True))
    step(tf.constant(x))
    step(tf.constant(x))
    mean, var = refs.moments(x, (0, 1, 2), bessel=fused)
    self.assertMovingAverages(bn, mean, var, 0.25, atol=1e-5)

  @parameterized.parameters(True, False)
  @test_utils.in_all_modes
  def test_is_training_tensor(self, fused):
    x = _inputs((8, 2, 2, 3))
    init_mean = np.full((1, 1, 1, 3), 1., np.float32)
    bn = snt.BatchNorm(
        decay_rate=0., update_ops_collection=None, fused=fused,
        initializers={"moving_mean": tf1.constant_initializer(1.)})
    if self.eager:
      flag = tf.Variable(False)
      step = tf.function(lambda: bn(tf.constant(x), is_training=flag.value(),
                                    test_local_stats=False))
      run = lambda value: (flag.assign(value), step().numpy())[1]
    else:
      flag = tf1.placeholder(tf.bool, [])
      out = bn(tf.constant(x), is_training=flag, test_local_stats=False)
      run = lambda value: tf1.get_default_session().run(out, {flag: value})
    self.init()
    expected = refs.normalize(x, (0, 1, 2), 1e-3, init_mean,
                              np.ones_like(init_mean))
    self.assertAllClose(run(False), expected, atol=1e-5)
    self.assertAllClose(self.evaluate(bn.moving_mean), init_mean)
    self.assertAllClose(run(True), refs.normalize(x, (0, 1, 2), 1e-3),
                        atol=1e-4)
    mean, var = refs.moments(x, (0, 1, 2), bessel=fused)
    self.assertMovingAverages(bn, mean, var, 0., atol=1e-5)

  @parameterized.parameters(1, 0, np.bool_(True))
  @test_utils.in_all_modes
  def test_integer_flags_as_in_sonnet(self, flag):
    x = _inputs((4, 2))
    bn = snt.BatchNorm(decay_rate=0., update_ops_collection=None)
    y = bn(tf.constant(x), is_training=flag, test_local_stats=False)
    self.init()
    mean = self.evaluate(bn.moving_mean)
    self.evaluate(y)
    if flag:
      self.assertAllClose(self.evaluate(bn.moving_mean),
                          x.mean(0, keepdims=True), atol=1e-5)
    else:
      self.assertAllClose(self.evaluate(y), x / np.sqrt(1. + 1e-3))
      self.assertAllClose(self.evaluate(bn.moving_mean), mean)

  @test_utils.in_all_modes
  def test_fused_and_unfused_differ_only_in_moving_variance(self):
    x = _inputs((8, 3, 3, 4))
    results = []
    for fused in (False, True):
      bn = snt.BatchNorm(fused=fused, scale=True, update_ops_collection=None,
                         decay_rate=0.)
      train = bn(tf.constant(x), is_training=True)
      self.init()
      train = self.evaluate(train)
      results.append([train] +
                     self.evaluate([bn.moving_mean, bn.moving_variance]))
    (train, mean, var), (fused_train, fused_mean, fused_var) = results  # pylint: disable=unbalanced-tuple-unpacking
    self.assertAllClose(train, fused_train, atol=1e-4)
    self.assertAllClose(mean, fused_mean, atol=1e-5)
    n = 8 * 3 * 3
    self.assertAllClose(var * n / (n - 1.), fused_var, atol=1e-5)

  @parameterized.parameters(
      ({}, ["beta", "moving_mean", "moving_variance"], ["beta"]),
      ({"scale": True}, ["beta", "gamma", "moving_mean", "moving_variance"], [
          "beta", "gamma"]),
      ({"offset": False}, ["moving_mean", "moving_variance"], []),
      ({"offset": False, "fused": True}, [
          "beta", "gamma", "moving_mean", "moving_variance"], []),
      ({"scale": True, "fused": True},
       ["beta", "gamma", "moving_mean", "moving_variance"], ["beta", "gamma"]))
  @test_utils.in_all_modes
  def test_variable_names_and_sharing(self, kwargs, names, trainable):
    bn = snt.BatchNorm(**kwargs)
    bn(tf.ones([2, 1, 1, 3]), is_training=True)
    bn(tf.ones([5, 1, 1, 3]), is_training=False)
    self.assertBatchNormVariables(bn, names, trainable, [1, 1, 1, 3])

  @test_utils.in_all_modes
  def test_fused_affine_without_offset_and_scale(self):
    bn = snt.BatchNorm(fused=True, offset=False)
    bn(tf.ones([2, 1, 1, 3]), is_training=True)
    self.init()
    self.assertAllClose(self.evaluate(bn.beta), np.zeros([1, 1, 1, 3]))
    self.assertAllClose(self.evaluate(bn.gamma), np.ones([1, 1, 1, 3]))

  @parameterized.parameters(
      (False, tf.float16, tf.float16), (False, tf.bfloat16, tf.bfloat16),
      (True, tf.float16, tf.float32), (False, tf.float64, tf.float64))
  @test_utils.in_all_modes
  def test_dtypes(self, fused, dtype, affine_dtype):
    bn = snt.BatchNorm(fused=fused, scale=True, decay_rate=0.5,
                       update_ops_collection=None)
    self.assertTrainsInDtype(bn, _inputs((4, 2, 2, 3)), dtype, affine_dtype,
                             (0, 1, 2), fused)

  @test_utils.in_all_modes
  def test_zero_eps_and_any_decay_are_accepted(self):
    x = _inputs((5, 2))
    bn = snt.BatchNorm(eps=0., decay_rate=1.5, update_ops_collection=None)
    y = bn(tf.constant(x), is_training=True)
    self.init()
    self.assertAllClose(self.evaluate(y), refs.normalize(x, (0,), 0.),
                        atol=1e-5)
    self.assertAllClose(self.evaluate(bn.moving_mean),
                        -0.5 * x.mean(0, keepdims=True), atol=1e-5)
    self.assertEqual((bn._decay_rate, bn._eps), (1.5, 0.))  # pylint: disable=protected-access

  @test_utils.in_all_modes
  def test_rank_one_input_reduces_nothing(self):
    bn = snt.BatchNorm(initializers={"beta": tf1.constant_initializer(0.5)})
    y = bn(tf.constant([1., 2., 3.]), is_training=True)
    self.init()
    self.assertAllClose(self.evaluate(y), [0.5] * 3)
    self.assertEqual(bn.moving_mean.shape.as_list(), [3])

  @test_utils.in_all_modes
  def test_regularizers(self):
    bn = snt.BatchNorm(scale=True,
                       regularizers={"gamma": snt.regularizers.l1(0.5)})
    bn(tf.ones([2, 3]), is_training=True)
    self.init()
    self.assertAllClose(self.evaluate(bn.get_regularization_losses()), [1.5])

  @test_utils.in_graph_mode
  def test_partitioned_gamma_and_beta(self):
    x = _inputs((6, 4))
    part = tf1.fixed_size_partitioner(2, axis=1)
    bn = snt.BatchNorm(scale=True, update_ops_collection=None,
                       partitioners={"gamma": part, "beta": part},
                       initializers={"gamma": tf1.constant_initializer(3.)})
    y = bn(tf.constant(x), is_training=True)
    self.assertLen(list(bn.gamma), 2)
    self.assertLen(list(bn.beta), 2)
    self.init()
    self.assertAllClose(self.evaluate(y),
                        refs.normalize(x, (0,), 1e-3) * 3., atol=1e-4)

  @parameterized.parameters(
      ([0, 1, 2, 3, 0], snt.IncompatibleShapeError,
       r"^Too many indices specified in axis: len\(\[0, 1, 2, 3, 0\]\) > "
       r"len\(\((\?|None), 2, 3, 4\)\)"),
      ([4], snt.IncompatibleShapeError,
       r"^One or more index in axis is too large for input shape: \[4\] >= 4"),
      ([-1], snt.IncompatibleShapeError,
       r"^Indices in axis must be non-negative: \[-1\] < 0"),
      ([], ValueError, "empty"))
  @test_utils.in_graph_mode
  def test_bad_axis(self, axis, error, message):
    with self.assertRaisesRegex(error, message):
      snt.BatchNorm(axis=axis)(tf1.placeholder(tf.float32, [None, 2, 3, 4]),
                               is_training=True)

  @test_utils.in_all_modes
  def test_fused_refusals(self):
    with self.assertRaisesRegex(
        NotImplementedError, "^fused batch norm supports only input with 4 "
        "dimensions, it received input of dimensionality 2"):
      snt.BatchNorm(fused=True)(tf.ones([2, 3]), is_training=True)
    with self.assertRaisesRegex(
        ValueError, r"^Invalid axis option \(1, 2, 3\). This does not "
        r"correspond to either the NHWC format \(0, 1, 2\) or the NCHW "
        r"\(0, 2, 3\)."):
      snt.BatchNorm(axis=[1, 2, 3], fused=True)(tf.ones([2, 2, 2, 2]),
                                                is_training=True)
    with self.assertRaisesRegex(
        snt.NotSupportedError,
        "^Fused batch norm does not support tf.bfloat16."):
      snt.BatchNorm(fused=True)(tf.ones([2, 2, 2, 2], tf.bfloat16),
                                is_training=True)
    with self.assertRaisesRegex(TypeError, "float16 or float32"):
      snt.BatchNorm(fused=True)(tf.ones([2, 2, 2, 2], tf.float64),
                                is_training=True)

  @test_utils.in_all_modes
  def test_input_errors_create_no_variables(self):
    bn = snt.BatchNorm()
    with self.assertRaisesRegex(TypeError, "is_training must be a Python bool"):
      bn(tf.ones([2, 3]), is_training=None)
    with self.assertRaisesRegex(TypeError, "floating point"):
      bn(tf.ones([2, 3], tf.int32), is_training=True)
    with self.assertRaises(NotImplementedError):
      snt.BatchNorm(fused=True)(tf.ones([2, 3]), is_training=True)
    self.assertFalse(bn.is_connected)
    self.assertEmpty(tf1.global_variables())

  @test_utils.in_all_modes
  def test_second_connection_must_share_shapes_and_dtypes(self):
    bn = snt.BatchNorm(scale=True)
    bn(tf.ones([2, 3]), is_training=True)
    with self.assertRaisesRegex(
        ValueError, r"^Trying to share variable batch_norm/moving_mean, but "
        r"specified shape \(1, 4\) and found shape \(1, 3\)."):
      bn(tf.ones([2, 4]), is_training=True)
    with self.assertRaisesRegex(
        ValueError, "^Trying to share variable batch_norm/beta, but "
        "specified dtype float16 and found dtype float32"):
      bn(tf.ones([2, 3], tf.float16), is_training=True)

  @test_utils.in_all_modes
  def test_retry_after_a_failed_first_connection(self):
    calls = []

    def failing_once(gamma):
      calls.append(gamma)
      if len(calls) == 1:
        raise RuntimeError("first call fails")
      return tf.reduce_sum(gamma)

    bn = snt.BatchNorm(scale=True, regularizers={"gamma": failing_once})
    with self.assertRaisesRegex(RuntimeError, "first call fails"):
      bn(tf.ones([2, 3]), is_training=True)
    self.assertFalse(bn.is_connected)
    bn(tf.ones([2, 4]), is_training=True)
    self.assertEqual(bn.moving_mean.shape.as_list(), [1, 4])
    self.assertEqual(bn.gamma.shape.as_list(), [1, 4])

  @test_utils.in_graph_mode
  def test_unknown_dimensions(self):
    bn = snt.BatchNorm()
    with self.assertRaisesRegex(ValueError, "shape.*fully defined"):
      bn(tf1.placeholder(tf.float32, [None, None]), is_training=True)
    y = bn(tf1.placeholder(tf.float32, [None, 3]), is_training=True)
    self.assertEqual(y.shape.as_list(), [None, 3])
    with self.assertRaisesRegex(ValueError, "unknown rank"):
      bn(tf1.placeholder(tf.float32), is_training=True)

  def test_option_dicts(self):
    with self.assertRaisesRegex(KeyError, "Invalid initializer keys 'w'"):
      snt.BatchNorm(initializers={"w": tf.ones})
    with self.assertRaisesRegex(
        KeyError, "Invalid partitioner keys 'moving_mean', partitioners can "
        "only be provided for 'beta', 'gamma'"):
      snt.BatchNorm(partitioners={"moving_mean": tf1.fixed_size_partitioner(2)})
    with self.assertRaisesRegex(KeyError, "Invalid regularizer keys"):
      snt.BatchNorm(regularizers={"moving_variance": tf.nn.l2_loss})
    initializers = {"moving_mean": tf1.zeros_initializer()}
    self.assertEqual(
        snt.BatchNorm(initializers=initializers).initializers, initializers)

  @parameterized.parameters(
      ({}, ["beta", "moving_mean", "moving_variance"]),
      ({"fused": True, "offset": False}, [
          "beta", "gamma", "moving_mean", "moving_variance"]),
      ({"scale": True, "offset": False}, [
          "gamma", "moving_mean", "moving_variance"]))
  @test_utils.in_all_modes
  def test_default_initializers_join_the_dict(self, kwargs, keys):
    mean_init = tf1.constant_initializer(2.)
    bn = snt.BatchNorm(initializers={"moving_mean": mean_init}, **kwargs)
    bn(tf.ones([2, 1, 1, 3]), is_training=False, test_local_stats=False)
    initializers = bn.initializers
    self.assertCountEqual(initializers, keys)
    self.assertIs(initializers["moving_mean"], mean_init)
    self.assertIsInstance(initializers["moving_variance"], tf1.ones_initializer)

  def test_default_initializer_functions_on_sonnet_1_paths(self):
    # pylint: disable=import-outside-toplevel
    from sonnet.python.modules import batch_norm as bn_path
    from sonnet.python.modules import batch_norm_v2 as bn_v2_path
    # pylint: enable=import-outside-toplevel
    for path in (bn_path, bn_v2_path):
      for name, value in (("beta", 0.), ("gamma", 1.), ("mean", 0.),
                          ("variance", 1.)):
        initializer = getattr(path, "create_%s_initializer" % name)()
        self.assertAllEqual(self.evaluate(initializer([2])), [value] * 2)

  def test_properties_need_connection(self):
    bn = snt.BatchNorm(scale=True)
    for name in ("moving_mean", "moving_variance", "beta", "gamma"):
      with self.assertRaises(snt.NotConnectedError):
        getattr(bn, name)

  @test_utils.in_all_modes
  def test_missing_gamma_and_beta(self):
    bn = snt.BatchNorm(offset=False)
    bn(tf.ones([2, 3]), is_training=False)
    self.assertNoGammaOrBeta(bn)
    self.assertIs(bn._moving_mean, bn.moving_mean)  # pylint: disable=protected-access

  @test_utils.in_all_modes
  def test_subclass_overrides_statistics_and_updates(self):

    class FixedStats(snt.BatchNorm):
      """Normalizes by given statistics and never updates."""

      def _build_statistics(self, input_batch, axis, use_batch_stats,
                            stat_dtype):
        super()._build_statistics(input_batch, axis, use_batch_stats,
                                  stat_dtype)
        self.seen = (tuple(axis), use_batch_stats, stat_dtype)
        return tf.fill(self._mean_shape, 1.), tf.fill(self._mean_shape, 4.)

      def _build_update_ops(self, mean, variance, is_training):
        return None

    bn = FixedStats(eps=0., update_ops_collection=None)
    x = _inputs((3, 2))
    y = bn(tf.constant(x), is_training=True)
    self.init()
    self.assertEqual(bn.seen, ((0,), True, tf.float32))
    self.assertAllClose(self.evaluate(y), (x - 1.) / 2.)
    self.assertAllClose(self.evaluate(bn.moving_mean), np.zeros([1, 2]))


if __name__ == "__main__":
  test_utils.main()
