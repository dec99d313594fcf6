"""Tests for snt.BidirectionalRNN."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class Cumsum(snt.RNNCore):
  """Outputs the running sum of its inputs."""

  @property
  def state_size(self):
    return tf.TensorShape([2])

  @property
  def output_size(self):
    return tf.TensorShape([2])

  def _build(self, inputs, prev_state):
    return inputs + prev_state, inputs + prev_state


class BidirectionalRNNTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_forward_and_backward_sums(self):
    x = np.random.RandomState(0).randn(5, 3, 2).astype(np.float32)
    bidir = snt.BidirectionalRNN(Cumsum(), Cumsum())
    result = bidir(tf.constant(x), bidir.initial_state(3))
    result = self.evaluate(result)
    forward = np.cumsum(x, axis=0)
    # Sonnet 1: the backward sequences are in processing order (entry 0 is
    # the step on the last input), and the states of every step come back.
    backward = np.cumsum(x[::-1], axis=0)
    self.assertAllClose(result["outputs"]["forward"], forward)
    self.assertAllClose(result["outputs"]["backward"], backward)
    self.assertAllClose(result["state"]["forward"], forward)
    self.assertAllClose(result["state"]["backward"], backward)

  @test_utils.in_all_modes
  def test_vanilla_rnns_match_numpy(self):
    rng = np.random.RandomState(1)
    x = rng.randn(3, 2, 4).astype(np.float32)
    forward, backward = snt.VanillaRNN(3), snt.VanillaRNN(2)
    bidir = snt.BidirectionalRNN(forward, backward)
    result = bidir(tf.constant(x), bidir.initial_state(2))
    self.init()
    result = self.evaluate(result)
    for core, direction, steps in ((forward, "forward", x),
                                   (backward, "backward", x[::-1])):
      w_x, b_x, w_h, b_h = self.evaluate([
          core.in_to_hidden_linear.w, core.in_to_hidden_linear.b,
          core.hidden_to_hidden_linear.w, core.hidden_to_hidden_linear.b])
      h = np.zeros([2, w_h.shape[0]])
      for t, step in enumerate(steps):
        h = np.tanh(step.dot(w_x) + b_x + h.dot(w_h) + b_h)
        self.assertAllClose(result["outputs"][direction][t], h, atol=1e-5)
        self.assertAllClose(result["state"][direction][t], h, atol=1e-5)

  @test_utils.in_all_modes
  def test_lstm_variables_and_sizes(self):
    bidir = snt.BidirectionalRNN(snt.LSTM(3), snt.LSTM(4))
    bidir(tf.ones([2, 2, 5]), bidir.initial_state(2))
    result = bidir(tf.ones([6, 2, 5]), bidir.initial_state(2))
    self.assertVariableNames(
        bidir.get_all_variables(),
        ["lstm/w_gates", "lstm/b_gates", "lstm_1/w_gates", "lstm_1/b_gates"])
    self.assertEqual(bidir.output_size,
                     (tf.TensorShape([3]), tf.TensorShape([4])))
    self.assertEqual(result["state"]["backward"].cell.shape.as_list(),
                     [6, 2, 4])

  @test_utils.in_graph_mode
  def test_initial_state_names(self):
    bidir = snt.BidirectionalRNN(snt.VanillaRNN(3), snt.VanillaRNN(2))
    forward, backward = bidir.initial_state(2)
    self.assertEqual(forward.name, "state_forward/VanillaRNNZeroState/zeros:0")
    self.assertEqual(backward.name,
                     "state_backward/VanillaRNNZeroState/zeros:0")
    init = tf1.constant_initializer(2.)
    bidir.initial_state(2, trainable=True, trainable_initializers=init,
                        name="learned")
    self.assertVariableShapes(
        tf1.global_variables(),
        {"learned_forward_0/w": [1, 3], "learned_backward_0/w": [1, 2]})

  def test_errors(self):
    with self.assertRaisesRegex(
        ValueError,
        "Forward and backward cores must both be instances ofRNNCore."):
      snt.BidirectionalRNN(snt.LSTM(3), tf.nn.relu)
    with tf.Graph().as_default():
      bidir = snt.BidirectionalRNN(Cumsum(), Cumsum())
      with self.assertRaisesRegex(ValueError, "must be staticallyknown"):
        bidir(tf1.placeholder(tf.float32, [None, 2, 2]),
              (tf.zeros([2, 2]), tf.zeros([2, 2])))


if __name__ == "__main__":
  test_utils.main()
