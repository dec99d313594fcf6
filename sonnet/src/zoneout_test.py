"""Tests for zoneout (snt.lstm_with_zoneout)."""

import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf


class ZoneoutTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_test_core_uses_expectation(self):
    x = np.random.RandomState(0).randn(3, 2, 4).astype(np.float32)
    train, test = snt.lstm_with_zoneout(5, keep_prob_c=0.3, keep_prob_h=0.8)
    self.assertEqual(train.module_name, "lstm_zoneout")
    self.assertEqual(test.module_name, "lstm_zoneout_1")

    def step(x_t, state, values):
      h, c = state
      new_h, new_c = refs.lstm_step(x_t, h, c, values)
      # The output is the LSTM's; the state is the expectation.
      return new_h, state._replace(hidden=h * 0.2 + new_h * 0.8,
                                   cell=c * 0.7 + new_c * 0.3)

    self.assertUnrollMatches(test, x, test.initial_state(2), step, scope="lstm")

  @test_utils.in_all_modes
  def test_train_core_keeps_or_updates_each_unit(self):
    x = np.random.RandomState(1).randn(200, 5).astype(np.float32)
    train, test = snt.lstm_with_zoneout(50, keep_prob_c=0.25, keep_prob_h=0.5)
    prev = snt.LSTMState(
        hidden=tf.constant(np.random.RandomState(2).randn(200, 50), tf.float32),
        cell=tf.constant(np.random.RandomState(3).randn(200, 50), tf.float32))
    out, zoned = train(tf.constant(x), prev)
    plain_out, plain = test._core(tf.constant(x), prev)  # The LSTM's step.  # pylint: disable=protected-access
    self.init()
    out, zoned, plain_out, plain, prev = self.evaluate([
        out, zoned, plain_out, plain, prev])
    self.assertAllClose(out, plain_out)
    for field, keep in (("cell", 0.25), ("hidden", 0.5)):
      new, old, got = (getattr(s, field) for s in (plain, prev, zoned))
      updated = np.isclose(got, new, atol=1e-5)
      kept = np.isclose(got, old, atol=1e-6)
      self.assertTrue(np.all(updated | kept))
      self.assertAllClose(updated.mean(), keep, atol=0.03)


if __name__ == "__main__":
  test_utils.main()
