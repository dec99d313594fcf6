"""Tests for recurrent dropout (snt.lstm_with_recurrent_dropout)."""

import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf


class RecurrentDropoutTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_train_core_matches_numpy_with_its_masks(self):
    x = np.random.RandomState(0).randn(4, 3, 2).astype(np.float32)
    train, test = snt.lstm_with_recurrent_dropout(6, keep_prob=0.5)
    self.assertEqual(train.module_name, "lstm_recdropout")
    initial = train.initial_state(3)
    outputs, final = snt.dynamic_unroll(train, tf.constant(x), initial)
    test_outputs, _ = snt.dynamic_unroll(test, tf.constant(x),
                                         test.initial_state(3))
    self.assertLen(test.get_variables(), 2)  # Shared, not duplicated.
    self.init()
    values = self.variable_values(test)
    (_, masks), outputs, final, test_outputs = self.evaluate([
        initial, outputs, final, test_outputs])
    mask, = masks
    self.assertEqual(mask.shape, (3, 6))
    self.assertAllInSet(mask, [0., 2.])
    # Each step's new hidden state is masked; the output is the LSTM's.
    h, c = np.zeros([3, 6]), np.zeros([3, 6])
    for t in range(4):
      out, c = refs.lstm_step(x[t], h, c, values)
      h = out * mask
      self.assertAllClose(outputs[t], out, atol=1e-5)
    self.assertAllClose(final[0].hidden, h, atol=1e-5)
    self.assertAllClose(final[0].cell, c, atol=1e-5)
    self.assertAllClose(final[1][0], mask)  # Masks fixed for the sequence.
    h, c = np.zeros([3, 6]), np.zeros([3, 6])
    for t in range(4):
      h, c = refs.lstm_step(x[t], h, c, values)
    self.assertAllClose(test_outputs[-1], h, atol=1e-5)

  @test_utils.in_all_modes
  def test_sizes_and_zero_state(self):
    train, _ = snt.lstm_with_recurrent_dropout(4, keep_prob=0.9)
    self.assertEqual(train.state_size,
                     (snt.LSTMState(tf.TensorShape([4]), tf.TensorShape([4])), [
                         tf.TensorShape([4])]))
    self.assertEqual(train.output_size, tf.TensorShape([4]))
    # As in Sonnet 1, the zero state's masks are zeros too (use
    # initial_state to draw masks).
    _, masks = train.zero_state(2, tf.float32)
    self.assertAllClose(self.evaluate(masks[0]), np.zeros([2, 4]))

  @test_utils.in_all_modes
  def test_highway_core_with_recurrent_dropout(self):
    train, test = snt.highway_core_with_recurrent_dropout(4, 2, keep_prob=0.7)
    state = train.initial_state(5)
    self.assertEqual(train.state_size,
                     (tf.TensorShape([4]), [tf.TensorShape([4])]))
    out, (next_state, masks) = train(tf.ones([5, 3]), state)
    test_out, _ = test(tf.ones([5, 3]), test.initial_state(5))
    self.assertLen(test.get_variables(), 10)
    self.init()
    out, next_state, masks, test_out = self.evaluate([
        out, next_state, masks, test_out])
    self.assertAllClose(out, test_out)
    self.assertAllClose(next_state, test_out * masks[0])


if __name__ == "__main__":
  test_utils.main()
