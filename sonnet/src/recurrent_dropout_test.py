"""Tests for recurrent dropout (snt.lstm_with_recurrent_dropout)."""

import numpy as np
import sonnet as snt
from sonnet.src import lstm_test
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class RecurrentDropoutTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_train_core_matches_numpy_with_its_masks(self):
    x = np.random.RandomState(0).randn(4, 3, 2).astype(np.float32)
    train, test = snt.lstm_with_recurrent_dropout(6, keep_prob=0.5)
    initial = train.initial_state(3)
    outputs, final = snt.dynamic_unroll(train, tf.constant(x), initial)
    test_outputs, _ = snt.dynamic_unroll(test, tf.constant(x),
                                         test.initial_state(3))
    self.assertLen(test.get_variables(), 2)  # Shared, not duplicated.
    self.init()
    values = {v.name.split("/")[-1][:-2]: self.evaluate(v)
              for v in test.get_variables()}
    (_, masks), outputs, final, test_outputs = self.evaluate(
        [initial, outputs, final, test_outputs])
    mask, = masks
    self.assertEqual(mask.shape, (3, 6))
    self.assertAllInSet(mask, [0., 2.])
    h, c = np.zeros([3, 6]), np.zeros([3, 6])
    for t in range(4):
      h, c = lstm_test.numpy_lstm_step(x[t], h * mask, c, values)
      self.assertAllClose(outputs[t], h, atol=1e-5)
    self.assertAllClose(final[1][0], mask)  # Masks fixed for the sequence.
    h, c = np.zeros([3, 6]), np.zeros([3, 6])
    for t in range(4):
      h, c = lstm_test.numpy_lstm_step(x[t], h, c, values)
    self.assertAllClose(test_outputs[-1], h, atol=1e-5)

  @test_utils.in_graph_mode
  def test_with_dynamic_rnn_zero_state(self):
    train, _ = snt.lstm_with_recurrent_dropout(4, keep_prob=0.9)
    outputs, state = tf1.nn.dynamic_rnn(train, tf.ones([2, 3, 1]),
                                        dtype=tf.float32)
    self.init()
    masks = self.evaluate(state[1][0])
    self.assertGreater(masks.max(), 0.)  # Not an all-zero "zero state".
    self.assertEqual(self.evaluate(outputs).shape, (2, 3, 4))

  @test_utils.in_all_modes
  def test_highway_core_with_recurrent_dropout(self):
    train, test = snt.highway_core_with_recurrent_dropout(4, 2, keep_prob=0.7)
    state = train.initial_state(5)
    self.assertEqual(train.state_size,
                     (tf.TensorShape([4]), (tf.TensorShape([4]),)))
    out, _ = train(tf.ones([5, 3]), state)
    test(tf.ones([5, 3]), test.initial_state(5))
    self.assertLen(test.get_variables(), 10)
    self.assertEqual(out.shape.as_list(), [5, 4])


if __name__ == "__main__":
  test_utils.main()
