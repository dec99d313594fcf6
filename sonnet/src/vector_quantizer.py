"""VQ-VAE bottlenecks: map each input vector to its nearest codebook entry.

`VectorQuantizer` learns the codebook by gradient descent (the codebook
loss); `VectorQuantizerEMA` keeps it as an exponential moving average of the
inputs assigned to each entry (van den Oord et al., 2017, "Neural Discrete
Representation Learning").
"""

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors

tf1 = tf.compat.v1


def _check_input_depth(module, inputs, embedding_dim):
  depth = inputs.get_shape().as_list()[-1:]
  if depth != [embedding_dim]:
    raise errors.IncompatibleShapeError(
        "%s: the last input dimension must be embedding_dim=%d, got shape %s."
        % (module.scope_name, embedding_dim, inputs.get_shape()))


def _nearest_codes(flat_inputs, embeddings):
  """Squared distances to every code, and the index of the nearest one."""
  distances = (
      tf.reduce_sum(tf.square(flat_inputs), 1, keepdims=True) -
      2 * tf.matmul(flat_inputs, embeddings) +
      tf.reduce_sum(tf.square(embeddings), 0, keepdims=True))
  return distances, tf.argmax(-distances, axis=1)


def _perplexity(encodings):
  """exp(entropy) of the average code usage: how many codes are in use."""
  average_probs = tf.reduce_mean(encodings, 0)
  return tf.exp(-tf.reduce_sum(
      average_probs * tf.math.log(average_probs + 1e-10)))


class _SharedInitialValue:
  """An initializer that returns the same drawn value to every variable."""

  def __init__(self, initializer):
    self._initializer = initializer
    self._value = None

  def __call__(self, shape, dtype=None, partition_info=None):
    del partition_info
    if self._value is None:
      self._value = self._initializer(shape, dtype=dtype)
    return self._value


