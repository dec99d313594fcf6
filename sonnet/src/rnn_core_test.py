"""Tests for snt.RNNCore, trainable initial states and RNNCellWrapper."""

import collections

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class Add1RNN(snt.RNNCore):
  """The guide's example core: adds 1 to its two states, outputs zeros."""

  def __init__(self, hidden_size, name="add1_rnn"):
    super(Add1RNN, self).__init__(name=name)
    self._hidden_size = hidden_size

  def _build(self, inputs, state):
    batch_size = tf.TensorShape([inputs.get_shape()[0]])
    outputs = tf.zeros(shape=batch_size.concatenate(self.output_size))
    state1, state2 = state
    next_state = (state1 + 1, state2 + 1)
    return outputs, next_state

  @property
  def state_size(self):
    return (tf.TensorShape([self._hidden_size]),
            tf.TensorShape([self._hidden_size]))

  @property
  def output_size(self):
    return tf.TensorShape([self._hidden_size])

  def initial_state(self, batch_size, dtype):
    sz1, sz2 = self.state_size
    return (tf.zeros([batch_size] + sz1.as_list(), dtype=dtype),
            tf.zeros([batch_size] + sz2.as_list(), dtype=dtype))


Pair = collections.namedtuple("Pair", ["first", "second"])


class NestedCore(snt.RNNCore):
  """A core with a nested namedtuple state: accumulates its inputs."""

  @property
  def state_size(self):
    return Pair(first=tf.TensorShape([2]),
                second=(tf.TensorShape([3]), tf.TensorShape([1])))

  @property
  def output_size(self):
    return tf.TensorShape([2])

  def _build(self, inputs, prev_state):
    first = prev_state.first + inputs
    second = (prev_state.second[0] + 1., prev_state.second[1] * 2.)
    return first, Pair(first, second)


class GuideExampleTest(test_utils.TestCase):

  @test_utils.in_graph_mode
  def test_add1_rnn_with_dynamic_rnn(self):
    core = Add1RNN(hidden_size=4)
    inputs = tf.ones([2, 5, 3])  # Batch-major for dynamic_rnn.
    outputs, state = tf1.nn.dynamic_rnn(
        core, inputs, initial_state=core.initial_state(2, tf.float32))
    outputs, state = self.evaluate([outputs, state])
    self.assertAllEqual(outputs, np.zeros([2, 5, 4]))
    self.assertAllEqual(state[0], np.full([2, 4], 5.))
    self.assertAllEqual(state[1], np.full([2, 4], 5.))

  @test_utils.in_graph_mode
  def test_add1_rnn_with_dynamic_rnn_zero_state(self):
    core = Add1RNN(hidden_size=3)
    _, state = tf1.nn.dynamic_rnn(core, tf.ones([2, 4, 1]), dtype=tf.float32)
    self.assertAllEqual(self.evaluate(state[1]), np.full([2, 3], 4.))

  @test_utils.in_all_modes
  def test_add1_rnn_with_dynamic_unroll(self):
    core = Add1RNN(hidden_size=4)
    outputs, state = snt.dynamic_unroll(core, tf.ones([6, 2, 3]),
                                        core.initial_state(2, tf.float32))
    outputs, state = self.evaluate([outputs, state])
    self.assertEqual(outputs.shape, (6, 2, 4))
    self.assertAllEqual(state[0], np.full([2, 4], 6.))


class RNNCoreTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_zero_state_with_int_and_tensor_batch_size(self):
    core = NestedCore()
    state = core.zero_state(3, tf.float32)
    self.assertIsInstance(state, Pair)
    self.assertEqual(state.second[0].shape.as_list(), [3, 3])
    tensor_state = core.initial_state(tf.constant(5), dtype=tf.float64)
    value = self.evaluate(tensor_state)
    self.assertEqual(value.second[1].shape, (5, 1))
    self.assertEqual(value.first.dtype, np.float64)
    self.assertAllEqual(value.first, np.zeros([5, 2]))

  @test_utils.in_graph_mode
  def test_zero_state_with_a_batch_size_fed_when_run(self):
    batch_size = tf1.placeholder(tf.int64, [])
    nested = tf.nest.flatten(NestedCore().zero_state(batch_size, tf.float32))
    lstm = snt.LSTM(4).zero_state(batch_size, tf.float32)  # Two equal sizes.
    self.assertEqual([t.name for t in nested + list(lstm)], [
        "NestedCoreZeroState/zeros:0", "NestedCoreZeroState/zeros_1:0",
        "NestedCoreZeroState/zeros_2:0", "LSTMZeroState/zeros:0",
        "LSTMZeroState/zeros_1:0"])
    self.assertEqual([t.shape.as_list() for t in nested + list(lstm)],
                     [[None, 2], [None, 3], [None, 1], [None, 4], [None, 4]])
    values = tf1.get_default_session().run(nested + list(lstm), {batch_size: 5})
    for value, size in zip(values, (2, 3, 1, 4, 4)):
      self.assertAllEqual(value, np.zeros([5, size], np.float32))

  @test_utils.in_all_modes
  def test_sizes_are_not_abstract(self):

    class NoSizes(snt.RNNCore):

      def _build(self, inputs, prev_state):
        return inputs, prev_state + 1.

    core = NoSizes()  # Sonnet 1 cores may leave the sizes out.
    output, state = core(tf.ones([2, 3]), tf.zeros([2, 1]))
    self.assertAllEqual(self.evaluate(state), np.ones([2, 1]))
    self.assertAllEqual(self.evaluate(output), np.ones([2, 3]))
    for size in ("state_size", "output_size"):
      with self.assertRaisesRegex(NotImplementedError, "Abstract method"):
        getattr(core, size)

  @test_utils.in_graph_mode
  def test_initial_state_op_names(self):
    lstm = snt.LSTM(4, name="a")
    zero = lstm.initial_state(2)
    self.assertEqual([t.name for t in zero], [
        "a_initial_state/LSTMZeroState/zeros:0",
        "a_initial_state/LSTMZeroState/zeros_1:0"])
    self.assertEqual(
        lstm.zero_state(2, tf.float32).hidden.name, "LSTMZeroState/zeros:0")
    learned = lstm.initial_state(tf.constant(2), trainable=True)
    self.assertEqual([t.name for t in learned], [
        "a_initial_state_1/state_hidden_tiled:0",
        "a_initial_state_1/state_cell_tiled:0"])
    self.assertEqual(learned.cell.shape.as_list(), [2, 4])
    named = snt.VanillaRNN(3).initial_state(2, trainable=True, name="blah")
    self.assertEqual(named.name, "blah/state_0_tiled:0")
    self.assertVariableShapes(
        tf1.global_variables(), {
            "a_initial_state_hidden/w": [1, 4], "a_initial_state_cell/w": [
                1, 4], "blah_0/w": [1, 3]})

  @test_utils.in_graph_mode
  def test_initial_state_names_inside_a_module(self):
    # Sonnet 1 prefixed the learned state with the core's scope name.
    class Outer(snt.AbstractModule):

      def __init__(self):
        super().__init__(name="outer")
        with self._enter_variable_scope():
          self.core = snt.VanillaRNN(3, name="core")

      def _build(self, batch_size):
        return self.core.initial_state(batch_size, trainable=True)

    outer = Outer()
    first, second = outer(2), outer(3)
    self.assertEqual(first.name, "outer_1/outer/core_initial_state/"
                     "state_0_tiled:0")
    self.assertEqual(second.shape.as_list(), [3, 3])
    self.assertVariableNames(tf1.global_variables(),
                             ["outer/outer/core_initial_state_0/w"])

  @test_utils.in_all_modes
  def test_trainable_initial_state_names_and_reuse(self):
    lstm = snt.LSTM(4)
    state = lstm.initial_state(2, trainable=True)
    again = lstm.initial_state(3, trainable=True)
    if self.eager:  # Reused, so that eager training can learn them.
      modules, = lstm._initial_state_modules.values()  # pylint: disable=protected-access
      modules[0].w.assign(tf.ones([1, 4]))  # The hidden part.
      self.assertAllEqual(
          lstm.initial_state(3, trainable=True).hidden, np.ones([3, 4]))
    else:  # New variables on each call, as in Sonnet 1.36.
      self.assertVariableShapes(
          tf1.global_variables(), {
              "lstm_initial_state_hidden/w": [
                  1, 4], "lstm_initial_state_cell/w": [
                      1, 4], "lstm_initial_state_hidden_1/w": [1, 4],
              "lstm_initial_state_cell_1/w": [1, 4]})
    self.assertIsInstance(state, snt.LSTMState)
    self.assertEqual(again.cell.shape.as_list(), [3, 4])
    self.init()
    self.assertAllEqual(self.evaluate(state.hidden), np.zeros([2, 4]))

  @test_utils.in_all_modes
  def test_trainable_initial_state_initializers_nested(self):
    core = NestedCore(name="nested")
    inits = Pair(
        first=tf1.constant_initializer(2.),
        second=(tf1.constant_initializer(3.), tf1.constant_initializer(-1.)))
    state = core.initial_state(tf.constant(2), trainable=True,
                               trainable_initializers=inits, name="init")
    self.init()
    value = self.evaluate(state)
    self.assertAllEqual(value.first, np.full([2, 2], 2.))
    self.assertAllEqual(value.second[0], np.full([2, 3], 3.))
    self.assertAllEqual(value.second[1], np.full([2, 1], -1.))
    if not self.eager:
      # Field names only for a flat namedtuple, else indices (Sonnet 1).
      self.assertVariableNames(tf1.global_variables(),
                               ["init_0/w", "init_1/w", "init_2/w"])

  @test_utils.in_all_modes
  def test_trainable_initial_state_bad_initializers(self):
    with self.assertRaises(ValueError):  # Another structure.
      snt.trainable_initial_state(2, (3, 4), tf.float32,
                                  initializers=(tf1.zeros_initializer(),))
    lstm = snt.LSTM(4)
    with self.assertRaises(TypeError):  # Not the LSTMState namedtuple.
      lstm.initial_state(
          2, trainable=True, trainable_initializers=(tf1.zeros_initializer(),
                                                     tf1.zeros_initializer()))
    with self.assertRaisesRegex(
        ValueError, "Not all the passed initializers are callable objects."):
      lstm.initial_state(
          2, trainable=True,
          trainable_initializers=snt.LSTMState(hidden=tf1.zeros_initializer(),
                                               cell=None))
    with self.assertRaisesRegex(
        ValueError, "Not all the passed regularizers are callable objects."):
      lstm.initial_state(
          2, trainable=True,
          trainable_regularizers=snt.LSTMState(hidden=tf.reduce_sum, cell=0.1))

  @test_utils.in_graph_mode
  def test_trainable_initial_state_regularizers(self):
    lstm = snt.LSTM(3)
    lstm.initial_state(
        2, trainable=True, trainable_regularizers=snt.LSTMState(
            hidden=lambda w: tf.reduce_sum(w) + 7.,
            cell=lambda w: tf.reduce_sum(w) - 1.))
    losses = tf1.get_collection(tf1.GraphKeys.REGULARIZATION_LOSSES)
    self.assertLen(losses, 2)
    self.init()
    self.assertAllClose(self.evaluate(losses), [7., -1.])

  @test_utils.in_all_modes
  def test_trainable_initial_state_learns(self):
    lstm = snt.LSTM(2)
    batch_size = 3
    inputs = tf.zeros([4, batch_size, 1])
    optimizer = tf1.train.GradientDescentOptimizer(0.5)

    def loss_fn():
      state = lstm.initial_state(batch_size, trainable=True)
      outputs, _ = snt.dynamic_unroll(lstm, inputs, state)
      return tf.reduce_mean(tf.square(outputs[0] - 0.5))

    if self.eager:
      first = loss_fn()
      for _ in range(20):
        with tf.GradientTape() as tape:
          loss = loss_fn()
        variables = tape.watched_variables()
        optimizer.apply_gradients(zip(tape.gradient(loss, variables),
                                      variables))
      last = loss_fn()
    else:
      loss = loss_fn()
      train = optimizer.minimize(loss)
      self.init()
      first = self.evaluate(loss)
      for _ in range(20):
        self.evaluate(train)
      last = self.evaluate(loss)
    self.assertLess(float(last), 0.5 * float(first))

  @test_utils.in_eager_mode
  def test_trainable_initial_state_in_tf_function(self):
    lstm = snt.LSTM(3)

    @tf.function
    def run(x):
      state = lstm.initial_state(2, trainable=True)
      return snt.dynamic_unroll(lstm, x, state)

    outputs, _ = run(tf.ones([3, 2, 1]))
    run(tf.ones([3, 2, 1]))
    self.assertEqual(outputs.shape.as_list(), [3, 2, 3])
    self.assertLen(lstm._initial_state_modules, 1)  # pylint: disable=protected-access

  @test_utils.in_all_modes
  def test_trainable_initial_state_function(self):
    state = snt.trainable_initial_state(
        tf.constant(2), (tf.TensorShape([3]), 4), tf.float32,
        initializers=(tf1.ones_initializer(), tf1.constant_initializer(2.)),
        name="s")
    self.init()
    first, second = self.evaluate(state)
    self.assertAllEqual(first, np.ones([2, 3]))
    self.assertAllEqual(second, np.full([2, 4], 2.))
    if not self.eager:
      self.assertVariableShapes(tf1.global_variables(),
                                {"s_0/w": [1, 3], "s_1/w": [1, 4]})
      self.assertEqual(state[1].name, "state_1_tiled:0")
      # Like Sonnet 1, every call outside a reusing scope makes new ones.
      snt.trainable_initial_state(2, tf.TensorShape([3]), tf.float32, name="s")
      self.assertVariableNames(tf1.global_variables(),
                               ["s_0/w", "s_1/w", "s_0_1/w"])


class TrainableInitialStateTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_mask_and_values(self):
    initial = (tf.fill([2, 3], 2.), tf.ones([2, 4]))
    with self.assertWarnsRegex(DeprecationWarning, "trainable flag"):
      module = snt.TrainableInitialState(initial, mask=(True, False))
    first, second = module()
    self.assertVariableShapes(
        module.get_variables(),
        {"trainable_initial_state/initial_state_0": [1, 3]})
    self.init()
    self.assertAllEqual(self.evaluate(first), np.full([2, 3], 2.))
    self.assertAllEqual(self.evaluate(second), np.ones([2, 4]))
    variable, = module.get_variables()
    self.evaluate(variable.assign([[1., 5., 7.]]))
    first, _ = module()
    self.assertAllEqual(self.evaluate(first), [[1., 5., 7.]] * 2)

  @test_utils.in_all_modes
  def test_rows_must_be_equal(self):
    initial = tf.constant([[1., 2.], [1., 3.]])
    with self.assertRaises(tf.errors.InvalidArgumentError):
      state = snt.TrainableInitialState(initial)()
      self.init()
      self.evaluate(state)

  def test_bad_mask(self):
    with self.assertRaisesRegex(
        TypeError, "Mask should be None or a list of boolean values."):
      snt.TrainableInitialState((tf.ones([1, 1]),), mask=(1,))
    with self.assertRaises(ValueError):
      snt.TrainableInitialState((tf.ones([1, 1]), tf.ones([1, 1])),
                                mask=(True,))


