"""Tests for snt.nets.CompressiveTransformer and its compressors."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules.nets import transformer as deep_transformer
from sonnet.src import numpy_reference
from sonnet.src import test_utils
from sonnet.src.nets import attention_layers
from sonnet.src.nets import attention_test_utils as ref
from sonnet.src.nets import compressive_transformer
import tensorflow as tf

tf1 = tf.compat.v1

_CONFIG = dict(value_size=2, num_heads=2, num_layers=2, mlp_hidden_sizes=(5,),
               dropout_rate=0.)


def _np_read(queries, memory, p, num_heads):
  keys = ref.heads(memory, p["key/linear/w"], num_heads)
  values = ref.heads(memory, p["value/linear/w"], num_heads)
  weights = numpy_reference.softmax(queries @ keys.transpose([0, 1, 3, 2]))
  return weights @ values


def _np_step(x, state, p, config, chunk_size, rate, episodic_size):
  """One step in NumPy: (output, next state, mean compression loss)."""
  num_heads = config["num_heads"]
  key_size = config["value_size"]
  hidden = ref.mlp(x, ref.sub_params(p, "mlp"), 1, activate_final=True)
  tower_p = ref.sub_params(p, "transformer_tower")
  output, attended = ref.tower(hidden, tower_p, config,
                               [s.episodic_memory for s in state],
                               [s.compressed_memory for s in state])
  num_to_compress = min(max(rate, chunk_size), chunk_size + episodic_size - 1)
  next_state, losses = [], []
  for i, (s, inputs) in enumerate(zip(state, attended)):
    concat = np.concatenate([s.episodic_memory, inputs], 1)
    to_compress = concat[:, :num_to_compress]
    conv_w = p["conv_compressor%s/conv_1d/w" % ("_%d" % i if i else "")]
    compressed = numpy_reference.conv(to_compress, conv_w, stride=rate)
    att_p = ref.sub_params(tower_p, "layer_%d/multihead_attention" % i)
    queries = ref.heads(inputs, att_p["query/linear/w"], num_heads)
    queries = queries[:, :, max(num_to_compress - episodic_size, 0):]
    queries /= np.sqrt(key_size)
    losses.append(
        np.mean(
            np.square(
                _np_read(queries, to_compress, att_p, num_heads) -
                _np_read(queries, compressed, att_p, num_heads))))
    size = s.compressed_memory.shape[1]
    next_state.append(
        attention_layers.CompressedMemoryState(
            episodic_memory=concat[:, -episodic_size:],
            compressed_memory=np.concatenate([s.compressed_memory, compressed],
                                             1)[:, -size:], index=s.index + 1))
  return output, next_state, np.mean(losses)


class CompressiveTransformerTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_matches_numpy_over_chunks(self):
    core = snt.nets.CompressiveTransformer(_CONFIG, chunk_size=4,
                                           episodic_memory_size=5,
                                           compressed_memory_size=3)
    chunks = np.random.RandomState(0).randn(3, 2, 4, 7).astype(np.float32)
    p, outputs, states = ref.randomized_run(self, core, chunks,
                                            is_training=True)
    losses = tf1.get_collection("auxiliary_losses")
    self.assertLen(losses, 3)
    outputs, states, losses = self.evaluate([outputs, states, losses])
    np_state = [
        attention_layers.CompressedMemoryState(np.zeros([
            2, 5, 4]), np.zeros([2, 3, 4]), np.zeros([2, 1]))] * 2
    for chunk, output, state, loss in zip(chunks, outputs, states, losses):
      expected, np_state, expected_loss = _np_step(chunk, np_state, p, _CONFIG,
                                                   4, 2, 5)
      self.assertAllClose(output, expected, atol=1e-4, rtol=1e-4)
      self.assertAllClose(loss, expected_loss, atol=1e-5, rtol=1e-3)
      for layer, np_layer in zip(state, np_state):
        for field in layer._fields:
          self.assertAllClose(getattr(layer, field), getattr(np_layer, field),
                              atol=1e-4)

  @test_utils.in_all_modes
  def test_sizes_and_variables(self):
    core = snt.nets.CompressiveTransformer(
        dict(_CONFIG, output_size=3), chunk_size=8, episodic_memory_size=6,
        compressed_memory_size=3,
        compression_config={"dilation_rates": [1, 2], "kernel_size": 1})
    self.assertEqual(core.state_size, (attention_layers.CompressedMemoryState(
        episodic_memory=tf.TensorShape([6, 4]),
        compressed_memory=tf.TensorShape([3, 4]), index=tf.TensorShape([1])),) *
                     2)
    self.assertEqual(core.output_size, tf.TensorShape([8, 4]))
    output, state = core(tf.ones([2, 8, 7]), core.initial_state(2))
    self.assertEqual(output.shape.as_list(), [2, 8, 3])
    self.assertIsInstance(state, tuple)
    self.assertEqual([t.shape.as_list() for t in state[1]],
                     [[2, 6, 4], [2, 3, 4], [2, 1]])
    shapes = {v.name: v.shape.as_list() for v in core.get_variables()}
    for i, suffix in enumerate(("", "_1")):
      compressor = "compressive_transformer/conv_compressor%s/" % suffix
      self.assertEqual(shapes[compressor + "conv_rate_1/w:0"], [2, 4, 4])
      self.assertEqual(shapes[compressor + "conv_rate_2/w:0"], [2, 4, 4])
      self.assertEqual(shapes[compressor + "conv_1d/w:0"], [3, 4, 4])
      self.assertIn(
          "compressive_transformer/transformer_tower/layer_%d/"
          "multihead_attention/r_r_bias_0:0" % i, shapes)
    self.assertEqual(shapes["compressive_transformer/mlp/linear_0/w:0"], [7, 4])
    self.assertLen(shapes, 2 + 2 * (16 + 2) + 1 + 2 * 3)

  @test_utils.in_graph_mode
  def test_what_the_compression_loss_trains(self):
    core = snt.nets.CompressiveTransformer(dict(_CONFIG, num_layers=1),
                                           chunk_size=4, episodic_memory_size=4,
                                           compressed_memory_size=2)
    x = tf.constant(np.random.RandomState(5).randn(2, 4, 7), tf.float32)
    _, state = core(x, core.initial_state(2))
    core(x, state)
    loss = tf1.get_collection("auxiliary_losses")[-1]
    variables = core.get_variables()
    trained = sorted(v.name
                     for v, g in zip(variables, tf.gradients(loss, variables))
                     if g is not None)
    # As in Sonnet 1.36: the compressor, and the key and value projections
    # (its stop-gradient context was never installed).
    attention = "compressive_transformer/transformer_tower/layer_0/"
    self.assertEqual(trained, [
        "compressive_transformer/conv_compressor/conv_1d/w:0",
        attention + "multihead_attention/key/linear/w:0",
        attention + "multihead_attention/value/linear/w:0"])

  @test_utils.in_graph_mode
  def test_no_loss_from_zero_memories(self):
    core = snt.nets.CompressiveTransformer(_CONFIG, chunk_size=4,
                                           episodic_memory_size=4,
                                           compressed_memory_size=2)
    x = tf.constant(np.random.RandomState(1).randn(2, 4, 7), tf.float32)
    _, state = core(x, core.initial_state(2))
    core(x, state)
    core(x, state, is_training=False)  # Adds no loss.
    self.init()
    losses = self.evaluate(tf1.get_collection("auxiliary_losses"))
    self.assertLen(losses, 2)
    self.assertEqual(losses[0], 0.)
    self.assertGreater(losses[1], 0.)

  @parameterized.parameters("mha", "ae")
  @test_utils.in_all_modes
  def test_single_steps_compress_every_rate_steps(self, loss):
    core = snt.nets.CompressiveTransformer(dict(_CONFIG, num_layers=1),
                                           chunk_size=0, episodic_memory_size=3,
                                           compressed_memory_size=4,
                                           compression_rate=3,
                                           compression_config={"loss": loss})
    self.assertEqual(core.output_size, tf.TensorShape([4]))
    steps = np.random.RandomState(2).randn(7, 2, 7).astype(np.float32)
    state = core.initial_state(2)
    compressed = []
    for step in steps:
      output, state = core(tf.constant(step), state, is_training=False)
      compressed.append(state[0].compressed_memory)
    self.assertEqual(output.shape.as_list(), [2, 4])
    self.init()
    compressed, index = self.evaluate([compressed, state[0].index])
    self.assertAllEqual(index, np.full([2, 1], 7.))
    changed = [
        not np.allclose(a, b)
        for a, b in zip([np.zeros([2, 4, 4])] + compressed[:-1], compressed)]
    # Index 2 and 5 (every third step) compress.
    self.assertEqual(changed, [False, False, True, False, False, True, False])

  @test_utils.in_all_modes
  def test_pool_compressor(self):
    core = snt.nets.CompressiveTransformer(
        dict(_CONFIG, num_layers=1), chunk_size=4, episodic_memory_size=4,
        compressed_memory_size=2,
        compression_ctor=compressive_transformer.PoolCompressor)
    x = np.random.RandomState(3).randn(2, 4, 7).astype(np.float32)
    _, state = core(tf.constant(x), core.initial_state(2), is_training=False)
    _, state = core(tf.constant(x), state, is_training=False)
    self.init()
    first_memory, compressed = self.evaluate([
        core(tf.constant(x), core.initial_state(2),
             is_training=False)[1][0].episodic_memory,
        state[0].compressed_memory])
    # The second step pools the first step's memory (all 4 slots) in pairs.
    self.assertAllClose(compressed,
                        first_memory.reshape(2, 2, 2, 4).mean(2), atol=1e-5)
    self.assertEqual(
        [v.name for v in core.get_variables() if "compressor" in v.name], [])

  @test_utils.in_all_modes
  def test_export_stats(self):
    core = snt.nets.CompressiveTransformer(_CONFIG, chunk_size=6,
                                           episodic_memory_size=6,
                                           compressed_memory_size=6,
                                           export_stats=True)
    core(tf.ones([1, 6, 7]), core.initial_state(1))
    stats = tf1.get_collection("stats_export")[-1]
    self.assertIn("compression_loss_l01", stats)
    self.assertIn("cm_p5_l00", stats)
    self.assertIn("seq_p0", stats)
    self.init()
    stats = self.evaluate(stats)
    total = sum(v for k, v in stats.items()
                if k.endswith("_l00") and not k.startswith("compression"))
    self.assertAllClose(total, 1., atol=1e-5)  # The weights of one layer.

  @test_utils.in_eager_mode
  def test_first_connection_inside_tf_function(self):
    core = snt.nets.CompressiveTransformer(_CONFIG, chunk_size=4,
                                           episodic_memory_size=4,
                                           compressed_memory_size=2)
    x = tf.random.normal([2, 4, 7])
    step = tf.function(lambda x, s: core(x, s, is_training=False))
    _, state = step(x, core.initial_state(2))
    output, state = step(x, state)
    _, expected_state = core(x, core.initial_state(2), is_training=False)
    expected, expected_state = core(x, expected_state, is_training=False)
    self.assertAllClose(output, expected)
    self.assertAllClose(state, expected_state)

  def test_deep_path(self):
    self.assertIs(deep_transformer.CompressiveTransformer,
                  snt.nets.CompressiveTransformer)
    self.assertIs(deep_transformer.ConvCompressor,
                  compressive_transformer.ConvCompressor)
    self.assertIs(deep_transformer.PoolCompressor,
                  compressive_transformer.PoolCompressor)


class ConvCompressorTest(test_utils.TestCase):

  @test_utils.in_graph_mode
  def test_ae_loss_and_unknown_loss(self):
    memory = tf.constant(np.random.RandomState(4).randn(2, 6, 3), tf.float32)
    queries = attention_layers.AttentionState(*([tf.zeros([2, 1, 6, 2])] * 7))
    compress = compressive_transformer.ConvCompressor(2,
                                                      compressed_memory_size=3,
                                                      episodic_memory_size=6,
                                                      loss="ae")
    compressed, loss = compress(memory, attention_state=queries)
    self.assertEqual(compressed.shape.as_list(), [2, 3, 3])
    self.assertEqual(loss.shape.as_list(), [])
    self.assertVariableNames(
        compress.get_variables(),
        ["conv_compressor/conv_1d/w", "conv_compressor/conv_1d_transpose/w"])
    bad = compressive_transformer.ConvCompressor(2, compressed_memory_size=3,
                                                 episodic_memory_size=6,
                                                 loss="l2")
    with self.assertRaisesRegex(
        NotImplementedError, "Unrecognised loss: 'l2', expected `ae` or "
        "`mha`"):
      bad(memory, attention_state=queries)


if __name__ == "__main__":
  test_utils.main()
