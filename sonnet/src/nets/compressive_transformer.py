"""`CompressiveTransformer`: Transformer-XL with a compressed older memory."""

from typing import Any, Callable, Mapping, Optional

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import conv
from sonnet.src import conv_padding
from sonnet.src.nets import attention_layers
from sonnet.src.nets import transformer_xl

tf1 = tf.compat.v1

CompressedMemoryState = attention_layers.CompressedMemoryState


def _concat_and_slice(prev_memory, new_memory):
  """`(last len(prev_memory) slots of both, both)`, along time."""
  size = prev_memory.get_shape().as_list()[1]
  concat_memory = tf.concat([prev_memory, new_memory], 1)
  total = concat_memory.get_shape().as_list()[1]
  return concat_memory[:, total - size:], concat_memory


class PoolCompressor(base.AbstractModule):
  """Compresses memories `[B, T, D]` by average (or max) pooling over time.

  The window is `compression_rate + kernel_size` steps and the stride
  `compression_rate` (VALID). The compression loss is 0.
  """

  def __init__(self, compression_rate=2, kernel_size=0, pooling="AVG",
               compressed_memory_size=None, episodic_memory_size=None,
               name="pool_compressor"):
    """Configures the compressor.

    Args:
      compression_rate: the pooling stride.
      kernel_size: extra window steps (overlapping windows).
      pooling: "AVG" or "MAX".
      compressed_memory_size: unused (given by `CompressiveTransformer`).
      episodic_memory_size: unused (given by `CompressiveTransformer`).
      name: the module's name.
    """
    super().__init__(name=name)
    self._compression_rate = compression_rate
    self._compressed_memory_size = compressed_memory_size
    self._episodic_memory_size = episodic_memory_size
    self._pooling = pooling
    self._kernel_size = kernel_size

  def _build(self, memory, **unused_kwargs):
    """Returns `(pooled memory, 0.)`; other arguments are ignored."""
    pooled = tf.nn.pool(
        memory, window_shape=(self._compression_rate + self._kernel_size,),
        pooling_type=self._pooling, strides=(self._compression_rate,),
        padding="VALID", data_format="NWC")
    return pooled, tf.zeros([], dtype=memory.dtype)


class ConvCompressor(base.AbstractModule):
  """Compresses memories `[B, T, D]` with strided 1-D convolutions.

  Optional dilated convolutions ("conv_rate_<rate>", kernel 2, ReLU) come
  first; then a bias-free `snt.Conv1D` ("conv_1d") with kernel
  `compression_rate + kernel_size` and stride `compression_rate` (VALID)
  makes the compressed memory. Its inputs carry no gradient. The loss that
  trains it is, with "mha", the mean squared difference between the
  attention reads of the layer's (stopped) queries over the memory and
  over its compression, computed with the layer's key and value
  projections; as in Sonnet 1.36 (whose stop-gradient context was never
  installed as a getter), the loss trains those projections too. With
  "ae", it is the reconstruction error of a transposed convolution
  ("conv_1d_transpose").
  """

  def __init__(self, compression_rate, compressed_memory_size,
               episodic_memory_size, kernel_size=0, dilation_rates=None,
               loss="mha", name="conv_compressor"):
    """Configures the compressor.

    Args:
      compression_rate: the convolution stride.
      compressed_memory_size: the compressed memory length (unused here).
      episodic_memory_size: the episodic memory length: queries come from
        the last steps of the memory beyond it.
      kernel_size: extra kernel steps (overlapping windows).
      dilation_rates: optional rates of a dilated convnet applied first.
      loss: "mha" or "ae".
      name: the module's name.
    """
    super().__init__(name=name)
    self._loss = loss
    self._stride = compression_rate
    self._kernel_size = kernel_size
    self._dilation_rates = dilation_rates
    self._compressed_memory_size = compressed_memory_size
    self._episodic_memory_size = episodic_memory_size

  def _build(self, memory, attention_state=None, attention_module=None,
             is_training=False, dropout_keep_prob=0.5):
    """Compresses `memory`.

    Args:
      memory: a tensor `[B, T, D]` to compress.
      attention_state: the layer's `AttentionState` (for its queries).
      attention_module: the layer's `MultiheadAttention`.
      is_training: unused.
      dropout_keep_prob: unused.

    Returns:
      A pair: the compressed memory `[B, T', D]` and the scalar loss.

    Raises:
      NotImplementedError: for a loss other than "mha" and "ae".
    """
    del is_training, dropout_keep_prob  # Unused, as in Sonnet 1.36.
    _, chunk_size, hidden_size = memory.get_shape().as_list()
    seq_start = max(chunk_size - self._episodic_memory_size, 0)
    memory = tf.stop_gradient(memory)
    compressed_memory = memory
    for rate in self._dilation_rates or ():
      dilated = conv.Conv1D(hidden_size, kernel_shape=2, rate=rate,
                            use_bias=False, padding=conv_padding.VALID,
                            name="conv_rate_%d" % rate)
      compressed_memory = tf.nn.relu(dilated(compressed_memory))
    compress = conv.Conv1D(hidden_size,
                           kernel_shape=self._stride + self._kernel_size,
                           stride=self._stride, use_bias=False,
                           padding=conv_padding.VALID)
    queries = tf.stop_gradient(attention_state.queries[:, :, seq_start:])
    compressed_memory = compress(compressed_memory)
    if self._loss == "ae":
      recovered = compress.transpose()(compressed_memory)
      loss = tf.reduce_mean(tf.square(recovered - memory))
    elif self._loss == "mha":
      read_memory = self._read(attention_module, queries, memory)
      read_compressed = self._read(attention_module, queries, compressed_memory)
      loss = tf.reduce_mean(tf.square(read_memory - read_compressed))
    else:
      raise NotImplementedError(
          "Unrecognised loss: %r, expected `ae` or `mha`" % self._loss)
    return compressed_memory, loss

  @staticmethod
  def _read(attention_module, queries, memory):
    """What the queries read from `memory` with the module's projections."""
    keys = attention_module.multihead_linear(memory, name="key")
    values = attention_module.multihead_linear(memory, name="value")
    return attention_layers.simple_attention(queries, keys, values)


