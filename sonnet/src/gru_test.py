"""Tests for snt.GRU."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def sigmoid(x):
  return 1. / (1. + np.exp(-x))


def numpy_gru_step(x, h, v):
  z = sigmoid(x.dot(v["wz"]) + h.dot(v["uz"]) + v["bz"])
  r = sigmoid(x.dot(v["wr"]) + h.dot(v["ur"]) + v["br"])
  candidate = np.tanh(x.dot(v["wh"]) + (r * h).dot(v["uh"]) + v["bh"])
  return (1 - z) * h + z * candidate


class GRUTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_matches_numpy(self):
    rng = np.random.RandomState(0)
    x = rng.randn(5, 2, 3).astype(np.float32)
    h0 = rng.randn(2, 4).astype(np.float32)
    gru = snt.GRU(4, initializers={
        k: tf1.random_normal_initializer(seed=i)
        for i, k in enumerate(sorted(snt.GRU.get_possible_initializer_keys()))})
    step_out, _ = gru(tf.constant(x[0]), tf.constant(h0))
    outputs, final = snt.dynamic_unroll(gru, tf.constant(x), tf.constant(h0))
    self.init()
    values = {v.name.split("/")[-1][:-2]: self.evaluate(v)
              for v in gru.get_variables()}
    step_out, outputs, final = self.evaluate([step_out, outputs, final])
    self.assertAllClose(step_out, numpy_gru_step(x[0], h0, values),
                        atol=1e-5)
    h = h0
    for t in range(5):
      h = numpy_gru_step(x[t], h, values)
      self.assertAllClose(outputs[t], h, atol=1e-5)
    self.assertAllClose(final, h, atol=1e-5)

  @test_utils.in_all_modes
  def test_variable_names_and_sharing(self):
    gru = snt.GRU(4)
    snt.static_unroll(gru, tf.ones([3, 2, 3]), gru.initial_state(2))
    gru(tf.ones([1, 3]), gru.initial_state(1))
    self.assertVariableShapes(gru.get_variables(), {
        "gru/wz": [3, 4], "gru/wr": [3, 4], "gru/wh": [3, 4],
        "gru/uz": [4, 4], "gru/ur": [4, 4], "gru/uh": [4, 4],
        "gru/bz": [4], "gru/br": [4], "gru/bh": [4]})

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
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "g: inputs"):
      gru(tf.ones([2]), gru.initial_state(2))
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "g: each state"):
      gru(tf.ones([2, 3]), tf.ones([2, 5]))
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "g: each state"):
      gru(tf.ones([2, 3]), tf.ones([4, 4]))
    with self.assertRaisesRegex(KeyError, "w_gates"):
      snt.GRU(4, initializers={"w_gates": tf1.zeros_initializer()})


if __name__ == "__main__":
  test_utils.main()
