"""Tests for snt.BidirectionalRNN."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf


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
    self.assertAllClose(result["outputs"]["forward"], np.cumsum(x, axis=0))
    self.assertAllClose(result["outputs"]["backward"],
                        np.cumsum(x[::-1], axis=0)[::-1])
    self.assertAllClose(result["state"]["forward"], x.sum(axis=0))
    self.assertAllClose(result["state"]["backward"], x.sum(axis=0))

  @test_utils.in_all_modes
  def test_lstm_variables_and_sizes(self):
    bidir = snt.BidirectionalRNN(snt.LSTM(3), snt.LSTM(4))
    bidir(tf.ones([2, 2, 5]), bidir.initial_state(2))
    bidir(tf.ones([6, 2, 5]), bidir.initial_state(2))
    self.assertVariableNames(bidir.get_all_variables(), [
        "lstm/w_gates", "lstm/b_gates", "lstm_1/w_gates", "lstm_1/b_gates"])
    self.assertEqual(bidir.output_size,
                     (tf.TensorShape([3]), tf.TensorShape([4])))

  @test_utils.in_all_modes
  def test_bad_state(self):
    bidir = snt.BidirectionalRNN(snt.LSTM(3), snt.LSTM(3), name="bi")
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "bi: state"):
      bidir(tf.ones([2, 2, 5]), snt.LSTM(3).initial_state(2)[0])

  def test_bad_cores(self):
    with self.assertRaisesRegex(TypeError, "RNNCores"):
      snt.BidirectionalRNN(snt.LSTM(3), tf.nn.relu)


if __name__ == "__main__":
  test_utils.main()
