"""`AttentiveRead`: a soft read from a memory, weighted by learned scores."""

import collections
from typing import Any, Callable

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import errors

tf1 = tf.compat.v1

AttentionOutput = collections.namedtuple("AttentionOutput",
                                         ["read", "weights", "weight_logits"])


class AttentiveRead(base.AbstractModule):
  """Reads a weighted sum of memory slots, weighted by attention to a query.

  Each slot's score is `attention_logit_mod(concat([slot, query]))`, a module
  or op mapping `[N, slot_size + query_size]` to `[N, 1]` (e.g.
  `snt.Linear(1)` or an MLP ending in one unit). The weights are the softmax
  of the scores over the (unmasked) slots.

  >>> read = snt.AttentiveRead(snt.Linear(1))
  >>> out = read(tf.ones([2, 5, 3]), tf.ones([2, 4]))
  >>> out.read.shape.as_list(), out.weights.shape.as_list()
  ([2, 3], [2, 5])
  """

  def __init__(self, attention_logit_mod: Callable[..., Any],
               name: str = "attention"):
    """Configures the read.

    Args:
      attention_logit_mod: a callable scoring `[N, slot_size + query_size]`
        inputs with `[N, 1]` logits.
      name: the module's name.
    """
    super().__init__(name=name)
    self._attention_logit_mod = attention_logit_mod

  def _build(self, memory, query, memory_mask=None):
    """Reads from `memory`.

    Args:
      memory: `[batch_size, memory_size, memory_word_size]`.
      query: `[batch_size, query_word_size]`.
      memory_mask: optional boolean `[batch_size, memory_size]`; False marks
        slots that get no weight. Every row must have a True entry.

    Returns:
      An `AttentionOutput(read, weights, weight_logits)`: the read
      `[batch_size, memory_word_size]`, the weights and the logits
      `[batch_size, memory_size]`; masked slots' logits are float32's
      lowest value.

    Raises:
      IncompatibleShapeError: if a rank is wrong, or the logit module does
        not output `[N, 1]` (or `[N, k]`).
      UnderspecifiedError: if the word sizes are unknown.
      InvalidArgumentError: when evaluated, if the batch sizes differ or a
        row of `memory_mask` has no True entry.
    """
    if memory.get_shape().rank != 3:
      raise errors.IncompatibleShapeError(
          "memory must have shape [batch_size, memory_size, "
          "memory_word_size].")
    if query.get_shape().rank != 2:
      raise errors.IncompatibleShapeError(
          "query must have shape [batch_size, query_word_size].")
    if memory_mask is not None and memory_mask.get_shape().rank != 2:
      raise errors.IncompatibleShapeError(
          "memory_mask must have shape [batch_size, memory_size].")
    word_size = tf.compat.dimension_value(memory.get_shape()[2])
    query_size = tf.compat.dimension_value(query.get_shape()[1])
    if word_size is None or query_size is None:
      raise errors.UnderspecifiedError(
          "memory_word_size and query_word_size must be known at graph "
          "construction time.")

    memory_shape = tf.shape(memory)
    batch_size, memory_size = memory_shape[0], memory_shape[1]
    expanded_query = tf.tile(query[:, None, :], [1, memory_size, 1])
    with tf.control_dependencies([
        tf1.assert_equal(batch_size,
                         tf.shape(query)[0])]):
      embeddings = tf.concat([memory, expanded_query], axis=2)
    logits = self._logits(embeddings, word_size + query_size, batch_size,
                          memory_size)
    if memory_mask is not None:
      logits = _masked(logits, memory_mask)
    weights = tf.nn.softmax(logits)
    read = tf.reduce_sum(memory * weights[:, :, None], axis=[1])
    static_batch, _, static_word = memory.get_shape().as_list()
    read.set_shape([static_batch, static_word])
    return AttentionOutput(read=read, weights=weights, weight_logits=logits)

  def _logits(self, embeddings, embedding_size, batch_size, memory_size):
    """Scores every slot: `[batch_size, memory_size]` logits."""
    flat = self._attention_logit_mod(
        tf.reshape(embeddings, [-1, embedding_size]))
    trailing = flat.get_shape()[1:]
    logits = tf.reshape(
        flat,
        tf.concat([tf.stack([batch_size, memory_size]),
                   tf.shape(flat)[1:]], axis=0))
    logits.set_shape(embeddings.get_shape()[:2].concatenate(trailing))
    if logits.get_shape().rank != 3:
      raise errors.IncompatibleShapeError(
          "attention_weight_logits must be a rank-3 Tensor. Are you sure "
          "that attention_logit_mod() returned [batch_size * memory_size, "
          "1]-shaped Tensor?")
    return tf.squeeze(logits, [2])


def _masked(logits, memory_mask):
  """Clips masked slots' logits to float32's lowest value (Sonnet 1's way).

  Every row must keep a slot: the result checks it when evaluated.

  Args:
    logits: `[batch_size, memory_size]`.
    memory_mask: boolean `[batch_size, memory_size]`.

  Returns:
    `min(logits, bound)`, the bound float32's highest value at kept slots
    and its lowest at masked ones.
  """
  remaining = tf.reduce_sum(tf.cast(memory_mask, tf.int32), axis=[1])
  with tf.control_dependencies([tf1.assert_positive(remaining)]):
    finfo = np.finfo(np.float32)
    kept = tf.cast(memory_mask, logits.dtype)
    ignored = tf.cast(tf.logical_not(memory_mask), logits.dtype)
    return tf.minimum(logits, finfo.max * kept + finfo.min * ignored)
