"""Tests for snt.nets.ConvNet2D and ConvNet2DTranspose."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _np_conv_valid(x, w, stride=1):
  """Cross-correlation of NHWC `x` with HWIO `w`, VALID padding."""
  kh, kw = w.shape[:2]
  out_h = (x.shape[1] - kh) // stride + 1
  out_w = (x.shape[2] - kw) // stride + 1
  out = np.zeros([x.shape[0], out_h, out_w, w.shape[3]], np.float32)
  for i in range(out_h):
    for j in range(out_w):
      patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
      out[:, i, j, :] = np.einsum("nhwi,hwio->no", patch, w)
  return out


class ConvNet2DTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(False, True)
  @test_utils.in_all_modes
  def test_matches_numpy(self, activate_final):
    x = np.random.RandomState(0).randn(2, 7, 7, 3).astype(np.float32)
    net = snt.nets.ConvNet2D([4, 5], kernel_shapes=[3, 2], strides=[2, 1],
                             paddings=[snt.VALID],
                             activate_final=activate_final,
                             initializers={"b": tf1.random_normal_initializer()})
    y = net(tf.constant(x))
    self.init()
    y, params = self.evaluate([y, [(l.w, l.b) for l in net.layers]])
    h = np.maximum(_np_conv_valid(x, params[0][0], 2) + params[0][1], 0.)
    expected = _np_conv_valid(h, params[1][0]) + params[1][1]
    if activate_final:
      expected = np.maximum(expected, 0.)
    self.assertAllClose(y, expected, atol=1e-4, rtol=1e-4)

  @test_utils.in_all_modes
  def test_variable_names_and_sharing(self):
    net = snt.nets.ConvNet2D([4, 5], [3], [1], [snt.SAME])
    net(tf.ones([2, 6, 6, 3]))
    net(tf.ones([1, 9, 9, 3]))
    self.assertVariableShapes(net.get_variables(), {
        "conv_net_2d/conv_2d_0/w": [3, 3, 3, 4],
        "conv_net_2d/conv_2d_0/b": [4],
        "conv_net_2d/conv_2d_1/w": [3, 3, 4, 5],
        "conv_net_2d/conv_2d_1/b": [5]})
    self.assertEqual(net.input_shape, (1, 9, 9, 3))
    self.assertEqual(net.output_channels, (4, 5))
    self.assertEqual(net.strides, (1, 1))

  @test_utils.in_all_modes
  def test_legacy_batch_norm(self):
    net = snt.nets.ConvNet2D([4, 5], [3], [1], [snt.SAME],
                             use_batch_norm=True, use_bias=False,
                             batch_norm_config={"scale": True})
    self.assertFalse(net.normalize_final)  # Follows activate_final.
    self.assertIs(net.normalization_ctor, snt.BatchNorm)
    net(tf.ones([2, 6, 6, 3]), is_training=True)
    self.assertVariableNames(net.get_variables(), [
        "conv_net_2d/conv_2d_0/w", "conv_net_2d/conv_2d_1/w",
        "conv_net_2d/batch_norm_0/gamma", "conv_net_2d/batch_norm_0/beta"])
    self.assertLen(net.get_variables(tf1.GraphKeys.MOVING_AVERAGE_VARIABLES),
                   2)

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
    self.assertEqual(net.normalization_modules[1].module_name,
                     "batch_norm_v2_1")

  @test_utils.in_all_modes
  def test_bad_inputs_create_nothing(self):
    net = snt.nets.ConvNet2D([4], [3], [1], [snt.SAME])
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "conv_net_2d: inputs must be 4-D"):
      net(tf.ones([2, 6, 3]))
    self.assertFalse(net.is_connected)
    with self.assertRaisesRegex(ValueError, "no normalization"):
      net(tf.ones([2, 6, 6, 3]), is_training=True)

  @parameterized.parameters(
      ({"kernel_shapes": [3, 3, 3]}, ValueError, "kernel_shapes must have 1"),
      ({"output_channels": []}, ValueError, "at least one layer"),
      ({"data_format": "NWC"}, ValueError, "data_format"),
      ({"use_batch_norm": True, "normalization_ctor": snt.BatchNorm},
       ValueError, "not both"),
      ({"normalization_ctor": "NoSuchNorm"}, ValueError, "names no Sonnet"),
      ({"initializers": {"x": tf.ones}}, KeyError, "Invalid initializer"))
  def test_bad_constructor_args(self, overrides, error, message):
    kwargs = dict(output_channels=[4, 5], kernel_shapes=[3], strides=[1],
                  paddings=[snt.SAME])
    kwargs.update(overrides)
    with self.assertRaisesRegex(error, message):
      snt.nets.ConvNet2D(**kwargs)

  @test_utils.in_all_modes
  def test_transpose_round_trip_shapes(self):
    net = snt.nets.ConvNet2D([4, 6], [3], [2], [snt.SAME], name="enc")
    dec = net.transpose()
    self.assertIsInstance(dec, snt.nets.ConvNet2DTranspose)
    y = dec(net(tf.ones([2, 8, 8, 3])))
    self.assertEqual(y.shape.as_list(), [2, 8, 8, 3])
    self.assertEqual(dec.output_shapes, ((4, 4), (8, 8)))
    self.assertVariableShapes(dec.get_variables(), {
        "enc_transpose/conv_2d_transpose_0/w": [3, 3, 4, 6],
        "enc_transpose/conv_2d_transpose_0/b": [4],
        "enc_transpose/conv_2d_transpose_1/w": [3, 3, 3, 4],
        "enc_transpose/conv_2d_transpose_1/b": [3]})
    back = dec.transpose()
    self.assertIsInstance(back, snt.nets.ConvNet2D)
    self.assertEqual(back(y).shape.as_list(), [2, 2, 2, 6])

  def test_dilated_transpose_raises(self):
    net = snt.nets.ConvNet2D([4], [3], [1], [snt.SAME], rates=[2])
    with self.assertRaisesRegex(snt.NotSupportedError, "dilated"):
      net.transpose()

  @test_utils.in_all_modes
  def test_conv_net_2d_transpose_direct(self):
    net = snt.nets.ConvNet2DTranspose([4, 2], output_shapes=[(8, 8),
                                                             (16, 16)],
                                      kernel_shapes=[3], strides=[2],
                                      paddings=[snt.SAME])
    self.assertEqual(net(tf.ones([1, 4, 4, 3])).shape.as_list(),
                     [1, 16, 16, 2])


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
    net = snt.nets.ConvNet2D([8, 8], [3], [2], [snt.SAME],
                             use_batch_norm=True, activate_final=True)
    head = snt.Linear(2)
    return lambda x: head(tf.reduce_mean(net(x, is_training=True), [1, 2]))

  @test_utils.in_graph_mode
  def test_learns_in_graph_mode(self):
    x, labels = _image_data()
    model = self._model()
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=model(tf.constant(x))))
    with tf.control_dependencies(tf1.get_collection(
        tf1.GraphKeys.UPDATE_OPS)):
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
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=model(x)))
      if not variables:
        variables.extend(tape.watched_variables())
      optimizer.apply_gradients(zip(tape.gradient(loss, variables),
                                    variables))
      return loss

    first = float(step())
    for _ in range(60):
      last = float(step())
    self.assertLess(last, first / 3)


if __name__ == "__main__":
  test_utils.main()
