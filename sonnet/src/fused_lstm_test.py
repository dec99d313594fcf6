"""Tests for the fused LSTM unroll (`fused_lstm`) under `snt.dynamic_unroll`.

Each case compares the fused unroll with the step-by-step unroll of the
same core (`fused_lstm.unroll_core` patched to decline) and with NumPy.
"""

from unittest import mock

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import fused_lstm
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1

_FUSED_CORES = (
    ("lstm", lambda: snt.LSTM(4, forget_bias=0.5)),
    ("lstm_block_cell", lambda: snt.LSTMBlockCell(4)),
    ("deep_rnn",
     lambda: snt.DeepRNN([snt.LSTM(4), snt.LSTM(3)], skip_connections=False)),
    ("deep_rnn_mixed", lambda: snt.DeepRNN([
        snt.LSTMBlockCell(4, forget_bias=0.),
        snt.LSTM(2),
        snt.LSTM(3)], skip_connections=False)),
)

_STEP_BY_STEP_CORES = (
    ("peepholes", lambda: snt.LSTM(4, use_peepholes=True)),
    ("layer_norm", lambda: snt.LSTM(4, use_layer_norm=True)),
    ("projection", lambda: snt.LSTM(4, projection_size=2)),
    ("hidden_clip", lambda: snt.LSTM(4, hidden_clip_value=0.5)),
    ("cell_clip", lambda: snt.LSTM(4, cell_clip_value=0.5)),
    ("block_peephole", lambda: snt.LSTMBlockCell(4, use_peephole=True)),
    ("block_cell_clip", lambda: snt.LSTMBlockCell(4, cell_clip=0.5)),
    ("skip_connections",
     lambda: snt.DeepRNN([snt.LSTM(4), snt.LSTM(3)])),
    ("with_gru",
     lambda: snt.DeepRNN([snt.LSTM(4), snt.GRU(3)], skip_connections=False)),
    ("with_plain_op",
     lambda: snt.DeepRNN([snt.LSTM(4), tf.tanh], skip_connections=False)),
    ("nested", lambda: snt.DeepRNN([
        snt.DeepRNN([snt.LSTM(4)], skip_connections=False),
        snt.LSTM(3)], skip_connections=False)),
    ("gru", lambda: snt.GRU(4)),
    ("lstm_subclass", lambda: _HalvedLSTM(4)),
)


class _HalvedLSTM(snt.LSTM):
  """An LSTM with its own step: it halves the outputs."""

  def _build(self, inputs, prev_state):
    outputs, state = super()._build(inputs, prev_state)
    return outputs / 2., state


def _step_by_step():
  """Unrolls without the fused loop."""
  return mock.patch.object(fused_lstm, "unroll_core", return_value=None)


def _counting_fused():
  """Counts the fused loops built."""
  return mock.patch.object(fused_lstm, "unroll", autospec=True,
                           side_effect=fused_lstm.unroll)


def _sigmoid(x):
  return 1. / (1. + np.exp(-x))


def _numpy_layer(inputs, w, b, forget_bias, hidden, cell):
  """One LSTM layer over `inputs [T, B, n]`: outputs and what backprop needs."""
  outputs, kept = [], []
  for x in inputs:
    xh = np.concatenate([x, hidden], axis=1)
    gates = xh.dot(w) + b
    size = gates.shape[1] // 4
    i, j, f, o = (gates[:, k * size:(k + 1) * size] for k in range(4))
    i, j, f, o = _sigmoid(i), np.tanh(j), _sigmoid(f + forget_bias), _sigmoid(o)
    kept.append((xh, i, j, f, o, cell))
    cell = f * cell + i * j
    hidden = np.tanh(cell) * o
    outputs.append(hidden)
  return np.stack(outputs), (hidden, cell), kept


def _numpy_layer_grads(w, kept, d_outputs, d_hidden, d_cell):
  """Backprop through `_numpy_layer`: gradients of inputs, w, b, state."""
  d_w, d_b = np.zeros_like(w), np.zeros(w.shape[1])
  d_inputs = []
  n = w.shape[0] - d_hidden.shape[1]
  for t in reversed(range(len(kept))):
    xh, i, j, f, o, prev_cell = kept[t]
    cell = f * prev_cell + i * j
    d_h = d_outputs[t] + d_hidden
    d_c = d_cell + d_h * o * (1 - np.tanh(cell)**2)
    d_gates = np.concatenate([
        d_c * j * i * (1 - i), d_c * i * (1 - j**2), d_c * prev_cell * f *
        (1 - f), d_h * np.tanh(cell) * o * (1 - o)], axis=1)
    d_w += xh.T.dot(d_gates)
    d_b += d_gates.sum(axis=0)
    d_xh = d_gates.dot(w.T)
    d_inputs.append(d_xh[:, :n])
    d_hidden, d_cell = d_xh[:, n:], d_c * f
  return np.stack(d_inputs[::-1]), d_w, d_b, (d_hidden, d_cell)


