"""VQ-VAE bottlenecks: map each input vector to its nearest codebook entry.

`VectorQuantizer` learns the codebook by gradient descent (the codebook
loss); `VectorQuantizerEMA` keeps it as an exponential moving average of the
inputs assigned to each entry (van den Oord et al., 2017, "Neural Discrete
Representation Learning"). As in Sonnet 1.36, the variables (float32) are
made by the constructors, and inputs must be float32.
"""

import tensorflow as tf

from sonnet.src.core import base

tf1 = tf.compat.v1


def _flatten_checked(inputs, embedding_dim):
  """`[-1, embedding_dim]` inputs, after a run-time check of the last dim.

  With a known input shape that does not fit, `tf.reshape` itself raises
  `ValueError` ("Cannot reshape a tensor ...") while the graph is built.
  """
  input_shape = tf.shape(inputs)
  check = tf.debugging.Assert(tf.equal(input_shape[-1], embedding_dim),
                              [input_shape])
  with tf.control_dependencies([check]):
    return tf.reshape(inputs, [-1, embedding_dim])


def _assign(module, inputs, codebook):
  """Nearest-code one-hot encodings and indices of the inputs.

  Args:
    module: the quantizer.
    inputs: `[..., embedding_dim]`.
    codebook: `[embedding_dim, num_embeddings]`.

  Returns:
    The flattened inputs, the one-hot float32 encodings
    `[N, num_embeddings]` and the indices, shaped like `inputs` without its
    last dimension.
  """
  flat_inputs = _flatten_checked(inputs, module._embedding_dim)  # pylint: disable=protected-access
  distances = (tf.reduce_sum(flat_inputs**2, 1, keepdims=True) -
               2 * tf.matmul(flat_inputs, codebook) +
               tf.reduce_sum(codebook**2, 0, keepdims=True))
  indices = tf.argmax(-distances, 1)
  encodings = tf.one_hot(indices, module._num_embeddings)  # pylint: disable=protected-access
  return flat_inputs, encodings, tf.reshape(indices, tf.shape(inputs)[:-1])


def _outputs(inputs, quantized, loss, encodings, indices):
  """The output dict; `quantize` passes gradients straight to the inputs."""
  average_probs = tf.reduce_mean(encodings, 0)
  perplexity = tf.exp(-tf.reduce_sum(average_probs *
                                     tf.math.log(average_probs + 1e-10)))
  return {
      "quantize": inputs + tf.stop_gradient(quantized - inputs),
      "loss": loss,
      "perplexity": perplexity,
      "encodings": encodings,
      "encoding_indices": indices,}


class _QuantizerBase(base.AbstractModule):
  """Settings, the codebook and `quantize`, which both quantizers share."""

  def __init__(self, embedding_dim, num_embeddings, commitment_cost, name):
    super().__init__(name=name)
    self._embedding_dim = embedding_dim
    self._num_embeddings = num_embeddings
    self._commitment_cost = commitment_cost
    self._w = None

  @property
  def embeddings(self):
    """The codebook variable, `[embedding_dim, num_embeddings]`."""
    return self._w

  def quantize(self, encoding_indices):
    """Returns the codebook vectors for integer `encoding_indices`.

    Args:
      encoding_indices: an integer tensor of any shape.

    Returns:
      A tensor of shape `encoding_indices.shape + [embedding_dim]`, read
      from the codebook after `encoding_indices` is computed.
    """
    with tf.control_dependencies([encoding_indices]):
      codes = tf.transpose(self._w.read_value(), [1, 0])
    return tf.nn.embedding_lookup(codes, encoding_indices)


