"""Tests for unrolls that project a core's inputs for all steps at once.

`snt.dynamic_unroll` / `snt.static_unroll` offer cores an
`rnn_core.InputProjection`; each case compares an unroll that takes it with
the same unroll without the offer (the cores' step-by-step path), on
outputs, final states and gradients.
"""

from unittest import mock

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import rnn_core
from sonnet.src import test_utils
from sonnet.src import unroll as unroll_lib
import tensorflow as tf

tf1 = tf.compat.v1

_CORES = (
    ("lstm", lambda: snt.LSTM(4)),
    ("lstm_all_options", lambda: snt.
     LSTM(4, use_peepholes=True, use_layer_norm=True, projection_size=3,
          hidden_clip_value=0.5, cell_clip_value=0.8)),
    ("gru", lambda: snt.GRU(4)),
    ("vanilla_rnn", lambda: snt.VanillaRNN(4)),
    ("lstm_block_cell", lambda: snt.LSTMBlockCell(4, use_peephole=True)),
    ("deep_rnn_skip", lambda: snt.DeepRNN([snt.LSTM(4), snt.GRU(3)])),
    ("deep_rnn", lambda: snt.DeepRNN([
        snt.VanillaRNN(4), snt.LSTMBlockCell(3),
        snt.LSTM(2)], skip_connections=False)),
    ("deep_rnn_nested", lambda: snt.DeepRNN([
        snt.DeepRNN([snt.LSTM(4), snt.GRU(4)], skip_connections=False),
        snt.LSTM(4)], skip_connections=False)),
)

_UNROLLS = (("dynamic", snt.dynamic_unroll), ("static", snt.static_unroll))

_EXPECTED_NAMES = {
    "lstm": ["lstm/w_gates", "lstm/b_gates"],
    "gru": [
        "gru/" + k
        for k in ("wz", "uz", "bz", "wr", "ur", "br", "wh", "uh", "bh")],
    "vanilla_rnn": [
        "vanilla_rnn/in_to_hidden/w", "vanilla_rnn/in_to_hidden/b",
        "vanilla_rnn/hidden_to_hidden/w", "vanilla_rnn/hidden_to_hidden/b"],
    "lstm_block_cell": [
        "lstm_block_cell/lstm_cell/" + k
        for k in ("kernel", "bias", "w_i_diag", "w_f_diag", "w_o_diag")],}


def _cases():
  return [(core_name + "_" + unroll_name, make_core, unroll)
          for core_name, make_core in _CORES
          for unroll_name, unroll in _UNROLLS]


def _without_offer():
  """Unrolls as without input projection: the cores' step-by-step path."""
  return mock.patch.object(unroll_lib, "_projection_offer", return_value=None)


def _counting_projections():
  """Counts the steps at which a core used an unroll's projection."""
  return mock.patch.object(rnn_core.InputProjection, "project", autospec=True,
                           side_effect=rnn_core.InputProjection.project)


