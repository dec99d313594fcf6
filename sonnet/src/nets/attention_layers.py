"""Multi-head attention of the transformer nets, its masks and positions.

Shapes: B batch, N the chunk (input) length, L the query length (N unless
queries come separately), M the memory length, H heads, K the key size and
V the value size per head, D the width of the inputs (`H * V` inside a
tower).
"""

import collections

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import batch_apply
from sonnet.src import linear
from sonnet.src.core import reuse_variables

tf1 = tf.compat.v1

AttentionState = collections.namedtuple("AttentionState",
                                        ("queries", "keys", "values", "logits",
                                         "weights", "embeddings", "read_words"))

CompressedMemoryState = collections.namedtuple(
    "CompressedMemoryState", ("episodic_memory", "compressed_memory", "index"))

# Added to the logits of positions a query may not attend to.
_MASK_VALUE = -1e6


def rel_shift(position_logits):
  """Shifts relative-position logits so that column j is distance i - j.

  Each row i of the last two dimensions moves right by `N - 1 - i` places
  (wrapping, with one zero let in), so that for query i the logit of the
  relative embedding of distance d ends up in column `T - 1 - d`. As in
  Transformer-XL, the entries above the diagonal are not exactly shifted;
  a causal mask hides them.

  >>> x = tf.constant([[[[5., 4., 3., 2., 1.]] * 5]])
  >>> rel_shift(x)[0, 0, :2].numpy().tolist()
  [[1.0, 0.0, 5.0, 4.0, 3.0], [2.0, 1.0, 0.0, 5.0, 4.0]]

  Args:
    position_logits: a tensor `[B, H, N, T]`.

  Returns:
    A tensor of the same shape.

  Raises:
    ValueError: if `position_logits` is not 4-D.
  """
  if position_logits.get_shape().ndims != 4:
    raise ValueError("Expected 4D position logits.")
  shape = tf.shape(position_logits)
  batch_size, num_heads, rows, cols = tf.unstack(shape)
  zeros = tf.zeros([batch_size, num_heads, rows, 1], position_logits.dtype)
  padded = tf.concat([zeros, position_logits], -1)
  shifted = tf.reshape(padded, [batch_size, num_heads, cols + 1, rows])
  return tf.reshape(shifted[:, :, 1:], shape)


def future_mask(chunk_size, dtype):
  """An additive attention mask that stops position i from seeing j > i.

  >>> snt.nets.future_mask(3, tf.float32)[0, 0].numpy().tolist()
  [[-0.0, -1000000.0, -1000000.0], [-0.0, -0.0, -1000000.0], [-0.0, -0.0, -0.0]]

  Args:
    chunk_size: the sequence length N.
    dtype: the mask's dtype (that of the logits it is added to).

  Returns:
    A tensor `[1, 1, N, N]` (broadcasting over batch and heads): -1e6
    above the diagonal, (minus) zero elsewhere.
  """
  ones = tf.ones([chunk_size, chunk_size], dtype=dtype)
  above = tf.linalg.band_part(ones, 0, -1) - tf.linalg.band_part(ones, 0, 0)
  return _MASK_VALUE * tf.reshape(above, [1, 1, chunk_size, chunk_size])


def memory_size(state):
  """The number of memory slots of one layer's state.

  Args:
    state: a tensor `[B, M, D]` or a `CompressedMemoryState` (whose two
      memories count together).

  Returns:
    An int.
  """
  if isinstance(state, CompressedMemoryState):
    return (state.episodic_memory.get_shape().as_list()[1] +
            state.compressed_memory.get_shape().as_list()[1])
  return state.get_shape().as_list()[1]


def create_mask(inputs, state, equal_window):
  """The causal mask of a chunk over (optional) memory and itself.

  Args:
    inputs: a tensor `[B, N, D]`.
    state: None, one layer's memory (see `memory_size`), or a list of them
      (the largest memory decides the mask's width).
    equal_window: whether query i may not see the first i columns (of the
      memory, if any), so that every query sees as many positions.

  Returns:
    A tensor `[1, 1, N, M + N]` to add to the logits.
  """
  chunk_size = inputs.get_shape().as_list()[1]
  dtype = inputs.dtype
  mask = future_mask(chunk_size, dtype)
  if state is not None:
    if isinstance(state, (tuple, list)):
      state = state[int(np.argmax([memory_size(s) for s in state]))]
    zeros = tf.zeros([1, 1, chunk_size, memory_size(state)], dtype=dtype)
    mask = tf.concat([zeros, mask], 3)
  if equal_window:
    ones = tf.ones([chunk_size, chunk_size], dtype=dtype)
    below = tf.linalg.band_part(ones, -1, 0) - tf.linalg.band_part(ones, 0, 0)
    start_mask = tf.reshape(below, [1, 1, chunk_size, chunk_size]) * _MASK_VALUE
    mask = tf.concat(
        [mask[:, :, :, :chunk_size] + start_mask, mask[:, :, :, chunk_size:]],
        3)
  return mask


