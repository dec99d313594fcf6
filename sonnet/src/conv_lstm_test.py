"""Tests for snt.Conv1DLSTM and snt.Conv2DLSTM."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def sigmoid(x):
  return 1. / (1. + np.exp(-x))


def conv1d_same(x, w, b):
  """NumPy 'SAME' 1D correlation: x [B, W, C], w [K, C, O]."""
  k = w.shape[0]
  left = (k - 1) // 2
  padded = np.pad(x, [(0, 0), (left, k - 1 - left), (0, 0)])
  out = np.stack([np.einsum("bkc,kco->bo", padded[:, i:i + k], w)
                  for i in range(x.shape[1])], axis=1)
  return out + (b if b is not None else 0.)


class ConvLSTMTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_conv1d_lstm_matches_numpy(self):
    rng = np.random.RandomState(0)
    x = rng.randn(3, 2, 6, 3).astype(np.float32)
    core = snt.Conv1DLSTM(input_shape=(6, 3), output_channels=4,
                          kernel_shape=3, forget_bias=0.5, initializers={
                              "b": tf1.random_normal_initializer(seed=1)})
    outputs, final = snt.dynamic_unroll(core, tf.constant(x),
                                        core.initial_state(2))
    self.init()
    v = {var.name[len("conv_1d_lstm/"):-2]: self.evaluate(var)
         for var in core.get_all_variables()}
    outputs, final = self.evaluate([outputs, final])
    h = c = np.zeros([2, 6, 4])
    for t in range(3):
      gates = (conv1d_same(x[t], v["input/w"], v["input/b"]) +
               conv1d_same(h, v["hidden/w"], v["hidden/b"]))
      i, j, f, o = np.split(gates, 4, axis=-1)
      c = sigmoid(f + 0.5) * c + sigmoid(i) * np.tanh(j)
      h = sigmoid(o) * np.tanh(c)
      self.assertAllClose(outputs[t], h, atol=1e-5)
    self.assertAllClose(final.cell, c, atol=1e-5)

  @test_utils.in_all_modes
  def test_conv2d_lstm_variables_and_shapes(self):
    core = snt.Conv2DLSTM(input_shape=(5, 4, 3), output_channels=2,
                          kernel_shape=3, legacy_bias_behaviour=False)
    self.assertEqual(core.state_size.cell, tf.TensorShape([5, 4, 2]))
    outputs, _ = snt.dynamic_unroll(core, tf.ones([3, 2, 5, 4, 3]),
                                    core.initial_state(2))
    self.assertEqual(outputs.shape.as_list(), [3, 2, 5, 4, 2])
    self.assertVariableShapes(core.get_all_variables(), {
        "conv_2d_lstm/input/w": [3, 3, 3, 8], "conv_2d_lstm/input/b": [8],
        "conv_2d_lstm/hidden/w": [3, 3, 2, 8]})

  @test_utils.in_graph_mode
  def test_with_dynamic_rnn(self):
    core = snt.Conv2DLSTM(input_shape=(4, 4, 1), output_channels=2,
                          kernel_shape=2)
    outputs, _ = tf1.nn.dynamic_rnn(core, tf.ones([2, 3, 4, 4, 1]),
                                    dtype=tf.float32)
    self.assertEqual(outputs.shape.as_list(), [2, 3, 4, 4, 2])
    self.assertLen(core.get_all_variables(), 4)

  @test_utils.in_all_modes
  def test_errors(self):
    core = snt.Conv1DLSTM(input_shape=(6, 3), output_channels=4,
                          kernel_shape=3, name="c")
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "c: inputs"):
      core(tf.ones([2, 5, 3]), core.initial_state(2))
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "c: each state"):
      core(tf.ones([2, 6, 3]), core.initial_state(3))
    with self.assertRaisesRegex(ValueError, "SAME"):
      snt.Conv1DLSTM(input_shape=(6, 3), output_channels=4, kernel_shape=3,
                     padding=snt.VALID)
    with self.assertRaisesRegex(ValueError, "input_shape"):
      snt.Conv2DLSTM(input_shape=(6, 3), output_channels=4, kernel_shape=3)


if __name__ == "__main__":
  test_utils.main()
