"""Tests for snt.Conv1DLSTM and snt.Conv2DLSTM."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules import gated_rnn
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def conv1d_same(x, w, b):
  """NumPy 'SAME' 1D correlation: x [B, W, C], w [K, C, O], b None or [O]."""
  return refs.conv(x, w, padding="SAME") + (b if b is not None else 0.)


def layer_norm_all(x, gamma, beta):
  """Normalizes each example over all its entries (flattened)."""
  flat = refs.layer_norm(x.reshape([x.shape[0], -1]), gamma, beta)
  return flat.reshape(x.shape)


class ConvLSTMTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      ("plain", False, True),
      ("layer_norm_no_hidden_bias", True, False),
  )
  @test_utils.in_all_modes
  def test_conv1d_lstm_matches_numpy(self, use_layer_norm, legacy):
    rng = np.random.RandomState(0)
    x = rng.randn(3, 2, 6, 3).astype(np.float32)
    core = snt.Conv1DLSTM(
        input_shape=(6, 3), output_channels=4, kernel_shape=3, forget_bias=0.5,
        use_layer_norm=use_layer_norm, legacy_bias_behaviour=legacy,
        initializers={"b": tf1.random_normal_initializer(seed=1)})

    def step(x_t, state, v):
      h, c = state
      gates = (conv1d_same(x_t, v["conv/w"], v["conv/b"]) +
               conv1d_same(h, v["conv_1/w"], v.get("conv_1/b")))
      if use_layer_norm:
        gates = layer_norm_all(gates, v["layer_norm/gamma"],
                               v["layer_norm/beta"])
      i, j, f, o = np.split(gates, 4, axis=-1)  # pylint: disable=unbalanced-tuple-unpacking
      c = refs.sigmoid(f + 0.5) * c + refs.sigmoid(i) * np.tanh(j)
      h = np.tanh(c) * refs.sigmoid(o)
      return h, (h, c)

    self.assertUnrollMatches(core, x, core.initial_state(2), step)

  @parameterized.parameters(
      (True, True, False, ["conv/w", "conv/b", "conv_1/w", "conv_1/b"]),
      (True, False, True,
       ["conv/w", "conv/b", "conv_1/w", "layer_norm/gamma", "layer_norm/beta"]),
      (False, True, False, ["conv/w", "conv_1/w"]),
  )
  @test_utils.in_all_modes
  def test_conv2d_lstm_variables(self, use_bias, legacy, use_layer_norm, names):
    core = snt.Conv2DLSTM(input_shape=(5, 4, 3), output_channels=2,
                          kernel_shape=3, use_bias=use_bias,
                          legacy_bias_behaviour=legacy,
                          use_layer_norm=use_layer_norm)
    self.assertEqual(core.use_layer_norm, use_layer_norm)
    self.assertEqual(core.state_size, (tf.TensorShape([5, 4, 2]),) * 2)
    outputs, _ = snt.dynamic_unroll(core, tf.ones([3, 2, 5, 4, 3]),
                                    core.initial_state(2))
    self.assertEqual(outputs.shape.as_list(), [3, 2, 5, 4, 2])
    shapes = {
        "conv/w": [3, 3, 3, 8], "conv/b": [8], "conv_1/w": [3, 3, 2,
                                                            8], "conv_1/b": [8],
        "layer_norm/gamma": [5 * 4 * 8], "layer_norm/beta": [5 * 4 * 8]}
    self.assertVariableShapes(
        core.get_all_variables(),
        {"conv_2d_lstm/" + name: shapes[name] for name in names})
    self.assertEqual(sorted(core.convolutions), ["hidden", "input"])
    self.assertEqual(core.convolutions["input"].module_name, "conv")
    self.assertEqual(core.convolutions["hidden"].module_name, "conv_1")
    self.assertEqual(core.convolutions["hidden"].has_bias, use_bias and legacy)

  @test_utils.in_graph_mode
  def test_with_dynamic_rnn(self):
    core = snt.Conv2DLSTM(input_shape=(4, 4, 1), output_channels=2,
                          kernel_shape=2)
    outputs, _ = tf1.nn.dynamic_rnn(core, tf.ones([2, 3, 4, 4, 1]),
                                    dtype=tf.float32)
    self.assertEqual(outputs.shape.as_list(), [2, 3, 4, 4, 2])
    self.assertLen(core.get_all_variables(), 4)

  @test_utils.in_all_modes
  def test_valid_padding_and_3d(self):
    core = gated_rnn.ConvLSTM(conv_ndims=3, input_shape=(2, 3, 4, 1),
                              output_channels=2, kernel_shape=1,
                              padding=snt.VALID)
    out, state = core(tf.ones([2, 2, 3, 4, 1]), core.initial_state(2))
    self.assertEqual(out.shape.as_list(), [2, 2, 3, 4, 2])
    self.assertEqual(state[1].shape.as_list(), [2, 2, 3, 4, 2])

  def test_stride_divides_output_channels(self):
    core = snt.Conv1DLSTM(input_shape=(6, 3), output_channels=8, kernel_shape=1,
                          stride=2)
    self.assertEqual(core.output_size, tf.TensorShape([6, 2]))
    self.assertEqual(core.state_size[0], tf.TensorShape([6, 8]))

  def test_possible_initializer_keys(self):
    self.assertEqual(snt.Conv1DLSTM.get_possible_initializer_keys(), {"w", "b"})
    self.assertEqual(snt.Conv2DLSTM.get_possible_initializer_keys(False), {"w"})
    self.assertEqual(gated_rnn.ConvLSTM.get_possible_initializer_keys(3),
                     {"w", "b"})

  def test_errors(self):
    with self.assertRaisesRegex(
        ValueError, r"Invalid input_shape \(6, 3\) for "
        r"conv_ndims=2."):
      snt.Conv2DLSTM(input_shape=(6, 3), output_channels=4, kernel_shape=3)
    with self.assertRaisesRegex(ValueError,
                                "Invalid convolution dimensionality."):
      gated_rnn.ConvLSTM(conv_ndims=4, input_shape=(1, 1, 1, 1, 1),
                         output_channels=4, kernel_shape=1)
    with self.assertRaisesRegex(KeyError, "Invalid initializer keys 'v'"):
      snt.Conv1DLSTM(input_shape=(6, 3), output_channels=4, kernel_shape=3,
                     initializers={"v": tf1.zeros_initializer()})


if __name__ == "__main__":
  test_utils.main()
