"""Tests for snt.regularizers."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

_WEIGHTS = np.array([[1., -2.], [0.5, 3.]], np.float32)


class RegularizersTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_l1(self):
    loss = snt.regularizers.l1(0.3)(tf.constant(_WEIGHTS))
    self.assertAllClose(self.evaluate(loss), 0.3 * np.abs(_WEIGHTS).sum())

  @test_utils.in_all_modes
  def test_l2(self):
    loss = snt.regularizers.l2(0.3)(tf.constant(_WEIGHTS))
    self.assertAllClose(self.evaluate(loss), 0.3 * (_WEIGHTS**2).sum() / 2)

  @test_utils.in_all_modes
  def test_sum(self):
    both = snt.regularizers.sum_regularizer([
        snt.regularizers.l1(0.5), None,
        snt.regularizers.l2(2.)])
    loss = both(tf.constant(_WEIGHTS))
    expected = 0.5 * np.abs(_WEIGHTS).sum() + (_WEIGHTS**2).sum()
    self.assertAllClose(self.evaluate(loss), expected)

  @test_utils.in_all_modes
  def test_zero_scale_adds_no_loss(self):
    self.assertIsNone(snt.regularizers.l1(0.)(tf.constant(_WEIGHTS)))
    self.assertIsNone(
        snt.regularizers.sum_regularizer([snt.regularizers.l2(0.)
                                         ])(tf.constant(_WEIGHTS)))

  @test_utils.in_graph_mode
  def test_in_regularization_collection_via_get_variable(self):
    tf.compat.v1.get_variable("v", initializer=tf.constant(_WEIGHTS),
                              regularizer=snt.regularizers.l1(1.))
    self.init()
    losses = tf.compat.v1.get_collection(
        tf.compat.v1.GraphKeys.REGULARIZATION_LOSSES)
    self.assertLen(losses, 1)
    self.assertAllClose(self.evaluate(losses[0]), np.abs(_WEIGHTS).sum())

  @parameterized.parameters((-1., ValueError, "must be >= 0"),
                            ("big", TypeError, "must be a real number"),
                            (True, TypeError, "must be a real number"))
  def test_bad_scale(self, scale, error, message):
    for make in (snt.regularizers.l1, snt.regularizers.l2):
      with self.assertRaisesRegex(error, message):
        make(scale)


if __name__ == "__main__":
  test_utils.main()