class SumCell:
  """A duck-typed cell that creates one variable with get_variable."""

  state_size = 3
  output_size = 3

  def __init__(self, name="sum_cell"):
    self.name = name

  def __call__(self, inputs, state):
    scale = tf1.get_variable("scale", shape=[3],
                             initializer=tf1.constant_initializer(2.))
    new = scale * inputs + state
    return new, new


class RNNCellWrapperTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_wraps_cell(self):
    core = snt.RNNCellWrapper(SumCell, name="sum_cell")
    x = np.arange(12, dtype=np.float32).reshape([2, 2, 3])
    outputs, state = snt.dynamic_unroll(core, tf.constant(x),
                                        core.initial_state(2))
    self.assertVariableNames(core.get_variables(), ["sum_cell/scale"])
    self.init()
    outputs, state = self.evaluate([outputs, state])
    self.assertAllClose(state, 2 * x.sum(axis=0))
    self.assertAllClose(outputs[0], 2 * x[0])
    self.assertEqual(core.state_size, 3)

  @test_utils.in_all_modes
  def test_wrapper_takes_the_custom_getter(self):

    def doubled(getter, *args, **kwargs):
      return getter(*args, **kwargs) * 2.

    core = snt.RNNCellWrapper(SumCell, custom_getter=doubled)
    output, _ = core(tf.ones([1, 3]), tf.zeros([1, 3]))
    self.init()
    self.assertAllClose(self.evaluate(output), [[4., 4., 4.]])


