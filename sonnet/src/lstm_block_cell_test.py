"""Tests for snt.LSTMBlockCell."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def numpy_block_cell_step(x, h, c, v, forget_bias, peepholes, cell_clip):
  """One step of TensorFlow's `LSTMBlockCell` in NumPy.

  Unlike `snt.LSTM`, the new cell is clipped and the output peephole is
  added to the output gate.
  """
  gates = np.concatenate([x, h], axis=1).dot(v["kernel"]) + v["bias"]
  i, j, f, o = np.split(gates, 4, axis=1)  # pylint: disable=unbalanced-tuple-unpacking
  if peepholes:
    f = f + v["w_f_diag"] * c
    i = i + v["w_i_diag"] * c
  c = refs.sigmoid(f + forget_bias) * c + refs.sigmoid(i) * np.tanh(j)
  if cell_clip is not None:
    c = np.clip(c, -cell_clip, cell_clip)
  if peepholes:
    o = o + v["w_o_diag"] * c
  return refs.sigmoid(o) * np.tanh(c), c


class LSTMBlockCellTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters({}, {"use_peephole": True},
                            {"cell_clip": 0.3, "forget_bias": 0.2})
  @test_utils.in_all_modes
  def test_matches_numpy(self, **kwargs):
    rng = np.random.RandomState(0)
    x = rng.randn(4, 2, 3).astype(np.float32)
    cell = snt.LSTMBlockCell(5, **kwargs)

    def step(x_t, state, v):  # TensorFlow's state is (c, h).
      h, c = numpy_block_cell_step(x_t, state.h, state.c, v,
                                   forget_bias=kwargs.get("forget_bias", 1.),
                                   peepholes=kwargs.get("use_peephole", False),
                                   cell_clip=kwargs.get("cell_clip"))
      return h, state._replace(c=c, h=h)

    self.assertUnrollMatches(cell, x, cell.initial_state(2), step,
                             scope="lstm_block_cell/lstm_cell")

  @test_utils.in_all_modes
  def test_variables(self):
    cell = snt.LSTMBlockCell(4, use_peephole=True)
    self.assertEqual(cell.module_name, "lstm_block_cell")
    snt.dynamic_unroll(cell, tf.ones([3, 2, 3]), cell.initial_state(2))
    cell(tf.ones([2, 3]), cell.initial_state(2))
    self.assertVariableShapes(
        cell.get_variables(), {
            "lstm_block_cell/lstm_cell/kernel": [
                7, 16], "lstm_block_cell/lstm_cell/bias": [
                    16], "lstm_block_cell/lstm_cell/w_i_diag": [
                        4], "lstm_block_cell/lstm_cell/w_f_diag": [4],
            "lstm_block_cell/lstm_cell/w_o_diag": [4]})
    named = snt.LSTMBlockCell(4, name="foo")
    named(tf.ones([2, 3]), named.initial_state(2))
    self.assertVariableShapes(named.get_variables(),
                              {"foo/foo/kernel": [7, 16], "foo/foo/bias": [16]})

  @test_utils.in_all_modes
  def test_gradients_match_lstm(self):
    x = tf.constant(np.random.RandomState(1).randn(3, 2, 3), tf.float32)
    # Without peepholes: Sonnet's output peephole differs from TensorFlow's.
    block = snt.LSTMBlockCell(4)
    init = tf1.random_normal_initializer(seed=2)
    lstm = snt.LSTM(
        4, initializers={
            k: init for k in snt.LSTM.get_possible_initializer_keys()})

    def loss(core):
      outputs, _ = snt.dynamic_unroll(core, x, core.initial_state(2))
      return tf.reduce_sum(tf.sin(outputs))

    loss(lstm)  # Creates the variables.
    loss(block)
    lstm_vars = sorted(lstm.get_variables(), key=lambda v: v.name)
    block_vars = {
        test_utils.variable_name(v, "lstm_block_cell/lstm_cell"): v
        for v in block.get_variables()}
    self.init()
    # Give the block cell the LSTM's values.
    names = {"b_gates": "bias", "w_gates": "kernel"}
    self.evaluate([
        block_vars[names.get(n, n)].assign(lv)
        for lv in lstm_vars
        for n in [test_utils.variable_name(lv, "lstm")]])
    lstm_loss, block_loss = loss(lstm), loss(block)
    grads = (test_utils.gradients(lambda: loss(lstm), [lstm_vars[0]]) +
             test_utils.gradients(lambda: loss(block), [block_vars["bias"]]))
    lstm_value, block_value, grads = self.evaluate([
        lstm_loss, block_loss, grads])  # pylint: disable=used-before-assignment
    self.assertAllClose(lstm_value, block_value, atol=1e-5)
    self.assertAllClose(grads[0], grads[1], atol=1e-5)

  @test_utils.in_all_modes
  def test_trains_input_weights(self):
    cell = snt.LSTMBlockCell(3)
    x = tf.ones([4, 2, 2])

    def loss():
      outputs, _ = snt.dynamic_unroll(cell, x, cell.initial_state(2))
      return tf.reduce_sum(outputs)

    loss()  # Creates the variables.
    grads = test_utils.gradients(loss, cell.get_variables())
    self.init()
    for grad in self.evaluate(grads):
      self.assertGreater(np.abs(grad).sum(), 0.)


if __name__ == "__main__":
  test_utils.main()
