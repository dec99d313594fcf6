"""Tests for snt.BatchNormV2."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _inputs(shape, seed=0):
  rng = np.random.RandomState(seed)
  return (rng.randn(*shape) * 2. - 1.).astype(np.float32)


class BatchNormV2Test(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(
      (None, (6, 3), 1), (None, (4, 5, 3), 2), ("NCW", (4, 3, 5), 1),
      (None, (2, 3, 4, 3), 3), ("NCHW", (2, 3, 4, 5), 1),
      ("NDHWC", (2, 2, 3, 2, 3), 4), ("NCDHW", (2, 3, 2, 2, 2), 1))
  @test_utils.in_all_modes
  def test_matches_numpy_fused_and_not(self, data_format, shape, channel):
    x = _inputs(shape)
    axes = tuple(i for i in range(len(shape)) if i != channel % len(shape))
    mean = x.mean(axes, keepdims=True)
    var = x.var(axes, keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-3) * 3. + 1.
    for fused in (True, False):
      bn = snt.BatchNormV2(data_format=data_format, fused=fused, scale=True,
                           decay_rate=0.75, initializers={
                               "gamma": tf1.constant_initializer(3.),
                               "beta": tf1.constant_initializer(1.)})
      y = bn(tf.constant(x), is_training=True)
      self.init()
      self.assertAllClose(self.evaluate(y), expected, atol=1e-4, rtol=1e-4)
      self.assertAllClose(self.evaluate(bn.moving_mean),
                          0.25 * mean.ravel(), atol=1e-5)
      self.assertAllClose(self.evaluate(bn.moving_variance),
                          0.75 + 0.25 * var.ravel(), atol=1e-5)

  @parameterized.parameters(True, False)
  @test_utils.in_all_modes
  def test_moving_stats_in_test_mode(self, fused):
    x = _inputs((5, 2, 2, 3))
    bn = snt.BatchNormV2(fused=fused, initializers={
        "moving_mean": tf1.constant_initializer(2.),
        "moving_variance": tf1.constant_initializer(4.)})
    y = bn(tf.constant(x), is_training=False)  # test_local_stats=False.
    self.init()
    self.assertAllClose(self.evaluate(y), (x - 2.) / np.sqrt(4. + 1e-3),
                        atol=1e-5)
    self.assertAllClose(self.evaluate(bn.moving_mean), [2.] * 3)

  @test_utils.in_graph_mode
  def test_collection_when_asked(self):
    bn = snt.BatchNormV2(update_ops_collection=tf1.GraphKeys.UPDATE_OPS)
    bn(tf.ones([2, 3]), is_training=True)
    self.assertLen(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS), 2)
    snt.BatchNormV2()(tf.ones([2, 3]), is_training=True)
    self.assertLen(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS), 2)

  @test_utils.in_all_modes
  def test_variable_names_and_trainability(self):
    bn = snt.BatchNormV2()
    bn(tf.ones([2, 3]), is_training=True)
    bn(tf.ones([4, 3]), is_training=False)
    self.assertVariableShapes(
        bn.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES),
        {"batch_norm/beta": [3], "batch_norm/gamma": [3],
         "batch_norm/moving_mean": [3], "batch_norm/moving_variance": [3]})
    self.assertVariableNames(bn.get_variables(), ["batch_norm/beta"])
    scaled = snt.BatchNormV2(scale=True, offset=False, name="scaled")
    scaled(tf.ones([2, 3]), is_training=True)
    self.assertVariableNames(scaled.get_variables(), ["scaled/gamma"])

  @test_utils.in_all_modes
  def test_errors(self):
    bn = snt.BatchNormV2(data_format="NCHW")
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "batch_norm: data_format 'NCHW' needs inputs "
                                "of rank 4"):
      bn(tf.ones([2, 3]), is_training=True)
    self.assertFalse(bn.is_connected)
    bn(tf.ones([2, 3, 4, 4]), is_training=True)
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "5 channels"):
      bn(tf.ones([2, 5, 4, 4]), is_training=True)
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "rank 2 to 5"):
      snt.BatchNormV2()(tf.ones([3]), is_training=True)

  @test_utils.in_graph_mode
  def test_partitioned_moving_stats(self):
    x = _inputs((6, 4))
    part = tf1.fixed_size_partitioner(2)
    bn = snt.BatchNormV2(decay_rate=0.5, fused=False, partitioners={
        "moving_mean": part, "moving_variance": part})
    y = bn(tf.constant(x), is_training=True)
    self.assertLen(list(bn.moving_mean), 2)
    self.init()
    self.evaluate(y)
    self.assertAllClose(self.evaluate(bn.moving_mean.as_tensor()),
                        0.5 * x.mean(0), atol=1e-5)
    self.assertAllClose(self.evaluate(bn.moving_variance.as_tensor()),
                        0.5 + 0.5 * x.var(0), atol=1e-5)

  def test_bad_data_format(self):
    with self.assertRaisesRegex(ValueError, "data_format must be"):
      snt.BatchNormV2(data_format="HWCN")

  @test_utils.in_eager_mode
  def test_tf_function_in_place(self):
    x = _inputs((8, 3))
    bn = snt.BatchNormV2(decay_rate=0.)
    tf.function(lambda t: bn(t, is_training=tf.constant(True)))(
        tf.constant(x))
    self.assertAllClose(bn.moving_mean.numpy(), x.mean(0), atol=1e-5)


if __name__ == "__main__":
  test_utils.main()