class UnrollTest(test_utils.TestCase, parameterized.TestCase):

  def _reference(self, x, lengths):
    """Cumulative sums with dynamic_rnn's sequence_length semantics."""
    num_steps, batch, _ = x.shape
    state = np.zeros(x.shape[1:], np.float32)
    outputs = np.zeros_like(x)
    for t in range(num_steps):
      for b in range(batch):
        if t < lengths[b]:
          state[b] = state[b] + x[t, b]
          outputs[t, b] = state[b]
    return outputs, state

  @parameterized.parameters("dynamic", "static")
  @test_utils.in_all_modes
  def test_sequence_length(self, which):
    x = np.random.RandomState(0).randn(5, 3, 2).astype(np.float32)
    lengths = np.array([2, 5, 0], np.int32)
    core = NestedCore()
    unroll = snt.dynamic_unroll if which == "dynamic" else snt.static_unroll
    outputs, state = unroll(core, tf.constant(x), core.initial_state(3),
                            sequence_length=tf.constant(lengths))
    outputs, state = self.evaluate([outputs, state])
    expected_outputs, expected_state = self._reference(x, lengths)
    self.assertAllClose(outputs, expected_outputs)
    self.assertAllClose(state.first, expected_state)
    self.assertAllClose(state.second[0][:, 0], np.minimum(lengths, 5))
    self.assertAllClose(state.second[1][:, 0], np.zeros([3]))

  @test_utils.in_graph_mode
  def test_matches_dynamic_rnn(self):
    x = np.random.RandomState(1).randn(3, 6, 2).astype(np.float32)
    lengths = np.array([6, 1, 4], np.int32)
    lstm = snt.LSTM(4)
    ours, our_state = snt.dynamic_unroll(
        lstm, tf.constant(np.transpose(x, [1, 0, 2])), lstm.initial_state(3),
        sequence_length=lengths)
    theirs, their_state = tf1.nn.dynamic_rnn(
        lstm, tf.constant(x), initial_state=lstm.initial_state(3),
        sequence_length=lengths)
    self.assertLen(lstm.get_variables(), 2)
    self.init()
    ours, our_state, theirs, their_state = self.evaluate([
        ours, our_state, theirs, their_state])
    self.assertAllClose(np.transpose(ours, [1, 0, 2]), theirs, atol=1e-6)
    self.assertAllClose(our_state.cell, their_state.cell, atol=1e-6)

  @test_utils.in_graph_mode
  def test_tf_static_and_bidirectional_rnn(self):
    x = np.random.RandomState(3).randn(2, 4, 3).astype(np.float32)
    lstm = snt.LSTM(5)
    static_outputs, static_state = tf1.nn.static_rnn(
        lstm, tf.unstack(tf.constant(x), axis=1), dtype=tf.float32)
    ours, our_state = snt.static_unroll(lstm,
                                        tf.constant(np.transpose(x, [1, 0, 2])),
                                        lstm.initial_state(2))
    backward = snt.GRU(3)
    (fw, bw), (fw_state,
               _) = tf1.nn.bidirectional_dynamic_rnn(lstm, backward,
                                                     tf.constant(x),
                                                     dtype=tf.float32)
    reverse_ours, _ = snt.dynamic_unroll(
        backward, tf.constant(np.transpose(x[:, ::-1], [1, 0, 2])),
        backward.initial_state(2))
    self.assertLen(tf1.global_variables(), 2 + 9)
    self.init()
    values = self.evaluate([
        static_outputs, static_state, ours, our_state, fw, bw, fw_state,
        reverse_ours])
    static_outputs, static_state, ours, our_state = values[:4]
    fw, bw, fw_state, reverse_ours = values[4:]
    self.assertAllClose(np.stack(static_outputs), ours, atol=1e-6)
    self.assertAllClose(static_state.cell, our_state.cell, atol=1e-6)
    self.assertAllClose(np.transpose(fw, [1, 0, 2]), ours, atol=1e-6)
    self.assertAllClose(fw_state.hidden, our_state.hidden, atol=1e-6)
    self.assertAllClose(bw[:, ::-1], np.transpose(reverse_ours, [1, 0, 2]),
                        atol=1e-6)

  @test_utils.in_all_modes
  def test_static_matches_dynamic(self):
    x = tf.constant(np.random.RandomState(2).randn(4, 2, 3), tf.float32)
    gru = snt.GRU(5)
    dyn, dyn_state = snt.dynamic_unroll(gru, x, gru.initial_state(2))
    sta, sta_state = snt.static_unroll(gru, x, gru.initial_state(2))
    self.init()
    dyn, dyn_state, sta, sta_state = self.evaluate([
        dyn, dyn_state, sta, sta_state])
    self.assertAllClose(dyn, sta, atol=1e-6)
    self.assertAllClose(dyn_state, sta_state, atol=1e-6)

  @test_utils.in_eager_mode
  def test_tf_function_with_unknown_length(self):
    core = snt.VanillaRNN(3)

    @tf.function(input_signature=[tf.TensorSpec([None, 2, 1])])
    def run(x):
      return snt.dynamic_unroll(core, x, core.initial_state(2))

    self.assertEqual(run(tf.ones([4, 2, 1]))[0].shape.as_list(), [4, 2, 3])
    self.assertEqual(run(tf.ones([7, 2, 1]))[0].shape.as_list(), [7, 2, 3])
    self.assertLen(core.get_all_variables(), 4)

  @test_utils.in_all_modes
  def test_errors(self):
    core = snt.VanillaRNN(3, name="rnn")
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "rnn.*time-major"):
      snt.dynamic_unroll(core, tf.ones([4]), core.initial_state(2))
    with self.assertRaisesRegex(snt.UnderspecifiedError, "static"):
      tf.function(lambda x: snt.static_unroll(core, x, core.initial_state(2)),
                  input_signature=[tf.TensorSpec([None, 2,
                                                  1])]).get_concrete_function()


if __name__ == "__main__":
  test_utils.main()