def get_position_encodings(sequence_length, hidden_size, clamp_value,
                           max_timescale=10000., min_timescale=2.0):
  """Sinusoid encodings of the positions T - 1, ..., 1, 0 (oldest first).

  Args:
    sequence_length: T.
    hidden_size: the encoding width (that of the inputs): it must come out
      as `2 * ceil(hidden_size / min_timescale)`, i.e. even for the default.
    clamp_value: if positive, positions beyond it are clamped to it.
    max_timescale: the longest wavelength (up to 2 pi).
    min_timescale: the step between the frequency exponents.

  Returns:
    A float32 tensor `[1, T, hidden_size]`: sines, then cosines.

  Raises:
    ValueError: if the encoding width differs from `hidden_size`.
  """
  positions = tf.range(sequence_length - 1, -1, -1.0)
  if clamp_value > 0:
    positions = tf.minimum(positions, clamp_value)
  exponents = tf.range(0, hidden_size, min_timescale) / hidden_size
  angles = tf.einsum("i,j->ij", positions, 1 / (max_timescale**exponents))
  encodings = tf.concat([tf.sin(angles), tf.cos(angles)], -1)[None]
  width = encodings.get_shape().as_list()[-1]
  if width != hidden_size:
    raise ValueError(
        "position embedding dimension ({}) does not match that of the input "
        "({}).".format(width, hidden_size))
  return encodings


def simple_attention(queries, keys, values):
  """`softmax(queries keys^T) values`, over the last two dimensions."""
  weights = tf.nn.softmax(tf.matmul(queries, keys, transpose_b=True))
  return tf.matmul(weights, values)


