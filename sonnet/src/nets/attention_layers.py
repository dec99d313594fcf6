"""Multi-head attention for the transformer nets, and its masks.

Shapes: B batch, N the chunk (query) length, M the memory length, H heads,
K the key size and V the value size per head, D the model width.
"""

import numpy as np
import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors
from sonnet.src import default_initializers

tf1 = tf.compat.v1

# Added to the logits of positions a query may not attend to.
MASK_VALUE = -1e6


def static_dims(tensor):
  """The static shape of `tensor` as a list of ints / None (None if no rank).

  (`TensorShape` items are `Dimension`s under TF1 behaviour; lists are not.)
  """
  shape = tf.TensorShape(getattr(tensor, "shape", None))
  return None if shape.rank is None else shape.as_list()


def future_mask(chunk_size, dtype):
  """An additive attention mask that stops position i from seeing j > i.

  >>> snt.nets.future_mask(3, tf.float32)[0, 0].numpy().tolist()
  [[0.0, -1000000.0, -1000000.0], [0.0, 0.0, -1000000.0], [0.0, 0.0, 0.0]]

  Args:
    chunk_size: the sequence length N.
    dtype: the mask's dtype (that of the logits it is added to).

  Returns:
    A tensor of shape `[1, 1, N, N]` (broadcasting over batch and heads)
    holding 0 on and below the diagonal and -1e6 above it.
  """
  ones = tf.ones([chunk_size, chunk_size], dtype=dtype)
  above = ones - tf.linalg.band_part(ones, -1, 0)
  return tf.reshape(_to_mask(above), [1, 1, chunk_size, chunk_size])


def _to_mask(hidden):
  """MASK_VALUE where `hidden` is 1, 0 (not -0) where it is 0."""
  return tf.where(hidden > 0, MASK_VALUE * hidden, tf.zeros_like(hidden))


def attention_mask(chunk_size, memory_size, causal, same_attention_length,
                   dtype):
  """The additive mask of N queries over M memory slots then N inputs.

  Args:
    chunk_size: N.
    memory_size: M (0 without memory).
    causal: whether query i may not see inputs after i.
    same_attention_length: whether query i may not see the first i memory
      slots, so that every query sees itself and exactly M earlier
      positions (as a sliding window would).
    dtype: the mask's dtype.

  Returns:
    None (nothing masked) or a tensor of shape `[1, 1, N, M + N]`.
  """
  if not causal and not (same_attention_length and memory_size):
    return None
  if causal:
    chunk_mask = future_mask(chunk_size, dtype)
  else:
    chunk_mask = tf.zeros([1, 1, chunk_size, chunk_size], dtype)
  if not memory_size:
    return chunk_mask
  memory_mask = tf.zeros([chunk_size, memory_size], dtype)
  if same_attention_length:
    ones = tf.ones([chunk_size, memory_size], dtype=dtype)
    # Slot j is hidden from query i when j < i: the strict lower triangle.
    memory_mask = _to_mask(ones - tf.linalg.band_part(ones, 0, -1))
  memory_mask = tf.reshape(memory_mask, [1, 1, chunk_size, memory_size])
  return tf.concat([memory_mask, chunk_mask], axis=3)


def sinusoid_embeddings(positions, size, dtype):
  """Sine/cosine embeddings of (relative) positions, as in Vaswani et al.

  Args:
    positions: a 1-D float tensor of positions or distances.
    size: the (even) embedding size.
    dtype: the result's dtype.

  Returns:
    A tensor `[len(positions), size]`: sines then cosines of the positions
    times `10000 ** (-2k / size)` for k < size / 2.
  """
  inverse_frequencies = 1. / (10000. ** (np.arange(0, size, 2.) / size))
  angles = (tf.cast(positions, dtype)[:, None] *
            tf.constant(inverse_frequencies, dtype=dtype)[None, :])
  return tf.concat([tf.sin(angles), tf.cos(angles)], axis=1)


def _project(name, values, size):
  """`values @ w` over the last axis, with `w` made in the scope `name`."""
  input_size = static_dims(values)[-1]
  with tf1.variable_scope(name):
    w = tf1.get_variable(
        "w", [input_size, size], dtype=values.dtype,
        initializer=default_initializers.weights(input_size))
  return tf.tensordot(values, w, axes=[[-1], [0]])


