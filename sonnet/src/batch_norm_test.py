"""Tests for snt.BatchNorm."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _np_batch_norm(x, axes, mean=None, var=None, gamma=1., beta=0., eps=1e-3):
  if mean is None:
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
  return (x - mean) / np.sqrt(var + eps) * gamma + beta


def _inputs(shape, seed=0):
  rng = np.random.RandomState(seed)
  return (rng.randn(*shape) * 2. + 3.).astype(np.float32)


class BatchNormTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(
      (False, (6, 3), None), (False, (5, 2, 3, 4), None),
      (False, (5, 2, 3, 4), [0, 3]), (True, (6, 3), None),
      (True, (5, 2, 3, 4), None), (True, (4, 5, 3), None))
  @test_utils.in_all_modes
  def test_training_output_and_update(self, fused, shape, axis):
    x = _inputs(shape)
    bn = snt.BatchNorm(axis=axis, fused=fused, scale=True, decay_rate=0.9,
                       update_ops_collection=None,
                       initializers={"gamma": tf1.constant_initializer(2.),
                                     "beta": tf1.constant_initializer(.5)})
    y = bn(tf.constant(x), is_training=True)
    self.init()
    y = self.evaluate(y)
    axes = tuple(range(len(shape) - 1)) if axis is None else tuple(axis)
    self.assertAllClose(y, _np_batch_norm(x, axes, gamma=2., beta=.5),
                        atol=1e-4, rtol=1e-4)
    mean, var = self.evaluate([bn.moving_mean, bn.moving_variance])
    self.assertAllClose(mean, 0.1 * x.mean(axes, keepdims=True), atol=1e-5)
    self.assertAllClose(var, 0.9 + 0.1 * x.var(axes, keepdims=True),
                        atol=1e-5)

  @parameterized.parameters(True, False)
  @test_utils.in_all_modes
  def test_test_mode(self, test_local_stats):
    x = _inputs((6, 4))
    init_mean = np.arange(4, dtype=np.float32).reshape(1, 4)
    init_var = np.full((1, 4), 2., np.float32)
    bn = snt.BatchNorm(update_ops_collection=None, initializers={
        "moving_mean": tf1.constant_initializer(init_mean),
        "moving_variance": tf1.constant_initializer(init_var)})
    y = bn(tf.constant(x), is_training=False,
           test_local_stats=test_local_stats)
    self.init()
    y = self.evaluate(y)
    if test_local_stats:
      expected = _np_batch_norm(x, (0,))
    else:
      expected = _np_batch_norm(x, (0,), init_mean, init_var)
    self.assertAllClose(y, expected, atol=1e-5)
    # Nothing was updated.
    self.assertAllClose(self.evaluate(bn.moving_mean), init_mean)
    self.assertAllClose(self.evaluate(bn.moving_variance), init_var)

  @test_utils.in_graph_mode
  def test_update_ops_collection(self):
    x = _inputs((8, 3))
    bn = snt.BatchNorm(decay_rate=0.5)
    y = bn(tf.constant(x), is_training=True)
    update_ops = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)
    self.assertLen(update_ops, 2)
    self.init()
    self.evaluate(y)  # The output alone does not update.
    self.assertAllClose(self.evaluate(bn.moving_mean), np.zeros([1, 3]))
    self.evaluate(update_ops)
    self.assertAllClose(self.evaluate(bn.moving_mean),
                        0.5 * x.mean(0, keepdims=True), atol=1e-5)
    self.assertAllClose(self.evaluate(bn.moving_variance),
                        0.5 + 0.5 * x.var(0, keepdims=True), atol=1e-5)
    bn(tf.constant(x), is_training=False)
    self.assertLen(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS), 2)

  @test_utils.in_graph_mode
  def test_custom_collection_and_in_place(self):
    x = _inputs((8, 3))
    bn = snt.BatchNorm(update_ops_collection="my_updates")
    bn(tf.constant(x), is_training=True)
    self.assertLen(tf1.get_collection("my_updates"), 2)
    self.assertEmpty(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS))
    in_place = snt.BatchNorm(update_ops_collection=None, decay_rate=0.)
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

  @test_utils.in_eager_mode
  def test_tf_function_updates_in_place(self):
    x = _inputs((8, 3))
    bn = snt.BatchNorm(decay_rate=0.5)
    step = tf.function(lambda t: bn(t, is_training=True))
    step(tf.constant(x))
    step(tf.constant(x))
    self.assertAllClose(bn.moving_mean.numpy(),
                        0.75 * x.mean(0, keepdims=True), atol=1e-5)

  @parameterized.parameters(True, False)
  @test_utils.in_all_modes
  def test_is_training_tensor(self, fused):
    x = _inputs((8, 2, 2, 3))
    init_mean = np.full((1, 1, 1, 3), 1., np.float32)
    bn = snt.BatchNorm(decay_rate=0., update_ops_collection=None, fused=fused,
                       initializers={
                           "moving_mean": tf1.constant_initializer(1.)})
    if self.eager:
      flag = tf.Variable(False)
      outputs = lambda: bn(tf.constant(x), is_training=tf.identity(flag),
                           test_local_stats=False)
    else:
      flag = tf1.placeholder(tf.bool, [])
      out = bn(tf.constant(x), is_training=flag, test_local_stats=False)
    self.init()
    if self.eager:
      y = outputs().numpy()
    else:
      y = tf1.get_default_session().run(out, feed_dict={flag: False})
    expected = _np_batch_norm(x, (0, 1, 2), init_mean, np.ones_like(init_mean))
    self.assertAllClose(y, expected, atol=1e-5)
    self.assertAllClose(self.evaluate(bn.moving_mean), init_mean)
    if self.eager:
      flag.assign(True)
      y = outputs().numpy()
    else:
      y = tf1.get_default_session().run(out, feed_dict={flag: True})
    self.assertAllClose(y, _np_batch_norm(x, (0, 1, 2)), atol=1e-4)
    self.assertAllClose(self.evaluate(bn.moving_mean),
                        x.mean((0, 1, 2), keepdims=True), atol=1e-5)

  @test_utils.in_all_modes
  def test_fused_and_unfused_agree(self):
    x = _inputs((8, 3, 3, 4))
    results = []
    for fused in (False, True):
      bn = snt.BatchNorm(fused=fused, scale=True, update_ops_collection=None,
                         decay_rate=0.5)
      train = bn(tf.constant(x), is_training=True)
      self.init()
      train = self.evaluate(train)
      test = self.evaluate(bn(tf.constant(x), is_training=False,
                              test_local_stats=False))
      results.append([train, test] + self.evaluate(
          [bn.moving_mean, bn.moving_variance]))
    for unfused, fused in zip(*results):
      self.assertAllClose(unfused, fused, atol=1e-4, rtol=1e-4)

  @parameterized.parameters(
      ({}, ["beta", "moving_mean", "moving_variance"], ["beta"]),
      ({"scale": True}, ["beta", "gamma", "moving_mean", "moving_variance"],
       ["beta", "gamma"]),
      ({"offset": False}, ["moving_mean", "moving_variance"], []))
  @test_utils.in_all_modes
  def test_variable_names_and_sharing(self, kwargs, names, trainable):
    bn = snt.BatchNorm(**kwargs)
    bn(tf.ones([2, 3]), is_training=True)
    bn(tf.ones([5, 3]), is_training=False)
    prefixed = ["batch_norm/" + n for n in names]
    self.assertVariableShapes(
        bn.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES),
        {n: [1, 3] for n in prefixed})
    self.assertVariableNames(bn.get_variables(),
                             ["batch_norm/" + n for n in trainable])
    self.assertVariableNames(
        bn.get_variables(tf1.GraphKeys.MOVING_AVERAGE_VARIABLES),
        ["batch_norm/moving_mean", "batch_norm/moving_variance"])

  @test_utils.in_all_modes
  def test_image_variable_shapes(self):
    bn = snt.BatchNorm(fused=True)
    bn(tf.ones([2, 4, 4, 3]), is_training=True)
    self.assertEqual(bn.moving_mean.shape.as_list(), [1, 1, 1, 3])
    self.assertEqual(bn.beta.shape.as_list(), [1, 1, 1, 3])

  @test_utils.in_all_modes
  def test_regularizers(self):
    bn = snt.BatchNorm(scale=True, regularizers={
        "gamma": snt.regularizers.l1(0.5)})
    bn(tf.ones([2, 3]), is_training=True)
    self.init()
    self.assertAllClose(self.evaluate(bn.get_regularization_losses()), [1.5])

  @test_utils.in_all_modes
  def test_errors_create_no_variables(self):
    bn = snt.BatchNorm(axis=[0, 5])
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "batch_norm: axis 5 is out of range"):
      bn(tf.ones([2, 3]), is_training=True)
    self.assertFalse(bn.is_connected)
    bn2 = snt.BatchNorm()
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "rank >= 2"):
      bn2(tf.ones([3]), is_training=True)
    with self.assertRaisesRegex(TypeError, "is_training must be a Python bool"):
      bn2(tf.ones([2, 3]), is_training=1)
    with self.assertRaisesRegex(snt.NotSupportedError, "floating point"):
      bn2(tf.ones([2, 3], tf.int32), is_training=True)
    self.assertFalse(bn2.is_connected)
    bn2(tf.ones([2, 3]), is_training=True)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                r"statistics of shape \[1, 4\]"):
      bn2(tf.ones([2, 4]), is_training=True)

  @test_utils.in_graph_mode
  def test_unknown_channels_raise(self):
    bn = snt.BatchNorm()
    with self.assertRaisesRegex(snt.UnderspecifiedError, "must be known"):
      bn(tf1.placeholder(tf.float32, [None, None]), is_training=True)
    y = bn(tf1.placeholder(tf.float32, [None, 3]), is_training=True)
    self.assertEqual(y.shape.as_list(), [None, 3])

  @parameterized.parameters(
      ({"decay_rate": 1.5}, ValueError, "decay_rate"),
      ({"eps": 0.}, ValueError, "eps must be positive"),
      ({"axis": [0, 0]}, ValueError, "repeat"),
      ({"axis": [0], "fused": True}, ValueError, "default axis"),
      ({"initializers": {"w": tf.ones}}, KeyError, "Invalid initializer"))
  def test_bad_constructor_args(self, kwargs, error, message):
    with self.assertRaisesRegex(error, message):
      snt.BatchNorm(**kwargs)

  def test_properties_need_connection(self):
    bn = snt.BatchNorm(scale=True)
    for name in ("moving_mean", "moving_variance", "beta", "gamma"):
      with self.assertRaises(snt.NotConnectedError):
        getattr(bn, name)

  @test_utils.in_all_modes
  def test_missing_gamma_property(self):
    bn = snt.BatchNorm()
    bn(tf.ones([2, 3]), is_training=False)
    with self.assertRaisesRegex(AttributeError, "scale=False"):
      _ = bn.gamma

  @test_utils.in_all_modes
  def test_half_precision_fused(self):
    x = _inputs((4, 2, 2, 3))
    bn = snt.BatchNorm(fused=True, update_ops_collection=None)
    y = bn(tf.constant(x, tf.float16), is_training=True)
    self.init()
    self.assertEqual(y.dtype, tf.float16)
    self.assertAllClose(self.evaluate(y), _np_batch_norm(x, (0, 1, 2)),
                        atol=1e-2, rtol=1e-2)


if __name__ == "__main__":
  test_utils.main()