def _compute_avg_attention(attention_state, compressed_memory_size,
                           episodic_memory_size, chunk_size, n_buckets=6):
  """The attention weight spent on each of `n_buckets` parts of each memory.

  Args:
    attention_state: an `AttentionState`.
    compressed_memory_size: the compressed memory length.
    episodic_memory_size: the episodic memory length.
    chunk_size: the sequence length.
    n_buckets: the parts per memory (and sequence), oldest first.

  Returns:
    A pair of lists: names ("cm_p0", ..., "em_p0", ..., "seq_p0", ...)
    and the summed average weights.
  """
  split_sizes = []
  split_names = []
  for prefix, size in (("cm", compressed_memory_size),
                       ("em", episodic_memory_size), ("seq", chunk_size)):
    if size > 0 or prefix == "seq":
      part = int(size / n_buckets)
      split_sizes += [part] * (n_buckets - 1) + [size - part * (n_buckets - 1)]
      split_names += ["%s_p%d" % (prefix, i) for i in range(n_buckets)]
  avg_weights = tf.reduce_mean(attention_state.weights, axis=[0, 1, 2])
  return split_names, [
      tf.reduce_sum(x) for x in tf.split(avg_weights, split_sizes)]


class CompressiveTransformer(transformer_xl.TowerCore):
  """Compressive Transformer (Rae et al. 2019) as a core over chunks.

  Like `TransformerXL` ("mlp", then "transformer_tower"), but each layer's
  state is a `CompressedMemoryState(episodic_memory, compressed_memory,
  index)`: the layer attends to its compressed memory, then its episodic
  memory, then the chunk. After each chunk the oldest episodic slots (at
  least `compression_rate + kernel_size`, at least the chunk, at most all
  but one) are compressed by the layer's
  `compression_ctor(**compression_config)` ("conv_compressor",
  "conv_compressor_1", ...) and appended to the compressed memory. With
  single steps (chunk of 1) this happens on every `compression_rate`-th
  step only (counted by `index`). While training, the mean compression
  loss of the layers is added to the collection "auxiliary_losses"; with
  `export_stats`, a dict of statistics goes to "stats_export".

  >>> core = snt.nets.CompressiveTransformer(
  ...     dict(value_size=4, num_heads=2, num_layers=1, mlp_hidden_sizes=(8,)),
  ...     chunk_size=4, episodic_memory_size=4, compressed_memory_size=2)
  >>> state = core.initial_state(3)
  >>> outputs, state = core(tf.ones([3, 4, 5]), state, is_training=False)
  >>> state[0].compressed_memory.shape.as_list()
  [3, 2, 8]
  """

  def __init__(self, core_config: Mapping[str, Any], chunk_size: int,
               episodic_memory_size: int, compressed_memory_size: int,
               compression_rate: int = 2,
               compression_ctor: Callable[..., Any] = ConvCompressor,
               compression_config: Optional[Mapping[str, Any]] = None,
               export_stats: bool = False,
               name: str = "compressive_transformer"):
    """Configures the core.

    Args:
      core_config: a dict of `snt.nets.TransformerTower` arguments.
      chunk_size: the time steps of each input chunk; 0 for single steps.
      episodic_memory_size: the uncompressed memory length per layer.
      compressed_memory_size: the compressed memory length per layer.
      compression_rate: how many memory slots become one.
      compression_ctor: makes a compressor from `compression_rate`,
        `compressed_memory_size`, `episodic_memory_size` and
        `compression_config`; it returns `(compressed, loss)`.
      compression_config: optional dict of further compressor arguments.
      export_stats: whether to add statistics to "stats_export".
      name: the module's name.

    Raises:
      KeyError: if `core_config` lacks "num_layers", "value_size" or
        "num_heads".
    """
    super().__init__(name=name)
    self._episodic_memory_size = episodic_memory_size
    self._compressed_memory_size = compressed_memory_size
    self._compression_rate = compression_rate
    self._compression_config = dict(compression_config or [])
    self._compression_config.update({
        "compression_rate": compression_rate,
        "compressed_memory_size": compressed_memory_size,
        "episodic_memory_size": episodic_memory_size,})
    self._compression_ctor = compression_ctor
    self._export_stats = export_stats
    self._read_core_config(core_config, chunk_size)
    with self._enter_variable_scope():
      self._make_tower()
      self._compressors = [
          compression_ctor(**self._compression_config)
          for _ in range(self._num_layers)]

  def _build(self, inputs, prev_state, is_training=True):
    """Processes one chunk (or one step).

    Args:
      inputs: a tensor `[B, N, F]`, or `[B, F]` for a single step.
      prev_state: a tuple of per-layer `CompressedMemoryState`s.
      is_training: a Python bool: whether to apply dropout and add the
        compression loss to "auxiliary_losses".

    Returns:
      A pair `(output, next_state)`: `[B, N, output size]` (`[B, output
      size]` with `chunk_size=0`) and the tuple of updated states.
    """
    inputs, chunk_size = self._as_chunk(inputs)
    num_layers = tf.constant(self._num_layers, dtype=inputs.dtype)
    output, attention_states = self._tower(
        inputs, None if self._episodic_memory_size == 0 else prev_state,
        is_training)
    num_to_compress = min(
        max(
            self._compression_rate +
            self._compression_config.get("kernel_size", 0), chunk_size),
        chunk_size + self._episodic_memory_size - 1)

    next_state = []
    compression_loss = tf.zeros([], dtype=inputs.dtype)
    global_weights = []
    stats = {}
    for i, state_i in enumerate(prev_state):
      attention_state = attention_states[i]
      memory, concat_memory = _concat_and_slice(state_i.episodic_memory,
                                                attention_state.embeddings)
      compressed_memory, loss_i = self._compress(
          i, state_i, attention_state, concat_memory[:, :num_to_compress],
          chunk_size, is_training)
      compression_loss += loss_i
      stats["compression_loss_l%02d" % i] = loss_i
      names, weights = _compute_avg_attention(attention_state,
                                              self._compressed_memory_size,
                                              self._episodic_memory_size,
                                              chunk_size)
      stats.update({
          name + "_l%02d" % i: weight for name, weight in zip(names, weights)})
      if i == 0:
        global_weights = [w / num_layers for w in weights]
      else:
        global_weights = [
            g + w / num_layers for g, w in zip(global_weights, weights)]
      next_state.append(
          CompressedMemoryState(index=state_i.index + 1, episodic_memory=memory,
                                compressed_memory=compressed_memory))

    compression_loss /= num_layers
    stats.update(dict(zip(names, global_weights)))
    if is_training:
      tf1.add_to_collections("auxiliary_losses", compression_loss)
    if self._export_stats:
      tf1.add_to_collections("stats_export", stats)
    return self._as_output(output), tuple(next_state)

  def _compress(self, i, state_i, attention_state, memory, chunk_size,
                is_training):
    """Layer i's next compressed memory and compression loss.

    With chunks of more than one step every call compresses; with single
    steps only every `compression_rate`-th (by the first example's index),
    otherwise the memory stays and the loss is 0. The compression is
    computed in both cases (its variables must not be made inside a
    `tf.cond` branch) and the result selected.
    """
    compressed, loss = self._compressors[i](
        memory, attention_state=attention_state,
        attention_module=self._transformer.attention_module(i),
        is_training=is_training, dropout_keep_prob=1 - self._dropout_rate)
    compressed, _ = _concat_and_slice(state_i.compressed_memory, compressed)
    if chunk_size > 1:
      return compressed, loss
    rate = self._compression_rate
    to_compress = tf.equal(state_i.index[0] % rate, rate - 1)[0]
    return tf.cond(to_compress, lambda: (compressed, loss), lambda:
                   (state_i.compressed_memory, tf.zeros_like(loss)))

  @property
  def state_size(self):
    """A tuple of `CompressedMemoryState`s of `TensorShape`s, per layer."""
    shape_per_layer = CompressedMemoryState(
        index=tf.TensorShape([1]), episodic_memory=tf.TensorShape([
            self._episodic_memory_size, self._embedding_size]),
        compressed_memory=tf.TensorShape([
            self._compressed_memory_size, self._embedding_size]))
    return tuple([shape_per_layer] * self._num_layers)
