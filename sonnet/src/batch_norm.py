"""`BatchNorm`: batch normalization with moving statistics (Sonnet 1)."""

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors
from sonnet.src import moving_stats
from sonnet.src import variable_options

tf1 = tf.compat.v1


class BatchNorm(base.AbstractModule, variable_options.VariableOptions):
  """Normalizes inputs by batch statistics; keeps their moving averages.

  Over the reduction `axis` (by default every dimension but the last), the
  output is `(x - mean) / sqrt(variance + eps) * gamma + beta`. In training
  the batch statistics are used and the moving averages `moving_mean` and
  `moving_variance` move towards them by a factor `1 - decay_rate`; in test
  mode either the batch statistics (`test_local_stats=True`) or the moving
  averages are used, and nothing is updated.

  Variables, each of the input's shape with size 1 over `axis` (e.g.
  `[1, C]` for `[N, C]` inputs): `beta` (trainable, with `offset`), `gamma`
  (trainable, with `scale`), `moving_mean` and `moving_variance` (not
  trainable; in the `GLOBAL_VARIABLES` and `MOVING_AVERAGE_VARIABLES`
  collections).

  Updates of the moving averages: in graph mode they go to the
  `update_ops_collection` (run them with the train op, e.g.
  `tf.control_dependencies(tf.compat.v1.get_collection(
  tf.compat.v1.GraphKeys.UPDATE_OPS))`), or, if it is None, become control
  dependencies of the output. In eager mode and inside `tf.function` there
  are no collections: the updates are always applied in place.

  >>> bn = snt.BatchNorm()
  >>> y = bn(tf.constant([[1.], [3.]]), is_training=True)
  >>> [round(float(v), 2) for v in tf.reshape(y, [-1])]
  [-1.0, 1.0]
  >>> round(float(tf.reshape(bn.moving_mean, [])), 6)  # 0.999*0 + 0.001*2
  0.002
  """

  GAMMA = "gamma"
  BETA = "beta"
  MOVING_MEAN = "moving_mean"
  MOVING_VARIANCE = "moving_variance"
  POSSIBLE_INITIALIZER_KEYS = {GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE}

  def __init__(self, axis=None, offset=True, scale=False, decay_rate=0.999,
               eps=1e-3, initializers=None, partitioners=None,
               regularizers=None, update_ops_collection="update_ops",
               fused=False, name="batch_norm"):
    """Configures the module.

    Args:
      axis: the dimensions to compute statistics over (a list of ints);
        None means every dimension but the last (e.g. batch, height and
        width of NHWC images).
      offset: whether to add a learned offset `beta`.
      scale: whether to multiply by a learned scale `gamma`.
      decay_rate: the decay of the moving averages (in [0, 1]).
      eps: added to the variance before its square root, for stability.
      initializers: optional dict keyed by "gamma", "beta", "moving_mean",
        "moving_variance"; defaults are ones, zeros, zeros and ones.
      partitioners: optional dict with the same keys.
      regularizers: optional dict with the same keys (callables from a
        tensor to a scalar loss).
      update_ops_collection: the graph collection that receives the update
        ops of the moving averages (default `tf.compat.v1.GraphKeys.
        UPDATE_OPS`); None applies them in place, as control dependencies
        of the output. Ignored in eager mode and inside `tf.function`,
        where the updates are always in place.
      fused: use `tf.compat.v1.nn.fused_batch_norm`. Needs the default
        `axis`. Its outputs equal the unfused ones; the moving variance
        tracks the same (biased) batch variance in both.
      name: the module's name.

    Raises:
      KeyError: if a dict has an unknown key.
      TypeError: if a dict value is not callable.
      ValueError: if `decay_rate` is not in [0, 1], `eps` is not positive,
        `axis` has repeated entries, or `fused` is used with an `axis`.
    """
    super().__init__(name=name)
    moving_stats.check_decay_and_eps(decay_rate, eps)
    if axis is not None:
      axis = list(axis)
      if len(set(axis)) != len(axis):
        raise ValueError("axis must not repeat a dimension, got %r." % axis)
      if fused:
        raise ValueError(
            "fused=True supports only the default axis (every dimension but "
            "the last); got axis=%r. Use fused=False." % (axis,))
    self._axis = axis
    self._offset = offset
    self._scale = scale
    self._decay_rate = decay_rate
    self._eps = eps
    self._update_ops_collection = update_ops_collection
    self._fused = fused
    keys = self.POSSIBLE_INITIALIZER_KEYS
    self._set_variable_options(initializers, partitioners, regularizers,
                               keys)
    self._moving_mean = None
    self._moving_variance = None
    self._beta = None
    self._gamma = None

  def _reduction_axes(self, rank):
    """The validated reduction axes (non-negative, sorted)."""
    if self._axis is None:
      return list(range(rank - 1))
    axes = []
    for a in self._axis:
      if not -rank <= a < rank:
        raise errors.IncompatibleShapeError(
            "%s: axis %d is out of range for inputs of rank %d."
            % (self.scope_name, a, rank))
      axes.append(a % rank)
    if len(set(axes)) != len(axes):
      raise errors.IncompatibleShapeError(
          "%s: axis %r names a dimension twice for inputs of rank %d."
          % (self.scope_name, self._axis, rank))
    return sorted(axes)

  def _build(self, input_batch, is_training, test_local_stats=True):
    """Normalizes `input_batch`.

    Args:
      input_batch: a float tensor of known rank; the dimensions outside
        `axis` must be known and the same on every connection.
      is_training: a Python bool or a boolean tensor. When True, batch
        statistics normalize the input and the moving averages are updated.
      test_local_stats: when not training, whether to normalize by the
        batch statistics (True) or the moving averages (False).

    Returns:
      A tensor of the input's shape and dtype.

    Raises:
      IncompatibleShapeError: if the rank is unknown or below 2 with the
        default axis, `axis` does not fit the rank, or the statistics shape
        differs from the first connection's.
      UnderspecifiedError: if a dimension outside `axis` is unknown.
      NotSupportedError: if the input dtype is not floating point.
      TypeError: if `is_training` is not a bool or a boolean tensor.
    """
    input_batch = tf.convert_to_tensor(input_batch)
    shape = input_batch.get_shape()
    if shape.rank is None:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have a known rank." % self.scope_name)
    rank = shape.rank
    if self._axis is None and rank < 2:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have rank >= 2 ([batch_size, ..., channels]) "
          "with the default axis, got shape %s." % (self.scope_name, shape))
    axes = self._reduction_axes(rank)
    dims = shape.as_list()
    stats_shape = [1 if i in axes else d for i, d in enumerate(dims)]
    if any(d is None for d in stats_shape):
      raise errors.UnderspecifiedError(
          "%s: the dimensions outside axis %s must be known, got shape %s."
          % (self.scope_name, axes, shape))
    if (self._moving_mean is not None and
        stats_shape != self._moving_mean.get_shape().as_list()):
      raise errors.IncompatibleShapeError(
          "%s: inputs give statistics of shape %s, but the first connection "
          "gave %s." % (self.scope_name, stats_shape,
                        self._moving_mean.get_shape().as_list()))
    moving_stats.check_float(input_batch, self.scope_name)
    is_training = moving_stats.check_flag(is_training, self.scope_name)
    test_local_stats = moving_stats.check_flag(
        test_local_stats, self.scope_name, "test_local_stats")
    dtype = input_batch.dtype

    self._create_variables(stats_shape, dtype)
    use_batch_stats = (
        True if test_local_stats is True else
        is_training if test_local_stats is False else
        tf.logical_or(test_local_stats, is_training))
    if self._fused:
      out, mean, variance = self._fused_normalize(input_batch, use_batch_stats)
    else:
      out, mean, variance = self._normalize(input_batch, axes,
                                            use_batch_stats)
    return moving_stats.update(
        out, [self._moving_mean, self._moving_variance], [mean, variance],
        self._decay_rate, is_training, self._update_ops_collection)

  def _variable(self, name, shape, dtype, default):
    return tf1.get_variable(
        name, shape=shape, dtype=dtype,
        initializer=self._initializers.get(name, default),
        partitioner=self._partitioners.get(name),
        regularizer=self._regularizers.get(name))

  def _create_variables(self, stats_shape, dtype):
    self._moving_mean = moving_stats.get_moving_variable(
        self.MOVING_MEAN, stats_shape, dtype,
        self._initializers.get(self.MOVING_MEAN, tf1.zeros_initializer()),
        self._partitioners.get(self.MOVING_MEAN))
    self._moving_variance = moving_stats.get_moving_variable(
        self.MOVING_VARIANCE, stats_shape, dtype,
        self._initializers.get(self.MOVING_VARIANCE, tf1.ones_initializer()),
        self._partitioners.get(self.MOVING_VARIANCE))
    if self._offset:
      self._beta = self._variable(self.BETA, stats_shape, dtype,
                                  tf1.zeros_initializer())
    if self._scale:
      self._gamma = self._variable(self.GAMMA, stats_shape, dtype,
                                   tf1.ones_initializer())

  def _affine(self):
    beta = moving_stats.read(self._beta) if self._offset else None
    gamma = moving_stats.read(self._gamma) if self._scale else None
    return beta, gamma

  def _normalize(self, x, axes, use_batch_stats):
    """Unfused path: returns (output, batch mean, batch variance)."""
    beta, gamma = self._affine()
    mean, variance = tf.nn.moments(x, axes=axes, keepdims=True)
    moving_mean = moving_stats.read(self._moving_mean)
    moving_variance = moving_stats.read(self._moving_variance)
    norm_mean, norm_variance = moving_stats.smart_cond(
        use_batch_stats, lambda: (mean, variance),
        lambda: (moving_mean, moving_variance))
    out = tf.nn.batch_normalization(x, norm_mean, norm_variance, beta, gamma,
                                    self._eps)
    return out, mean, variance

  def _fused_normalize(self, x, use_batch_stats):
    """Fused path: returns (output, batch mean, batch variance)."""
    channels = x.get_shape().as_list()[-1]
    beta, gamma = self._affine()
    dtype = x.dtype
    if beta is None:
      beta = tf.zeros([channels], dtype)
    if gamma is None:
      gamma = tf.ones([channels], dtype)
    return fused_batch_norm(
        x, tf.reshape(gamma, [channels]), tf.reshape(beta, [channels]),
        tf.reshape(moving_stats.read(self._moving_mean), [channels]),
        tf.reshape(moving_stats.read(self._moving_variance), [channels]),
        self._eps, use_batch_stats, stats_shape=self._moving_mean.get_shape())

  @property
  def moving_mean(self):
    """The moving average of the batch means.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._moving_mean

  @property
  def moving_variance(self):
    """The moving average of the batch variances.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._moving_variance

  @property
  def beta(self):
    """The learned offset.

    Raises:
      NotConnectedError: before the first connection.
      AttributeError: if the module was built with `offset=False`.
    """
    self._ensure_is_connected()
    if not self._offset:
      raise AttributeError(
          "%s has no beta: it was built with offset=False." % self.scope_name)
    return self._beta

  @property
  def gamma(self):
    """The learned scale.

    Raises:
      NotConnectedError: before the first connection.
      AttributeError: if the module was built with `scale=False`.
    """
    self._ensure_is_connected()
    if not self._scale:
      raise AttributeError(
          "%s has no gamma: it was built with scale=False." % self.scope_name)
    return self._gamma


