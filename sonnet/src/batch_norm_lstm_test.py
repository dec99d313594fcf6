"""Tests for snt.BatchNormLSTM."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def sigmoid(x):
  return 1. / (1. + np.exp(-x))


def normalize(x, mean=None, var=None):
  if mean is None:
    mean, var = x.mean(axis=0), x.var(axis=0)
  return (x - mean) / np.sqrt(var + 1e-3)


class BatchNormLSTMTest(test_utils.TestCase):

  def _values(self, core):
    return {v.name.split("/")[-1][:-2]: self.evaluate(v)
            for v in core.get_variables()}

  @test_utils.in_all_modes
  def test_training_matches_numpy_and_updates_stats(self):
    rng = np.random.RandomState(0)
    x = rng.randn(3, 5, 2).astype(np.float32)
    core = snt.BatchNormLSTM(4, use_batch_norm_x=True, use_batch_norm_c=True,
                             max_unique_stats=2, initializers={
                                 "b_gates": tf1.random_normal_initializer(
                                     seed=1)})
    state = core.initial_state(5)
    self.assertEqual(state[2].shape.as_list(), [5])
    outputs, final = snt.dynamic_unroll(
        core.with_batch_norm_control(is_training=True), tf.constant(x), state)
    self.assertVariableShapes(core.get_all_variables(), {
        "batch_norm_lstm/w_gates_X": [2, 16],
        "batch_norm_lstm/w_gates_H": [4, 16],
        "batch_norm_lstm/b_gates": [16],
        "batch_norm_lstm/gamma_h": [16], "batch_norm_lstm/gamma_x": [16],
        "batch_norm_lstm/gamma_c": [4], "batch_norm_lstm/beta_c": [4]})
    self.init()
    v = self._values(core)
    outputs, final = self.evaluate([outputs, final])
    h, c = np.zeros([5, 4]), np.zeros([5, 4])
    means = {"h": np.zeros([2, 16]), "c": np.zeros([2, 4])}
    for t in range(3):
      h_term = h.dot(v["w_gates_H"])
      x_term = x[t].dot(v["w_gates_X"])
      row = min(t, 1)
      means["h"][row] += 0.001 * (h_term.mean(0) - means["h"][row])
      gates = (v["gamma_h"] * normalize(h_term) +
               v["gamma_x"] * normalize(x_term) + v["b_gates"])
      i, j, f, o = np.split(gates, 4, axis=1)
      c = sigmoid(f + 1.) * c + sigmoid(i) * np.tanh(j)
      means["c"][row] += 0.001 * (c.mean(0) - means["c"][row])
      h = sigmoid(o) * np.tanh(v["gamma_c"] * normalize(c) + v["beta_c"])
      self.assertAllClose(outputs[t], h, atol=1e-4)
    self.assertAllClose(final[2], np.full([5], 3.))
    if not self.eager:
      stats = {var.name[:-2]: var for var in tf1.global_variables()
               if "moving" in var.name}
      self.assertVariableShapes(stats.values(), {
          "batch_norm_h/batch_norm/moving_mean": [2, 16],
          "batch_norm_h/batch_norm/moving_variance": [2, 16],
          "batch_norm_x/batch_norm/moving_mean": [2, 16],
          "batch_norm_x/batch_norm/moving_variance": [2, 16],
          "batch_norm_c/batch_norm/moving_mean": [2, 4],
          "batch_norm_c/batch_norm/moving_variance": [2, 4]})
      self.assertAllClose(
          self.evaluate(stats["batch_norm_h/batch_norm/moving_mean"]),
          means["h"], atol=1e-6)
      self.assertAllClose(
          self.evaluate(stats["batch_norm_c/batch_norm/moving_mean"]),
          means["c"], atol=1e-6)

  @test_utils.in_all_modes
  def test_test_mode_uses_moving_stats(self):
    x = np.random.RandomState(1).randn(3, 2).astype(np.float32)
    core = snt.BatchNormLSTM(2)
    out, _ = core(tf.constant(x), core.initial_state(3), is_training=False,
                  test_local_stats=False)
    self.init()
    v = self._values(core)
    out = self.evaluate(out)
    h_term = np.zeros([3, 8])
    gates = (v["gamma_h"] * normalize(h_term, 0., 1.) +
             x.dot(v["w_gates_X"]) + v["b_gates"])
    i, j, f, o = np.split(gates, 4, axis=1)
    c = sigmoid(i) * np.tanh(j)
    self.assertAllClose(out, sigmoid(o) * np.tanh(c), atol=1e-5)

  @test_utils.in_graph_mode
  def test_dynamic_rnn_and_names(self):
    core = snt.BatchNormLSTM(4)
    tf1.nn.dynamic_rnn(core.with_batch_norm_control(True),
                       tf.ones([2, 3, 3]), dtype=tf.float32)
    self.assertVariableShapes(tf1.global_variables(), {
        "batch_norm_h/batch_norm/moving_mean": [1, 16],
        "batch_norm_h/batch_norm/moving_variance": [1, 16],
        "batch_norm_lstm/b_gates": [16], "batch_norm_lstm/gamma_h": [16],
        "batch_norm_lstm/w_gates_H": [4, 16],
        "batch_norm_lstm/w_gates_X": [3, 16]})
    self.assertLen(core.get_variables(), 4)

  @test_utils.in_all_modes
  def test_errors(self):
    core = snt.BatchNormLSTM(4, name="bn")
    with self.assertRaisesRegex(ValueError, "bn: is_training"):
      core(tf.ones([2, 3]), core.initial_state(2))
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "bn: each state"):
      core(tf.ones([2, 3]), core.initial_state(3), is_training=True)
    with self.assertRaisesRegex(KeyError, "gamma_c"):
      snt.BatchNormLSTM(4, initializers={"gamma_c": tf1.ones_initializer()})
    with self.assertRaisesRegex(ValueError, "max_unique_stats"):
      snt.BatchNormLSTM(4, max_unique_stats=0)


if __name__ == "__main__":
  test_utils.main()
