"""Tests for snt.DeepRNN."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class DeepRNNTest(test_utils.TestCase, parameterized.TestCase):

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
    v0, v1 = self.variable_values(cores[0]), self.variable_values(cores[1])
    outputs, final = self.evaluate([outputs, final])
    h0, h1 = np.zeros([2, 4]), np.zeros([2, 5])
    for t in range(3):
      h0 = refs.vanilla_rnn_step(x[t], h0, v0)
      second_in = np.concatenate([x[t], h0], axis=1) if skip else h0
      h1 = refs.vanilla_rnn_step(second_in, h1, v1)
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
    v_rnn = self.variable_values(rnn)
    w, b = self.evaluate([linear.w, linear.b])
    out, state = self.evaluate([out, state])
    h = refs.vanilla_rnn_step(x, np.zeros([2, 4]), v_rnn)
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
    self.assertVariableShapes(
        deep.get_all_variables(), {
            "lstm/w_gates": [7, 16], "lstm/b_gates": [16], "lstm_1/w_gates": [
                12, 20], "lstm_1/b_gates": [20]})
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
                               ["a_initial_state_0/w", "b_initial_state_0/w"])
      self.assertEqual(
          state[1].name, "deep_rnn_initial_state/b_initial_state/"
          "state_0_tiled:0")
    with self.assertRaisesRegex(
        ValueError, "The number of initializers and recurrent cores should "
        "be the same. Received 1 initializers for 2 specified recurrent "
        "cores."):
      deep.initial_state(4, trainable=True, trainable_initializers=[None])

  @test_utils.in_graph_mode
  def test_initial_state_names(self):
    deep = snt.DeepRNN([snt.LSTM(3, name="a"), tf.tanh,
                        snt.GRU(2, name="b")], skip_connections=False)
    zero = deep.initial_state(2, name="start")
    self.assertEqual([t.name for t in tf.nest.flatten(zero)], [
        "start/a_initial_state/LSTMZeroState/zeros:0",
        "start/a_initial_state/LSTMZeroState/zeros_1:0",
        "start/b_initial_state/GRUZeroState/zeros:0"])

  def test_constructor_errors(self):
    with self.assertRaisesRegex(ValueError,
                                "Cores should be an iterable object."):
      snt.DeepRNN(snt.LSTM(2))
    with self.assertRaisesRegex(
        ValueError, "skip_connections are enabled but not all cores are "
        "`snt.RNNCore`s, which is not supported. The following cores were "
        "specified: "):
      snt.DeepRNN([snt.LSTM(2), tf.nn.relu])
    with self.assertRaisesRegex(
        ValueError, "not able to be concatenated along the first feature "
        "dimension. Core 0 has shape \\[4, 4, 3\\], whereas Core 1 has shape "
        "\\[3\\]"):
      snt.DeepRNN([
          snt.Conv2DLSTM(input_shape=(4, 4, 2), output_channels=3,
                         kernel_shape=1),
          snt.LSTM(3)])

  @test_utils.in_all_modes
  def test_empty_stack_is_the_identity(self):
    deep = snt.DeepRNN([], skip_connections=False)
    self.assertEqual(deep.state_size, ())
    self.assertEqual(deep.initial_state(2), ())
    x = tf.constant([[1., 2.]])
    output, state = deep(x, ())
    self.assertAllEqual(self.evaluate(output), [[1., 2.]])
    self.assertEqual(state, ())

  @test_utils.in_all_modes
  def test_nested_skip_connections_and_sizes(self):
    rng = np.random.RandomState(2)
    x = rng.randn(2, 4, 4, 2).astype(np.float32)
    cores = [
        snt.Conv2DLSTM(input_shape=(4, 4, 2), output_channels=3, kernel_shape=1,
                       name="c%d" % i) for i in range(2)]
    deep = snt.DeepRNN(cores)
    self.assertEqual(deep.output_size, tf.TensorShape([4, 4, 6]))
    output, _ = deep(tf.constant(x), deep.initial_state(2))
    self.assertEqual(output.shape.as_list(), [2, 4, 4, 6])

  @test_utils.in_all_modes
  def test_output_size_without_a_final_size(self):
    deep = snt.DeepRNN(
        [snt.VanillaRNN(3), snt.Linear(2), tf.tanh], skip_connections=False)
    self.assertEqual(deep.output_size, 2)  # The last core with a size.
    deep(tf.ones([1, 4]), deep.initial_state(1))
    self.assertEqual(deep.output_size, tf.TensorShape([2]))
    with self.assertRaisesRegex(
        ValueError, "None of the 'cores' have output_size information."):
      _ = snt.DeepRNN([tf.tanh], skip_connections=False).output_size

  @test_utils.in_all_modes
  def test_kwargs_reach_every_core(self):
    seen = []

    def plain(x, is_training):
      seen.append(is_training)
      return x

    deep = snt.DeepRNN([plain, plain], skip_connections=False)
    deep(tf.ones([1, 2]), (), is_training=True)
    self.assertEqual(seen, [True, True])

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
        optimizer.apply_gradients(zip(tape.gradient(loss, variables),
                                      variables))
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
