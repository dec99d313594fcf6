"""Tests for snt.DeepRNN."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def np_rnn(x, h, w_x, b_x, w_h, b_h):
  return np.tanh(x.dot(w_x) + b_x + h.dot(w_h) + b_h)


class DeepRNNTest(test_utils.TestCase, parameterized.TestCase):

  def _weights(self, rnn):
    return self.evaluate([rnn.in_to_hidden_linear.w,
                          rnn.in_to_hidden_linear.b,
                          rnn.hidden_to_hidden_linear.w,
                          rnn.hidden_to_hidden_linear.b])

  @parameterized.named_parameters(
      ("skip_concat", True, True),
      ("skip_last", True, False),
      ("no_skip", False, True),
  )
  @test_utils.in_all_modes
  def test_matches_numpy(self, skip, concat):
    rng = np.random.RandomState(0)
    x = rng.randn(3, 2, 3).astype(np.float32)
    cores = [snt.VanillaRNN(4), snt.VanillaRNN(5)]
    deep = snt.DeepRNN(cores, skip_connections=skip,
                       concat_final_output_if_skip=concat)
    outputs, final = snt.dynamic_unroll(deep, tf.constant(x),
                                        deep.initial_state(2))
    expected_size = 9 if skip and concat else 5
    self.assertEqual(deep.output_size, tf.TensorShape([expected_size]))
    self.assertEqual(outputs.shape.as_list(), [3, 2, expected_size])
    self.init()
    w0, w1 = self._weights(cores[0]), self._weights(cores[1])
    outputs, final = self.evaluate([outputs, final])
    h0, h1 = np.zeros([2, 4]), np.zeros([2, 5])
    for t in range(3):
      h0 = np_rnn(x[t], h0, *w0)
      second_in = np.concatenate([x[t], h0], axis=1) if skip else h0
      h1 = np_rnn(second_in, h1, *w1)
      expected = np.concatenate([h0, h1], 1) if skip and concat else h1
      self.assertAllClose(outputs[t], expected, atol=1e-5)
    self.assertAllClose(final[0], h0, atol=1e-5)
    self.assertAllClose(final[1], h1, atol=1e-5)

  @test_utils.in_all_modes
  def test_plain_ops_between_cores(self):
    x = np.random.RandomState(1).randn(2, 3).astype(np.float32)
    rnn = snt.VanillaRNN(4)
    linear = snt.Linear(2)
    deep = snt.DeepRNN([rnn, tf.nn.relu, linear], skip_connections=False)
    self.assertLen(deep.state_size, 1)
    out, state = deep(tf.constant(x), deep.initial_state(2))
    self.assertEqual(deep.output_size, tf.TensorShape([2]))
    self.init()
    w_rnn = self._weights(rnn)
    w, b = self.evaluate([linear.w, linear.b])
    out, state = self.evaluate([out, state])
    h = np_rnn(x, np.zeros([2, 4]), *w_rnn)
    self.assertAllClose(state[0], h, atol=1e-5)
    self.assertAllClose(out, np.maximum(h, 0).dot(w) + b, atol=1e-5)

  @test_utils.in_all_modes
  def test_variable_names(self):
    deep = snt.DeepRNN([snt.LSTM(4), snt.LSTM(5)])
    if self.eager:
      snt.dynamic_unroll(deep, tf.ones([4, 2, 3]), deep.initial_state(2))
    else:
      tf1.nn.dynamic_rnn(deep, tf.ones([2, 4, 3]), dtype=tf.float32)
    deep(tf.ones([2, 3]), deep.initial_state(2))
    self.assertVariableShapes(deep.get_all_variables(), {
        "lstm/w_gates": [7, 16], "lstm/b_gates": [16],
        "lstm_1/w_gates": [12, 20], "lstm_1/b_gates": [20]})
    if not self.eager:
      self.assertLen(tf1.global_variables(), 4)

  @test_utils.in_all_modes
  def test_trainable_initial_state(self):
    deep = snt.DeepRNN([snt.GRU(2, name="a"), snt.GRU(3, name="b")])
    state = deep.initial_state(
        4, trainable=True,
        trainable_initializers=[tf1.ones_initializer(), None])
    self.init()
    first, second = self.evaluate(state)
    self.assertAllEqual(first, np.ones([4, 2]))
    self.assertAllEqual(second, np.zeros([4, 3]))
    if not self.eager:
      self.assertVariableNames(tf1.global_variables(),
                               ["a_initial_state/w", "b_initial_state/w"])
    with self.assertRaisesRegex(ValueError, "one entry per RNNCore"):
      deep.initial_state(4, trainable=True, trainable_initializers=[None])

  def test_constructor_errors(self):
    with self.assertRaisesRegex(ValueError, "at least one"):
      snt.DeepRNN([])
    with self.assertRaisesRegex(ValueError, "skip_connections"):
      snt.DeepRNN([snt.LSTM(2), tf.nn.relu])
    with self.assertRaisesRegex(TypeError, "callables"):
      snt.DeepRNN([snt.LSTM(2), 3], skip_connections=False)

  @test_utils.in_all_modes
  def test_wrong_state_structure(self):
    deep = snt.DeepRNN([snt.LSTM(2), snt.LSTM(2)], name="deep")
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "deep: prev_state must be a tuple of 2"):
      deep(tf.ones([1, 3]), snt.LSTM(2).initial_state(1))

  @test_utils.in_all_modes
  def test_learns_periodic_sequence(self):
    # Predict the next value of a sine wave from the current one: impossible
    # from one value alone (the slope is ambiguous), easy with memory.
    period, num_steps, batch = 8, 16, 4
    phases = np.arange(batch)[:, None] * 2
    t = np.arange(num_steps + 1)[None, :] + phases
    wave = np.sin(2 * np.pi * t / period).astype(np.float32).T[..., None]
    inputs, targets = tf.constant(wave[:-1]), tf.constant(wave[1:])
    deep = snt.DeepRNN([snt.LSTM(8), snt.LSTM(8)])
    readout = snt.Linear(1)
    optimizer = tf1.train.AdamOptimizer(0.05)

    def loss_fn():
      outputs, _ = snt.dynamic_unroll(deep, inputs, deep.initial_state(batch))
      predictions = snt.BatchApply(readout)(outputs)
      return tf.reduce_mean(tf.square(predictions[4:] - targets[4:]))

    steps = 40
    if self.eager:
      @tf.function
      def train():
        with tf.GradientTape() as tape:
          loss = loss_fn()
        variables = (list(deep.get_all_variables()) +
                     list(readout.get_variables()))
        optimizer.apply_gradients(
            zip(tape.gradient(loss, variables), variables))
        return loss

      first = float(loss_fn())
      for _ in range(steps):
        train()
      last = float(loss_fn())
    else:
      loss = loss_fn()
      train = optimizer.minimize(loss)
      self.init()
      first = self.evaluate(loss)
      for _ in range(steps):
        self.evaluate(train)
      last = self.evaluate(loss)
    self.assertLess(last, 0.05 * first)


if __name__ == "__main__":
  test_utils.main()
