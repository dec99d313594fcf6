"""`TransformerTower`: a stack of self-attention and MLP layers."""

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors
from sonnet.src import layer_norm as layer_norm_lib
from sonnet.src import linear
from sonnet.src.nets import attention_layers
from sonnet.src.nets import mlp as mlp_lib

tf1 = tf.compat.v1

_LAYER_NORM_MODES = ("input", "output", "none")


def _positive_int(name, value):
  if not isinstance(value, int) or isinstance(value, bool) or value < 1:
    raise ValueError("%s must be a positive int, got %r." % (name, value))


def dropout(inputs, rate, is_training):
  """Dropout at `rate` when `is_training` (a bool or a scalar bool tensor)."""
  if not rate:
    return inputs
  if isinstance(is_training, bool):
    return tf.nn.dropout(inputs, rate=rate) if is_training else inputs
  return tf.cond(tf.convert_to_tensor(is_training),
                 lambda: tf.nn.dropout(inputs, rate=rate),
                 lambda: tf.identity(inputs))


class TransformerTower(base.AbstractModule):
  """A transformer: `num_layers` of multi-head self-attention and an MLP.

  The model width is `D = value_size * num_heads`; inputs with another
  number of features are first mapped to D by a `Linear`
  ("input_projection"). Each layer applies two sublayers with residual
  connections, each output dropped out at `dropout_rate` while training:
  multi-head attention over the layer's memory (if a `state` is given)
  and its own inputs, then an MLP of `mlp_hidden_sizes + [D]` (ReLU).
  `layer_norm` says where `snt.LayerNorm` (over features) goes:
  "input" normalizes each sublayer's input (`x + f(norm(x))`), "output"
  normalizes after the residual sum (`norm(x + f(x))`), "none" omits it.
  With `output_size`, a final `Linear` ("output_projection") maps D to it.

  Memory (Transformer-XL recurrence): `state` holds, per layer, earlier
  activations `[B, M, D]` that the layer's queries may attend to; the second
  result of a connection holds each layer's inputs of this call
  `[B, N, D]`, which is what a recurrent caller (`TransformerXL`) appends to
  the memory for the next chunk.

  Variables, for layer i (scope `layer_i`): `attention/{query,key,value,
  output}/w` (and `attention/relative_position/w`,
  `attention/content_bias`, `attention/position_bias` with relative
  positions), `attention_layer_norm/{gamma,beta}`, `mlp/linear_k/{w,b}`,
  `mlp_layer_norm/{gamma,beta}`. With `shared_attention`, one
  `attention/...` set directly under the tower's scope serves all layers.

  >>> tower = snt.nets.TransformerTower(value_size=4, num_heads=2,
  ...                                   num_layers=2, mlp_hidden_sizes=(16,))
  >>> outputs, layer_inputs = tower(tf.ones([3, 5, 8]), is_training=False)
  >>> outputs.shape.as_list(), len(layer_inputs)
  ([3, 5, 8], 2)
  """

  def __init__(self, value_size, num_heads, num_layers, causal=True,
               key_size=None, shared_attention=False, output_size=None,
               mlp_hidden_sizes=(1024,), dropout_rate=0.1,
               use_relative_positions=True, clamp_time_range=0,
               same_attention_length=False, layer_norm="input",
               name="transformer_tower"):
    """Configures the tower.

    Args:
      value_size: the value size per head; `value_size * num_heads` is the
        model width D.
      num_heads: the number of attention heads.
      num_layers: the number of layers.
      causal: whether position i may not attend to inputs after i.
      key_size: the query and key size per head; None means `value_size`.
      shared_attention: whether all layers use one attention module (one
        set of attention variables).
      output_size: if given, the outputs are projected to this size;
        None keeps D.
      mlp_hidden_sizes: the hidden layer sizes of each layer's MLP (its
        last layer has size D).
      dropout_rate: the fraction of each sublayer's outputs dropped while
        training; 0 disables dropout.
      use_relative_positions: whether attention logits get Transformer-XL
        relative position terms. Without them the tower sees no positions:
        add position embeddings to the inputs yourself.
      clamp_time_range: if positive, relative distances beyond it share
        one embedding.
      same_attention_length: with a memory of M slots, whether every
        position attends to exactly itself and M earlier positions.
      layer_norm: "input", "output" or "none" (see the class docstring).
      name: the module's name.

    Raises:
      ValueError: for a size that is not a positive int, a `dropout_rate`
        outside [0, 1), a negative `clamp_time_range` or an unknown
        `layer_norm`.
    """
    super().__init__(name=name)
    key_size = value_size if key_size is None else key_size
    for arg, value in (("value_size", value_size), ("num_heads", num_heads),
                       ("num_layers", num_layers), ("key_size", key_size)):
      _positive_int(arg, value)
    if output_size is not None:
      _positive_int("output_size", output_size)
    mlp_hidden_sizes = tuple(mlp_hidden_sizes)
    for size in mlp_hidden_sizes:
      _positive_int("each of mlp_hidden_sizes", size)
    if not 0. <= dropout_rate < 1.:
      raise ValueError("dropout_rate must be in [0, 1), got %r."
                       % (dropout_rate,))
    if layer_norm not in _LAYER_NORM_MODES:
      raise ValueError("layer_norm must be one of %s, got %r."
                       % (", ".join(_LAYER_NORM_MODES), layer_norm))
    self._value_size = value_size
    self._num_heads = num_heads
    self._num_layers = num_layers
    self._key_size = key_size
    self._model_size = value_size * num_heads
    self._output_size = output_size
    self._mlp_hidden_sizes = mlp_hidden_sizes
    self._dropout_rate = dropout_rate
    self._layer_norm = layer_norm
    self._shared_attention = shared_attention
    self._condition_size = None

    def make_attention():
      return attention_layers.MultiheadAttention(
          value_size, key_size, num_heads, causal=causal,
          use_relative_positions=use_relative_positions,
          clamp_time_range=clamp_time_range,
          same_attention_length=same_attention_length, name="attention")

    def make_norm(name):
      if layer_norm == "none":
        return None
      return layer_norm_lib.LayerNorm(axis=-1, name=name)

    with self._enter_variable_scope():
      self._input_projection = linear.Linear(
          self._model_size, allow_many_batch_dims=True,
          name="input_projection")
      shared = make_attention() if shared_attention else None
      self._attention, self._attention_norms = [], []
      self._mlps, self._mlp_norms = [], []
      for i in range(num_layers):
        with tf1.variable_scope("layer_%d" % i):
          self._attention.append(shared or make_attention())
          self._attention_norms.append(make_norm("attention_layer_norm"))
          self._mlps.append(mlp_lib.MLP(
              mlp_hidden_sizes + (self._model_size,), name="mlp"))
          self._mlp_norms.append(make_norm("mlp_layer_norm"))
      self._output_projection = None
      if output_size is not None:
        self._output_projection = linear.Linear(
            output_size, allow_many_batch_dims=True, name="output_projection")

  @property
  def model_size(self):
    """D, the width of every layer: `value_size * num_heads`."""
    return self._model_size

  @property
  def num_layers(self):
    """The number of layers."""
    return self._num_layers

  @property
  def output_size(self):
    """The feature size of the outputs: `output_size`, or D."""
    return self._output_size or self._model_size

  def attention_module(self, i):
    """The attention module of layer `i` (the same one for all if shared).

    Raises:
      ValueError: if `i` is not in `[0, num_layers)`.
    """
    if not 0 <= i < self._num_layers:
      raise ValueError("%s has layers 0 to %d, not %r."
                       % (self.scope_name, self._num_layers - 1, i))
    return self._attention[i]

  def _residual(self, fn, norm, inputs, is_training):
    """`inputs + dropout(fn(.))`, with the layer norm where configured."""
    if self._layer_norm == "input":
      outputs = inputs + dropout(fn(norm), self._dropout_rate, is_training)
    else:
      identity = lambda x: x
      outputs = inputs + dropout(fn(identity), self._dropout_rate,
                                 is_training)
      if self._layer_norm == "output":
        outputs = norm(outputs)
    return outputs

  def get_sublayers(self, is_training):
    """The layers' sublayers as functions, for callers that interleave them.

    Args:
      is_training: whether the sublayers apply dropout.

    Returns:
      A list with, per layer, a pair `(attend, transform)`:
      `attend(inputs, memory=None)` is the attention sublayer with its
      residual connection, layer norm and dropout (inputs `[B, N, D]`,
      memory `[B, M, D]`); `transform(inputs, condition=None)` is the MLP
      sublayer likewise (condition `[B, C]`, see `_build`).
    """
    sublayers = []
    for i in range(self._num_layers):
      attention = self._attention[i]
      attention_norm = self._attention_norms[i]
      mlp = self._mlps[i]
      mlp_norm = self._mlp_norms[i]

      def attend(inputs, memory=None, attention=attention,
                 norm_module=attention_norm):
        def fn(norm):
          normed_memory = None if memory is None else norm(memory)
          return attention(norm(inputs), normed_memory)
        return self._residual(fn, norm_module, inputs, is_training)

      def transform(inputs, condition=None, mlp=mlp, norm_module=mlp_norm):
        def fn(norm):
          hidden = norm(inputs)
          if condition is not None:
            tiled = tf.tile(condition[:, None, :],
                            [1, tf.shape(inputs)[1], 1])
            hidden = tf.concat([hidden, tiled], axis=2)
          size = attention_layers.static_dims(hidden)[-1]
          flat = tf.reshape(hidden, [-1, size])
          return tf.reshape(mlp(flat, is_training=is_training),
                            tf.shape(inputs))
        return self._residual(fn, norm_module, inputs, is_training)

      sublayers.append((attend, transform))
    return sublayers

  def _check_inputs(self, inputs, state, condition):
    """Validates everything before any variable is made."""
    shape = attention_layers.static_dims(inputs)
    if shape is None or len(shape) != 3:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have rank 3 ([batch, time, features]), got shape "
          "%s." % (self.scope_name, shape))
    if shape[1] is None or shape[2] is None:
      raise errors.UnderspecifiedError(
          "%s: the time and feature dimensions of the inputs must be known, "
          "got shape %s." % (self.scope_name, shape))
    if state is not None:
      if (not isinstance(state, (list, tuple)) or
          len(state) != self._num_layers):
        raise errors.IncompatibleShapeError(
            "%s: state must be a list of %d memories (one per layer) of "
            "shape [batch, memory_size, %d], got %r."
            % (self.scope_name, self._num_layers, self._model_size, state))
      for memory in state:
        memory_shape = attention_layers.static_dims(memory)
        if (memory_shape is None or len(memory_shape) != 3 or
            memory_shape[2] != self._model_size or memory_shape[1] is None):
          raise errors.IncompatibleShapeError(
              "%s: each memory in state must have shape [batch, "
              "memory_size, %d] with a known memory_size, got %s."
              % (self.scope_name, self._model_size, memory_shape))
    condition_shape = attention_layers.static_dims(condition)
    if condition is not None and (condition_shape is None or
                                  len(condition_shape) != 2 or
                                  condition_shape[1] is None):
      raise errors.IncompatibleShapeError(
          "%s: condition must have shape [batch, condition_size] with a "
          "known condition_size, got %s." % (self.scope_name,
                                             condition.shape))
    condition_size = None if condition is None else condition_shape[1]
    if self.is_connected and condition_size != self._condition_size:
      raise errors.IncompatibleShapeError(
          "%s: the MLPs were built for %s on the first connection; a later "
          "connection must match it, got a condition of shape %s."
          % (self.scope_name,
             "no condition" if self._condition_size is None else
             "a condition of size %d" % self._condition_size,
             None if condition is None else condition.shape))
    return condition_size

  def _build(self, inputs, state=None, condition=None, is_training=True):
    """Applies the tower to a chunk of inputs.

    Args:
      inputs: a float tensor `[B, N, F]` with known N and F.
      state: optional list of `num_layers` memories `[B, M_i, D]`, earlier
        activations each layer attends to before its inputs (e.g. the
        second result of earlier calls, concatenated over time).
      condition: optional float tensor `[B, C]`, given (repeated over time)
        to every MLP alongside its input. Give one on every connection or
      on none.
      is_training: a bool or scalar bool tensor: whether to apply dropout.

    Returns:
      A pair `(outputs, layer_inputs)`: `outputs` `[B, N, output_size]`,
      and `layer_inputs`, a list of `num_layers` tensors `[B, N, D]`: the
      input of each layer (what a recurrent caller keeps as memory).

    Raises:
      IncompatibleShapeError: for inputs not of rank 3, a malformed state
        (wrong length, rank or D), a condition not of rank 2, or one given
        or sized differently from the first connection.
      UnderspecifiedError: if N or F is unknown.
    """
    inputs = tf.convert_to_tensor(inputs)
    if condition is not None:
      condition = tf.convert_to_tensor(condition)
    self._condition_size = self._check_inputs(inputs, state, condition)
    hidden = inputs
    if attention_layers.static_dims(inputs)[-1] != self._model_size:
      hidden = self._input_projection(inputs)
    memories = state if state is not None else [None] * self._num_layers
    layer_inputs = []
    for (attend, transform), memory in zip(self.get_sublayers(is_training),
                                           memories):
      layer_inputs.append(hidden)
      hidden = transform(attend(hidden, memory), condition)
    if self._output_projection is not None:
      hidden = self._output_projection(hidden)
    return hidden, layer_inputs
