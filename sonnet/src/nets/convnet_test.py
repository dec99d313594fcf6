"""Tests for snt.nets.ConvNet2D and ConvNet2DTranspose."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class ConvNet2DTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(False, True)
  @test_utils.in_all_modes
  def test_matches_numpy(self, activate_final):
    x = np.random.RandomState(0).randn(2, 7, 7, 3).astype(np.float32)
    net = snt.nets.ConvNet2D([4, 5], kernel_shapes=[3, 2], strides=[2, 1],
                             paddings=[snt.VALID],
                             activate_final=activate_final, initializers={
                                 "b": tf1.random_normal_initializer()})
    y = net(tf.constant(x))
    self.init()
    y, params = self.evaluate([y, [(l.w, l.b) for l in net.layers]])
    h = np.maximum(refs.conv(x, params[0][0], stride=2) + params[0][1], 0.)
    expected = refs.conv(h, params[1][0]) + params[1][1]
    if activate_final:
      expected = np.maximum(expected, 0.)
    self.assertAllClose(y, expected, atol=1e-4, rtol=1e-4)

  @test_utils.in_all_modes
  def test_variable_names_and_sharing(self):
    net = snt.nets.ConvNet2D([4, 5], [3], [1], [snt.SAME])
    net(tf.ones([2, 6, 6, 3]))
    net(tf.ones([1, 9, 9, 3]))
    self.assertVariableShapes(
        net.get_variables(), {
            "conv_net_2d/conv_2d_0/w": [3, 3, 3, 4],
            "conv_net_2d/conv_2d_0/b": [4], "conv_net_2d/conv_2d_1/w": [
                3, 3, 4, 5], "conv_net_2d/conv_2d_1/b": [5]})
    self.assertEqual(net.input_shape, (1, 9, 9, 3))
    self.assertEqual(net.output_channels, (4, 5))
    self.assertEqual(net.strides, (1, 1))

  @test_utils.in_all_modes
  def test_legacy_batch_norm(self):
    net = snt.nets.ConvNet2D([4, 5], [3], [1], [snt.SAME], use_batch_norm=True,
                             use_bias=False, batch_norm_config={"scale": True})
    self.assertFalse(net.normalize_final)  # Follows activate_final.
    self.assertIs(net.normalization_ctor, snt.BatchNorm)
    net(tf.ones([2, 6, 6, 3]), is_training=True)
    self.assertVariableNames(net.get_variables(), [
        "conv_net_2d/conv_2d_0/w", "conv_net_2d/conv_2d_1/w",
        "conv_net_2d/batch_norm_0/gamma", "conv_net_2d/batch_norm_0/beta"])
    self.assertLen(net.get_variables(tf1.GraphKeys.MOVING_AVERAGE_VARIABLES), 2)

  @test_utils.in_all_modes
  def test_normalization_ctor_and_final(self):
    net = snt.nets.ConvNet2D([4, 5], [3], [1], [snt.SAME],
                             normalization_ctor="snt.BatchNormV2",
                             normalization_kwargs={"eps": 1e-6},
                             normalize_final=True)
    x = np.random.RandomState(1).randn(4, 5, 5, 3).astype(np.float32)
    y = net(tf.constant(x), is_training=True, test_local_stats=False)
    self.init()
    y = self.evaluate(y)
    # The final layer is batch normalized: per channel mean 0, variance 1.
    self.assertAllClose(y.mean(axis=(0, 1, 2)), np.zeros(5), atol=1e-4)
    self.assertAllClose(y.var(axis=(0, 1, 2)), np.ones(5), atol=1e-2)
    # Named "batch_norm_i" whatever the class, as in Sonnet 1.36.
    self.assertEqual(net.normalization_modules[1].module_name, "batch_norm_1")
    self.assertIsInstance(net.normalization_modules[1], snt.BatchNormV2)

  @parameterized.parameters(([1, 2, 3],), ([1, 2],))
  @test_utils.in_all_modes
  def test_layer_norm_matches_numpy(self, axis):
    rng = np.random.RandomState(2)
    x = rng.randn(2, 4, 4, 3).astype(np.float32)
    w = rng.randn(1, 1, 3, 2).astype(np.float32)
    net = snt.nets.ConvNet2D([2], [1], [1], [snt.SAME],
                             normalization_ctor=snt.LayerNorm,
                             normalization_kwargs={"axis": axis, "eps": 1e-5},
                             normalize_final=True,
                             initializers={"w": tf1.constant_initializer(w)})
    # LayerNorm takes no is_training: it is dropped, not refused.
    y = net(tf.constant(x), is_training=True)
    self.init()
    h = np.einsum("nhwi,io->nhwo", x, w[0, 0])
    mean = h.mean(axis=tuple(axis), keepdims=True)
    var = h.var(axis=tuple(axis), keepdims=True)
    self.assertAllClose(self.evaluate(y), (h - mean) / np.sqrt(var + 1e-5),
                        atol=1e-4, rtol=1e-4)
    self.assertVariableNames(net.get_variables(), [
        "conv_net_2d/conv_2d_0/w", "conv_net_2d/conv_2d_0/b",
        "conv_net_2d/batch_norm_0/gamma", "conv_net_2d/batch_norm_0/beta"])

  @test_utils.in_graph_mode  # Eager NCHW convolutions need a GPU.
  def test_nchw_batch_norm_keeps_sonnet_1_axes(self):
    # Sonnet 1.36 passed no axis: BatchNorm reduces over all but the last
    # dimension, so NCHW statistics are per column (checkpoint shapes).
    net = snt.nets.ConvNet2D([4, 5], [3], [1], [snt.SAME], use_batch_norm=True,
                             normalize_final=True, data_format="NCHW")
    x = tf1.placeholder(tf.float32, [2, 3, 6, 7])
    net(x, is_training=True)
    self.assertVariableShapes(
        net.get_all_variables(tf1.GraphKeys.GLOBAL_VARIABLES), {
            "conv_net_2d/conv_2d_0/w": [3, 3, 3, 4], "conv_net_2d/conv_2d_0/b":
                [4], "conv_net_2d/conv_2d_1/w": [3, 3, 4, 5],
            "conv_net_2d/conv_2d_1/b": [5], "conv_net_2d/batch_norm_0/beta": [
                1, 1, 1, 7], "conv_net_2d/batch_norm_0/moving_mean": [
                    1, 1, 1, 7], "conv_net_2d/batch_norm_0/moving_variance": [
                        1, 1, 1, 7], "conv_net_2d/batch_norm_1/beta": [
                            1, 1, 1, 7
                        ], "conv_net_2d/batch_norm_1/moving_mean": [1, 1, 1, 7],
            "conv_net_2d/batch_norm_1/moving_variance": [1, 1, 1, 7]})

  @test_utils.in_all_modes
  def test_batch_norm_needs_is_training(self):
    for ctor in (snt.BatchNorm, snt.BatchNormV2):
      net = snt.nets.ConvNet2D([4], [3], [1], [snt.SAME],
                               normalization_ctor=ctor, normalize_final=False)
      # Asked for even when no layer ends up normalized, as in Sonnet 1.36.
      with self.assertRaisesRegex(
          ValueError, "^Boolean is_training flag must be explicitly "
          "specified when using batch normalization."):
        net(tf.ones([2, 6, 6, 3]))
      self.assertFalse(net.is_connected)

  @test_utils.in_all_modes
  def test_build_kwargs_without_normalization_are_ignored(self):
    net = snt.nets.ConvNet2D([4, 5], [3], [1], [snt.SAME])
    with self.assertLogs(level="WARNING") as logs:
      y = net(tf.ones([2, 6, 6, 3]), is_training=True)
    self.assertIn("No normalization configured, but extra kwargs provided",
                  logs.output[0])
    self.assertEqual(y.shape.as_list(), [2, 6, 6, 5])

  @test_utils.in_all_modes
  def test_rank_is_checked_by_the_first_layer(self):
    net = snt.nets.ConvNet2D([4], [3], [1], [snt.SAME])
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "Input Tensor must have rank 4"):
      net(tf.ones([2, 6, 3]))
    self.assertFalse(net.is_connected)

  @parameterized.parameters(
      ({"kernel_shapes": [3, 3, 3]}, ValueError,
       r"^kernel_shapes must be of length 1 or len\(output_channels\) "
       r"\(2\), got 3 entries.$"),
      ({"strides": []}, ValueError, "^strides must be of length 1 or"),
      ({"paddings": [snt.SAME] * 3
       }, ValueError, "^paddings must be of length 1 or"),
      ({"rates": [1, 2, 1]}, ValueError, "^rates must be of length 1 or"),
      ({"output_channels": []
       }, ValueError, "^output_channels must not be empty$"),
      ({"output_channels": 3}, TypeError, "^output_channels must be iterable$"),
      ({"kernel_shapes": 3}, TypeError, "^kernel_shapes must be iterable$"),
      ({"strides": True}, TypeError, "^strides must be iterable$"),
      ({"paddings": None}, TypeError, "^paddings must be iterable$"),
      ({"rates": 2}, TypeError, "^rates must be iterable$"),
      ({"use_bias": 2
       }, TypeError, "^use_bias must be either a bool or an iterable$"),
      ({"use_bias": np.bool_(True)}, TypeError, "use_bias must be either"),
      ({"use_batch_norm": [True]
       }, TypeError, "^use_batch_norm must be a boolean"),
      ({"activation": "relu"
       }, TypeError, "^Input 'activation' must be callable$"),
      ({"data_format": "NWC"}, ValueError,
       "^Invalid data_format NWC. Allowed formats {'NCHW', 'NHWC'}$"),
      ({"data_format": 3}, ValueError, "^Invalid data_format 3"),
      ({"use_batch_norm": True, "normalization_ctor": snt.BatchNorm
       }, ValueError, "^if use_batch_norm is specified, normalization_ctor and "
       "normalization_kwargs must not be.$"),
      ({"use_batch_norm": True, "normalization_kwargs": {}
       }, ValueError, "^if use_batch_norm is specified"),
      ({"normalization_ctor": "NoSuchNorm"
       }, ValueError, "^could not find `NoSuchNorm`, after normalizing to "
       "`sonnet.NoSuchNorm`"),
      ({"normalization_ctor": 3}, ValueError,
       "^normalization_ctor must be a callable or a string that specifies a "
       "callable, got 3.$"),
      ({"initializers": {"x": tf.ones}}, KeyError, "Invalid initializer"),
      # The dicts are checked before the activation, as in Sonnet 1.36.
      ({"activation": 1, "regularizers": {"v": tf.abs}
       }, KeyError, "Invalid regularizer"))
  def test_bad_constructor_args(self, overrides, error, message):
    kwargs = dict(output_channels=[4, 5], kernel_shapes=[3], strides=[1],
                  paddings=[snt.SAME])
    kwargs.update(overrides)
    with self.assertRaisesRegex(error, message):
      snt.nets.ConvNet2D(**kwargs)

  @test_utils.in_all_modes
  def test_lenient_constructor_args(self):
    # Sonnet 1.36 ignored batch_norm_config without use_batch_norm, kept
    # use_bias of any length and accepted integral float channel counts.
    net = snt.nets.ConvNet2D([4., 5.], [3], [1], [snt.SAME],
                             use_batch_norm=False,
                             batch_norm_config={"unused": 1},
                             use_bias=[True, False, True])
    self.assertIsNone(net.normalization_ctor)
    self.assertEqual(net.normalization_kwargs, {})
    self.assertEqual(net.use_bias, (True, False, True))
    self.assertEqual(net(tf.ones([1, 6, 6, 3])).shape.as_list(), [1, 6, 6, 5])
    self.assertVariableNames(net.get_variables(), [
        "conv_net_2d/conv_2d_0/w", "conv_net_2d/conv_2d_0/b",
        "conv_net_2d/conv_2d_1/w"])

  def test_properties(self):
    net = snt.nets.ConvNet2D([4, 5], [3, 5], [1, 2], [snt.SAME, snt.VALID],
                             use_batch_norm=True, activation=tf.tanh,
                             batch_norm_config={"scale": True})
    self.assertEqual(net.kernel_shapes, (3, 5))
    self.assertEqual(net.strides, (1, 2))
    self.assertEqual(net.paddings, (snt.SAME, snt.VALID))
    self.assertEqual(net.rates, (1, 1))
    self.assertEqual(net.use_bias, (True, True))
    self.assertIs(net.activation, tf.tanh)
    self.assertFalse(net.activate_final)
    self.assertFalse(net.normalize_final)
    self.assertTrue(net.use_batch_norm)
    self.assertEqual(net.batch_norm_config, {"scale": True})
    self.assertEqual(net.normalization_kwargs, {"scale": True})
    self.assertEqual(net.initializers, {})
    self.assertEqual(type(net.layers), tuple)
    with self.assertRaises(snt.NotConnectedError):
      _ = net.input_shape
    ln = snt.nets.ConvNet2D([4], [3], [1], [snt.SAME],
                            normalization_ctor=snt.LayerNorm)
    self.assertFalse(ln.use_batch_norm)
    self.assertIs(ln.normalization_ctor, snt.LayerNorm)

  @test_utils.in_all_modes
  def test_transpose_round_trip_shapes(self):
    net = snt.nets.ConvNet2D([4, 6], [3], [2], [snt.SAME], name="enc")
    dec = net.transpose()
    self.assertIsInstance(dec, snt.nets.ConvNet2DTranspose)
    y = dec(net(tf.ones([2, 8, 8, 3])))
    self.assertEqual(y.shape.as_list(), [2, 8, 8, 3])
    self.assertEqual(dec.output_shapes, ((4, 4), (8, 8)))
    self.assertEqual(dec.output_channels, (4, 3))
    self.assertVariableShapes(
        dec.get_variables(), {
            "enc_transpose/conv_2d_transpose_0/w": [
                3, 3, 4, 6], "enc_transpose/conv_2d_transpose_0/b": [
                    4], "enc_transpose/conv_2d_transpose_1/w": [3, 3, 3, 4],
            "enc_transpose/conv_2d_transpose_1/b": [3]})
    back = dec.transpose()
    self.assertIsInstance(back, snt.nets.ConvNet2D)
    self.assertEqual(back(y).shape.as_list(), [2, 2, 2, 6])

  @test_utils.in_all_modes
  def test_transpose_before_connection(self):
    net = snt.nets.ConvNet2D([4, 6], [3], [1], [snt.SAME])
    dec = net.transpose()
    with self.assertRaisesRegex(
        snt.NotConnectedError, "Variables in conv_net_2d/conv_2d_1 not "
        "instantiated yet, __call__ the module first."):
      dec(tf.ones([2, 8, 8, 6]))

  def test_transpose_arguments(self):
    net = snt.nets.ConvNet2D([2, 3, 4], [[3, 3], [5, 5], [7, 7]],
                             [[1, 1], [2, 2], [3, 3]],
                             [snt.SAME, snt.SAME, snt.VALID],
                             use_bias=[True, True,
                                       False], normalization_ctor=snt.LayerNorm,
                             normalize_final=True)
    dec = net.transpose()
    self.assertEqual(dec.kernel_shapes, ([7, 7], [5, 5], [3, 3]))
    self.assertEqual(dec.strides, ([3, 3], [2, 2], [1, 1]))
    self.assertEqual(dec.paddings, (snt.VALID, snt.SAME, snt.SAME))
    self.assertEqual(dec.use_bias, (False, True, True))
    self.assertIs(dec.normalization_ctor, snt.LayerNorm)
    self.assertTrue(dec.normalize_final)
    self.assertEqual(net.transpose(name="d").module_name, "d")
    other = net.transpose(output_channels=[1, 2, 3], activation=tf.tanh,
                          normalization_ctor=snt.BatchNorm,
                          use_batch_norm=False, batch_norm_config={"a": 1})
    self.assertEqual(other.output_channels, (1, 2, 3))
    self.assertIs(other.activation, tf.tanh)
    self.assertIs(other.normalization_ctor, snt.BatchNorm)
    with self.assertRaisesRegex(
        ValueError, r"^Iterable output_channels length must match the number "
        r"of layers \(3\), but is 18 instead.$"):
      net.transpose(output_channels=[42] * 18)
    with self.assertRaisesRegex(ValueError, "^Invalid data_format NWC"):
      net.transpose(data_format="NWC")

  @parameterized.parameters([2], [(1, 1)])
  def test_dilated_transpose_raises(self, rate):
    # Sonnet 1.36 compared each rate with 1, so even (1, 1) is refused.
    net = snt.nets.ConvNet2D([4], [3], [1], [snt.SAME], rates=[rate])
    with self.assertRaisesRegex(
        NotImplementedError,
        "^Transpose dilated convolutions are not supported$"):
      net.transpose()

  @test_utils.in_all_modes
  def test_transpose_does_not_inherit_the_custom_getter(self):

    def zero_getter(getter, *args, **kwargs):
      return 0. * getter(*args, **kwargs)

    net = snt.nets.ConvNet2D([2], [1], [1], [snt.SAME], use_bias=False,
                             custom_getter=zero_getter,
                             initializers={"w": tf1.ones_initializer()})
    with self.assertLogs(level="WARNING") as logs:
      dec = net.transpose()
    self.assertIn("was not given any", logs.output[0])
    zeroed = net.transpose(custom_getter=zero_getter, name="zeroed")
    y = net(tf.ones([1, 2, 2, 3]))
    z = dec(y + 1.)
    z0 = zeroed(y + 1.)
    self.init()
    self.assertAllClose(self.evaluate(y), np.zeros([1, 2, 2, 2]))
    self.assertAllClose(self.evaluate(z), np.full([1, 2, 2, 3], 2.))
    self.assertAllClose(self.evaluate(z0), np.zeros([1, 2, 2, 3]))

  @test_utils.in_all_modes
  def test_conv_net_2d_transpose_direct(self):
    net = snt.nets.ConvNet2DTranspose([4, 2], output_shapes=[
        (8, 8), (16, 16)], kernel_shapes=[3], strides=[2], paddings=[snt.SAME])
    self.assertEqual(net(tf.ones([1, 4, 4, 3])).shape.as_list(), [1, 16, 16, 2])
    self.assertEqual(net.rates, (1, 1))

  @parameterized.parameters(
      ({"output_shapes": []}, ValueError,
       r"^output_shapes must be of length 1 or len\(output_channels\)"),
      ({"output_shapes": False}, TypeError, "^output_shapes must be iterable$"),
      ({"output_channels": None}, TypeError,
       "^output_channels must be iterable$"), ({"output_channels": [
       ]}, ValueError, "^output_channels must not be empty$"))
  def test_conv_net_2d_transpose_bad_args(self, overrides, error, message):
    kwargs = dict(output_channels=[4, 5], output_shapes=[(8, 8)],
                  kernel_shapes=[3], strides=[1], paddings=[snt.SAME])
    kwargs.update(overrides)
    with self.assertRaisesRegex(error, message):
      snt.nets.ConvNet2DTranspose(**kwargs)

  def test_conv_net_2d_transpose_transpose_batch_norm(self):
    net = snt.nets.ConvNet2DTranspose([4, 5], output_shapes=[
        (8, 8)], kernel_shapes=[3], strides=[1], paddings=[snt.SAME])
    back = net.transpose(use_batch_norm=True, batch_norm_config={"scale": 1})
    self.assertIs(back.normalization_ctor, snt.BatchNorm)
    self.assertEqual(back.normalization_kwargs, {"scale": 1})
    self.assertIsNone(net.transpose(use_batch_norm=False).normalization_ctor)
    with self.assertRaisesRegex(
        ValueError, "^If use_batch_norm is specified, normalization_ctor and "
        "normalization_kwargs must not be.$"):
      net.transpose(use_batch_norm=True, normalization_kwargs={})


def _image_data(n=64, seed=0):
  """Bright-left vs bright-right 8x8 images with noise."""
  rng = np.random.RandomState(seed)
  labels = rng.randint(0, 2, size=n).astype(np.int32)
  x = rng.randn(n, 8, 8, 1).astype(np.float32) * 0.5
  x[labels == 0, :, :4] += 1.
  x[labels == 1, :, 4:] += 1.
  return x, labels


class ConvNet2DTrainingTest(test_utils.TestCase):

  def _model(self):
    net = snt.nets.ConvNet2D([8, 8], [3], [2], [snt.SAME], use_batch_norm=True,
                             activate_final=True)
    head = snt.Linear(2)
    return lambda x: head(tf.reduce_mean(net(x, is_training=True), [1, 2]))

  @test_utils.in_graph_mode
  def test_learns_in_graph_mode(self):
    x, labels = _image_data()
    model = self._model()
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=model(tf.constant(x))))
    with tf.control_dependencies(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)):
      train = tf1.train.AdamOptimizer(0.05).minimize(loss)
    self.init()
    first = self.evaluate(loss)
    for _ in range(60):
      self.evaluate(train)
    self.assertLess(self.evaluate(loss), first / 3)

  @test_utils.in_eager_mode
  def test_learns_in_eager_tf_function(self):
    x, labels = _image_data()
    model = self._model()
    optimizer = tf.keras.optimizers.Adam(0.05)
    variables = []

    @tf.function
    def step():
      with tf.GradientTape() as tape:
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=labels, logits=model(x)))
      if not variables:
        variables.extend(tape.watched_variables())
      optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
      return loss

    first = float(step())
    for _ in range(60):
      last = float(step())
    self.assertLess(last, first / 3)


if __name__ == "__main__":
  test_utils.main()