class MultiheadAttention(base.AbstractModule):
  """Multi-head attention of inputs over (optional) memory and themselves.

  Each head's queries (from the inputs, or `query_inputs`), keys and values
  (from the memory followed by the inputs) come from `multihead_linear`
  (variables `query/linear/w [D, H*K]`, `key/linear/w`, `value/linear/w
  [D, H*V]`); the logits `q k^T` (q scaled by `1/sqrt(K)`) get `mask`
  added, and the heads' softmax-weighted values are concatenated and mixed
  by an `snt.Linear` ("linear", `[H*V, H*V]` with bias).

  With `use_relative_positions`, the logits are those of Transformer-XL
  (Dai et al. 2019): `(q + r_w_bias) k^T + rel_shift((q + r_r_bias) R^T)`,
  where `R` maps `positional_encodings` through `relative_keys/linear/w`
  and the biases `r_w_bias`, `r_r_bias` are `[1, H, 1, K]`. Several
  `(key, query)` encoding pairs (one per memory type, oldest first) get
  their own `relative_keys_i` / `r_r_bias_i` variables, the last pair
  none. Without relative positions, the (single) pair is added to the
  keys' and the queries' inputs.

  As in Sonnet 1.36, `mask` and `positional_encodings` are given when the
  module is made; `set_context` replaces them (a `TransformerTower` does so
  before each connection).
  """

  def __init__(self, value_size, key_size, num_heads, mask=None, scaling=True,
               positional_encodings=None, use_relative_positions=False,
               init_std=2., name="multihead_attention"):
    """Configures the attention.

    Args:
      value_size: V.
      key_size: K (of queries too).
      num_heads: H.
      mask: None, or a tensor added to the logits `[B, H, L, M + N]`
        (broadcast); if wider, its last `M + N` columns are used.
      scaling: whether to scale the queries by `1/sqrt(K)`.
      positional_encodings: None, or a list of `(key_encodings,
        query_encodings)` pairs `([1, T, D], [1, N, D])`.
      use_relative_positions: see the class docstring.
      init_std: the scale of the variance scaling initializer of the
        projections.
      name: the module's name.
    """
    super().__init__(name=name)
    self._value_size = value_size
    self._key_size = key_size
    self._num_heads = num_heads
    self._sizes = {
        "value": value_size,
        "key": key_size,
        "query": key_size,
        "relative_keys": key_size,
        "relative_keys_0": key_size,}
    self._scaling = scaling
    self._use_relative_positions = use_relative_positions
    self._init = {"w": tf1.variance_scaling_initializer(init_std)}
    self.set_context(mask, positional_encodings)
    with self._enter_variable_scope():
      self._output_linear = batch_apply.BatchApply(
          linear.Linear(value_size * num_heads))

  def set_context(self, mask, positional_encodings):
    """Sets the mask and positional encodings of the next connections.

    Args:
      mask: as for the constructor.
      positional_encodings: as for the constructor.
    """
    self._set_untracked(_mask=mask, _positional_encodings=positional_encodings)

  @reuse_variables.reuse_variables
  def multihead_linear(self, inputs, name):
    """Projects `inputs` `[B, T, D]` to `[B, H, T, size]` for each head.

    The weights are `<name>/linear/w [D, H * size]` in this module's scope,
    made on the first use of `name` (from any caller) and reused after.

    Args:
      inputs: a tensor `[B, T, D]`.
      name: "query", "key", "value", "relative_keys" or "relative_keys_0".

    Returns:
      A tensor `[B, H, T, size]`.
    """
    with tf1.variable_scope(name, reuse=tf1.AUTO_REUSE):
      hidden_size = self._sizes[name]
      input_size = inputs.get_shape().as_list()[-1]
      w = tf1.get_variable("linear/w",
                           shape=[input_size, self._num_heads * hidden_size],
                           dtype=inputs.dtype, initializer=self._init["w"])
      w = tf.reshape(w, [input_size, self._num_heads, hidden_size])
      return tf.einsum("bij,jhk->bhik", inputs, w)

  def _build(self, inputs, query_inputs=None, state=None, is_training=False,
             dropout_keep_prob=0.5):
    """Attends from the queries over the memory and the inputs.

    Args:
      inputs: a tensor `[B, N, D]`.
      query_inputs: optional tensor `[B, L, D]` to take the queries from
        (default: `inputs`).
      state: None, a memory `[B, M, D]`, or a `CompressedMemoryState`
        (compressed then episodic memory come before the inputs).
      is_training: a Python bool: whether to drop out attention weights.
      dropout_keep_prob: their keep probability while training.

    Returns:
      A pair `(output [B, L, H*V], AttentionState)`; the state holds the
      scaled queries, keys, values, the content logits (without positions
      and mask), the weights, `inputs` (as `embeddings`) and the output.

    Raises:
      ValueError: with absolute positions, if `positional_encodings` holds
        more than one pair.
    """
    embedding_size = self._value_size * self._num_heads
    q_inputs = inputs if query_inputs is None else query_inputs
    query_size = q_inputs.get_shape().as_list()[1]
    if state is None:
      k_inputs = inputs
    elif isinstance(state, CompressedMemoryState):
      k_inputs = tf.concat(
          [state.compressed_memory, state.episodic_memory, inputs], 1)
    else:
      k_inputs = tf.concat([state, inputs], 1)
    v_inputs = k_inputs
    batch_size = tf.shape(inputs)[0]
    chunk_size = inputs.get_shape().as_list()[1]
    att_size = k_inputs.get_shape().as_list()[1]
    encodings = self._positional_encodings
    if encodings and not self._use_relative_positions:
      if len(encodings) != 1:
        raise ValueError(
            "Absolute positional encodings must be a single (keys, queries) "
            "pair, got %d." % len(encodings))
      key_positions, query_positions = encodings[0]
      k_inputs += key_positions
      q_inputs += query_positions

    q = self.multihead_linear(q_inputs, "query")  # [B, H, L, K]
    k = self.multihead_linear(k_inputs, "key")  # [B, H, M + N, K]
    v = self.multihead_linear(v_inputs, "value")  # [B, H, M + N, V]
    if self._scaling:
      q *= self._key_size**-0.5

    if self._use_relative_positions:
      content_logits = tf.matmul(q + self._bias("r_w_bias", inputs.dtype), k,
                                 transpose_b=True)
      relative_logits = []
      for i, (key_positions, _) in enumerate(encodings):
        is_final = i == len(encodings) - 1
        suffix = "" if is_final else "_%d" % i
        key_positions = key_positions[:, -att_size:]  # This layer's memory.
        relative_keys = tf.tile(
            self.multihead_linear(key_positions, "relative_keys" + suffix),
            [batch_size, 1, 1, 1])
        logits_i = rel_shift(
            tf.matmul(q + self._bias("r_r_bias" + suffix, inputs.dtype),
                      relative_keys, transpose_b=True))
        if not is_final:  # The last pair covers the inputs themselves.
          logits_i = logits_i[:, :, :, :-chunk_size]
        relative_logits.append(logits_i)
      logits = content_logits + tf.concat(relative_logits, 3)
    else:
      logits = content_logits = tf.matmul(q, k, transpose_b=True)

    if self._mask is not None:
      logits += self._mask[:, :, :, -att_size:]
    weights = tf.nn.softmax(logits)
    if is_training:
      weights = tf.nn.dropout(weights, rate=1. - dropout_keep_prob)
    read = tf.einsum("bhij,bhjk->bihk", weights, v)  # [B, L, H, V]
    read = tf.reshape(read, [batch_size, query_size, embedding_size])
    output = self._output_linear(read)
    return output, AttentionState(queries=q, keys=k, values=v, weights=weights,
                                  logits=content_logits, embeddings=inputs,
                                  read_words=output)

  def _bias(self, name, dtype):
    """A learned per-head query bias `[1, H, 1, K]` (default initializer)."""
    return tf1.get_variable(name, [1, self._num_heads, 1, self._key_size],
                            dtype=dtype)