def fused_batch_norm(x, gamma, beta, mean, variance, eps, use_batch_stats,
                     stats_shape, channels_first=False):
  """Runs `fused_batch_norm` on inputs of any rank >= 2.

  The input is reshaped to 4-D so that the fused kernel reduces over every
  dimension but the channels. Its batch variance is Bessel-corrected; it is
  turned back into the biased variance the unfused path reports.

  Args:
    x: the input, channels last (or second with `channels_first`).
    gamma: scale, shape `[C]`.
    beta: offset, shape `[C]`.
    mean: moving mean, shape `[C]`.
    variance: moving variance, shape `[C]`.
    eps: variance epsilon.
    use_batch_stats: Python bool or boolean tensor.
    stats_shape: the shape to give the returned batch statistics.
    channels_first: whether the channels are dimension 1.

  Returns:
    (output, batch mean, batch variance).
  """
  dims = x.get_shape().as_list()
  channels = dims[1] if channels_first else dims[-1]
  if channels_first:
    x4 = tf.reshape(x, [tf.shape(x)[0], channels, 1, -1])
    data_format = "NCHW"
  else:
    x4 = tf.reshape(x, [-1, 1, 1, channels])
    data_format = "NHWC"
  compute_dtype = tf.float32 if x.dtype in (tf.float16, tf.bfloat16) else (
      x.dtype)
  gamma, beta, mean, variance = [tf.cast(t, compute_dtype)
                                 for t in (gamma, beta, mean, variance)]

  def with_batch_stats():
    out, batch_mean, batch_var = tf1.nn.fused_batch_norm(
        x4, gamma, beta, epsilon=eps, data_format=data_format,
        is_training=True)
    n = tf.cast(tf.size(x4) // channels, compute_dtype)
    batch_var *= (n - 1.) / tf.maximum(n, 1.)
    return out, batch_mean, batch_var

  def with_moving_stats():
    out, _, _ = tf1.nn.fused_batch_norm(
        x4, gamma, beta, mean=mean, variance=variance, epsilon=eps,
        data_format=data_format, is_training=False)
    return out, mean, variance

  out, batch_mean, batch_var = moving_stats.smart_cond(
      use_batch_stats, with_batch_stats, with_moving_stats)
  out = tf.reshape(out, tf.shape(x))
  out.set_shape(x.get_shape())
  batch_mean = tf.cast(tf.reshape(batch_mean, stats_shape), x.dtype)
  batch_var = tf.cast(tf.reshape(batch_var, stats_shape), x.dtype)
  return out, batch_mean, batch_var
