"""Tests for snt.AttentiveRead."""

import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class AttentiveReadTest(test_utils.TestCase):

  def _inputs(self):
    rng = np.random.RandomState(0)
    return (rng.randn(2, 5,
                      3).astype(np.float32), rng.randn(2, 4).astype(np.float32))

  @test_utils.in_all_modes
  def test_matches_numpy(self):
    memory, query = self._inputs()
    logit_mod = snt.Linear(1, name="score")
    out = snt.AttentiveRead(logit_mod)(tf.constant(memory), tf.constant(query))
    self.init()
    w, b, out = self.evaluate([logit_mod.w, logit_mod.b, out])
    slots = np.concatenate(
        [memory, np.repeat(query[:, None, :], 5, axis=1)], axis=2)
    logits = (slots.dot(w) + b)[..., 0]
    weights = refs.softmax(logits)
    self.assertAllClose(out.weight_logits, logits, atol=1e-5)
    self.assertAllClose(out.weights, weights, atol=1e-5)
    self.assertAllClose(out.read, np.einsum("bm,bmw->bw", weights, memory),
                        atol=1e-5)

  @test_utils.in_all_modes
  def test_mask_gives_zero_weight(self):
    memory, query = self._inputs()
    mask = np.array([[True, False, True, True, False],
                     [False, False, False, True, False]])
    logit_mod = snt.Linear(1)
    out = snt.AttentiveRead(logit_mod)(tf.constant(memory), tf.constant(query),
                                       memory_mask=tf.constant(mask))
    self.init()
    w, b, out = self.evaluate([logit_mod.w, logit_mod.b, out])
    slots = np.concatenate(
        [memory, np.repeat(query[:, None, :], 5, axis=1)], axis=2)
    logits = (slots.dot(w) + b)[..., 0]
    lowest = np.finfo(np.float32).min
    # Sonnet 1 returns the masked logits: the dtype's lowest value there.
    self.assertAllClose(out.weight_logits, np.where(mask, logits, lowest),
                        atol=1e-5)
    self.assertAllEqual(out.weight_logits[~mask], np.full((~mask).sum(),
                                                          lowest))
    weights = np.where(mask, np.exp(logits), 0.)
    weights /= weights.sum(1, keepdims=True)
    self.assertAllClose(out.weights, weights, atol=1e-5)
    self.assertAllClose(out.read[1], memory[1, 3], atol=1e-5)
    self.assertAllClose(out.read, np.einsum("bm,bmw->bw", weights, memory),
                        atol=1e-5)

  @test_utils.in_all_modes
  def test_fully_masked_row_is_refused(self):
    memory, query = self._inputs()
    mask = np.array([[True, False, True, True, False], [False] * 5])
    with self.assertRaises(tf.errors.InvalidArgumentError):
      out = snt.AttentiveRead(lambda x: tf.reduce_sum(x, 1, keepdims=True))(
          tf.constant(memory), tf.constant(query),
          memory_mask=tf.constant(mask))
      self.evaluate(out.read)

  @test_utils.in_all_modes
  def test_shares_logit_module_variables(self):
    memory, query = self._inputs()
    attention = snt.AttentiveRead(snt.Linear(1, name="score"))
    attention(tf.constant(memory), tf.constant(query))
    attention(tf.constant(memory[:1]), tf.constant(query[:1]))
    self.assertVariableNames(attention.get_all_variables(),
                             ["score/w", "score/b"])

  @test_utils.in_all_modes
  def test_shape_errors(self):
    attention = snt.AttentiveRead(snt.Linear(1))
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^memory must have shape \[batch_size, memory_size, "
        r"memory_word_size\]\."):
      attention(tf.ones([2, 3]), tf.ones([2, 4]))
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^query must have shape \[batch_size, query_word_size\]\."):
      attention(tf.ones([2, 5, 3]), tf.ones([2, 4, 1]))
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^memory_mask must have shape \[batch_size, memory_size\]\."):
      attention(tf.ones([2, 5, 3]), tf.ones([2, 4]),
                memory_mask=tf.ones([2, 5, 1], tf.bool))
    for rank in (1, 3):
      logit_mod = lambda x, r=rank: tf.zeros([tf.shape(x)[0]] + [1] * (r - 1))
      with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                  "must be a rank-3 Tensor"):
        snt.AttentiveRead(logit_mod)(tf.ones([2, 5, 3]), tf.ones([2, 4]))

  @test_utils.in_all_modes
  def test_batch_sizes_must_agree(self):
    attention = snt.AttentiveRead(snt.Linear(1))
    if self.eager:
      with self.assertRaises(tf.errors.InvalidArgumentError):
        attention(tf.ones([2, 5, 3]), tf.ones([3, 4]))
      return
    memory = tf1.placeholder(tf.float32, [None, 5, 3])
    query = tf1.placeholder(tf.float32, [None, 4])
    read = attention(memory, query).read
    self.init()
    with self.assertRaises(tf.errors.InvalidArgumentError):
      tf1.get_default_session().run(
          read, feed_dict={memory: np.ones([2, 5, 3]), query: np.ones([3, 4])})

  @test_utils.in_graph_mode
  def test_unknown_word_size(self):
    with self.assertRaisesRegex(snt.UnderspecifiedError,
                                "must be known at graph construction time"):
      snt.AttentiveRead(snt.Linear(1))(tf1.placeholder(tf.float32,
                                                       [2, 5, None]),
                                       tf.ones([2, 4]))

  def test_logit_module_is_checked_when_called(self):
    attention = snt.AttentiveRead(3)  # Sonnet 1 accepted it here.
    with self.assertRaises(TypeError):
      attention(tf.ones([2, 5, 3]), tf.ones([2, 4]))


if __name__ == "__main__":
  test_utils.main()
