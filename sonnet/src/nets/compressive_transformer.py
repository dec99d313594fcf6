"""`CompressiveTransformer`: Transformer-XL with a compressed older memory."""

import collections

import tensorflow as tf

from sonnet.src import base
from sonnet.src import conv
from sonnet.src import conv_padding
from sonnet.src import errors
from sonnet.src import rnn_core
from sonnet.src.nets import attention_layers
from sonnet.src.nets import transformer_xl

tf1 = tf.compat.v1

CompressiveMemoryState = collections.namedtuple(
    "CompressiveMemoryState", ["episodic_memory", "compressed_memory"])


class ConvCompressor(base.AbstractModule):
  """Compresses memories `[B, T, D]` to `[B, T / rate, D]` by a strided conv.

  A `snt.Conv1D` ("conv_1d") with D output channels, kernel size and stride
  `compression_rate`, and VALID padding: each compressed slot is a learned
  function of `compression_rate` consecutive old slots.

  >>> from sonnet.python.modules.nets import transformer
  >>> compress = transformer.ConvCompressor(2)
  >>> compress(tf.ones([3, 4, 5])).shape.as_list()
  [3, 2, 5]
  """

  def __init__(self, compression_rate, name="conv_compressor"):
    """Configures the compressor.

    Args:
      compression_rate: how many memory slots become one.
      name: the module's name.

    Raises:
      ValueError: if `compression_rate` is not a positive int.
    """
    super().__init__(name=name)
    transformer_xl.positive_int("compression_rate", compression_rate)
    self._compression_rate = compression_rate

  def _build(self, memory):
    """Compresses `memory` `[B, T, D]` (T a multiple of the rate).

    Returns:
      A tensor `[B, T / compression_rate, D]`.

    Raises:
      IncompatibleShapeError: if `memory` is not of rank 3 or T is not a
        multiple of the rate.
      UnderspecifiedError: if D is unknown.
    """
    shape = attention_layers.static_dims(memory)
    if shape is None or len(shape) != 3 or (
        shape[1] is not None and shape[1] % self._compression_rate):
      raise errors.IncompatibleShapeError(
          "%s: memory must have shape [batch, time, features] with time a "
          "multiple of %d, got %s."
          % (self.scope_name, self._compression_rate, shape))
    if shape[2] is None:
      raise errors.UnderspecifiedError(
          "%s: the feature dimension must be known, got shape %s."
          % (self.scope_name, shape))
    rate = self._compression_rate
    return conv.Conv1D(shape[2], rate, stride=rate,
                       padding=conv_padding.VALID)(memory)


