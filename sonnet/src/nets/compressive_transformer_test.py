"""Tests for snt.nets.CompressiveTransformer and its ConvCompressor."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules.nets import transformer as deep_path
from sonnet.src import test_utils
from sonnet.src.nets import compressive_transformer
import tensorflow as tf

_CONFIG = dict(value_size=2, num_heads=2, num_layers=2, mlp_hidden_sizes=(8,),
               dropout_rate=0.)


def np_compress(memory, w, b, rate):
  batch, time, width = memory.shape
  groups = memory.reshape(batch, time // rate, rate, width)
  return np.einsum("bsrd,rde->bse", groups, w) + b


class ConvCompressorTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(1, 2, 3)
  @test_utils.in_all_modes
  def test_matches_numpy(self, rate):
    memory = np.random.RandomState(0).randn(2, 6, 4).astype(np.float32)
    compress = compressive_transformer.ConvCompressor(rate)
    y = compress(tf.constant(memory))
    compress(tf.constant(memory))  # Shares the variables.
    self.init()
    self.assertVariableShapes(compress.get_variables(), {
        "conv_compressor/conv_1d/w": [rate, 4, 4],
        "conv_compressor/conv_1d/b": [4]})
    w, b = self.evaluate(list(compress.get_variables()))
    self.assertAllClose(self.evaluate(y), np_compress(memory, w, b, rate),
                        atol=1e-5)

  @test_utils.in_all_modes
  def test_errors(self):
    compress = compressive_transformer.ConvCompressor(4)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "conv_compressor: memory must have shape "
                                r"\[batch, time, features\] with time a "
                                "multiple of 4"):
      compress(tf.ones([2, 6, 3]))
    with self.assertRaisesRegex(ValueError, "compression_rate"):
      compressive_transformer.ConvCompressor(0)


class CompressiveTransformerTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_sizes_and_variables(self):
    core = snt.nets.CompressiveTransformer(
        _CONFIG, chunk_size=4, episodic_memory_size=6,
        compressed_memory_size=3)
    state_size = core.state_size
    self.assertLen(state_size, 2)
    self.assertEqual(state_size[0].episodic_memory, tf.TensorShape([6, 4]))
    self.assertEqual(state_size[0].compressed_memory, tf.TensorShape([3, 4]))
    self.assertEqual(core.output_size, tf.TensorShape([4, 4]))
    outputs, state = core(tf.ones([2, 4, 4]), core.initial_state(2))
    core(tf.ones([2, 4, 4]), state)  # Shares the variables.
    self.assertEqual(outputs.shape.as_list(), [2, 4, 4])
    self.assertIsInstance(state[1], compressive_transformer.
                          CompressiveMemoryState)
    self.assertEqual(state[1].compressed_memory.shape.as_list(), [2, 3, 4])
    names = [v.name for v in core.get_variables()]
    self.assertLen(names, 34)  # 2 * 15 tower + 2 * 2 compressor.
    self.assertIn("compressive_transformer/layer_1/conv_compressor/conv_1d/"
                  "w:0", names)
    self.assertIn("compressive_transformer/transformer_tower/layer_0/"
                  "attention/key/w:0", names)
    self.assertEqual(core.stats, {})

  @parameterized.parameters((6, 3, 2), (2, 5, 2), (4, 1, 4))
  @test_utils.in_all_modes
  def test_memory_update(self, episodic, compressed, rate):
    rng = np.random.RandomState(1)
    core = snt.nets.CompressiveTransformer(
        _CONFIG, chunk_size=4, episodic_memory_size=episodic,
        compressed_memory_size=compressed, compression_rate=rate,
        export_stats=True)
    x = rng.randn(2, 4, 4).astype(np.float32)
    state = tuple(compressive_transformer.CompressiveMemoryState(
        tf.constant(rng.randn(2, episodic, 4), tf.float32),
        tf.constant(rng.randn(2, compressed, 4), tf.float32))
                  for _ in range(2))
    _, next_state = core(tf.constant(x), state, is_training=False)
    memories = [tf.concat([s.compressed_memory, s.episodic_memory], 1)
                for s in state]
    _, layer_inputs = core.tower(tf.constant(x), memories, is_training=False)
    stats = core.stats
    self.init()
    state, next_state, layer_inputs, stats = self.evaluate(
        [state, next_state, layer_inputs, stats])
    self.assertAllClose(layer_inputs[0], x)
    for i in range(2):
      w, b = self.evaluate(
          list(core._compressors[i].get_variables()))  # pylint: disable=protected-access
      everything = np.concatenate([state[i].episodic_memory,
                                   layer_inputs[i]], 1)
      self.assertAllClose(next_state[i].episodic_memory,
                          everything[:, -episodic:])
      new = np_compress(everything[:, :4], w, b, rate)
      expected = np.concatenate([state[i].compressed_memory, new],
                                1)[:, -compressed:]
      self.assertAllClose(next_state[i].compressed_memory, expected,
                          atol=1e-5)
      self.assertAllClose(stats["layer_%d/compressed_memory_mean_abs" % i],
                          np.abs(expected).mean(), atol=1e-5)

  @test_utils.in_all_modes
  def test_memory_carries_across_chunks(self):
    rng = np.random.RandomState(2)
    core = snt.nets.CompressiveTransformer(
        _CONFIG, chunk_size=2, episodic_memory_size=2,
        compressed_memory_size=2)
    chunks_a = [tf.constant(rng.randn(1, 2, 4), tf.float32) for _ in range(3)]
    chunks_b = [tf.constant(rng.randn(1, 2, 4), tf.float32)] + chunks_a[1:]
    outputs = []
    for chunks in (chunks_a, chunks_b):
      state = core.initial_state(1)
      for chunk in chunks:
        output, state = core(chunk, state, is_training=False)
      outputs.append(output)
    self.init()
    out_a, out_b = self.evaluate(outputs)
    # The first chunk has left the episodic memory, but its compressed form
    # is still attended to.
    self.assertTrue((np.abs(out_a - out_b) > 1e-6).all())

  @test_utils.in_all_modes
  def test_custom_compressor(self):
    def mean_compressor(rate, scale=1.):
      def compress(memory):
        shape = tf.shape(memory)
        groups = tf.reshape(memory, [shape[0], -1, rate, shape[2]])
        return scale * tf.reduce_mean(groups, axis=2)
      return compress
    core = snt.nets.CompressiveTransformer(
        _CONFIG, chunk_size=4, episodic_memory_size=4,
        compressed_memory_size=2, compression_ctor=mean_compressor,
        compression_config={"scale": 2.})
    x = np.random.RandomState(3).randn(1, 4, 4).astype(np.float32)
    _, state = core(tf.constant(x), core.initial_state(1))
    self.init()
    compressed = self.evaluate(state[0].compressed_memory)
    self.assertAllClose(compressed, np.zeros([1, 2, 4]))  # Zeros evicted.
    self.assertLen(core.get_variables(), 30)

  def test_bad_arguments(self):
    with self.assertRaisesRegex(ValueError, r"chunk_size \(3\) must be a "
                                "multiple of compression_rate"):
      snt.nets.CompressiveTransformer(_CONFIG, 3, 4, 4, compression_rate=2)
    with self.assertRaisesRegex(ValueError, "episodic_memory_size"):
      snt.nets.CompressiveTransformer(_CONFIG, 4, 0, 4)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    core = snt.nets.CompressiveTransformer(_CONFIG, 2, 2, 2)
    x = tf.constant(np.random.RandomState(4).randn(1, 2, 4), tf.float32)
    state = core.initial_state(1)
    eager = core(x, state, is_training=False)
    traced = tf.function(lambda x, s: core(x, s, is_training=False))(x, state)
    self.assertAllClose(eager, traced)

  def test_sonnet1_path(self):
    self.assertIs(deep_path.CompressiveTransformer,
                  snt.nets.CompressiveTransformer)
    self.assertIs(deep_path.TransformerTower, snt.nets.TransformerTower)
    self.assertIs(deep_path.TransformerXL, snt.nets.TransformerXL)
    self.assertIs(deep_path.future_mask, snt.nets.future_mask)
    self.assertIs(deep_path.ConvCompressor,
                  compressive_transformer.ConvCompressor)


if __name__ == "__main__":
  test_utils.main()
