"""`TransformerXL`: a transformer tower as a recurrent core over chunks."""

import tensorflow as tf

from sonnet.src import errors
from sonnet.src import rnn_core
from sonnet.src.nets import attention_layers
from sonnet.src.nets import transformer

tf1 = tf.compat.v1


def positive_int(name, value):
  """Raises ValueError unless `value` is an int >= 1."""
  if not isinstance(value, int) or isinstance(value, bool) or value < 1:
    raise ValueError("%s must be a positive int, got %r." % (name, value))


def make_tower(module, core_config):
  """Builds a `TransformerTower` from a dict of its arguments, in `module`."""
  if not isinstance(core_config, dict):
    raise TypeError("core_config must be a dict of TransformerTower "
                    "arguments, got %r." % (core_config,))
  with module._enter_variable_scope():  # pylint: disable=protected-access
    return transformer.TransformerTower(**core_config)


def check_chunk(core, inputs, chunk_size):
  """Raises unless `inputs` is `[B, chunk_size, F]`."""
  shape = attention_layers.static_dims(inputs)
  if shape is not None and len(shape) == 3 and shape[1] != chunk_size:
    raise errors.IncompatibleShapeError(
        "%s: inputs must be one chunk of shape [batch, %d, features], got "
        "%s." % (core.scope_name, chunk_size, inputs.shape))


def append_memory(memory, activations, size):
  """The last `size` slots of `memory` followed by `activations` (no grad)."""
  return tf.stop_gradient(
      tf.concat([memory, activations], axis=1)[:, -size:])


class TransformerXL(rnn_core.RNNCore):
  """Transformer-XL (Dai et al., 2019): a tower that remembers past chunks.

  Each step of this core is one chunk of `chunk_size` time steps. Every
  layer of the `TransformerTower` attends to a memory of its own inputs of
  the last `memory_size` steps (from earlier chunks) before those of the
  chunk; after the step the chunk's layer inputs are appended to the memory
  and the oldest slots dropped. The memory carries no gradient (as in the
  paper). Variables are those of the tower, under `transformer_xl/`.

  The state is a tuple with one tensor `[B, memory_size, D]` per layer
  (D = `value_size * num_heads`); `initial_state` gives zeros, which every
  query may attend to, so warm up or mask as you see fit.

  >>> core = snt.nets.TransformerXL(
  ...     dict(value_size=4, num_heads=2, num_layers=1,
  ...          mlp_hidden_sizes=(8,)), memory_size=6, chunk_size=3)
  >>> state = core.initial_state(2)
  >>> outputs, state = core(tf.ones([2, 3, 8]), state, is_training=False)
  >>> outputs.shape.as_list(), state[0].shape.as_list()
  ([2, 3, 8], [2, 6, 8])
  """

  def __init__(self, core_config, memory_size, chunk_size,
               name="transformer_xl"):
    """Configures the core.

    Args:
      core_config: a dict of `snt.nets.TransformerTower` arguments.
      memory_size: M, the number of past steps each layer remembers.
      chunk_size: N, the number of time steps of each input chunk.
      name: the module's name.

    Raises:
      ValueError: if a size is not a positive int, or for a bad tower
        argument.
      TypeError: if `core_config` is not a dict.
    """
    super().__init__(name=name)
    positive_int("memory_size", memory_size)
    positive_int("chunk_size", chunk_size)
    self._memory_size = memory_size
    self._chunk_size = chunk_size
    self._tower = make_tower(self, core_config)

  @property
  def tower(self):
    """The `TransformerTower` applied to each chunk."""
    return self._tower

  @property
  def state_size(self):
    """One `TensorShape([memory_size, D])` per layer, in a tuple."""
    return tuple(tf.TensorShape([self._memory_size, self._tower.model_size])
                 for _ in range(self._tower.num_layers))

  @property
  def output_size(self):
    """`TensorShape([chunk_size, output size of the tower])`."""
    return tf.TensorShape([self._chunk_size, self._tower.output_size])

  def _build(self, inputs, prev_state, is_training=True):
    """Processes one chunk.

    Args:
      inputs: a float tensor `[B, chunk_size, F]` with a known F.
      prev_state: a tuple of per-layer memories `[B, memory_size, D]`, e.g.
        `initial_state(B)` or the state a previous step returned.
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
    check_chunk(self, inputs, self._chunk_size)
    rnn_core.check_inputs_and_state(self, inputs, prev_state, input_rank=3)
    outputs, layer_inputs = self._tower(inputs, state=list(prev_state),
                                        is_training=is_training)
    next_state = tuple(
        append_memory(memory, activations, self._memory_size)
        for memory, activations in zip(prev_state, layer_inputs))
    return outputs, next_state
