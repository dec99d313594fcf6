"""Tests for snt.nets.TransformerXL."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1

_CONFIG = dict(value_size=2, num_heads=2, num_layers=2, mlp_hidden_sizes=(8,),
               dropout_rate=0.)


class TransformerXLTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_sizes_and_variables(self):
    core = snt.nets.TransformerXL(dict(_CONFIG, output_size=3),
                                  memory_size=5, chunk_size=3)
    self.assertEqual(core.state_size, (tf.TensorShape([5, 4]),) * 2)
    self.assertEqual(core.output_size, tf.TensorShape([3, 3]))
    state = core.initial_state(2)
    outputs, next_state = core(tf.ones([2, 3, 6]), state)
    core(tf.ones([2, 3, 6]), next_state)  # Shares the variables.
    self.assertEqual(outputs.shape.as_list(), [2, 3, 3])
    self.assertIsInstance(next_state, tuple)
    self.assertEqual([s.shape.as_list() for s in next_state], [[2, 5, 4]] * 2)
    names = [v.name for v in core.get_variables()]
    self.assertLen(names, 34)  # 2 * 15 + input and output projections.
    self.assertIn("transformer_xl/transformer_tower/layer_1/attention/"
                  "query/w:0", names)
    self.assertIn("transformer_xl/transformer_tower/input_projection/w:0",
                  names)

  @parameterized.parameters(2, 3, 5)
  @test_utils.in_all_modes
  def test_memory_update(self, memory_size):
    rng = np.random.RandomState(0)
    core = snt.nets.TransformerXL(_CONFIG, memory_size=memory_size,
                                  chunk_size=3)
    x = rng.randn(2, 3, 4).astype(np.float32)
    state = tuple(tf.constant(rng.randn(2, memory_size, 4), tf.float32)
                  for _ in range(2))
    _, next_state = core(tf.constant(x), state, is_training=False)
    _, layer_inputs = core.tower(tf.constant(x), list(state),
                                 is_training=False)
    self.init()
    state, next_state, layer_inputs = self.evaluate(
        [state, next_state, layer_inputs])
    self.assertAllClose(layer_inputs[0], x)  # F == D: no input projection.
    for i in range(2):
      expected = np.concatenate([state[i], layer_inputs[i]], 1)
      self.assertAllClose(next_state[i], expected[:, -memory_size:])

  @test_utils.in_all_modes
  def test_memory_carries_across_chunks(self):
    rng = np.random.RandomState(1)
    core = snt.nets.TransformerXL(_CONFIG, memory_size=4, chunk_size=2)
    first_a, first_b, second = (
        tf.constant(rng.randn(1, 2, 4), tf.float32) for _ in range(3))
    outputs = []
    for first in (first_a, first_b):
      _, state = core(first, core.initial_state(1), is_training=False)
      outputs.append(core(second, state, is_training=False)[0])
    self.init()
    out_a, out_b = self.evaluate(outputs)
    self.assertTrue((np.abs(out_a - out_b) > 1e-5).all())

  @test_utils.in_all_modes
  def test_chunks_match_one_long_sequence(self):
    # With one layer the memory holds the raw inputs, so the second chunk
    # sees exactly what it would see in one causal pass over both chunks
    # (relative positions make the logits depend on distances only).
    config = dict(_CONFIG, num_layers=1)
    core = snt.nets.TransformerXL(config, memory_size=3, chunk_size=3)
    x = tf.constant(np.random.RandomState(2).randn(2, 6, 4), tf.float32)
    _, state = core(x[:, :3], core.initial_state(2), is_training=False)
    second, _ = core(x[:, 3:], state, is_training=False)
    whole, _ = core.tower(x, is_training=False)
    self.init()
    second, whole = self.evaluate([second, whole])
    self.assertAllClose(second, whole[:, 3:], atol=1e-5)

  @test_utils.in_all_modes
  def test_no_gradient_through_memory(self):
    core = snt.nets.TransformerXL(_CONFIG, memory_size=2, chunk_size=2)
    x = tf.ones([1, 2, 4])
    with tf.GradientTape() as tape:
      tape.watch(x)
      _, state = core(x, core.initial_state(1))
    self.assertIsNone(tape.gradient(state, x))

  @test_utils.in_all_modes
  def test_errors(self):
    core = snt.nets.TransformerXL(_CONFIG, memory_size=2, chunk_size=3)
    state = core.initial_state(2)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                r"transformer_xl: inputs must be one chunk "
                                r"of shape \[batch, 3, features\]"):
      core(tf.ones([2, 4, 4]), state)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "prev_state must have the structure"):
      core(tf.ones([2, 3, 4]), state[:1])
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "each state tensor must have shape"):
      core(tf.ones([2, 3, 4]), (tf.ones([2, 3, 4]),) * 2)
    self.assertFalse(core.is_connected)
    with self.assertRaisesRegex(ValueError, "memory_size must be a positive"):
      snt.nets.TransformerXL(_CONFIG, memory_size=0, chunk_size=3)
    with self.assertRaisesRegex(TypeError, "core_config must be a dict"):
      snt.nets.TransformerXL([2, 2, 2], memory_size=1, chunk_size=3)

  @test_utils.in_eager_mode
  def test_tf_function_loop(self):
    core = snt.nets.TransformerXL(_CONFIG, memory_size=4, chunk_size=2)
    chunks = tf.constant(np.random.RandomState(3).randn(3, 1, 2, 4),
                         tf.float32)

    def run(chunks):
      state = core.initial_state(1)
      outputs = []
      for i in range(3):
        output, state = core(chunks[i], state, is_training=False)
        outputs.append(output)
      return tf.stack(outputs)

    self.assertAllClose(run(chunks), tf.function(run)(chunks), atol=1e-5)


if __name__ == "__main__":
  test_utils.main()
