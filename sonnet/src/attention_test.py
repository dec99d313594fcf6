"""Tests for snt.AttentiveRead."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _softmax(x):
  e = np.exp(x - x.max(-1, keepdims=True))
  return e / e.sum(-1, keepdims=True)


class AttentiveReadTest(test_utils.TestCase):

  def _inputs(self):
    rng = np.random.RandomState(0)
    return (rng.randn(2, 5, 3).astype(np.float32),
            rng.randn(2, 4).astype(np.float32))

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
    weights = _softmax(logits)
    self.assertAllClose(out.weight_logits, logits, atol=1e-5)
    self.assertAllClose(out.weights, weights, atol=1e-5)
    self.assertAllClose(out.read, np.einsum("bm,bmw->bw", weights, memory),
                        atol=1e-5)

  @test_utils.in_all_modes
  def test_mask_gives_zero_weight(self):
    memory, query = self._inputs()
    mask = np.array([[True, False, True, True, False],
                     [False, False, False, True, False]])
    out = snt.AttentiveRead(snt.Linear(1))(
        tf.constant(memory), tf.constant(query), memory_mask=tf.constant(mask))
    self.init()
    weights, read = self.evaluate([out.weights, out.read])
    self.assertAllClose(weights[~mask], np.zeros((~mask).sum()))
    self.assertAllClose(weights.sum(1), [1., 1.])
    self.assertAllClose(read[1], memory[1, 3], atol=1e-5)

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
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "memory must have rank 3"):
      attention(tf.ones([2, 3]), tf.ones([2, 4]))
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "batch sizes differ: 2 and 3"):
      attention(tf.ones([2, 5, 3]), tf.ones([3, 4]))
    with self.assertRaisesRegex(snt.IncompatibleShapeError, "memory_mask"):
      attention(tf.ones([2, 5, 3]), tf.ones([2, 4]),
                memory_mask=tf.ones([2, 4], tf.bool))
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "one logit per slot"):
      snt.AttentiveRead(snt.Linear(2))(tf.ones([2, 5, 3]), tf.ones([2, 4]))

  @test_utils.in_graph_mode
  def test_unknown_word_size(self):
    with self.assertRaises(snt.UnderspecifiedError):
      snt.AttentiveRead(snt.Linear(1))(
          tf1.placeholder(tf.float32, [2, 5, None]), tf.ones([2, 4]))

  def test_logit_module_must_be_callable(self):
    with self.assertRaisesRegex(TypeError, "must be callable"):
      snt.AttentiveRead(3)


if __name__ == "__main__":
  test_utils.main()
