"""Tests for snt.GRU."""

import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class GRUTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_matches_numpy(self):
    rng = np.random.RandomState(0)
    x = rng.randn(5, 2, 3).astype(np.float32)
    h0 = rng.randn(2, 4).astype(np.float32)
    gru = snt.GRU(
        4, initializers=test_utils.random_initializers(
            snt.GRU.get_possible_initializer_keys()))
    step_out, _ = gru(tf.constant(x[0]), tf.constant(h0))

    def step(x_t, h, values):
      h = refs.gru_step(x_t, h, values)
      return h, h

    values = self.assertUnrollMatches(gru, x, tf.constant(h0), step)
    self.assertAllClose(self.evaluate(step_out),
                        refs.gru_step(x[0], h0, values), atol=1e-5)

  @test_utils.in_all_modes
  def test_variable_names_and_sharing(self):
    gru = snt.GRU(4)
    snt.static_unroll(gru, tf.ones([3, 2, 3]), gru.initial_state(2))
    gru(tf.ones([1, 3]), gru.initial_state(1))
    self.assertVariableShapes(
        gru.get_variables(), {
            "gru/wz": [3, 4], "gru/wr": [3, 4], "gru/wh": [3, 4], "gru/uz": [
                4, 4], "gru/ur": [4, 4], "gru/uh": [4, 4], "gru/bz": [4],
            "gru/br": [4], "gru/bh": [4]})

  @test_utils.in_graph_mode
  def test_with_dynamic_rnn(self):
    gru = snt.GRU(3)
    outputs, state = tf1.nn.dynamic_rnn(gru, tf.ones([2, 4, 5]),
                                        dtype=tf.float32)
    self.init()
    outputs, state = self.evaluate([outputs, state])
    self.assertAllClose(outputs[:, -1], state)
    self.assertLen(gru.get_variables(), 9)

  @test_utils.in_all_modes
  def test_errors(self):
    gru = snt.GRU(4, name="g")
    gru(tf.ones([2, 3]), gru.initial_state(2))
    with self.assertRaisesRegex(
        ValueError, "g: inputs must have size 3 as in the first "
        "connection, got 5."):
      gru(tf.ones([2, 5]), gru.initial_state(2))
    with self.assertRaisesRegex(KeyError, "Invalid initializer keys 'w_gates'"):
      snt.GRU(4, initializers={"w_gates": tf1.zeros_initializer()})
    with self.assertRaisesRegex(KeyError, "Invalid partitioner keys 'x'"):
      snt.GRU(4, partitioners={"x": tf1.fixed_size_partitioner(2)})

  @test_utils.in_all_modes
  def test_default_initializers_and_attributes(self):
    gru = snt.GRU(40)
    gru(tf.ones([2, 60]), gru.initial_state(2))
    self.init()
    # Every variable, biases included, gets the scope's default initializer
    # (Glorot uniform), as in Sonnet 1.
    for key, (fan_in, fan_out) in (("wz", (60, 40)), ("uh", (40, 40)),
                                   ("br", (40, 40))):
      variable = getattr(gru, "_" + key)
      self.assertEqual(variable.name, "gru/%s:0" % key)
      value = self.evaluate(variable)
      limit = np.sqrt(6. / (fan_in + fan_out))  # A vector's: its length.
      self.assertLessEqual(np.abs(value).max(), limit)
      self.assertGreater(value.std(), limit / 3.)


if __name__ == "__main__":
  test_utils.main()
