"""Tests for snt.ACTCore."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import act_core
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf


def numpy_act(x, s0, rnn_v, halt_w, out_w, threshold, max_steps):
  """ACT over one input step, one batch entry at a time."""
  outputs, states, steps, remainders = [], [], [], []
  for b in range(x.shape[0]):
    s, cumul, n = s0[b], 0., 0
    out_acc, state_acc = 0., 0.
    while True:
      flag = 0. if n == 0 else 1.
      xin = np.concatenate([x[b], [flag]])
      s = refs.vanilla_rnn_step(xin, s, rnn_v)
      n += 1
      h = refs.sigmoid(s.dot(halt_w[0]) + halt_w[1])[0]
      if cumul + h > threshold or (max_steps and n >= max_steps):
        p = 1. - cumul
        out_acc, state_acc = out_acc + p * s, state_acc + p * s
        # Sonnet 1's remainder stays 0 when the first step halts.
        remainders.append(p if n > 1 else 0.)
        break
      cumul += h
      out_acc, state_acc = out_acc + h * s, state_acc + h * s
    outputs.append(out_acc.dot(out_w[0]) + out_w[1])
    states.append(state_acc)
    steps.append(n)
  return (np.array(outputs), np.array(states), np.array(steps),
          np.array(remainders))


class SizedCore(snt.RNNCore):
  """A core that only has an output size."""

  def __init__(self, output_size):
    super().__init__(name="sized_core")
    self._output_size = output_size

  @property
  def output_size(self):
    return self._output_size

  def _build(self, inputs, prev_state):
    raise NotImplementedError()


class ACTCoreTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((0.99, 0), (0.99, 2), (0.3, 0), (0., 0), (1., 3))
  @test_utils.in_all_modes
  def test_matches_numpy(self, threshold, max_steps):
    rng = np.random.RandomState(0)
    x = rng.randn(6, 3).astype(np.float32)
    s0 = rng.randn(6, 4).astype(np.float32)
    rnn = snt.VanillaRNN(4)
    act = snt.ACTCore(rnn, output_size=2, threshold=threshold,
                      get_state_for_halting=lambda s: s, max_steps=max_steps)
    (out, (steps, rem)), state = act(tf.constant(x), tf.constant(s0))
    self.assertEqual(act.batch_size, 6)
    self.init()
    rnn_v = self.variable_values(rnn)
    halt_w = self.evaluate([act._halting_linear.w, act._halting_linear.b])  # pylint: disable=protected-access
    out_w = self.evaluate([act._output_linear.w, act._output_linear.b])  # pylint: disable=protected-access
    out, steps, rem, state = self.evaluate([out, steps, rem, state])
    expected = numpy_act(x, s0, rnn_v, halt_w, out_w, threshold, max_steps)
    self.assertAllClose(out, expected[0], atol=1e-5)
    self.assertAllClose(state, expected[1], atol=1e-5)
    self.assertAllEqual(steps[:, 0], expected[2])
    self.assertAllClose(rem[:, 0], expected[3], atol=1e-5)
    if max_steps:
      self.assertLessEqual(steps.max(), max_steps)

  @test_utils.in_all_modes
  def test_variables_and_unroll(self):
    act = snt.ACTCore(snt.LSTM(3), output_size=2, threshold=0.9,
                      get_state_for_halting=lambda s: s.cell)
    (outputs, (steps, _)), _ = snt.dynamic_unroll(act, tf.ones([4, 2, 5]),
                                                  act.initial_state(2))
    self.assertEqual(outputs.shape.as_list(), [4, 2, 2])
    self.assertEqual(steps.shape.as_list(), [4, 2, 1])
    self.assertVariableShapes(
        act.get_all_variables(), {
            "act_core/halting_linear/w": [3, 1],
            "act_core/halting_linear/b": [1], "act_core/act_output_linear/w": [
                3, 2], "act_core/act_output_linear/b": [2], "lstm/w_gates": [
                    9, 12], "lstm/b_gates": [12]})

  @test_utils.in_all_modes
  def test_trains(self):
    act = snt.ACTCore(snt.GRU(4), output_size=1, threshold=0.9,
                      get_state_for_halting=lambda s: s, max_steps=5)
    x = tf.constant(np.random.RandomState(1).randn(4, 2), tf.float32)

    def loss_fn():
      (out, (steps, rem)), _ = act(x, act.initial_state(4))
      return tf.reduce_mean(
          tf.square(out - 1.)) + 0.01 * tf.reduce_mean(steps + rem)

    loss_fn()  # Creates the variables.
    grads = test_utils.gradients(loss_fn, act.get_all_variables())
    self.init()
    self.assertLen(grads, 13)  # GRU 9, two linears 4.
    for grad in self.evaluate(grads):
      self.assertTrue(np.all(np.isfinite(grad)))

  def test_constructor_errors(self):
    with self.assertRaisesRegex(
        ValueError, "Threshold should be between 0 and 1, but found 1.5"):
      snt.ACTCore(snt.GRU(2), 1, 1.5, lambda s: s)
    for output_size in ((tf.TensorShape([1]), tf.TensorShape([1])), 1):
      with self.assertRaisesRegex(ValueError,
                                  "Output of core should be single Tensor."):
        snt.ACTCore(SizedCore(output_size), 1, 0.5, lambda s: s)
    with self.assertRaisesRegex(ValueError, "Output of core should be 1D."):
      snt.ACTCore(SizedCore(tf.TensorShape([1, 1])), 1, 0.5, lambda s: s)

  def test_nested_helpers(self):
    a = (tf.constant([[1., 2.]]), (tf.constant([[[1.], [2.]]]),))
    b = (tf.constant([[3., 4.]]), (tf.constant([[[5.], [6.]]]),))
    total = self.evaluate(act_core._nested_add(a, b))  # pylint: disable=protected-access
    self.assertAllClose(total[0], [[4., 6.]])
    self.assertAllClose(total[1][0], [[[6.], [8.]]])
    scaled = self.evaluate(
        act_core._nested_unary_mul(  # pylint: disable=protected-access
            (tf.ones([2, 3]), tf.ones([2, 3, 4])), tf.constant([[2.], [3.]])))
    self.assertAllClose(scaled[0], [[2.] * 3, [3.] * 3])
    self.assertAllClose(scaled[1],
                        np.stack([np.full([3, 4], 2.),
                                  np.full([3, 4], 3.)]))
    zeros = self.evaluate(act_core._nested_zeros_like(a))  # pylint: disable=protected-access
    self.assertAllEqual(zeros[1][0], np.zeros([1, 2, 1]))

  @test_utils.in_all_modes
  def test_input_errors(self):
    act = snt.ACTCore(snt.GRU(2), 1, 0.5, lambda s: s, name="act")
    with self.assertRaisesRegex(ValueError, "must have rank 2"):
      act(tf.ones([2, 3, 1]), act.initial_state(2))
    with self.assertRaises(snt.NotConnectedError):
      _ = act.batch_size


if __name__ == "__main__":
  test_utils.main()