class VectorQuantizer(_QuantizerBase):
  """Quantizes vectors to a codebook learned by gradient descent.

  The constructor makes the trainable codebook `embedding`
  `[embedding_dim, num_embeddings]` (uniform unit scaling initializer). The
  loss is `|sg(z) - e|^2 + commitment_cost * |z - sg(e)|^2` for inputs `z`
  and their codes `e` (`sg`: stop gradient), averaged over elements.

  >>> vq = snt.nets.VectorQuantizer(embedding_dim=4, num_embeddings=8,
  ...                               commitment_cost=0.25)
  >>> out = vq(tf.ones([2, 5, 4]), is_training=True)
  >>> out["quantize"].shape.as_list(), out["encoding_indices"].shape.as_list()
  ([2, 5, 4], [2, 5])
  """

  def __init__(self, embedding_dim: int, num_embeddings: int,
               commitment_cost: float, name: str = "vq_layer"):
    """Configures the quantizer and makes its codebook.

    Args:
      embedding_dim: the size of each input vector and code.
      num_embeddings: the number of codes.
      commitment_cost: the weight of the commitment term, which pulls the
        inputs towards their codes.
      name: the module's name.
    """
    super().__init__(embedding_dim, num_embeddings, commitment_cost, name)
    with self._enter_variable_scope():
      self._w = tf1.get_variable(
          "embedding", [embedding_dim, num_embeddings],
          initializer=tf1.uniform_unit_scaling_initializer(), trainable=True)

  def _build(self, inputs, is_training):
    """Quantizes `inputs`.

    Args:
      inputs: a float32 tensor whose last dimension is `embedding_dim`.
      is_training: unused; present for the same interface as the EMA
        version.

    Returns:
      A dict with "quantize" (same shape as inputs), "loss" (a scalar),
      "perplexity" (a scalar), "encodings" (one-hot float32,
      `[N, num_embeddings]` for the N input vectors) and "encoding_indices"
      (int64, inputs' shape without the last dimension).
    """
    del is_training
    _, encodings, indices = _assign(self, inputs, self._w)
    quantized = self.quantize(indices)
    e_latent_loss = tf.reduce_mean((tf.stop_gradient(quantized) - inputs)**2)
    q_latent_loss = tf.reduce_mean((quantized - tf.stop_gradient(inputs))**2)
    loss = q_latent_loss + self._commitment_cost * e_latent_loss
    return _outputs(inputs, quantized, loss, encodings, indices)


def _debiasing_variables(variable):
  """The variables of a zero-debiased moving average of `variable`.

  Sonnet 1.36 used TensorFlow's `assign_moving_average(variable, value,
  decay)` with `zero_debias=True`, which makes two non-trainable variables
  starting at 0, in the scope `<current scope>/<variable's name>`:
  `biased` (shaped like `variable`) and `local_step` (a scalar).

  Args:
    variable: the averaged variable.

  Returns:
    The variables `(biased, local_step)`.
  """
  dtype = variable.dtype.base_dtype
  with tf1.variable_scope(variable.name[:-len(":0")]):
    biased = tf1.get_variable("biased", shape=variable.shape, dtype=dtype,
                              initializer=tf1.zeros_initializer(),
                              trainable=False)
    local_step = tf1.get_variable("local_step", shape=[], dtype=dtype,
                                  initializer=tf1.zeros_initializer(),
                                  trainable=False)
  return biased, local_step


def _zero_debiased_update(variable, value, decay, biased, local_step):
  """Moves `variable` towards `value` as TensorFlow's zero-debiased EMA.

  `biased` moves to `decay * biased + (1 - decay) * value`, `local_step`
  counts the updates and `variable` becomes
  `biased / (1 - decay ** local_step)`.

  Args:
    variable: the variable to update.
    value: the new observation, shaped like `variable`.
    decay: the decay, a number.
    biased: from `_debiasing_variables(variable)`.
    local_step: from `_debiasing_variables(variable)`.

  Returns:
    The new value of `variable` (the assignment's output).
  """
  one_minus_decay = tf.cast(tf.convert_to_tensor(1.0 - decay),
                            variable.dtype.base_dtype)
  new_biased = tf1.assign_sub(biased, (biased - value) * one_minus_decay)
  new_step = tf1.assign_add(local_step, 1.)
  bias_factor = 1 - tf.pow(1.0 - one_minus_decay, new_step)
  return tf1.assign(variable, new_biased / bias_factor)