class FusedLSTMTest(test_utils.TestCase, parameterized.TestCase):

  def _inputs(self, steps=5, batch=3, size=6, dtype=np.float32):
    rng = np.random.RandomState(0)
    return tf.constant(rng.randn(steps, batch, size).astype(dtype))

  def _state(self, core, batch=3, dtype=np.float32):
    """A random state (hidden, cell nonzero) of `core`'s structure."""
    rng = np.random.RandomState(2)
    return tf.nest.map_structure(
        lambda size: tf.constant(
            rng.randn(batch,
                      *tf.TensorShape(size).as_list()).astype(dtype)),
        core.state_size)

  def _loss(self, outputs, final_state):
    """A loss reaching every output and every final state tensor."""
    rng = np.random.RandomState(1)
    loss = tf.reduce_sum(outputs * rng.randn(*outputs.shape.as_list()).astype(
        outputs.dtype.as_numpy_dtype))
    for i, s in enumerate(tf.nest.flatten(final_state)):
      loss += (i + 1.) * tf.reduce_sum(s)
    return loss

  def _unroll_with_gradients(self, core, inputs, state, fused):
    """Outputs, final state and gradients (inputs, then variables by name)."""
    context = mock.MagicMock() if fused else _step_by_step()
    results = []

    def loss():
      with context:
        results[:] = snt.dynamic_unroll(core, inputs, state)
      return self._loss(results[0], results[1])

    if self.eager:
      with tf.GradientTape() as tape:
        tape.watch(inputs)
        value = loss()
      variables = sorted(tape.watched_variables(), key=lambda v: v.name)
      gradients = tape.gradient(value, [inputs] + variables)
    else:
      value = loss()
      variables = sorted(tf1.trainable_variables(), key=lambda v: v.name)
      gradients = tf.gradients(value, [inputs] + variables)
    return results, gradients

  @parameterized.named_parameters(*_FUSED_CORES)
  @test_utils.in_all_modes
  def test_as_step_by_step(self, make_core):
    core = make_core()
    inputs, state = self._inputs(), self._state(core)
    reference = self._unroll_with_gradients(core, inputs, state, fused=False)
    with _counting_fused() as fused_loops:
      fused = self._unroll_with_gradients(core, inputs, state, fused=True)
    self.assertEqual(fused_loops.call_count, 1)
    self.init()
    (outputs, final), gradients = self.evaluate(fused)
    (expected_outputs,
     expected_final), expected_gradients = self.evaluate(reference)
    # The same ops on the same numbers: bitwise equal.
    self.assertAllEqual(outputs, expected_outputs)
    tf.nest.map_structure(self.assertAllEqual, final, expected_final)
    self.assertEqual(tf.nest.map_structure(type, final),
                     tf.nest.map_structure(type, expected_final))
    self.assertAllClose(gradients, expected_gradients, atol=1e-5, rtol=1e-5)

  @test_utils.in_all_modes
  def test_numpy_reference(self):
    layers = [snt.LSTM(4, forget_bias=0.5), snt.LSTMBlockCell(3)]
    core = snt.DeepRNN(layers, skip_connections=False)
    inputs, state = self._inputs(), self._state(core)
    with _counting_fused() as fused_loops:
      unrolled = self._unroll_with_gradients(core, inputs, state, fused=True)
    self.assertEqual(fused_loops.call_count, 1)
    self.init()
    (outputs, final), gradients = self.evaluate(unrolled)
    (b0, w0), (b1, w1) = [  # Sorted by name: b_gates / bias first.
        self.evaluate(sorted(layer.get_all_variables(), key=lambda v: v.name))
        for layer in layers]
    x, ((h0, c0), (c1, h1)) = self.evaluate((inputs, state))
    seq0, (fh0, fc0), kept0 = _numpy_layer(x, w0, b0, 0.5, h0, c0)
    seq1, (fh1, fc1), kept1 = _numpy_layer(seq0, w1, b1, 1., h1, c1)
    self.assertAllClose(outputs, seq1, atol=1e-5)
    self.assertAllClose(tf.nest.flatten(final), [fh0, fc0, fc1, fh1], atol=1e-5)
    # d loss / d final state: 1, 2, 3, 4 in flattening order (h, c, c, h).
    d_seq0, d_w1, d_b1, _ = _numpy_layer_grads(
        w1, kept1,
        np.random.RandomState(1).randn(*seq1.shape), np.full_like(fh1, 4.),
        np.full_like(fc1, 3.))
    d_x, d_w0, d_b0, _ = _numpy_layer_grads(w0, kept0, d_seq0,
                                            np.full_like(fh0, 1.),
                                            np.full_like(fc0, 2.))
    # Variables by name: lstm/{b,w}_gates, then the cell's
    # lstm_block_cell/lstm_cell/{bias,kernel}.
    self.assertAllClose(gradients, [d_x, d_b0, d_w0, d_b1, d_w1], atol=1e-4,
                        rtol=1e-4)

  @parameterized.named_parameters(*_STEP_BY_STEP_CORES)
  @test_utils.in_all_modes
  def test_other_cores_step_by_step(self, make_core):
    core = make_core()
    inputs = self._inputs()
    with _counting_fused() as fused_loops:
      outputs, _ = snt.dynamic_unroll(core, inputs, core.initial_state(3))
    self.assertEqual(fused_loops.call_count, 0)
    self.assertEqual(outputs.shape[:2].as_list(), [5, 3])

  @parameterized.named_parameters(
      ("sequence_length", snt.dynamic_unroll, dict(sequence_length=[5, 2, 0])),
      ("static_unroll", snt.static_unroll, {}))
  @test_utils.in_all_modes
  def test_other_unrolls_step_by_step(self, unroll, kwargs):
    core = snt.LSTM(4)
    with _counting_fused() as fused_loops:
      unroll(core, self._inputs(), core.initial_state(3), **kwargs)
    self.assertEqual(fused_loops.call_count, 0)

  @test_utils.in_all_modes
  def test_nested_inputs_step_by_step(self):
    core = snt.DeepRNN(
        [lambda x: x[0] + x[1], snt.LSTM(4)], skip_connections=False)
    inputs = self._inputs()
    with _counting_fused() as fused_loops:
      snt.dynamic_unroll(core, (inputs, inputs), core.initial_state(3))
    self.assertEqual(fused_loops.call_count, 0)

  @test_utils.in_all_modes
  def test_variables_made_in_order_once(self):
    core = snt.DeepRNN([snt.LSTM(4), snt.LSTMBlockCell(3)],
                       skip_connections=False)
    made = []

    def recording_creator(next_creator, **kwargs):
      variable = next_creator(**kwargs)
      made.append(variable.name.split(":")[0])
      return variable

    # Eagerly, the fused loop runs where a gradient is recorded.
    with tf.variable_creator_scope(recording_creator), tf.GradientTape():
      with _counting_fused() as fused_loops:
        snt.dynamic_unroll(core, self._inputs(), core.initial_state(3))
        snt.dynamic_unroll(core, self._inputs(), core.initial_state(3))
    self.assertEqual(fused_loops.call_count, 2)
    expected = [
        "lstm/w_gates", "lstm/b_gates", "lstm_block_cell/lstm_cell/kernel",
        "lstm_block_cell/lstm_cell/bias"]
    self.assertEqual(made, expected)
    self.assertVariableNames(core.get_all_variables(), expected)

  @test_utils.in_all_modes
  def test_one_step(self):
    core = snt.DeepRNN([snt.LSTM(4), snt.LSTM(3)], skip_connections=False)
    inputs, state = self._inputs(steps=1), self._state(core)
    reference = self._unroll_with_gradients(core, inputs, state, fused=False)
    fused = self._unroll_with_gradients(core, inputs, state, fused=True)
    self.init()
    self.assertAllClose(self.evaluate(fused), self.evaluate(reference),
                        atol=1e-6)

  @test_utils.in_all_modes
  def test_float64(self):
    core = snt.LSTM(4)
    inputs = self._inputs(dtype=np.float64)
    state = self._state(core, dtype=np.float64)
    reference = self._unroll_with_gradients(core, inputs, state, fused=False)
    fused = self._unroll_with_gradients(core, inputs, state, fused=True)
    self.init()
    fused = self.evaluate(fused)
    self.assertEqual(fused[0][0].dtype, np.float64)
    self.assertAllClose(fused, self.evaluate(reference), atol=1e-12)

  @test_utils.in_eager_mode
  def test_tf_function_unknown_steps_and_batch(self):
    core = snt.DeepRNN([snt.LSTM(4), snt.LSTM(3)], skip_connections=False)
    inputs = self._inputs()
    expected = snt.dynamic_unroll(core, inputs, core.initial_state(3))

    @tf.function(input_signature=[tf.TensorSpec([None, None, 6])])
    def unrolled(x):
      with tf.GradientTape() as tape:
        tape.watch(x)
        outputs, final = snt.dynamic_unroll(core, x,
                                            core.initial_state(tf.shape(x)[1]))
      self.assertEqual(outputs.shape.as_list(), [None, None, 3])
      return outputs, final

    with _counting_fused() as fused_loops:
      actual = unrolled(inputs)
    self.assertEqual(fused_loops.call_count, 1)
    self.assertAllClose(actual, expected, atol=1e-6)

  @test_utils.in_all_modes
  def test_without_a_gradient_only_graph_mode_fuses(self):
    core = snt.DeepRNN([snt.LSTM(4), snt.LSTM(3)], skip_connections=False)
    inputs, state = self._inputs(), self._state(core)
    unroll = lambda: snt.dynamic_unroll(core, inputs, state)
    with _counting_fused() as fused_loops:
      forward = unroll()
      traced = tf.function(unroll)() if self.eager else forward
    # Graph mode cannot know whether tf.gradients will follow; eagerly and
    # in a trace without a tape, the step-by-step loop gives the outputs.
    self.assertEqual(fused_loops.call_count, 0 if self.eager else 1)
    with _step_by_step():
      reference = unroll()
    self.init()
    reference = self.evaluate(reference)
    for actual, expected in zip(tf.nest.flatten(self.evaluate(forward)),
                                tf.nest.flatten(reference)):
      self.assertAllEqual(actual, expected)
    # A traced graph may round differently from eager ops.
    self.assertAllClose(self.evaluate(traced), reference, atol=1e-6)

  @test_utils.in_eager_mode
  def test_second_order_gradients(self):
    core = snt.DeepRNN([snt.LSTM(3), snt.LSTM(2)], skip_connections=False)
    inputs = self._inputs()
    state = core.initial_state(3)

    def gradient_norm_gradient():
      with tf.GradientTape() as outer:
        outer.watch(inputs)
        with tf.GradientTape() as inner:
          inner.watch(inputs)
          loss = self._loss(*snt.dynamic_unroll(core, inputs, state))
        gradient = inner.gradient(loss, inputs)
        norm = tf.reduce_sum(tf.square(gradient))
      return outer.gradient(norm, inputs)

    with _step_by_step():
      expected = gradient_norm_gradient()
    self.assertAllClose(gradient_norm_gradient(), expected, atol=1e-5)

  @test_utils.in_eager_mode
  def test_saved_model_of_a_gradient(self):
    # The gradient function is saved with the forward one: what it captures
    # from the forward loop must be plain tensors (not TensorArrays).
    core = snt.DeepRNN([snt.LSTM(4), snt.LSTM(3)], skip_connections=False)
    inputs = self._inputs()
    state = core.initial_state(3)
    holder = tf.Module()
    holder.core = core

    def loss_and_gradient(x):
      with tf.GradientTape() as tape:
        tape.watch(x)
        loss = self._loss(*snt.dynamic_unroll(core, x, state))
      return loss, tape.gradient(loss, x)

    holder.loss_and_gradient = tf.function(
        loss_and_gradient, input_signature=[tf.TensorSpec(inputs.shape)])
    with _counting_fused() as fused_loops:
      expected = holder.loss_and_gradient(inputs)
    self.assertTrue(fused_loops.called)
    path = self.get_temp_dir()
    tf.saved_model.save(holder, path)
    restored = tf.saved_model.load(path)
    for actual, want in zip(restored.loss_and_gradient(inputs), expected):
      self.assertAllEqual(actual, want)


if __name__ == "__main__":
  test_utils.main()
