"""`RelationalMemory`: a self-attention memory core (Santoro et al., 2018)."""

from typing import Optional

import numpy as np
import tensorflow as tf

from sonnet.src.core import connected_property
from sonnet.src import layer_norm
from sonnet.src import linear
from sonnet.src import rnn_core
from sonnet.src.nets import mlp as mlp_lib


def _apply_to_last_dim(module, x):
  """Applies a rank-2 module to a rank-3 tensor `[B, N, F]` row by row."""
  shape = tf.shape(x)
  flat = tf.reshape(x, [-1, tf.compat.dimension_value(x.shape[-1])])
  out = module(flat)
  return tf.reshape(
      out,
      tf.concat([shape[:2], [tf.compat.dimension_value(out.shape[-1])]],
                axis=0))


class RelationalMemory(rnn_core.RNNCore):
  """A core whose state is a set of memory slots that attend to each other.

  Each step appends the (projected) input to the memory, runs `num_blocks`
  blocks of multi-head dot-product attention + MLP (each with a residual
  connection and layer normalization), drops the input rows, and gates the
  result LSTM-style against the previous memory (`gate_style` "unit": one
  gate per unit, "memory": one per slot, None: no gates). The output is the
  flattened memory.

  Memory `[batch, mem_slots, mem_size]` with `mem_size = head_size *
  num_heads`. Variables, in Sonnet 1's names: `linear` (input projection),
  `linear_1` + `layer_norm` (queries/keys/values of the first block),
  `mlp/linear_<i>`, `layer_norm_1`, `layer_norm_2` (block norms), then
  `linear_2`, `linear_3` (gates from inputs and memory).

  >>> core = snt.RelationalMemory(mem_slots=2, head_size=4)
  >>> out, memory = core(tf.ones([3, 5]), core.initial_state(3))
  >>> out.shape.as_list(), memory.shape.as_list()
  ([3, 8], [3, 2, 4])
  """

  def __init__(self, mem_slots: int, head_size: int, num_heads: int = 1,
               num_blocks: int = 1, forget_bias: float = 1.0,
               input_bias: float = 0.0, gate_style: str = "unit",
               attention_mlp_layers: int = 2, key_size: Optional[int] = None,
               name: str = "relational_memory"):
    """Configures the core.

    Args:
      mem_slots: the number of memory slots.
      head_size: the size of each attention head's values.
      num_heads: the number of attention heads.
      num_blocks: the number of attention + MLP blocks per step.
      forget_bias: added to the forget gates' pre-activation.
      input_bias: added to the input gates' pre-activation.
      gate_style: "unit", "memory" or None.
      attention_mlp_layers: the number of layers of the block MLP.
      key_size: the size of queries and keys (default `head_size`).
      name: the module's name.

    Raises:
      ValueError: for a bad `gate_style`, or `num_blocks` or
        `attention_mlp_layers` below 1.
    """
    super().__init__(name=name)
    if num_blocks < 1:
      raise ValueError("num_blocks must be >= 1. Got: {}.".format(num_blocks))
    if gate_style not in ("unit", "memory", None):
      raise ValueError("gate_style must be one of ['unit', 'memory', None]. "
                       "Got: {}.".format(gate_style))
    if attention_mlp_layers < 1:
      raise ValueError("attention_mlp_layers must be >= 1. Got: {}.".format(
          attention_mlp_layers))
    self._mem_slots = mem_slots
    self._head_size = head_size
    self._num_heads = num_heads
    self._mem_size = head_size * num_heads
    self._num_blocks = num_blocks
    self._forget_bias = forget_bias
    self._input_bias = input_bias
    self._gate_style = gate_style
    self._attention_mlp_layers = attention_mlp_layers
    self._key_size = key_size or head_size
    self._input_gate = None
    self._forget_gate = None
    qkv_size = 2 * self._key_size + head_size
    gate_size = self._calculate_gate_size()
    # Built in Sonnet 1's order, so the variables get its names.
    with self._enter_variable_scope():
      self._input_linear = linear.Linear(self._mem_size)
      self._mlp = mlp_lib.MLP([self._mem_size] * attention_mlp_layers)
      self._blocks = []
      for _ in range(num_blocks):
        self._blocks.append(
            (linear.Linear(qkv_size * num_heads), layer_norm.LayerNorm(),
             layer_norm.LayerNorm(), layer_norm.LayerNorm()))
      if gate_style is not None:
        self._gate_input_linear = linear.Linear(2 * gate_size)
        self._gate_memory_linear = linear.Linear(2 * gate_size)

  def initial_state(self, batch_size, trainable=False):
    """Identity-like memory: slot `i` is one-hot at unit `i` (then zeros).

    Args:
      batch_size: an int or a scalar int32 tensor.
      trainable: ignored, as in Sonnet 1 (the memory is never learned).

    Returns:
      A float32 tensor `[batch_size, mem_slots, mem_size]`.
    """
    del trainable  # Unused, as in Sonnet 1.
    return tf.eye(self._mem_slots, self._mem_size, batch_shape=[batch_size])

  def _calculate_gate_size(self):
    """The number of units of each gate: `mem_size`, 1 or 0 (no gates)."""
    if self._gate_style == "unit":
      return self._mem_size
    if self._gate_style == "memory":
      return 1
    return 0

  def _attend(self, memory, qkv_linear, qkv_norm):
    """Multi-head dot-product self-attention over the rows of `memory`."""
    qkv = _apply_to_last_dim(qkv_norm, _apply_to_last_dim(qkv_linear, memory))
    rows = tf.compat.dimension_value(memory.shape[1])
    qkv_size = 2 * self._key_size + self._head_size
    qkv = tf.reshape(qkv, [-1, rows, self._num_heads, qkv_size])
    qkv = tf.transpose(qkv, [0, 2, 1, 3])  # [B, heads, rows, qkv_size]
    q, k, v = tf.split(qkv, [self._key_size, self._key_size, self._head_size],
                       axis=-1)
    q *= self._key_size**-0.5
    weights = tf.nn.softmax(tf.matmul(q, k, transpose_b=True))
    attended = tf.transpose(tf.matmul(weights, v), [0, 2, 1, 3])
    return tf.reshape(attended, [-1, rows, self._mem_size])

  def _build(self, inputs, memory, treat_input_as_matrix=False):
    """Runs one step.

    Args:
      inputs: a tensor `[batch_size, ...]` (flattened to one row), or with
        `treat_input_as_matrix` `[batch_size, rows, ...]` (one row each).
      memory: the memory `[batch_size, mem_slots, mem_size]`.
      treat_input_as_matrix: see `inputs`.

    Returns:
      `(output, next_memory)`: `[batch_size, mem_slots * mem_size]` and the
      new memory.
    """
    if treat_input_as_matrix:
      rows = tf.compat.dimension_value(inputs.shape[1])
      flat = tf.reshape(
          inputs, [-1, rows, int(np.prod(inputs.shape[2:].as_list()))])
      projected = _apply_to_last_dim(self._input_linear, flat)
    else:
      flat = tf.reshape(inputs, [-1, int(np.prod(inputs.shape[1:].as_list()))])
      projected = self._input_linear(flat)[:, None, :]
    rows = tf.compat.dimension_value(projected.shape[1])
    state = tf.concat([memory, projected], axis=1)
    for qkv_linear, qkv_norm, attend_norm, mlp_norm in self._blocks:
      attended = self._attend(state, qkv_linear, qkv_norm)
      state = _apply_to_last_dim(attend_norm, state + attended)
      state = _apply_to_last_dim(mlp_norm,
                                 _apply_to_last_dim(self._mlp, state) + state)
    next_memory = state[:, :-rows, :]
    if self._gate_style is not None:
      gate_inputs = self._gate_input_linear(
          tf.reshape(projected, [-1, rows * self._mem_size]))[:, None, :]
      gate_memory = _apply_to_last_dim(self._gate_memory_linear,
                                       tf.tanh(memory))
      input_gate, forget_gate = tf.split(gate_memory + gate_inputs, 2, axis=2)
      self._input_gate = tf.sigmoid(input_gate + self._input_bias)
      self._forget_gate = tf.sigmoid(forget_gate + self._forget_bias)
      next_memory = (self._input_gate * tf.tanh(next_memory) +
                     self._forget_gate * memory)
    output = tf.reshape(next_memory,
                        [-1, int(np.prod(next_memory.shape[1:].as_list()))])
    return output, next_memory

  @property
  def state_size(self):
    """`TensorShape([mem_slots, mem_size])`."""
    return tf.TensorShape([self._mem_slots, self._mem_size])

  @property
  def output_size(self):
    """`TensorShape([mem_slots * mem_size])`."""
    return tf.TensorShape([self._mem_slots * self._mem_size])

  input_gate = connected_property.connected_property(
      "_input_gate", """The input gate of the last connection.

      Raises:
        NotConnectedError: before the first connection.
      """)

  forget_gate = connected_property.connected_property(
      "_forget_gate", """The forget gate of the last connection.

      Raises:
        NotConnectedError: before the first connection.
      """)