class InputProjectionTest(test_utils.TestCase, parameterized.TestCase):

  def _inputs(self, steps=5, batch=3, size=6, seed=0):
    rng = np.random.RandomState(seed)
    return tf.constant(rng.randn(steps, batch, size).astype(np.float32))

  def _loss(self, outputs, final_state):
    """A loss reaching every output and the final state."""
    rng = np.random.RandomState(1)
    weights = [
        tf.constant(rng.randn(*o.shape.as_list()).astype(np.float32))
        for o in tf.nest.flatten(outputs)]
    loss = sum(
        tf.reduce_sum(o * w) for o, w in zip(tf.nest.flatten(outputs), weights))
    return loss + sum(
        tf.reduce_sum(tf.square(s)) for s in tf.nest.flatten(final_state))

  def _unroll_both_ways(self, core, unroll, inputs, **kwargs):
    """Values and gradients of the unroll without and with projection.

    The unroll without runs first, so the variables are made on the
    step-by-step path and the projected unroll reuses them.
    """
    state = core.initial_state(inputs.shape[1])
    with tf.GradientTape(persistent=True) as tape:
      with _without_offer():
        reference = unroll(core, inputs, state, **kwargs)
      with _counting_projections() as project:
        projected = unroll(core, inputs, state, **kwargs)
      losses = [self._loss(*reference), self._loss(*projected)]
    self.assertGreater(project.call_count, 0)
    if self.eager:
      variables = tape.watched_variables()
      gradients = [tape.gradient(loss, variables) for loss in losses]
    else:
      variables = tf1.trainable_variables()
      gradients = [tf.gradients(loss, variables) for loss in losses]
    self.assertNotEmpty(variables)
    self.init()
    return self.evaluate((reference, gradients[0])), self.evaluate(
        (projected, gradients[1]))

  @parameterized.named_parameters(*_cases())
  @test_utils.in_all_modes
  def test_values_and_gradients_as_without_projection(self, make_core, unroll):
    core = make_core()
    reference, projected = self._unroll_both_ways(core, unroll, self._inputs())
    self.assertAllClose(projected, reference, atol=1e-5, rtol=1e-5)

  @parameterized.named_parameters(("dynamic", snt.dynamic_unroll),
                                  ("static", snt.static_unroll))
  @test_utils.in_all_modes
  def test_sequence_length(self, unroll):
    core = snt.DeepRNN([snt.LSTM(4), snt.GRU(3)])
    reference, projected = self._unroll_both_ways(
        core, unroll, self._inputs(), sequence_length=tf.constant([5, 2, 0]))
    self.assertAllClose(projected, reference, atol=1e-5, rtol=1e-5)
    self.assertAllEqual(projected[0][0][2:, 1], np.zeros([3, 7]))

  @parameterized.named_parameters(("batch_unknown", [5, None, 6]),
                                  ("steps_unknown", [None, 3, 6]),
                                  ("both_unknown", [None, None, 6]))
  @test_utils.in_graph_mode
  def test_shapes_known_only_when_run(self, shape):
    core = snt.DeepRNN([snt.LSTM(4), snt.GRU(3)], skip_connections=False)
    inputs = tf1.placeholder(tf.float32, shape)
    state = core.initial_state(tf.shape(inputs)[1])
    with _without_offer():
      reference = snt.dynamic_unroll(core, inputs, state)
    with _counting_projections() as project:
      projected = snt.dynamic_unroll(core, inputs, state)
    self.assertGreater(project.call_count, 0)
    self.assertEqual(projected[0].shape.as_list(), shape[:2] + [3])
    self.init()
    reference, projected = tf1.get_default_session().run(
        (reference, projected), {inputs: self.evaluate(self._inputs())})
    self.assertAllClose(projected, reference, atol=1e-5, rtol=1e-5)

  @parameterized.named_parameters((name, make_core, _EXPECTED_NAMES[name])
                                  for name, make_core in _CORES
                                  if name in _EXPECTED_NAMES)
  @test_utils.in_all_modes
  def test_variables_made_in_order_once(self, make_core, expected_names):
    core = make_core()
    inputs = self._inputs()
    state = core.initial_state(3)
    made = []

    def recording_creator(next_creator, **kwargs):
      variable = next_creator(**kwargs)
      made.append(variable.name.split(":")[0])
      return variable

    with tf.variable_creator_scope(recording_creator):
      with _counting_projections() as project:
        snt.dynamic_unroll(core, inputs, state)
        snt.static_unroll(core, inputs, state)
      core(inputs[0], state)
    self.assertGreater(project.call_count, 0)
    self.assertEqual(made, expected_names)
    self.assertVariableNames(core.get_all_variables(), expected_names)

  @test_utils.in_eager_mode
  def test_in_tf_function(self):
    core = snt.DeepRNN([snt.LSTM(4), snt.GRU(3)], skip_connections=False)
    inputs = self._inputs()
    state = core.initial_state(3)
    with tf.GradientTape() as tape:
      with _without_offer():
        expected = snt.dynamic_unroll(core, inputs, state)
      loss = self._loss(*expected)
    variables = tape.watched_variables()
    expected_gradients = tape.gradient(loss, variables)

    @tf.function
    def unrolled(x):
      with tf.GradientTape() as tape:
        outputs = snt.dynamic_unroll(core, x, state)
        loss = self._loss(*outputs)
      return outputs, tape.gradient(loss, variables)

    with _counting_projections() as project:
      outputs, gradients = unrolled(inputs)
    self.assertGreater(project.call_count, 0)
    self.assertLen(variables, 11)
    self.assertAllClose(outputs, expected, atol=1e-5)
    self.assertAllClose(gradients, expected_gradients, atol=1e-5)

  @test_utils.in_all_modes
  def test_custom_getter_applies(self):

    def doubled(getter, *args, **kwargs):
      return 2. * getter(*args, **kwargs)

    core = snt.LSTM(4, custom_getter=doubled)
    inputs = self._inputs()
    state = core.initial_state(3)
    outputs, _ = snt.dynamic_unroll(core, inputs, state)
    self.init()
    outputs = self.evaluate(outputs)
    b, w = self.evaluate(core.get_all_variables())  # Sorted by name.
    h = c = np.zeros([3, 4], np.float32)
    for t, x in enumerate(self.evaluate(inputs)):
      gates = np.concatenate([x, h], 1).dot(2. * w) + 2. * b
      i, j, f, o = (gates[:, k * 4:(k + 1) * 4] for k in range(4))
      c = c / (1 + np.exp(-f - 1.)) + np.tanh(j) / (1 + np.exp(-i))
      h = np.tanh(c) / (1 + np.exp(-o))
      self.assertAllClose(outputs[t], h, atol=1e-5)

  @test_utils.in_graph_mode
  def test_partitioned_weights(self):
    core = snt.LSTM(
        4, partitioners={
            "w_gates": tf1.fixed_size_partitioner(2),
            "b_gates": tf1.fixed_size_partitioner(2)})
    reference, projected = self._unroll_both_ways(core, snt.dynamic_unroll,
                                                  self._inputs())
    self.assertAllClose(projected, reference, atol=1e-5, rtol=1e-5)
    self.assertVariableShapes(
        tf1.global_variables(), {
            "lstm/w_gates/part_0": [5, 16], "lstm/w_gates/part_1": [5, 16],
            "lstm/b_gates/part_0": [8], "lstm/b_gates/part_1": [8]})

  @test_utils.in_all_modes
  def test_nested_inputs_are_not_projected(self):
    core = snt.DeepRNN(
        [lambda x: x[0] + x[1], snt.LSTM(4)], skip_connections=False)
    inputs = self._inputs()
    with _counting_projections() as project:
      outputs, _ = snt.dynamic_unroll(core, (inputs, inputs),
                                      core.initial_state(3))
    self.assertEqual(project.call_count, 0)
    self.assertEqual(outputs.shape.as_list(), [5, 3, 4])


if __name__ == "__main__":
  test_utils.main()
