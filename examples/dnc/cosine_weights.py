"""`CosineWeights`: content-based addressing of a memory by cosine similarity.

For each head, a key `k` is compared with every memory row `M[i]`; the
similarities are sharpened by a strength `beta` and normalized over the rows:

    D(k, M[i]) = k . M[i] / (|k| |M[i]| + eps)
    c[i] = softmax_i(beta * D(k, M[i]))

(Graves et al. 2016, Methods, "Content-based addressing".)
"""

import sonnet as snt
import tensorflow as tf

# Keeps the cosine finite for all-zero keys or memory rows (a fresh memory).
EPSILON = 1e-6


def cosine_similarity(memory, keys):
  """Cosine similarity between every key and every memory row.

  Args:
    memory: `[batch_size, memory_size, word_size]`.
    keys: `[batch_size, num_heads, word_size]`.

  Returns:
    `[batch_size, num_heads, memory_size]`, values in [-1, 1] (0 where a key
    or a row is all zeros).
  """
  dots = tf.matmul(keys, memory, transpose_b=True)
  key_norms = tf.norm(keys, axis=2)  # [B, H]
  row_norms = tf.norm(memory, axis=2)  # [B, N]
  norms = key_norms[:, :, None] * row_norms[:, None, :]
  return dots / (norms + EPSILON)


def weighted_softmax(similarity, strengths):
  """Softmax over memory rows of similarities scaled by per-head strengths.

  Args:
    similarity: `[batch_size, num_heads, memory_size]`.
    strengths: `[batch_size, num_heads]`, non-negative.

  Returns:
    `[batch_size, num_heads, memory_size]`, each head summing to one.
  """
  return tf.nn.softmax(similarity * strengths[:, :, None], axis=-1)


class CosineWeights(snt.AbstractModule):
  """Content weightings over memory rows for `num_heads` keys.

  The module has no variables: it reads its keys and strengths from a
  parameter tensor that a controller produces, of width `param_size()`:
  `num_heads * word_size` key entries followed by `num_heads` raw strengths,
  which `strength_op` maps to the strengths (the paper uses "oneplus",
  `1 + softplus`, so that a strength is at least one).

  >>> cos = CosineWeights(num_heads=2, word_size=4)
  >>> params = snt.Linear(cos.param_size())(tf.ones([3, 10]))
  >>> cos(tf.ones([3, 5, 4]), params).shape.as_list()
  [3, 2, 5]
  """

  def __init__(self, num_heads, word_size, strength_op=tf.nn.softplus,
               name="cosine_weights"):
    """Configures the addressing.

    Args:
      num_heads: number of keys (read or write heads) addressed at once.
      word_size: width of a memory row and of a key.
      strength_op: maps raw strengths to strengths (elementwise).
      name: the module's name.

    Raises:
      ValueError: if `num_heads` or `word_size` is not positive.
      TypeError: if `strength_op` is not callable.
    """
    super().__init__(name=name)
    if num_heads < 1 or word_size < 1:
      raise ValueError("num_heads and word_size must be positive, got %r and "
                       "%r." % (num_heads, word_size))
    if not callable(strength_op):
      raise TypeError("strength_op must be callable, got %r." % (strength_op,))
    self._num_heads = num_heads
    self._word_size = word_size
    self._strength_op = strength_op

  @property
  def num_heads(self):
    return self._num_heads

  @property
  def word_size(self):
    return self._word_size

  def param_size(self):
    """The width `cos_params` must have: `num_heads * (word_size + 1)`."""
    return self._num_heads * (self._word_size + 1)

  def _build(self, memory, cos_params):
    """Computes the content weightings.

    Args:
      memory: `[batch_size, memory_size, word_size]`.
      cos_params: `[batch_size, param_size()]`: keys, then raw strengths.

    Returns:
      `[batch_size, num_heads, memory_size]`, each row summing to one.

    Raises:
      IncompatibleShapeError: if `memory` is not rank 3 with rows of
        `word_size`, or `cos_params` is not `[batch_size, param_size()]`.
    """
    memory = tf.convert_to_tensor(memory)
    cos_params = tf.convert_to_tensor(cos_params, dtype=memory.dtype)
    memory_shape = memory.get_shape()
    if memory_shape.ndims != 3 or memory_shape[2] != self._word_size:
      raise snt.IncompatibleShapeError(
          "%s: memory must have shape [batch_size, memory_size, %d], got %s." %
          (self.scope_name, self._word_size, memory_shape))
    params_shape = cos_params.get_shape()
    if params_shape.ndims != 2 or params_shape[1] != self.param_size():
      raise snt.IncompatibleShapeError(
          "%s: cos_params must have shape [batch_size, %d] (num_heads * "
          "(word_size + 1)); build it with snt.Linear(param_size()). Got %s." %
          (self.scope_name, self.param_size(), params_shape))
    key_size = self._num_heads * self._word_size
    keys = tf.reshape(cos_params[:, :key_size],
                      [-1, self._num_heads, self._word_size])
    strengths = self._strength_op(cos_params[:, key_size:])
    return weighted_softmax(cosine_similarity(memory, keys), strengths)
