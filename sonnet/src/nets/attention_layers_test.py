"""Tests for the transformers' attention, masks and position encodings."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules.nets import transformer as deep_transformer
from sonnet.src import numpy_reference
from sonnet.src import test_utils
from sonnet.src.nets import attention_layers
from sonnet.src.nets import attention_test_utils as ref
import tensorflow as tf


class MasksTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((1, tf.float32), (4, tf.float32), (3, tf.float64))
  @test_utils.in_all_modes
  def test_future_mask(self, size, dtype):
    mask = snt.nets.future_mask(size, dtype)
    self.assertEqual(mask.dtype, dtype)
    self.assertAllEqual(self.evaluate(mask), ref.future_mask(size))

  @test_utils.in_all_modes
  def test_future_mask_softmax(self):
    weights = self.evaluate(tf.nn.softmax(snt.nets.future_mask(4, tf.float32)))
    self.assertAllClose(weights[0, 0],
                        np.tril(np.ones([4, 4]) / np.arange(1, 5)[:, None]))

  @parameterized.parameters(False, True)
  @test_utils.in_all_modes
  def test_create_mask(self, equal_window):
    x = tf.zeros([2, 3, 4])
    without = attention_layers.create_mask(x, None, equal_window)
    # The largest memory of the list decides the width.
    with_list = attention_layers.create_mask(
        x, [tf.zeros([2, 2, 4]), tf.zeros([2, 5, 4])], equal_window)
    compressed = attention_layers.CompressedMemoryState(
        episodic_memory=tf.zeros([2, 3, 4]),
        compressed_memory=tf.zeros([2, 1, 4]), index=tf.zeros([2, 1]))
    with_state = attention_layers.create_mask(x, [compressed], equal_window)
    without, with_list, with_state = self.evaluate([
        without, with_list, with_state])
    self.assertAllEqual(without, ref.causal_mask(3, 0, equal_window))
    self.assertAllEqual(with_list, ref.causal_mask(3, 5, equal_window))
    self.assertAllEqual(with_state, ref.causal_mask(3, 4, equal_window))
    if equal_window:  # Query 2 may not see the first two slots.
      self.assertAllEqual(with_list[0, 0, 2, :3], [-1e6, -1e6, 0.])

  @test_utils.in_all_modes
  def test_rel_shift(self):
    x = np.tile(np.arange(5., 0., -1.), [5, 1])[None, None]
    shifted = self.evaluate(attention_layers.rel_shift(tf.constant(x)))
    self.assertAllEqual(
        shifted[0, 0],
        [[1., 0., 5., 4., 3.], [2., 1., 0., 5., 4.], [3., 2., 1., 0., 5.],
         [4., 3., 2., 1., 0.], [5., 4., 3., 2., 1.]])
    y = np.random.RandomState(0).randn(2, 3, 4, 7)
    shifted = self.evaluate(attention_layers.rel_shift(tf.constant(y)))
    self.assertAllClose(shifted, ref.rel_shift(y))
    # Row i reads column j + N - 1 - i: on and below the "diagonal" this is
    # the relative position of query i (at M + i) and key j.
    for i in range(4):
      self.assertAllClose(shifted[:, :, i, :4 + i], y[:, :, i, 3 - i:7])

  def test_rel_shift_rank(self):
    with self.assertRaisesRegex(ValueError, "^Expected 4D position logits.$"):
      attention_layers.rel_shift(tf.zeros([2, 3, 4]))

  @parameterized.parameters((5, 6, 0), (7, 4, 3), (1, 2, 0))
  @test_utils.in_all_modes
  def test_position_encodings(self, length, width, clamp):
    encodings = self.evaluate(
        attention_layers.get_position_encodings(length, width, clamp))
    self.assertAllClose(encodings, ref.position_encodings(length, width, clamp),
                        atol=1e-5)

  def test_position_encodings_need_an_even_width(self):
    with self.assertRaisesRegex(
        ValueError, r"^position embedding dimension \(6\) does not match "
        r"that of the input \(5\).$"):
      attention_layers.get_position_encodings(4, 5, 0)

  @test_utils.in_all_modes
  def test_simple_attention(self):
    rng = np.random.RandomState(3)
    q, k, v = (rng.randn(2, 3, n, 4) for n in (2, 5, 5))
    self.assertAllClose(
        self.evaluate(attention_layers.simple_attention(q, k, v)),
        numpy_reference.softmax(q @ k.transpose([0, 1, 3, 2])) @ v)


class MultiheadAttentionTest(test_utils.TestCase, parameterized.TestCase):

  def _encodings(self, chunk, memory_sizes, width):
    """NumPy key encodings and the `(keys, queries)` pairs of them."""
    keys = [ref.position_encodings(chunk + m, width) for m in memory_sizes]
    pairs = [(tf.constant(k, tf.float32), tf.constant(k[:, -chunk:],
                                                      tf.float32))
             for k in keys]
    return keys, pairs

  @parameterized.named_parameters(
      ("plain", False, False, False, False),
      ("memory", False, True, False, False),
      ("absolute_positions", False, True, True, True),
      ("relative", True, False, False, True),
      ("relative_memory", True, True, False, True),
      ("relative_memory_mask", True, True, True, True))
  @test_utils.in_all_modes
  def test_matches_numpy(self, relative, with_memory, with_mask,
                         with_positions):
    rng = np.random.RandomState(1)
    heads, key_size, value_size, width, chunk = 2, 3, 4, 6, 4
    x = rng.randn(2, chunk, width).astype(np.float32)
    memory = rng.randn(2, 3, width).astype(np.float32)
    memory_size = 3 if with_memory else 0
    mask = ref.causal_mask(chunk, memory_size) if with_mask else None
    keys, pairs = self._encodings(chunk, [memory_size], width)
    attend = attention_layers.MultiheadAttention(
        value_size, key_size, heads,
        mask=None if mask is None else tf.constant(mask, tf.float32),
        positional_encodings=pairs if with_positions else None,
        use_relative_positions=relative)
    state = tf.constant(memory) if with_memory else None
    attend(tf.constant(x), state=state)
    self.init()
    p = ref.randomize(self, attend)
    output, attention_state = attend(tf.constant(x), state=state)
    expected, weights = ref.attention(x, [memory] if with_memory else [], p,
                                      heads, key_size, mask,
                                      keys if with_positions else None,
                                      relative)
    output, attention_state = self.evaluate([output, attention_state])
    self.assertAllClose(output, expected, atol=1e-4, rtol=1e-4)
    self.assertAllClose(attention_state.weights, weights, atol=1e-5)
    self.assertAllClose(attention_state.embeddings, x)
    self.assertAllClose(attention_state.read_words, output)
    self.assertEqual(attention_state.queries.shape, (2, heads, chunk, key_size))
    self.assertEqual(attention_state.values.shape,
                     (2, heads, chunk + memory_size, value_size))

  @test_utils.in_all_modes
  def test_compressed_memory_matches_numpy(self):
    rng = np.random.RandomState(4)
    heads, key_size, width, chunk = 2, 2, 4, 3
    x = rng.randn(2, chunk, width).astype(np.float32)
    episodic = rng.randn(2, 4, width).astype(np.float32)
    compressed = rng.randn(2, 2, width).astype(np.float32)
    state = attention_layers.CompressedMemoryState(
        episodic_memory=tf.constant(episodic),
        compressed_memory=tf.constant(compressed), index=tf.zeros([2, 1]))
    mask = ref.causal_mask(chunk, 6)
    # One encoding pair per memory type, compressed first.
    keys, pairs = self._encodings(chunk, [2, 4], width)
    attend = attention_layers.MultiheadAttention(
        2, key_size, heads, mask=tf.constant(mask, tf.float32),
        positional_encodings=pairs, use_relative_positions=True)
    attend(tf.constant(x), state=state)
    self.init()
    p = ref.randomize(self, attend)
    self.assertIn("relative_keys_0/linear/w", p)
    self.assertIn("r_r_bias_0", p)
    output, _ = attend(tf.constant(x), state=state)
    expected, _ = ref.attention(x, [compressed, episodic], p, heads, key_size,
                                mask, keys)
    self.assertAllClose(self.evaluate(output), expected, atol=1e-4)

  @test_utils.in_all_modes
  def test_variables(self):
    attend = attention_layers.MultiheadAttention(
        4, 3, 2, use_relative_positions=True,
        positional_encodings=self._encodings(2, [3], 6)[1])
    attend(tf.ones([1, 2, 6]), state=tf.ones([1, 3, 6]))
    self.assertVariableShapes(
        attend.get_variables(), {
            "multihead_attention/query/linear/w": [6, 6],
            "multihead_attention/key/linear/w": [
                6, 6], "multihead_attention/value/linear/w": [
                    6, 8], "multihead_attention/relative_keys/linear/w": [
                        6, 6], "multihead_attention/r_w_bias": [
                            1, 2, 1, 3], "multihead_attention/r_r_bias": [
                                1, 2, 1, 3], "multihead_attention/linear/w": [
                                    8, 8], "multihead_attention/linear/b": [8]})

  @test_utils.in_all_modes
  def test_multihead_linear_reuses_the_variables(self):
    attend = attention_layers.MultiheadAttention(2, 3, 2)
    x = tf.constant(np.random.RandomState(5).randn(1, 4, 5), tf.float32)
    attend(x)
    keys = attend.multihead_linear(x, "key")
    self.assertLen(attend.get_variables(), 5)
    self.init()
    w = self.evaluate(attend.get_variables()[1])
    self.assertAllClose(self.evaluate(keys), ref.heads(self.evaluate(x), w, 2),
                        atol=1e-5)

  @test_utils.in_all_modes
  def test_no_scaling(self):
    x = tf.constant(np.random.RandomState(6).randn(1, 3, 4), tf.float32)
    attend = attention_layers.MultiheadAttention(2, 3, 2, scaling=False)
    _, state = attend(x)
    self.init()
    p = ref.randomize(self, attend)
    _, state = attend(x)
    q = ref.heads(self.evaluate(x), p["query/linear/w"], 2)
    self.assertAllClose(self.evaluate(state.queries), q, atol=1e-5)

  @test_utils.in_all_modes
  def test_dropout_of_the_weights(self):
    attend = attention_layers.MultiheadAttention(2, 2, 2)
    x = tf.ones([4, 8, 4])
    _, state = attend(x, is_training=True, dropout_keep_prob=0.5)
    _, eval_state = attend(x)
    self.init()
    weights, eval_weights = self.evaluate([state.weights, eval_state.weights])
    self.assertAllClose(eval_weights, np.full([4, 2, 8, 8], 1. / 8))
    self.assertAllClose(np.unique(weights), [0., 0.25])

  def test_absolute_encodings_need_one_pair(self):
    attend = attention_layers.MultiheadAttention(
        2, 2, 2, positional_encodings=self._encodings(2, [0, 0], 4)[1])
    with self.assertRaisesRegex(ValueError, "single"):
      attend(tf.ones([1, 2, 4]))

  def test_deep_path(self):
    self.assertIs(deep_transformer.MultiheadAttention,
                  attention_layers.MultiheadAttention)
    self.assertEqual(deep_transformer.AttentionState._fields,
                     ("queries", "keys", "values", "logits", "weights",
                      "embeddings", "read_words"))
    self.assertEqual(deep_transformer.CompressedMemoryState._fields,
                     ("episodic_memory", "compressed_memory", "index"))


if __name__ == "__main__":
  test_utils.main()
