"""Tests for snt.nets.future_mask and the transformers' multi-head attention."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.nets import attention_layers
from sonnet.src.nets import attention_test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def params_of(module, session_evaluate):
  variables = module.get_variables()
  values = session_evaluate(list(variables))
  prefix = module.scope_name + "/"
  return {var.name[len(prefix):].split(":")[0]: value
          for var, value in zip(variables, values)}


class FutureMaskTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((1, tf.float32), (4, tf.float32),
                            (3, tf.float64))
  @test_utils.in_all_modes
  def test_values(self, size, dtype):
    mask = snt.nets.future_mask(size, dtype)
    self.assertEqual(mask.dtype, dtype)
    self.assertEqual(mask.shape.as_list(), [1, 1, size, size])
    i, j = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    expected = np.where(j > i, -1e6, 0.)[None, None]
    self.assertAllEqual(self.evaluate(mask), expected)

  @parameterized.parameters(
      (True, False), (True, True), (False, True), (False, False))
  @test_utils.in_all_modes
  def test_attention_mask_with_memory(self, causal, same_length):
    mask = attention_layers.attention_mask(3, 4, causal, same_length,
                                           tf.float32)
    i, j = np.meshgrid(np.arange(3), np.arange(7), indexing="ij")
    hidden = np.zeros([3, 7], bool)
    if causal:
      hidden |= j > 4 + i
    if same_length:
      hidden |= j < i
    if not hidden.any():
      self.assertIsNone(mask)
    else:
      self.assertAllEqual(self.evaluate(mask)[0, 0],
                          np.where(hidden, -1e6, 0.))


class MultiheadAttentionTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      ("plain", False, True, 0, 0, False),
      ("not_causal", False, False, 0, 0, False),
      ("memory", False, True, 3, 0, False),
      ("relative", True, True, 0, 0, False),
      ("relative_memory", True, True, 4, 0, False),
      ("relative_clamped", True, False, 3, 2, False),
      ("same_length", True, True, 2, 0, True),
  )
  @test_utils.in_all_modes
  def test_matches_numpy(self, relative, causal, mem_len, clamp,
                         same_length):
    rng = np.random.RandomState(1)
    heads, key_size, value_size, width = 2, 3, 4, 5
    x = rng.randn(2, 4, width).astype(np.float32)
    memory = rng.randn(2, mem_len, width).astype(np.float32) if mem_len else None
    attend = attention_layers.MultiheadAttention(
        value_size, key_size, heads, causal=causal,
        use_relative_positions=relative, clamp_time_range=clamp,
        same_attention_length=same_length)
    inputs = (tf.constant(x),
              None if memory is None else tf.constant(memory))
    attend(*inputs)
    self.init()
    if relative:  # Non-zero biases so that they are checked.
      for var in attend.get_variables():
        if "bias" in var.name:
          self.evaluate(var.assign(rng.randn(heads, key_size)))
    y = attend(*inputs)  # After the assignment, for eager mode.
    params = params_of(attend, self.evaluate)
    expected = attention_test_utils.np_attention(
        x, memory, params, heads, key_size, value_size, causal, relative,
        clamp, same_length)
    self.assertAllClose(self.evaluate(y), expected, atol=1e-4, rtol=1e-4)

  @parameterized.parameters(False, True)
  @test_utils.in_all_modes
  def test_variables(self, relative):
    attend = attention_layers.MultiheadAttention(
        4, 3, 2, use_relative_positions=relative)
    attend(tf.ones([1, 2, 5]))
    attend(tf.ones([3, 4, 5]), tf.ones([3, 2, 5]))  # Shares variables.
    expected = {"multihead_attention/query/w": [5, 6],
                "multihead_attention/key/w": [5, 6],
                "multihead_attention/value/w": [5, 8],
                "multihead_attention/output/w": [8, 5]}
    if relative:
      expected.update({"multihead_attention/relative_position/w": [6, 6],
                       "multihead_attention/content_bias": [2, 3],
                       "multihead_attention/position_bias": [2, 3]})
    self.assertVariableShapes(attend.get_variables(), expected)

  @test_utils.in_all_modes
  def test_causal_by_gradient(self):
    x = tf.constant(np.random.RandomState(0).randn(1, 5, 4), tf.float32)
    attend = attention_layers.MultiheadAttention(
        2, 2, 2, use_relative_positions=True)
    with tf.GradientTape(persistent=True) as tape:
      tape.watch(x)
      y = attend(x)
      rows = [y[0, t] for t in range(5)]
    grads = [tf.reduce_sum(tf.abs(tape.gradient(r, x)), axis=[0, 2])
             for r in rows]
    self.init()
    grads = self.evaluate(grads)
    for t, grad in enumerate(grads):
      self.assertAllEqual(grad[t + 1:], np.zeros(4 - t))
      self.assertTrue((grad[:t + 1] > 0).all())

  @test_utils.in_all_modes
  def test_errors(self):
    attend = attention_layers.MultiheadAttention(2, 2, 2)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "multihead_attention: inputs must have rank 3"):
      attend(tf.ones([2, 3]))
    self.assertFalse(attend.is_connected)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                r"memory must have shape \[batch, "
                                r"memory_size, 4\]"):
      attend(tf.ones([2, 3, 4]), tf.ones([2, 3, 5]))
    attend(tf.ones([2, 3, 4]))
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "4 features as in the first connection"):
      attend(tf.ones([2, 3, 6]))
    with self.assertRaisesRegex(ValueError, "num_heads must be a positive"):
      attention_layers.MultiheadAttention(2, 2, 0)
    with self.assertRaisesRegex(ValueError, "clamp_time_range"):
      attention_layers.MultiheadAttention(2, 2, 1, clamp_time_range=-1)

  @test_utils.in_graph_mode
  def test_unknown_time_is_underspecified(self):
    attend = attention_layers.MultiheadAttention(2, 2, 2)
    with self.assertRaisesRegex(snt.UnderspecifiedError,
                                "time and feature dimensions"):
      attend(tf1.placeholder(tf.float32, [2, None, 4]))


if __name__ == "__main__":
  test_utils.main()