class VectorQuantizerEMA(_QuantizerBase):
  """Quantizes vectors to a codebook kept as a moving average of its inputs.

  The constructor makes `embedding` (the codebook, random normal),
  `ema_cluster_size` `[num_embeddings]` (zeros) and `ema_dw` (the summed
  inputs, starting at the codebook's initial value), all trainable resource
  variables, as in Sonnet 1.36; nothing else should train them.

  In training, each code moves towards the mean of the inputs assigned to
  it: the cluster sizes and summed inputs are zero-debiased exponential
  moving averages with `decay` (see `_zero_debiased_update`: the first
  training connection adds their `biased` and `local_step` variables), and
  the code is their (Laplace-smoothed) ratio. The loss is only the
  commitment term. The outputs use the codes as they were before the
  update; in graph mode the update runs when the loss is evaluated, in
  eager mode at once.

  >>> vq = snt.nets.VectorQuantizerEMA(embedding_dim=4, num_embeddings=8,
  ...                                  commitment_cost=0.25, decay=0.99)
  >>> out = vq(tf.ones([3, 4]), is_training=True)
  >>> out["encodings"].shape.as_list()
  [3, 8]
  """

  def __init__(self, embedding_dim: int, num_embeddings: int,
               commitment_cost: float, decay: float, epsilon: float = 1e-5,
               name: str = "VectorQuantizerEMA"):
    """Configures the quantizer and makes its variables.

    Args:
      embedding_dim: the size of each input vector and code.
      num_embeddings: the number of codes.
      commitment_cost: the weight of the commitment loss.
      decay: the moving averages' decay.
      epsilon: the smoothing added to cluster sizes, so that unused codes
        do not divide by zero.
      name: the module's name.
    """
    super().__init__(embedding_dim, num_embeddings, commitment_cost, name)
    self._decay = decay
    self._epsilon = epsilon
    shape = [embedding_dim, num_embeddings]
    initial = _SharedInitialValue(tf1.random_normal_initializer())
    with self._enter_variable_scope():
      self._w = tf1.get_variable("embedding", shape, initializer=initial,
                                 use_resource=True)
      self._ema_cluster_size = tf1.get_variable(
          "ema_cluster_size", [num_embeddings],
          initializer=tf1.constant_initializer(0), use_resource=True)
      self._ema_w = tf1.get_variable("ema_dw", shape, initializer=initial,
                                     use_resource=True)

  def _build(self, inputs, is_training):
    """Quantizes `inputs`, updating the codebook when training.

    Args:
      inputs: a float32 tensor whose last dimension is `embedding_dim`.
      is_training: a Python bool (as in Sonnet 1.36) or a boolean scalar
        tensor; the codebook is updated only when it is true.

    Returns:
      The same dict as `VectorQuantizer`.
    """
    # Read the codebook only once the inputs exist: in a recurrent network
    # the previous step's update must come first.
    with tf.control_dependencies([inputs]):
      codebook = self._w.read_value()
    flat_inputs, encodings, indices = _assign(self, inputs, codebook)
    quantized = self.quantize(indices)
    e_latent_loss = tf.reduce_mean((tf.stop_gradient(quantized) - inputs)**2)
    if isinstance(is_training, bool) and not is_training:
      loss = self._commitment_cost * e_latent_loss
    else:
      debiasing = [
          _debiasing_variables(v) for v in (self._ema_cluster_size, self._ema_w)
      ]

      def update():
        return self._updated_codebook(flat_inputs, encodings, e_latent_loss,
                                      debiasing)

      if isinstance(is_training, bool):
        new_codebook = update()
      else:
        new_codebook = tf.cond(is_training, update, self._w.read_value)
      with tf.control_dependencies([new_codebook]):
        loss = self._commitment_cost * e_latent_loss
    return _outputs(inputs, quantized, loss, encodings, indices)

  def _updated_codebook(self, flat_inputs, encodings, e_latent_loss, debiasing):
    """Moves the averages, then assigns the codebook; returns its value."""
    cluster_size = _zero_debiased_update(self._ema_cluster_size,
                                         tf.reduce_sum(encodings, 0),
                                         self._decay, *debiasing[0])
    ema_w = _zero_debiased_update(
        self._ema_w, tf.matmul(flat_inputs, encodings, transpose_a=True),
        self._decay, *debiasing[1])
    total = tf.reduce_sum(cluster_size)
    smoothed = ((cluster_size + self._epsilon) /
                (total + self._num_embeddings * self._epsilon) * total)
    with tf.control_dependencies([e_latent_loss]):
      return tf1.assign(self._w, ema_w / tf.reshape(smoothed, [1, -1]))


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
