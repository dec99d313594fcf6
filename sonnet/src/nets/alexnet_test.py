"""Tests for snt.nets.AlexNet, AlexNetFull and AlexNetMini."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _np_max_pool_valid(x, size, stride):
  out_h = (x.shape[1] - size) // stride + 1
  out_w = (x.shape[2] - size) // stride + 1
  out = np.zeros([x.shape[0], out_h, out_w, x.shape[3]], x.dtype)
  for i in range(out_h):
    for j in range(out_w):
      patch = x[:, i * stride:i * stride + size, j * stride:j * stride + size]
      out[:, i, j] = patch.max(axis=(1, 2))
  return out


_MINI_NAMES = ["conv_0", "conv_1", "conv_2", "conv_3", "conv_4"]


class AlexNetTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(("FULL", 195), ("MINI", 17))
  def test_min_input_size(self, mode, size):
    net = snt.nets.AlexNet(mode)
    self.assertEqual(net.min_input_size, size)
    self.assertEqual(net._min_size, size)  # pylint: disable=protected-access

  @parameterized.parameters(([(None, (3, 1), None)], 3), ([
      (None, (3, 1), (3, 2))], 5), ([(None, (3, 1), (3, 2)),
                                     (None, (3, 2), (5, 2))], 25),
                            ([(None, None, (2, 2))], 2))
  def test_calc_min_size(self, layers, size):
    self.assertEqual(snt.nets.AlexNetMini()._calc_min_size(layers), size)  # pylint: disable=protected-access

  @test_utils.in_all_modes
  def test_mini_variables_and_output(self):
    net = snt.nets.AlexNetMini()
    with self.assertRaisesRegex(
        snt.NotConnectedError, "Variables in alex_net_mini not "
        "instantiated yet"):
      _ = net.conv_modules
    y = net(tf.ones([2, 17, 19, 3]))
    net(tf.ones([1, 17, 19, 3]))  # Shares the variables.
    self.assertEqual(y.shape.as_list(), [2, 1024])
    self.assertVariableShapes(
        net.get_variables(), {
            "alex_net_mini/conv_0/w": [3, 3, 3, 48], "alex_net_mini/conv_0/b": [
                48], "alex_net_mini/conv_1/w": [3, 3, 48, 128],
            "alex_net_mini/conv_1/b": [128], "alex_net_mini/conv_2/w": [
                3, 3, 128, 192], "alex_net_mini/conv_2/b": [
                    192], "alex_net_mini/conv_3/w": [3, 3, 192, 192],
            "alex_net_mini/conv_3/b": [192], "alex_net_mini/conv_4/w": [
                3, 3, 192, 128], "alex_net_mini/conv_4/b": [128],
            "alex_net_mini/fc_0/w": [3 * 128, 1024], "alex_net_mini/fc_0/b": [
                1024], "alex_net_mini/fc_1/w": [
                    1024, 1024], "alex_net_mini/fc_1/b": [1024]})
    self.assertEqual(type(net.conv_modules), list)
    self.assertEqual([m.module_name for m in net.conv_modules], _MINI_NAMES)
    self.assertEqual([m.module_name for m in net.linear_modules],
                     ["fc_0", "fc_1"])

  @test_utils.in_all_modes
  def test_mini_matches_numpy(self):
    rng = np.random.RandomState(0)
    x = rng.rand(2, 17, 18, 3).astype(np.float32)
    net = snt.nets.AlexNetMini(
        initializers={
            "w": tf1.random_normal_initializer(stddev=0.1, seed=1),
            "b": tf1.random_normal_initializer(stddev=0.1, seed=2)})
    y = net(tf.constant(x))
    self.init()
    y, convs, fcs = self.evaluate([
        y, [(m.w, m.b) for m in net.conv_modules],
        [(m.w, m.b) for m in net.linear_modules]])
    h = x
    for (w, b), (_, _, pool) in zip(convs, net._conv_layers):  # pylint: disable=protected-access
      h = np.maximum(refs.conv(h, w) + b, 0.)
      if pool is not None:
        h = _np_max_pool_valid(h, *pool)
    h = h.reshape([2, -1])
    for w, b in fcs:
      h = np.maximum(h.dot(w) + b, 0.)
    self.assertAllClose(y, h, atol=1e-4, rtol=1e-4)

  @test_utils.in_eager_mode
  def test_first_connection_inside_tf_function(self):
    net = snt.nets.AlexNetMini(use_batch_norm=True)
    x = tf.random.uniform([2, 17, 17, 3])
    step = tf.function(lambda: net(x, is_training=False, keep_prob=1.))
    self.assertAllClose(step(), net(x, is_training=False))
    self.assertLen(net.get_variables(), 5 * 3 + 2 * 2)

  @test_utils.in_all_modes
  def test_batch_norm_names(self):
    net = snt.nets.AlexNet(snt.nets.AlexNet.MINI, use_batch_norm=True,
                           batch_norm_config={"scale": True})
    with self.assertRaisesRegex(
        ValueError, "^Boolean is_training flag must be explicitly "
        "specified when using batch normalization or "
        "dropout."):
      net(tf.ones([2, 17, 17, 3]))
    net(tf.ones([2, 17, 17, 3]), is_training=True, test_local_stats=False)
    net(tf.ones([2, 17, 17, 3]), is_training=tf.constant(False))
    bns = ["batch_norm"] + ["batch_norm_%d" % i for i in range(1, 7)]
    expected = []
    for layer, bn in zip(_MINI_NAMES + ["fc_0", "fc_1"], bns):
      expected += ["alex_net/%s/%s" % (layer, v) for v in ("w", "b")]
      expected += ["alex_net/%s/%s" % (bn, v) for v in ("gamma", "beta")]
    self.assertVariableNames(net.get_variables(), expected)
    moving = net.get_variables(tf1.GraphKeys.MOVING_AVERAGE_VARIABLES)
    self.assertLen(moving, 14)

  @parameterized.parameters(snt.nets.AlexNetFull, snt.nets.AlexNetMini)
  def test_variants_have_no_batch_norm_on_fc_layers(self, ctor):
    with tf.Graph().as_default():
      net = ctor(use_batch_norm=True)
      size = net.min_input_size
      net(tf1.placeholder(tf.float32, [1, size, size, 3]), is_training=True)
      names = [v.name for v in net.get_variables()]
      self.assertLen(names, 5 * 3 + 2 * 2)
      self.assertIn(net.module_name + "/batch_norm_4/beta:0", names)
      self.assertNotIn(net.module_name + "/batch_norm_5/beta:0", names)

  @test_utils.in_all_modes
  def test_regularizers_only_on_convs(self):
    net = snt.nets.AlexNetMini(
        initializers={"w": tf1.ones_initializer(), "b": tf1.ones_initializer()},
        regularizers={"w": tf.reduce_sum, "b": tf.reduce_sum})
    net(tf.ones([1, 17, 17, 3]))
    self.init()
    losses = sorted(self.evaluate(net.get_regularization_losses()))
    weights = [
        3 * 3 * 3 * 48, 3 * 3 * 48 * 128, 3 * 3 * 128 * 192, 3 * 3 * 192 * 192,
        3 * 3 * 192 * 128]
    self.assertAllClose(losses, sorted(weights + [48, 128, 192, 192, 128]))

  @test_utils.in_all_modes
  def test_dropout(self):
    net = snt.nets.AlexNetMini(initializers={"w": tf1.ones_initializer()})
    x = tf.fill([1, 17, 17, 1], 1e-6)
    full = net(x, keep_prob=1., is_training=False)
    dropped = net(x, keep_prob=0.25, is_training=True)
    self.init()
    full, dropped = self.evaluate([full, dropped])
    self.assertTrue(np.all(full > 0.))
    # Each unit is dropped or scaled by 4 (the first layer's dropout changes
    # the second layer's input, so compare the zero pattern only).
    self.assertGreater(np.mean(dropped == 0.), 0.5)

  def test_no_dropout_when_not_training_graph(self):
    with tf.Graph().as_default():
      net = snt.nets.AlexNetMini()
      y = net(tf.ones([1, 17, 17, 3]), keep_prob=0.7, is_training=False)
      flag = tf1.placeholder(tf.bool, [])
      z = net(tf.ones([1, 17, 17, 3]), keep_prob=0.7, is_training=flag)
      with tf1.Session() as session:
        session.run(tf1.global_variables_initializer())
        with self.assertRaisesRegex(
            tf.errors.InvalidArgumentError,
            "Input `keep_prob` must be None or 1 if `is_training=False`."):
          session.run(y)
        session.run(z, {flag: True})
        with self.assertRaises(tf.errors.InvalidArgumentError):
          session.run(z, {flag: False})

  @test_utils.in_eager_mode
  def test_no_dropout_when_not_training_eager(self):
    net = snt.nets.AlexNetMini()
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError, "keep_prob"):
      net(tf.ones([1, 17, 17, 3]), keep_prob=0.7, is_training=False)
    net(tf.ones([1, 17, 17, 3]), keep_prob=1., is_training=False)

  @test_utils.in_all_modes
  def test_too_small_raises(self):
    net = snt.nets.AlexNetFull()
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                r"^Image shape too small: \(194, 200\) < 195"):
      net(tf.ones([1, 194, 200, 3]))
    self.assertFalse(net.is_connected)

  @parameterized.parameters("HALF", "mini", 3)
  def test_bad_mode(self, mode):
    with self.assertRaisesRegex(
        snt.Error, "^AlexNet construction mode '%s' not recognised, must be "
        "one of: 'FULL', 'MINI'$" % mode):
      snt.nets.AlexNet(mode, initializers={"x": tf.ones})

  def test_bad_initializers(self):
    with self.assertRaisesRegex(KeyError, "Invalid initializer keys"):
      snt.nets.AlexNetMini(initializers={"x": tf.ones})
    with self.assertRaisesRegex(TypeError, "Regularizer for 'w' is not"):
      snt.nets.AlexNetMini(regularizers={"w": 1.})

  def test_bn_on_fc_layers_warns(self):
    with self.assertLogs(level="WARNING") as logs:
      snt.nets.AlexNet("MINI")
    self.assertIn("'bn_on_fc_layers' is a deprecated option", logs.output[0])


if __name__ == "__main__":
  test_utils.main()
