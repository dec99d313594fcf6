"""`AttentiveRead`: a soft read from a memory, weighted by learned scores."""

import collections

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors

AttentionOutput = collections.namedtuple(
    "AttentionOutput", ["read", "weights", "weight_logits"])


def _static_dims(module, tensor, rank, what):
  shape = tensor.get_shape()
  if shape.rank != rank:
    raise errors.IncompatibleShapeError(
        "%s: %s must have rank %d, got shape %s."
        % (module.scope_name, what, rank, shape))
  return shape.as_list()


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

  def __init__(self, attention_logit_mod, name="attention"):
    """Configures the read.

    Args:
      attention_logit_mod: a callable scoring `[N, slot_size + query_size]`
        inputs with `[N, 1]` logits.
      name: the module's name.

    Raises:
      TypeError: if `attention_logit_mod` is not callable.
    """
    super().__init__(name=name)
    if not callable(attention_logit_mod):
      raise TypeError("attention_logit_mod must be callable, got %r."
                      % (attention_logit_mod,))
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
      `[batch_size, memory_size]`.

    Raises:
      IncompatibleShapeError: if a rank is wrong, the batch sizes or the
        mask's shape do not match, or the logit module does not output one
        unit per slot.
      UnderspecifiedError: if the word sizes are unknown.
    """
    batch, _, word_size = _static_dims(self, memory, 3, "memory")
    query_batch, query_size = _static_dims(self, query, 2, "query")
    if word_size is None or query_size is None:
      raise errors.UnderspecifiedError(
          "%s: memory_word_size and query_word_size must be known, got "
          "memory %s and query %s." % (self.scope_name, memory.get_shape(),
                                       query.get_shape()))
    if None not in (batch, query_batch) and batch != query_batch:
      raise errors.IncompatibleShapeError(
          "%s: memory and query batch sizes differ: %d and %d."
          % (self.scope_name, batch, query_batch))
    if memory_mask is not None:
      mask_shape = memory_mask.get_shape()
      if not mask_shape.is_compatible_with(memory.get_shape()[:2]):
        raise errors.IncompatibleShapeError(
            "%s: memory_mask must have shape [batch_size, memory_size] = %s, "
            "got %s." % (self.scope_name, memory.get_shape()[:2], mask_shape))

    dynamic = tf.shape(memory)
    slots = tf.concat(
        [memory, tf.tile(query[:, None, :], [1, dynamic[1], 1])], axis=2)
    flat_logits = self._attention_logit_mod(
        tf.reshape(slots, [-1, word_size + query_size]))
    if flat_logits.get_shape().as_list()[-1:] != [1]:
      raise errors.IncompatibleShapeError(
          "%s: attention_logit_mod must output one logit per slot ([N, 1]), "
          "got shape %s." % (self.scope_name, flat_logits.get_shape()))
    logits = tf.reshape(flat_logits, dynamic[:2])
    masked = logits
    if memory_mask is not None:
      masked = tf.where(memory_mask, logits,
                        tf.fill(tf.shape(logits), logits.dtype.min))
    weights = tf.nn.softmax(masked)
    read = tf.squeeze(tf.matmul(weights[:, None, :], memory), axis=1)
    return AttentionOutput(read=read, weights=weights, weight_logits=logits)
