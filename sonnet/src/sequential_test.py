"""Tests for snt.Sequential."""

from unittest import mock

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf


class SequentialTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_applies_layers_in_order(self):
    seq = snt.Sequential([lambda x: x + 1., lambda x: x * 3.])
    self.assertAllClose(self.evaluate(seq(tf.constant([1., 2.]))), [6., 9.])

  @test_utils.in_all_modes
  def test_tuple_outputs_are_unpacked(self):
    seq = snt.Sequential([lambda x: (x, 2 * x), tf.add])
    self.assertAllClose(self.evaluate(seq(tf.constant(1.))), 3.)
    self.assertAllClose(
        self.evaluate(snt.Sequential([tf.add])(tf.constant(1.), 4.)), 5.)

  @test_utils.in_all_modes
  def test_empty_is_identity(self):
    x = tf.constant([1., 2.])
    self.assertIs(snt.Sequential([])(x), x)
    self.assertEqual(snt.Sequential([])(x, x), (x, x))

  @test_utils.in_all_modes
  def test_layers_share_variables_across_connections(self):
    first, second = snt.Linear(3), snt.Linear(2)
    seq = snt.Sequential([first, tf.nn.relu, second])
    x = np.random.RandomState(0).randn(4, 5).astype(np.float32)
    y1 = seq(tf.constant(x))
    y2 = seq(tf.constant(x))
    self.assertEqual(seq.layers, (first, tf.nn.relu, second))
    self.assertLen(seq.get_all_variables(), 4)
    self.init()
    self.assertAllClose(*self.evaluate([y1, y2]))

  def test_non_callable_layers(self):
    with self.assertRaisesRegex(TypeError,
                                "^Items 1 not callable with types: int$"):
      snt.Sequential([tf.nn.relu, 3])
    with self.assertRaisesRegex(
        TypeError, "^Items 0, 2 not callable with types: str, bool$"):
      snt.Sequential(["relu", tf.nn.relu, True])

  @test_utils.in_all_modes
  def test_get_variables_warns_and_is_empty(self):
    seq = snt.Sequential([snt.Linear(3)])
    seq(tf.ones([1, 2]))
    with mock.patch.object(tf.compat.v1.logging, "warning") as warning:
      self.assertEqual(seq.get_variables(), ())
    warning.assert_called_once()
    self.assertIn("will always return an empty tuple", warning.call_args[0][0])
    self.assertLen(seq.get_all_variables(), 2)


if __name__ == "__main__":
  test_utils.main()
