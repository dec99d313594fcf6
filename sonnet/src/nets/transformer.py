"""`TransformerTower`: residual blocks of multi-head attention and an MLP."""

from typing import Optional, Sequence

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import batch_apply
from sonnet.src import layer_norm as layer_norm_lib
from sonnet.src import leading_dims
from sonnet.src import linear
from sonnet.src.nets import attention_layers
from sonnet.src.nets import mlp as mlp_lib

tf1 = tf.compat.v1


def default_mlp(hidden_sizes, activate_final=False, init_std=2., **kwargs):
  """An `snt.nets.MLP` with dropout, applied over `[B, N, ...]` inputs.

  Args:
    hidden_sizes: the layer sizes.
    activate_final: whether the last layer is activated.
    init_std: the scale of the weights' variance scaling initializer.
    **kwargs: further `snt.nets.MLP` arguments.

  Returns:
    An `snt.BatchApply` of the MLP (made in the current scope, so the
    variables are `mlp/linear_i/{w,b}`).
  """
  init = {
      "w": tf1.variance_scaling_initializer(init_std,
                                            distribution="truncated_normal")}
  mlp = mlp_lib.MLP(hidden_sizes, activate_final=activate_final,
                    use_dropout=True, initializers=init, **kwargs)
  return batch_apply.BatchApply(mlp)


class ResidualDropoutWrapper(base.AbstractModule):
  """`inputs + dropout(layer(norm(inputs)))`: a residual transformer block.

  `layer_norm` places an `snt.LayerNorm` over the features ("layer_norm",
  and "layer_norm_1" for the output with "both"): "input" normalizes what
  `layer` sees, "output" the sum, "both" both. Dropout (rate
  `dropout_rate`) applies while `is_training`, which must be passed by
  keyword. A `layer` returning `(output, state)` makes the wrapper return
  `(sum, state)`.
  """

  def __init__(self, layer, dropout_rate, layer_norm="input",
               name="residual_dropout_wrapper"):
    """Configures the block.

    Args:
      layer: the module (or callable) to wrap.
      dropout_rate: the dropout rate of its output while training.
      layer_norm: "input", "output" or "both" (anything else: none).
      name: the module's name.
    """
    super().__init__(name=name)
    self._module = layer
    self._dropout_rate = dropout_rate
    self._layer_norm = layer_norm
    with self._enter_variable_scope():
      self._input_norm = (layer_norm_lib.LayerNorm()
                          if layer_norm in ("both", "input") else None)
      self._output_norm = (layer_norm_lib.LayerNorm()
                           if layer_norm in ("both", "output") else None)

  def _build(self, inputs, *args, **kwargs):
    """Applies the block.

    Args:
      inputs: a tensor `[..., D]`.
      *args: more arguments of the layer.
      **kwargs: keyword arguments of the layer; `is_training` (a Python
        bool) is required.

    Returns:
      The sum, or `(sum, state)` if the layer returned a pair.

    Raises:
      KeyError: if `is_training` is not given.
    """
    normed_inputs = _normalize(self._input_norm, inputs)
    module_output = self._module(normed_inputs, *args, **kwargs)
    module_state = None
    if isinstance(module_output, tuple):
      module_output, module_state = module_output
    if kwargs["is_training"]:
      module_output = tf.nn.dropout(module_output, rate=self._dropout_rate)
    output = _normalize(self._output_norm, inputs + module_output)
    if module_state is None:
      return output
    return output, module_state


def _normalize(norm, inputs):
  """Layer-normalizes the last dimension of `inputs` (None: unchanged)."""
  if norm is None:
    return inputs
  batch_dims = inputs.get_shape().ndims - 1
  if batch_dims == 1:
    return norm(inputs)
  outputs = norm(leading_dims.merge_leading_dims(inputs, batch_dims))
  return leading_dims.split_leading_dim(outputs, inputs, batch_dims)


