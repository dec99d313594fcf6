"""Tests for snt.nets.TransformerXL."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules.nets import transformer as deep_transformer
from sonnet.src import test_utils
from sonnet.src.nets import attention_test_utils as ref
import tensorflow as tf

tf1 = tf.compat.v1

_CONFIG = dict(value_size=3, num_heads=2, num_layers=2, key_size=2,
               mlp_hidden_sizes=(5,), dropout_rate=0.5)


def _np_step(x, memories, p, config):
  """One TransformerXL step in NumPy: (output, next memories)."""
  hidden = ref.mlp(x, ref.sub_params(p, "mlp"), 1, activate_final=True)
  output, attended = ref.tower(hidden, ref.sub_params(p, "transformer_tower"),
                               config, memories)
  chunk = x.shape[1]
  return output, [
      np.concatenate([m, a], 1)[:, chunk:] for m, a in zip(memories, attended)]


class TransformerXLTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(({},), ({"output_size": 4},),
                            ({"same_attention_length": True},))
  @test_utils.in_all_modes
  def test_matches_numpy_over_chunks(self, overrides):
    config = dict(_CONFIG, **overrides)
    rng = np.random.RandomState(0)
    chunks = rng.randn(3, 2, 4, 7).astype(np.float32)
    core = snt.nets.TransformerXL(config, memory_size=5, chunk_size=4)
    p, outputs, states = ref.randomized_run(self, core, chunks)
    outputs, state = self.evaluate([outputs, states[-1]])
    memories = [np.zeros([2, 5, 6])] * 2
    for chunk, output in zip(chunks, outputs):
      expected, memories = _np_step(chunk, memories, p, config)
      self.assertAllClose(output, expected, atol=1e-4, rtol=1e-4)
    for memory, expected in zip(state, memories):
      self.assertAllClose(memory, expected, atol=1e-4)

  @test_utils.in_all_modes
  def test_sizes_and_variables(self):
    core = snt.nets.TransformerXL(dict(_CONFIG, output_size=4), memory_size=5,
                                  chunk_size=3)
    self.assertEqual(core.state_size, [tf.TensorShape([5, 6])] * 2)
    # As in Sonnet 1.36, the output size ignores `output_size`.
    self.assertEqual(core.output_size, tf.TensorShape([3, 6]))
    state = core.initial_state(2)
    self.assertIsInstance(state, list)
    output, state = core(tf.ones([2, 3, 7]), state)
    self.assertEqual(output.shape.as_list(), [2, 3, 4])
    self.assertEqual([s.shape.as_list() for s in state], [[2, 5, 6]] * 2)
    names = [v.name for v in core.get_variables()]
    self.assertLen(names, 2 + 2 * 16 + 1)
    for name in ("transformer_xl/mlp/linear_0/w:0",
                 "transformer_xl/mlp/linear_0/b:0",
                 "transformer_xl/transformer_tower/layer_1/"
                 "multihead_attention/relative_keys/linear/w:0",
                 "transformer_xl/transformer_tower/linear/w:0"):
      self.assertIn(name, names)

  @test_utils.in_all_modes
  def test_single_steps(self):
    config = dict(_CONFIG, num_layers=1)
    core = snt.nets.TransformerXL(config, memory_size=3, chunk_size=0)
    self.assertEqual(core.output_size, tf.TensorShape([6]))
    rng = np.random.RandomState(1)
    steps = rng.randn(4, 2, 7).astype(np.float32)
    p, outputs, _ = ref.randomized_run(self, core, steps)
    outputs = self.evaluate(outputs)
    memories = [np.zeros([2, 3, 6])]
    for step, output in zip(steps, outputs):
      expected, memories = _np_step(step[:, None], memories, p, config)
      self.assertAllClose(output, expected[:, 0], atol=1e-4, rtol=1e-4)

  @test_utils.in_graph_mode
  def test_dynamic_rnn(self):
    core = snt.nets.TransformerXL(_CONFIG, memory_size=4, chunk_size=0)
    inputs = tf.constant(np.random.RandomState(2).randn(5, 2, 7), tf.float32)
    outputs, state = tf1.nn.dynamic_rnn(core, inputs, time_major=True,
                                        initial_state=core.initial_state(2))
    self.init()
    outputs, state = self.evaluate([outputs, state])
    self.assertEqual(outputs.shape, (5, 2, 6))
    self.assertEqual([s.shape for s in state], [(2, 4, 6)] * 2)

  @test_utils.in_all_modes
  def test_no_memory(self):
    core = snt.nets.TransformerXL(_CONFIG, memory_size=0, chunk_size=4)
    x = np.random.RandomState(3).randn(2, 4, 7).astype(np.float32)
    output, state = core(tf.constant(x), core.initial_state(2),
                         is_training=False)
    self.init()
    p = ref.randomize(self, core)
    output, state = core(tf.constant(x), core.initial_state(2),
                         is_training=False)
    hidden = ref.mlp(x, ref.sub_params(p, "mlp"), 1, activate_final=True)
    expected, _ = ref.tower(hidden, ref.sub_params(p, "transformer_tower"),
                            _CONFIG)
    output, state = self.evaluate([output, state])
    self.assertAllClose(output, expected, atol=1e-4, rtol=1e-4)
    self.assertEqual([s.shape for s in state], [(2, 0, 6)] * 2)

  @test_utils.in_graph_mode
  def test_dynamic_batch_size(self):
    core = snt.nets.TransformerXL(_CONFIG, memory_size=3, chunk_size=4)
    inputs = tf1.placeholder(tf.float32, [None, 4, 7])
    output, _ = core(inputs, core.initial_state(tf.shape(inputs)[0]))
    self.init()
    for batch_size in (1, 3):
      value = tf1.get_default_session().run(
          output, {inputs: np.ones([batch_size, 4, 7])})
      self.assertEqual(value.shape, (batch_size, 4, 6))

  @test_utils.in_all_modes
  def test_gradients_reach_the_memory(self):
    core = snt.nets.TransformerXL(_CONFIG, memory_size=3, chunk_size=2)
    state = [
        tf.constant(np.random.RandomState(4).randn(2, 3, 6), tf.float32)
        for _ in range(2)]
    with tf.GradientTape() as tape:
      tape.watch(state)
      output, _ = core(tf.ones([2, 2, 7]), state, is_training=False)
    grads = tape.gradient(output, state)
    self.init()
    for grad in self.evaluate(grads):
      self.assertGreater(np.abs(grad).sum(), 0.)

  @test_utils.in_all_modes
  def test_dropout_only_while_training(self):
    core = snt.nets.TransformerXL(_CONFIG, memory_size=3, chunk_size=4)
    x = tf.ones([2, 4, 7])
    state = core.initial_state(2)
    train = [core(x, state, is_training=True)[0] for _ in range(2)]
    test = [core(x, state, is_training=False)[0] for _ in range(2)]
    self.init()
    train, test = self.evaluate([train, test])
    self.assertAllClose(test[0], test[1])
    self.assertNotAllClose(train[0], train[1])

  @test_utils.in_eager_mode
  def test_first_connection_inside_tf_function(self):
    core = snt.nets.TransformerXL(_CONFIG, memory_size=3, chunk_size=4)
    x = tf.random.normal([2, 4, 7])
    step = tf.function(lambda x, s: core(x, s, is_training=False))
    output, state = step(x, core.initial_state(2))
    expected, expected_state = core(x, core.initial_state(2), is_training=False)
    self.assertAllClose(output, expected)
    self.assertAllClose(state, expected_state)

  def test_core_config_needs_the_sizes(self):
    with tf.Graph().as_default():
      with self.assertRaisesRegex(KeyError, "num_layers"):
        snt.nets.TransformerXL(dict(value_size=2, num_heads=2), memory_size=2,
                               chunk_size=2)

  def test_deep_path(self):
    self.assertIs(deep_transformer.TransformerXL, snt.nets.TransformerXL)
    self.assertIs(deep_transformer.future_mask, snt.nets.future_mask)


if __name__ == "__main__":
  test_utils.main()