class _QuantizerBase(base.AbstractModule):
  """The assignment, straight-through output and statistics both share."""

  def __init__(self, embedding_dim, num_embeddings, commitment_cost, name):
    super().__init__(name=name)
    if embedding_dim <= 0 or num_embeddings <= 0:
      raise ValueError("embedding_dim and num_embeddings must be positive, "
                       "got %r and %r." % (embedding_dim, num_embeddings))
    if commitment_cost < 0:
      raise ValueError("commitment_cost must be >= 0, got %r."
                       % (commitment_cost,))
    self._embedding_dim = embedding_dim
    self._num_embeddings = num_embeddings
    self._commitment_cost = commitment_cost
    self._w = None

  def _assign(self, inputs):
    """Nearest-code indices and one-hot encodings of the flattened inputs."""
    flat_inputs = tf.reshape(inputs, [-1, self._embedding_dim])
    _, indices = _nearest_codes(flat_inputs, self._w)
    encodings = tf.one_hot(indices, self._num_embeddings, dtype=inputs.dtype)
    return flat_inputs, encodings, indices

  def _outputs(self, inputs, encodings, indices, loss):
    indices = tf.reshape(indices, tf.shape(inputs)[:-1])
    quantized = self.quantize(indices)
    return {
        # Straight-through: the forward value is the code, the gradient
        # flows to the inputs unchanged.
        "quantize": inputs + tf.stop_gradient(quantized - inputs),
        "loss": loss(quantized),
        "perplexity": _perplexity(encodings),
        "encodings": encodings,
        "encoding_indices": indices,
    }

  @property
  def embeddings(self):
    """The codebook, `[embedding_dim, num_embeddings]`.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._w

  def quantize(self, encoding_indices):
    """Returns the codebook vectors for integer `encoding_indices`.

    Args:
      encoding_indices: an integer tensor of any shape.

    Returns:
      A tensor of shape `encoding_indices.shape + [embedding_dim]`.
    """
    codes = tf.transpose(tf.convert_to_tensor(self._w), [1, 0])
    return tf.nn.embedding_lookup(codes, encoding_indices)


class VectorQuantizer(_QuantizerBase):
  """Quantizes vectors to a codebook learned by gradient descent.

  The loss is `|sg(z) - e|^2 + commitment_cost * |z - sg(e)|^2` for inputs
  `z` and their codes `e` (`sg`: stop gradient), averaged over elements.

  >>> vq = snt.nets.VectorQuantizer(embedding_dim=4, num_embeddings=8,
  ...                               commitment_cost=0.25)
  >>> out = vq(tf.ones([2, 5, 4]), is_training=True)
  >>> out["quantize"].shape.as_list(), out["encoding_indices"].shape.as_list()
  ([2, 5, 4], [2, 5])
  """

  def __init__(self, embedding_dim, num_embeddings, commitment_cost,
               name="vq_layer"):
    """Configures the quantizer.

    Args:
      embedding_dim: the size of each input vector and code.
      num_embeddings: the number of codes.
      commitment_cost: the weight of the commitment term, which pulls the
        inputs towards their codes.
      name: the module's name.

    Raises:
      ValueError: if a size is not positive or `commitment_cost` < 0.
    """
    super().__init__(embedding_dim, num_embeddings, commitment_cost, name)

  def _build(self, inputs, is_training):
    """Quantizes `inputs`.

    Args:
      inputs: a tensor whose last dimension is `embedding_dim`.
      is_training: unused; present for the same interface as the EMA
        version.

    Returns:
      A dict with "quantize" (same shape as inputs), "loss" (a scalar),
      "perplexity" (a scalar), "encodings" (one-hot, `[N, num_embeddings]`
      for the N input vectors) and "encoding_indices" (inputs' shape
      without the last dimension).

    Raises:
      IncompatibleShapeError: if the last input dimension is not
        `embedding_dim`.
    """
    del is_training
    _check_input_depth(self, inputs, self._embedding_dim)
    self._w = tf1.get_variable(
        "embedding", [self._embedding_dim, self._num_embeddings],
        dtype=inputs.dtype,
        initializer=tf1.uniform_unit_scaling_initializer())
    _, encodings, indices = self._assign(inputs)

    def loss(quantized):
      e_latent_loss = tf.reduce_mean(
          tf.square(tf.stop_gradient(quantized) - inputs))
      q_latent_loss = tf.reduce_mean(
          tf.square(quantized - tf.stop_gradient(inputs)))
      return q_latent_loss + self._commitment_cost * e_latent_loss

    return self._outputs(inputs, encodings, indices, loss)


class VectorQuantizerEMA(_QuantizerBase):
  """Quantizes vectors to a codebook kept as a moving average of its inputs.

  In training, each code moves towards the mean of the inputs assigned to
  it: the cluster sizes and summed inputs are exponential moving averages
  with `decay`, and the code is their (Laplace-smoothed) ratio. The loss is
  only the commitment term. The outputs use the codes as they were before
  the update; in graph mode the update runs when the loss is evaluated (a
  control dependency), in eager mode at once.

  >>> vq = snt.nets.VectorQuantizerEMA(embedding_dim=4, num_embeddings=8,
  ...                                  commitment_cost=0.25, decay=0.99)
  >>> out = vq(tf.ones([3, 4]), is_training=True)
  >>> out["encodings"].shape.as_list()
  [3, 8]
  """

  def __init__(self, embedding_dim, num_embeddings, commitment_cost, decay,
               epsilon=1e-5, name="VectorQuantizerEMA"):
    """Configures the quantizer.

    Args:
      embedding_dim: the size of each input vector and code.
      num_embeddings: the number of codes.
      commitment_cost: the weight of the commitment loss.
      decay: the moving averages' decay, in [0, 1).
      epsilon: the smoothing added to cluster sizes, so that unused codes
        do not divide by zero.
      name: the module's name.

    Raises:
      ValueError: if a size is not positive, `commitment_cost` < 0 or
        `decay` is outside [0, 1).
    """
    super().__init__(embedding_dim, num_embeddings, commitment_cost, name)
    if not 0 <= decay < 1:
      raise ValueError("decay must be in [0, 1), got %r." % (decay,))
    self._decay = decay
    self._epsilon = epsilon
    self._ema_cluster_size = None
    self._ema_w = None

  def _build(self, inputs, is_training):
    """Quantizes `inputs`, updating the codebook when training.

    Args:
      inputs: a tensor whose last dimension is `embedding_dim`.
      is_training: a Python bool or a boolean scalar tensor; the codebook
        is updated only when it is true.

    Returns:
      The same dict as `VectorQuantizer`.

    Raises:
      IncompatibleShapeError: if the last input dimension is not
        `embedding_dim`.
    """
    _check_input_depth(self, inputs, self._embedding_dim)
    shape = [self._embedding_dim, self._num_embeddings]
    initial = _SharedInitialValue(tf1.random_normal_initializer())
    self._w = tf1.get_variable("embedding", shape, dtype=inputs.dtype,
                               trainable=False, initializer=initial)
    self._ema_cluster_size = tf1.get_variable(
        "ema_cluster_size", [self._num_embeddings], dtype=inputs.dtype,
        trainable=False, initializer=tf1.zeros_initializer())
    # The summed inputs start equal to the codebook (one value, drawn once).
    self._ema_w = tf1.get_variable("ema_dw", shape, dtype=inputs.dtype,
                                   trainable=False, initializer=initial)
    flat_inputs, encodings, indices = self._assign(inputs)
    outputs = self._outputs(
        inputs, encodings, indices,
        loss=lambda quantized: self._commitment_cost * tf.reduce_mean(
            tf.square(tf.stop_gradient(quantized) - inputs)))

    # The outputs use the codes the inputs were assigned to; the codebook
    # moves afterwards, before the loss is returned.
    with tf.control_dependencies([outputs["quantize"], outputs["loss"]]):
      if isinstance(is_training, bool):
        update = self._update(flat_inputs, encodings) if is_training else None
      else:
        update = tf.cond(is_training,
                         lambda: self._update(flat_inputs, encodings),
                         lambda: tf.convert_to_tensor(self._w))
    if update is not None:
      with tf.control_dependencies([update]):
        outputs["loss"] = tf.identity(outputs["loss"])
    return outputs

  def _update(self, flat_inputs, encodings):
    """Moves the averages and the codebook; returns the new codebook."""
    keep = self._decay
    cluster_size = tf1.assign(
        self._ema_cluster_size,
        keep * self._ema_cluster_size +
        (1 - keep) * tf.reduce_sum(encodings, 0))
    summed = tf.matmul(flat_inputs, encodings, transpose_a=True)
    ema_w = tf1.assign(self._ema_w, keep * self._ema_w + (1 - keep) * summed)
    total = tf.reduce_sum(cluster_size)
    smoothed = ((cluster_size + self._epsilon) /
                (total + self._num_embeddings * self._epsilon) * total)
    return tf1.assign(self._w, ema_w / tf.reshape(smoothed, [1, -1]))