class CompressiveTransformer(rnn_core.RNNCore):
  """Compressive Transformer (Rae et al., 2020) as a core over chunks.

  Like `TransformerXL`, but each layer keeps two memories: an episodic one
  of the last `episodic_memory_size` steps and a compressed one of
  `compressed_memory_size` slots. Each layer attends to the compressed
  memory, then the episodic memory, then the chunk. After each chunk the
  `chunk_size` oldest episodic slots are evicted, compressed by a
  per-layer `compression_ctor(compression_rate, **compression_config)`
  module (default `ConvCompressor`, scope `layer_i/conv_compressor`) into
  `chunk_size / compression_rate` slots, and appended to the compressed
  memory (whose oldest slots are dropped). Memories carry no gradient into
  the past, but the compressor is trained through later chunks' use of
  its output.

  The state is a tuple, one `CompressiveMemoryState(episodic_memory,
  compressed_memory)` per layer, of shapes `[B, episodic_memory_size, D]`
  and `[B, compressed_memory_size, D]`.

  >>> core = snt.nets.CompressiveTransformer(
  ...     dict(value_size=4, num_heads=2, num_layers=1, mlp_hidden_sizes=(8,)),
  ...     chunk_size=4, episodic_memory_size=4, compressed_memory_size=2)
  >>> state = core.initial_state(3)
  >>> outputs, state = core(tf.ones([3, 4, 8]), state, is_training=False)
  >>> state[0].compressed_memory.shape.as_list()
  [3, 2, 8]
  """

  def __init__(self, core_config, chunk_size, episodic_memory_size,
               compressed_memory_size, compression_rate=2,
               compression_ctor=ConvCompressor, compression_config=None,
               export_stats=False, name="compressive_transformer"):
    """Configures the core.

    Args:
      core_config: a dict of `snt.nets.TransformerTower` arguments.
      chunk_size: N, the time steps of each input chunk; a multiple of
        `compression_rate`.
      episodic_memory_size: the uncompressed memory length per layer.
      compressed_memory_size: the compressed memory length per layer.
      compression_rate: how many evicted slots become one compressed slot.
      compression_ctor: builds a compressor module from
        `(compression_rate, **compression_config)`; it maps `[B, N, D]` to
        `[B, N / compression_rate, D]`.
      compression_config: optional dict of further compressor arguments.
      export_stats: whether each connection records scalar statistics of
        the memories in the `stats` property.
      name: the module's name.

    Raises:
      ValueError: for a size that is not a positive int, or a chunk size
        that is not a multiple of `compression_rate`.
      TypeError: if `core_config` is not a dict.
    """
    super().__init__(name=name)
    for arg, value in (("chunk_size", chunk_size),
                       ("episodic_memory_size", episodic_memory_size),
                       ("compressed_memory_size", compressed_memory_size),
                       ("compression_rate", compression_rate)):
      transformer_xl.positive_int(arg, value)
    if chunk_size % compression_rate:
      raise ValueError("chunk_size (%d) must be a multiple of "
                       "compression_rate (%d)." % (chunk_size,
                                                   compression_rate))
    self._chunk_size = chunk_size
    self._episodic_size = episodic_memory_size
    self._compressed_size = compressed_memory_size
    self._export_stats = export_stats
    self._tower = transformer_xl.make_tower(self, core_config)
    self._compressors = []
    with self._enter_variable_scope():
      for i in range(self._tower.num_layers):
        with tf1.variable_scope("layer_%d" % i):
          self._compressors.append(compression_ctor(
              compression_rate, **(compression_config or {})))
    self._set_untracked(_stats={})

  @property
  def tower(self):
    """The `TransformerTower` applied to each chunk."""
    return self._tower

  @property
  def stats(self):
    """With `export_stats`, a dict of scalar memory statistics of the last
    connection (mean absolute values per layer and memory); else empty."""
    return dict(self._stats)

  @property
  def state_size(self):
    """Per layer, `CompressiveMemoryState` of `TensorShape`s."""
    width = self._tower.model_size
    return tuple(CompressiveMemoryState(
        tf.TensorShape([self._episodic_size, width]),
        tf.TensorShape([self._compressed_size, width]))
                 for _ in range(self._tower.num_layers))

  @property
  def output_size(self):
    """`TensorShape([chunk_size, output size of the tower])`."""
    return tf.TensorShape([self._chunk_size, self._tower.output_size])

  def _build(self, inputs, prev_state, is_training=True):
    """Processes one chunk.

    Args:
      inputs: a float tensor `[B, chunk_size, F]` with a known F.
      prev_state: a tuple of per-layer `CompressiveMemoryState`s.
      is_training: whether the tower applies dropout.

    Returns:
      A pair `(outputs, next_state)`: `[B, chunk_size, output_size]` and
      the updated memories.

    Raises:
      IncompatibleShapeError: for inputs not `[B, chunk_size, F]` or a state
        not matching `state_size`.
      UnderspecifiedError: if F is unknown.
    """
    inputs = tf.convert_to_tensor(inputs)
    transformer_xl.check_chunk(self, inputs, self._chunk_size)
    rnn_core.check_inputs_and_state(self, inputs, prev_state, input_rank=3)
    memories = [tf.concat([s.compressed_memory, s.episodic_memory], axis=1)
                for s in prev_state]
    outputs, layer_inputs = self._tower(inputs, state=memories,
                                        is_training=is_training)
    next_state = []
    stats = {}
    for i, (state, activations, compress) in enumerate(
        zip(prev_state, layer_inputs, self._compressors)):
      everything = tf.concat([state.episodic_memory, activations], axis=1)
      evicted = tf.stop_gradient(everything[:, :self._chunk_size])
      episodic = tf.stop_gradient(everything[:, -self._episodic_size:])
      compressed = tf.concat(
          [tf.stop_gradient(state.compressed_memory), compress(evicted)],
          axis=1)[:, -self._compressed_size:]
      next_state.append(CompressiveMemoryState(episodic, compressed))
      if self._export_stats:
        stats["layer_%d/episodic_memory_mean_abs" % i] = tf.reduce_mean(
            tf.abs(episodic))
        stats["layer_%d/compressed_memory_mean_abs" % i] = tf.reduce_mean(
            tf.abs(compressed))
    self._set_untracked(_stats=stats)
    return outputs, tuple(next_state)
