"""Tests for snt.VanillaRNN."""

import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class VanillaRNNTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_matches_numpy(self):
    rng = np.random.RandomState(0)
    x = rng.randn(4, 2, 3).astype(np.float32)
    h0 = rng.randn(2, 5).astype(np.float32)
    random = {"b": tf1.random_normal_initializer(seed=3)}
    rnn = snt.VanillaRNN(
        5, activation=tf.nn.relu,
        initializers={"in_to_hidden": random, "hidden_to_hidden": random})

    def step(x_t, h, values):
      h = refs.vanilla_rnn_step(x_t, h, values, lambda a: np.maximum(a, 0.))
      return h, h

    self.assertUnrollMatches(rnn, x, tf.constant(h0), step)

  @test_utils.in_all_modes
  def test_variables(self):
    rnn = snt.VanillaRNN(4)
    with self.assertRaises(snt.NotConnectedError):
      _ = rnn.in_to_hidden_variables
    snt.dynamic_unroll(rnn, tf.ones([3, 2, 3]), rnn.initial_state(2))
    rnn(tf.ones([2, 3]), rnn.initial_state(2))
    self.assertVariableShapes(
        rnn.get_all_variables(), {
            "vanilla_rnn/in_to_hidden/w": [3, 4], "vanilla_rnn/in_to_hidden/b":
                [4], "vanilla_rnn/hidden_to_hidden/w": [4, 4],
            "vanilla_rnn/hidden_to_hidden/b": [4]})
    self.assertVariableNames(
        rnn.hidden_to_hidden_variables,
        ["vanilla_rnn/hidden_to_hidden/w", "vanilla_rnn/hidden_to_hidden/b"])
    if not self.eager:
      self.assertLen(tf1.global_variables(), 4)

  def test_bad_initializers(self):
    with self.assertRaisesRegex(KeyError, "in_to_hidden"):
      snt.VanillaRNN(4, initializers={"w": tf1.zeros_initializer()})
    # The inner Linears are made on the first connection, as in Sonnet 1.36,
    # so their own keys and dicts are checked there.
    rnn = snt.VanillaRNN(
        4, initializers={"in_to_hidden": {"c": tf1.zeros_initializer()}})
    with self.assertRaisesRegex(KeyError, "Invalid initializer keys"):
      rnn(tf.ones([2, 3]), rnn.initial_state(2))
    rnn = snt.VanillaRNN(
        4,
        initializers={"hidden_to_hidden": tf1.truncated_normal_initializer()})
    with self.assertRaisesRegex(TypeError, "Expected a dict"):
      rnn(tf.ones([2, 3]), rnn.initial_state(2))
    with self.assertRaisesRegex(snt.NotConnectedError, "not instantiated"):
      _ = rnn.in_to_hidden_linear

  @test_utils.in_all_modes
  def test_errors(self):
    rnn = snt.VanillaRNN(4, name="v")
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "in_to_hidden: rank of shape must be 2"):
      rnn(tf.ones([2, 3, 3]), rnn.initial_state(2))

  @test_utils.in_all_modes
  def test_state_size_is_not_checked(self):
    # As in Sonnet 1, hidden_to_hidden takes whatever state size comes.
    rnn = snt.VanillaRNN(4)
    output, state = rnn(tf.ones([2, 3]), tf.ones([2, 6]))
    self.assertEqual(output.shape.as_list(), [2, 4])
    self.assertEqual(rnn.hidden_to_hidden_linear.w.shape.as_list(), [6, 4])
    self.assertIs(output, state)


if __name__ == "__main__":
  test_utils.main()