class TransformerTower(base.AbstractModule):
  """A stack of transformer blocks (Vaswani et al. 2017), as Sonnet 1.36.

  Layer i (variable scope `layer_i`) is a `ResidualDropoutWrapper`
  ("residual_dropout_wrapper") around `MultiheadAttention`
  ("multihead_attention") over the layer's memory and inputs, then one
  ("residual_dropout_wrapper_1") around an MLP ("mlp") of
  `mlp_hidden_sizes + [D]`, where `D = value_size * num_heads` is also the
  width the inputs (and each memory) must have. Every connection
  computes sinusoid position encodings for the chunk and memory (dropped
  out while training), relative (Transformer-XL) by default, and with
  `causal` a mask hiding later inputs. With `output_size`, a final
  bias-free `snt.Linear` ("linear") maps D to it. The projections are
  initialized with scale `2 / sqrt(num_layers)`.

  >>> tower = snt.nets.TransformerTower(value_size=4, num_heads=2,
  ...                                   num_layers=2, mlp_hidden_sizes=(16,))
  >>> outputs, states = tower(tf.ones([3, 5, 8]), is_training=False)
  >>> outputs.shape.as_list(), len(states)
  ([3, 5, 8], 2)
  """

  def __init__(self, value_size: int, num_heads: int, num_layers: int,
               causal: bool = True, key_size: Optional[int] = None,
               shared_attention: bool = False,
               output_size: Optional[int] = None,
               mlp_hidden_sizes: Sequence[int] = (1024,),
               dropout_rate: float = 0.1, use_relative_positions: bool = True,
               clamp_time_range: int = 0, same_attention_length: bool = False,
               layer_norm: str = "input", name: str = "transformer_tower"):
    """Configures the tower.

    Args:
      value_size: V, the value size per head.
      num_heads: H; the tower's width is D = H * V.
      num_layers: the number of blocks.
      causal: whether position i may not attend to inputs after i.
      key_size: K, the query and key size per head; None means V.
      shared_attention: whether all blocks share one attention module
        (made in `layer_0`).
      output_size: if given, the outputs are projected to this size.
      mlp_hidden_sizes: the hidden sizes of each block's MLP.
      dropout_rate: the dropout rate (block outputs, attention weights,
        MLP activations, position encodings) while training.
      use_relative_positions: whether to use Transformer-XL relative
        positions (else the encodings are added to the inputs).
      clamp_time_range: if positive, positions beyond it are clamped.
      same_attention_length: see `create_mask` (`equal_window`).
      layer_norm: "input", "output" or "both" (see
        `ResidualDropoutWrapper`).
      name: the module's name.
    """
    super().__init__(name=name)
    self._causal = causal
    self._key_size = value_size if key_size is None else key_size
    self._value_size = value_size
    self._num_heads = num_heads
    self._num_layers = num_layers
    self._shared_attention = shared_attention
    self._output_size = output_size
    self._embedding_size = value_size * num_heads
    self._mlp_hidden_sizes = list(mlp_hidden_sizes) + [self._embedding_size]
    self._dropout_rate = dropout_rate
    self._use_relative_positions = use_relative_positions
    self._clamp_time_range = clamp_time_range
    self._same_attention_length = same_attention_length
    self._layer_norm = layer_norm
    self._attention_modules = []
    self._object_mlps = []
    self._layers = []
    with self._enter_variable_scope():
      for i in range(num_layers):
        with tf1.variable_scope("layer_%d" % i):
          self._layers.append(self._make_layer(i))
      self._output_linear = None
      if output_size is not None:
        self._output_linear = batch_apply.BatchApply(
            linear.Linear(output_size, use_bias=False))

  def _make_layer(self, i):
    """Block i: its attention wrapper and MLP wrapper, made in that order."""
    init_std = 2. / np.sqrt(self._num_layers)
    if i == 0 or not self._shared_attention:
      attention = attention_layers.MultiheadAttention(
          value_size=self._value_size, key_size=self._key_size,
          num_heads=self._num_heads,
          use_relative_positions=self._use_relative_positions,
          init_std=init_std)
      attention_block = ResidualDropoutWrapper(attention, self._dropout_rate,
                                               layer_norm=self._layer_norm)
    else:
      attention, attention_block = (self._attention_modules[0],
                                    self._layers[0][0])
    mlp = default_mlp(self._mlp_hidden_sizes, init_std=init_std)
    mlp_block = ResidualDropoutWrapper(mlp, self._dropout_rate,
                                       layer_norm=self._layer_norm)
    self._attention_modules.append(attention)
    self._object_mlps.append(mlp)
    return attention_block, mlp_block

  def _position_encodings(self, inputs, state, is_training):
    """`(key, query)` encodings per memory type (compressed, episodic)."""
    if state is None:
      memory_sizes = [0]
    elif isinstance(state[0], attention_layers.CompressedMemoryState):
      memory_sizes = [
          max(attention_layers.memory_size(s.compressed_memory) for s in state),
          max(attention_layers.memory_size(s.episodic_memory) for s in state)]
    else:
      memory_sizes = [max(attention_layers.memory_size(s) for s in state)]
    chunk_size, hidden_size = inputs.get_shape().as_list()[1:3]
    encodings = []
    for size in memory_sizes:
      key_positions = attention_layers.get_position_encodings(
          sequence_length=chunk_size + size, hidden_size=hidden_size,
          clamp_value=self._clamp_time_range)
      if is_training:
        key_positions = tf.nn.dropout(key_positions, rate=self._dropout_rate)
      key_positions = tf.cast(key_positions, dtype=inputs.dtype)
      encodings.append((key_positions, key_positions[:, -chunk_size:, :]))
    return encodings

  def _build(self, inputs, state=None, condition=None, is_training=True):
    """Applies the blocks to a chunk.

    Args:
      inputs: a tensor `[B, N, F]`; F (plus the condition's size) must be D.
      state: None, or a list with each layer's memory: tensors `[B, M, D]`
        or `CompressedMemoryState`s.
      condition: optional tensor `[B, C]`, appended to every input step.
      is_training: a Python bool: whether to apply dropout.

    Returns:
      A pair: the output `[B, N, output_size or D]`, and a list with each
      layer's `AttentionState` (its `embeddings` are what the layer
      attended with, e.g. for a memory).

    Raises:
      ValueError: if D is odd (the position encodings need an even width)
        or differs from the input width.
    """
    if condition is not None:
      condition_tile = tf.tile(tf.expand_dims(condition, 1),
                               [1, tf.shape(inputs)[1], 1])
      inputs = tf.concat([inputs, condition_tile], -1)
    encodings = self._position_encodings(inputs, state, is_training)
    mask = None
    if self._causal:
      mask = attention_layers.create_mask(inputs, state,
                                          self._same_attention_length)
    keep_prob = 1. - self._dropout_rate
    output = inputs
    attention_states = []
    for i, (attention_block, mlp_block) in enumerate(self._layers):
      attention = self._attention_modules[i]
      attention.set_context(mask, encodings)
      attention_outputs, attention_state = attention_block(
          output, state=None if state is None else state[i],
          is_training=is_training, dropout_keep_prob=keep_prob)
      attention_states.append(attention_state)
      output = mlp_block(attention_outputs, is_training=is_training,
                         dropout_keep_prob=keep_prob)
    if self._output_linear is not None:
      output = self._output_linear(output)
    return output, attention_states

  def get_sublayers(self, is_training):
    """Makes one more block's attention and MLP wrappers, as Sonnet 1 did.

    The tower makes its own blocks when constructed; this is Sonnet 1's
    public way to make another pair (sharing the attention module of block
    0 when `shared_attention`).

    Args:
      is_training: unused, as in Sonnet 1.

    Returns:
      `(attention_wrapper, mlp_wrapper)`, two `ResidualDropoutWrapper`s.
    """
    del is_training
    return self._make_layer(len(self._attention_modules))

  def attention_module(self, i):
    """The `MultiheadAttention` of block `i`."""
    return self._attention_modules[i]