class MultiheadAttention(base.AbstractModule):
  """Multi-head dot-product attention of a chunk over memory and itself.

  Queries come from the inputs `[B, N, D]`; keys and values from the memory
  `[B, M, D]` (if any) followed by the inputs. Each head computes
  `softmax(q k^T / sqrt(K) + mask) v`; the heads' results are concatenated
  and projected back to D.

  With `use_relative_positions`, the logits of query i and key j also get
  a term from their distance (Transformer-XL, Dai et al. 2019):
  `(q_i + u) . k_j + (q_i + v) . R(d_ij)`, where `u` ("content_bias") and
  `v` ("position_bias") are learned `[H, K]` biases and `R` projects
  sinusoid embeddings of the distance `d_ij` (clipped to
  `[-clamp_time_range, clamp_time_range]` if that is positive).

  Variables: `query/w [D, H*K]`, `key/w [D, H*K]`, `value/w [D, H*V]`,
  `output/w [H*V, D]`; with relative positions also
  `relative_position/w [E, H*K]` (E: D rounded up to even),
  `content_bias [H, K]` and `position_bias [H, K]`.

  >>> from sonnet.src.nets import attention_layers
  >>> attend = attention_layers.MultiheadAttention(4, 4, 2)
  >>> attend(tf.ones([3, 5, 8])).shape.as_list()
  [3, 5, 8]
  """

  def __init__(self, value_size, key_size, num_heads, causal=True,
               use_relative_positions=False, clamp_time_range=0,
               same_attention_length=False,
               name="multihead_attention"):
    """Configures the attention.

    Args:
      value_size: V, the value size per head.
      key_size: K, the query and key size per head.
      num_heads: H.
      causal: whether a query may not attend to later inputs.
      use_relative_positions: whether to add Transformer-XL relative
        position logits.
      clamp_time_range: if positive, relative distances are clipped to this
        range (so farther positions share one embedding).
      same_attention_length: see `attention_mask`.
      name: the module's name.

    Raises:
      ValueError: if a size is not a positive int, or `clamp_time_range` is
        negative.
    """
    super().__init__(name=name)
    for arg, value in (("value_size", value_size), ("key_size", key_size),
                       ("num_heads", num_heads)):
      if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("%s must be a positive int, got %r." % (arg, value))
    if not isinstance(clamp_time_range, int) or clamp_time_range < 0:
      raise ValueError("clamp_time_range must be an int >= 0, got %r."
                       % (clamp_time_range,))
    self._value_size = value_size
    self._key_size = key_size
    self._num_heads = num_heads
    self._causal = causal
    self._use_relative_positions = use_relative_positions
    self._clamp_time_range = clamp_time_range
    self._same_attention_length = same_attention_length
    self._model_size = None

  def _check_inputs(self, inputs, memory):
    """Validates the shapes before any variable is made; returns D, M."""
    shape = static_dims(inputs)
    if shape is None or len(shape) != 3:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have rank 3 ([batch, time, features]), got shape "
          "%s." % (self.scope_name, shape))
    model_size = shape[-1]
    if model_size is None or shape[1] is None:
      raise errors.UnderspecifiedError(
          "%s: the time and feature dimensions of the inputs must be known, "
          "got shape %s." % (self.scope_name, shape))
    if self._model_size is not None and model_size != self._model_size:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have %d features as in the first connection, got "
          "shape %s." % (self.scope_name, self._model_size, shape))
    memory_size = 0
    if memory is not None:
      memory_shape = static_dims(memory)
      if (memory_shape is None or len(memory_shape) != 3 or
          memory_shape[-1] != model_size or memory_shape[1] is None):
        raise errors.IncompatibleShapeError(
            "%s: memory must have shape [batch, memory_size, %d] (known "
            "memory_size), like the inputs %s; got %s."
            % (self.scope_name, model_size, shape, memory_shape))
      memory_size = memory_shape[1]
    return model_size, memory_size

  def _build(self, inputs, memory=None):
    """Attends from `inputs` over `memory` and `inputs`.

    Args:
      inputs: a float tensor `[B, N, D]` with N and D known; D must be the
        same on every connection.
      memory: optional float tensor `[B, M, D]` of earlier activations, all
        visible to every query (unless `same_attention_length`).

    Returns:
      A tensor `[B, N, D]`.

    Raises:
      IncompatibleShapeError: for inputs not of rank 3, a D differing from
        the first connection's, or a memory not `[B, M, D]`.
      UnderspecifiedError: if N or D is unknown.
    """
    model_size, memory_size = self._check_inputs(inputs, memory)
    self._model_size = model_size
    chunk_size = static_dims(inputs)[1]
    heads, key_size = self._num_heads, self._key_size
    dtype = inputs.dtype
    keys_from = inputs if memory is None else tf.concat([memory, inputs], 1)

    def project(name, values, size):
      return _project(name, values, size)

    def split_heads(values, size):  # [B, T, H * size] -> [B, H, T, size]
      values = tf.reshape(values, [tf.shape(values)[0], tf.shape(values)[1],
                                   heads, size])
      return tf.transpose(values, [0, 2, 1, 3])

    queries = split_heads(project("query", inputs, heads * key_size),
                          key_size)
    keys = split_heads(project("key", keys_from, heads * key_size), key_size)
    values = split_heads(
        project("value", keys_from, heads * self._value_size),
        self._value_size)

    if self._use_relative_positions:
      content_bias = tf1.get_variable(
          "content_bias", [heads, key_size], dtype=dtype,
          initializer=tf1.zeros_initializer())
      position_bias = tf1.get_variable(
          "position_bias", [heads, key_size], dtype=dtype,
          initializer=tf1.zeros_initializer())
      logits = tf.matmul(queries + content_bias[:, None, :], keys,
                         transpose_b=True)
      logits += self._position_logits(queries + position_bias[:, None, :],
                                      chunk_size, memory_size, model_size)
    else:
      logits = tf.matmul(queries, keys, transpose_b=True)
    logits *= key_size ** -0.5
    mask = attention_mask(chunk_size, memory_size, self._causal,
                          self._same_attention_length, dtype)
    if mask is not None:
      logits += mask
    weights = tf.nn.softmax(logits)
    read = tf.matmul(weights, values)  # [B, H, N, V]
    read = tf.transpose(read, [0, 2, 1, 3])
    read = tf.reshape(read, [tf.shape(read)[0], chunk_size,
                             heads * self._value_size])
    return project("output", read, model_size)

  def _position_logits(self, queries, chunk_size, memory_size, model_size):
    """`queries . R(distance)` for every query / key pair: `[B, H, N, M+N]`.

    The distance of query i (at position M + i) to key j is `M + i - j`.
    The logits are computed once per distinct (clipped) distance and then
    gathered into place.
    """
    total = memory_size + chunk_size
    distances = (memory_size + np.arange(chunk_size)[:, None] -
                 np.arange(total)[None, :])
    if self._clamp_time_range:
      distances = np.clip(distances, -self._clamp_time_range,
                          self._clamp_time_range)
    low = distances.min()
    num_distances = distances.max() - low + 1
    embedding_size = model_size + model_size % 2
    embeddings = sinusoid_embeddings(
        np.arange(low, low + num_distances), embedding_size, queries.dtype)
    heads, key_size = self._num_heads, self._key_size
    relative = _project("relative_position", embeddings, heads * key_size)
    relative = tf.transpose(
        tf.reshape(relative, [num_distances, heads, key_size]), [1, 0, 2])
    per_distance = tf.einsum("bhnk,hdk->bhnd", queries, relative)
    # Row i, key j reads entry (i, distances[i, j] - low).
    index = (np.arange(chunk_size)[:, None] * num_distances +
             distances - low).reshape([-1])
    flat = tf.reshape(per_distance, [tf.shape(queries)[0], heads,
                                     chunk_size * num_distances])
    gathered = tf.gather(flat, index.astype(np.int32), axis=2)
    return tf.reshape(gathered, [tf.shape(queries)[0], heads, chunk_size,
                                 total])
