"""`TransformerXL`: a transformer tower as a recurrent core over chunks."""

from typing import Any, Mapping

import tensorflow as tf

from sonnet.src import rnn_core
from sonnet.src.nets import transformer


class TowerCore(rnn_core.RNNCore):
  """A `TransformerTower` as a recurrent core over chunks, with a memory.

  What `TransformerXL` and `CompressiveTransformer` share: the input MLP and
  the tower, applied to chunks or (with `chunk_size=0`) single steps.
  Subclasses call `_read_core_config`, then `_make_tower` in their
  variable scope, and keep the memory in their state.
  """

  def _read_core_config(self, core_config, chunk_size):
    """Keeps the configuration and the tower's sizes.

    Args:
      core_config: a dict of `snt.nets.TransformerTower` arguments.
      chunk_size: the time steps of each input chunk; 0 for single steps.

    Raises:
      KeyError: if `core_config` lacks "num_layers", "value_size" or
        "num_heads".
    """
    self._core_config = core_config
    self._chunk_size = chunk_size
    self._num_layers = core_config["num_layers"]
    self._value_size = core_config["value_size"]
    self._num_heads = core_config["num_heads"]
    self._dropout_rate = core_config.get("dropout_rate", 0.)
    self._embedding_size = self._num_heads * self._value_size

  def _make_tower(self):
    """Makes the input MLP and the tower (in the current variable scope)."""
    self._input_mlp = transformer.default_mlp([self._embedding_size],
                                              activate_final=True)
    self._transformer = transformer.TransformerTower(**self._core_config)

  def _as_chunk(self, inputs):
    """`(inputs as [B, N, F], N)`: a single step `[B, F]` becomes N = 1."""
    if inputs.get_shape().ndims == 2:
      inputs = tf.expand_dims(inputs, 1)
    return inputs, inputs.get_shape().as_list()[1]

  def _tower(self, chunk, memory, is_training):
    """The input MLP, then the tower over `memory` (None: no memory).

    Returns:
      The tower's `(output, attention_states)`.
    """
    inputs = self._input_mlp(chunk, is_training=is_training,
                             dropout_keep_prob=1 - self._dropout_rate)
    return self._transformer(inputs, state=memory, is_training=is_training)

  def _as_output(self, output):
    """The tower's output, without the time axis for single steps."""
    if self._chunk_size == 0:
      return tf.squeeze(output, 1)
    return output

  @property
  def output_size(self):
    """`[D]` for single steps, else `[chunk_size, D]` (as Sonnet 1.36)."""
    if self._chunk_size == 0:
      return tf.TensorShape([self._embedding_size])
    return tf.TensorShape([self._chunk_size, self._embedding_size])


class TransformerXL(TowerCore):
  """Transformer-XL (Dai et al. 2019): a tower that remembers past chunks.

  Each step maps a chunk `[B, N, F]` (or one time step `[B, F]`) through
  an MLP with dropout ("mlp", one ReLU layer of width
  `D = value_size * num_heads`) and a `TransformerTower`
  ("transformer_tower", configured by `core_config`). Every layer attends
  to a memory of the last `memory_size` inputs it attended with (the
  `embeddings` of its `AttentionState`); the new state appends the chunk's
  and drops the oldest. With `chunk_size=0` the core takes and returns
  single steps (`[B, F]` -> `[B, D]`), e.g. for `tf.nn.dynamic_rnn`.

  The state is a list with one tensor `[B, memory_size, D]` per layer;
  `initial_state` gives zeros.

  >>> core = snt.nets.TransformerXL(
  ...     dict(value_size=4, num_heads=2, num_layers=1,
  ...          mlp_hidden_sizes=(8,)), memory_size=6, chunk_size=3)
  >>> state = core.initial_state(2)
  >>> outputs, state = core(tf.ones([2, 3, 5]), state, is_training=False)
  >>> outputs.shape.as_list(), state[0].shape.as_list()
  ([2, 3, 8], [2, 6, 8])
  """

  def __init__(self, core_config: Mapping[str, Any], memory_size: int,
               chunk_size: int, name: str = "transformer_xl"):
    """Configures the core.

    Args:
      core_config: a dict of `snt.nets.TransformerTower` arguments.
      memory_size: the number of past steps each layer remembers (0: none).
      chunk_size: the time steps of each input chunk; 0 for single steps.
      name: the module's name.

    Raises:
      KeyError: if `core_config` lacks "num_layers", "value_size" or
        "num_heads".
    """
    super().__init__(name=name)
    self._memory_size = memory_size
    self._read_core_config(core_config, chunk_size)
    with self._enter_variable_scope():
      self._make_tower()

  def _build(self, inputs, prev_state, is_training=True):
    """Processes one chunk (or one step).

    Args:
      inputs: a tensor `[B, N, F]`, or `[B, F]` for a single step.
      prev_state: the list of per-layer memories `[B, memory_size, D]`.
      is_training: a Python bool: whether to apply dropout.

    Returns:
      A pair `(output, next_state)`: `[B, N, output size]` (`[B, output
      size]` with `chunk_size=0`) and the updated list of memories.
    """
    inputs, chunk_size = self._as_chunk(inputs)
    output, attention_states = self._tower(
        inputs, None if self._memory_size == 0 else prev_state, is_training)
    next_state = [
        tf.concat([memory, attention.embeddings], 1)[:, chunk_size:]
        for memory, attention in zip(prev_state, attention_states)]
    return self._as_output(output), next_state

  @property
  def state_size(self):
    """A list of `TensorShape([memory_size, D])`, one per layer."""
    return [tf.TensorShape([self._memory_size, self._embedding_size])
           ] * self._num_layers
