"""`BatchNormV2`: batch normalization over all but the channel dimension."""

import tensorflow as tf

from sonnet.src import base
from sonnet.src import batch_norm
from sonnet.src import errors
from sonnet.src import moving_stats
from sonnet.src import variable_options

tf1 = tf.compat.v1

# Data formats by rank: channels last, then channels first.
_CHANNELS_LAST = {2: "NC", 3: "NWC", 4: "NHWC", 5: "NDHWC"}
_CHANNELS_FIRST = {3: "NCW", 4: "NCHW", 5: "NCDHW"}
SUPPORTED_DATA_FORMATS = frozenset(
    list(_CHANNELS_LAST.values()) + list(_CHANNELS_FIRST.values()))


class BatchNormV2(base.AbstractModule, variable_options.VariableOptions):
  """Batch normalization with per-channel statistics, fused by default.

  Statistics are computed over every dimension but the channel one, which
  `data_format` names (by default the last). Unlike `BatchNorm`, all four
  variables are vectors of shape `[C]` and always exist: `gamma` is not
  trainable when `scale=False` (it stays at its initial value, 1), nor is
  `beta` when `offset=False`. `moving_mean` and `moving_variance` are not
  trainable and are in the `MOVING_AVERAGE_VARIABLES` collection.

  The moving averages are updated in place (as control dependencies of the
  output) by default; give `update_ops_collection` to collect the update
  ops instead (graph mode only: eager mode and `tf.function` always update
  in place).

  >>> bn = snt.BatchNormV2(data_format="NCHW")
  >>> bn(tf.ones([2, 3, 4, 4]), is_training=True).shape.as_list()
  [2, 3, 4, 4]
  >>> bn.moving_mean.shape.as_list()
  [3]
  """

  GAMMA = "gamma"
  BETA = "beta"
  MOVING_MEAN = "moving_mean"
  MOVING_VARIANCE = "moving_variance"
  POSSIBLE_INITIALIZER_KEYS = {GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE}

  def __init__(self, data_format=None, offset=True, scale=False,
               decay_rate=0.999, eps=1e-3, initializers=None,
               partitioners=None, regularizers=None,
               update_ops_collection=None, fused=True, name="batch_norm"):
    """Configures the module.

    Args:
      data_format: one of "NC", "NWC", "NCW", "NHWC", "NCHW", "NDHWC",
        "NCDHW"; None infers a channels-last format from the input rank.
      offset: whether `beta` is trainable (otherwise it stays 0).
      scale: whether `gamma` is trainable (otherwise it stays 1).
      decay_rate: the decay of the moving averages (in [0, 1]).
      eps: added to the variance before its square root.
      initializers: optional dict keyed by "gamma", "beta", "moving_mean",
        "moving_variance"; defaults are ones, zeros, zeros and ones.
      partitioners: optional dict with the same keys.
      regularizers: optional dict with the same keys.
      update_ops_collection: None (the default) applies the moving-average
        updates in place; a collection name (e.g. `tf.compat.v1.GraphKeys.
        UPDATE_OPS`) collects them instead, in graph mode.
      fused: use `tf.compat.v1.nn.fused_batch_norm` (inputs of any rank are
        reshaped to 4-D for it).
      name: the module's name.

    Raises:
      KeyError: if a dict has an unknown key.
      TypeError: if a dict value is not callable.
      ValueError: if `data_format` is unknown, `decay_rate` is not in
        [0, 1] or `eps` is not positive.
    """
    super().__init__(name=name)
    if data_format is not None and data_format not in SUPPORTED_DATA_FORMATS:
      raise ValueError("data_format must be None or one of %s, got %r."
                       % (sorted(SUPPORTED_DATA_FORMATS), data_format))
    moving_stats.check_decay_and_eps(decay_rate, eps)
    self._data_format = data_format
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

  def _infer_data_format(self, shape):
    rank = shape.rank
    if self._data_format is None:
      if rank not in _CHANNELS_LAST:
        raise errors.IncompatibleShapeError(
            "%s: inputs must have rank 2 to 5, got shape %s."
            % (self.scope_name, shape))
      return _CHANNELS_LAST[rank]
    if rank != len(self._data_format):
      raise errors.IncompatibleShapeError(
          "%s: data_format %r needs inputs of rank %d, got shape %s."
          % (self.scope_name, self._data_format, len(self._data_format),
             shape))
    return self._data_format

  def _build(self, input_batch, is_training, test_local_stats=False):
    """Normalizes `input_batch`.

    Args:
      input_batch: a float tensor whose rank matches `data_format` (2 to 5
        when it is None) and whose channel dimension is known.
      is_training: a Python bool or a boolean tensor. When True, batch
        statistics normalize the input and the moving averages are updated.
      test_local_stats: when not training, whether to normalize by the
        batch statistics (True) or the moving averages (False).

    Returns:
      A tensor of the input's shape and dtype.

    Raises:
      IncompatibleShapeError: if the rank does not fit `data_format`, or
        the channel count differs from the first connection's.
      UnderspecifiedError: if the channel dimension is unknown.
      NotSupportedError: if the input dtype is not floating point.
      TypeError: if `is_training` is not a bool or a boolean tensor.
    """
    input_batch = tf.convert_to_tensor(input_batch)
    shape = input_batch.get_shape()
    if shape.rank is None:
      raise errors.IncompatibleShapeError(
          "%s: inputs must have a known rank." % self.scope_name)
    data_format = self._infer_data_format(shape)
    channels_first = data_format.startswith("NC") and len(data_format) > 2
    channel_axis = 1 if channels_first else shape.rank - 1
    channels = shape.as_list()[channel_axis]
    if channels is None:
      raise errors.UnderspecifiedError(
          "%s: the channel dimension (%d for data_format %r) must be known, "
          "got shape %s." % (self.scope_name, channel_axis, data_format,
                             shape))
    if (self._moving_mean is not None and
        [channels] != self._moving_mean.get_shape().as_list()):
      raise errors.IncompatibleShapeError(
          "%s: inputs have %d channels, but the first connection had %s."
          % (self.scope_name, channels,
             self._moving_mean.get_shape().as_list()[0]))
    moving_stats.check_float(input_batch, self.scope_name)
    is_training = moving_stats.check_flag(is_training, self.scope_name)
    test_local_stats = moving_stats.check_flag(
        test_local_stats, self.scope_name, "test_local_stats")
    dtype = input_batch.dtype
    self._create_variables(channels, dtype)

    use_batch_stats = (
        True if test_local_stats is True else
        is_training if test_local_stats is False else
        tf.logical_or(test_local_stats, is_training))
    gamma = moving_stats.read(self._gamma)
    beta = moving_stats.read(self._beta)
    moving_mean = moving_stats.read(self._moving_mean)
    moving_variance = moving_stats.read(self._moving_variance)
    if self._fused:
      out, mean, variance = batch_norm.fused_batch_norm(
          input_batch, gamma, beta, moving_mean, moving_variance, self._eps,
          use_batch_stats, stats_shape=[channels],
          channels_first=channels_first)
    else:
      axes = [i for i in range(shape.rank) if i != channel_axis]
      mean, variance = tf.nn.moments(input_batch, axes=axes)
      norm_mean, norm_variance = moving_stats.smart_cond(
          use_batch_stats, lambda: (mean, variance),
          lambda: (moving_mean, moving_variance))
      bshape = [1] * shape.rank
      bshape[channel_axis] = channels
      out = tf.nn.batch_normalization(
          input_batch, tf.reshape(norm_mean, bshape),
          tf.reshape(norm_variance, bshape), tf.reshape(beta, bshape),
          tf.reshape(gamma, bshape), self._eps)
    return moving_stats.update(
        out, [self._moving_mean, self._moving_variance], [mean, variance],
        self._decay_rate, is_training, self._update_ops_collection)

  def _create_variables(self, channels, dtype):
    shape = [channels]
    self._moving_mean = moving_stats.get_moving_variable(
        self.MOVING_MEAN, shape, dtype,
        self._initializers.get(self.MOVING_MEAN, tf1.zeros_initializer()),
        self._partitioners.get(self.MOVING_MEAN))
    self._moving_variance = moving_stats.get_moving_variable(
        self.MOVING_VARIANCE, shape, dtype,
        self._initializers.get(self.MOVING_VARIANCE, tf1.ones_initializer()),
        self._partitioners.get(self.MOVING_VARIANCE))
    self._beta = tf1.get_variable(
        self.BETA, shape=shape, dtype=dtype,
        initializer=self._initializers.get(self.BETA,
                                           tf1.zeros_initializer()),
        partitioner=self._partitioners.get(self.BETA),
        regularizer=self._regularizers.get(self.BETA),
        trainable=self._offset)
    self._gamma = tf1.get_variable(
        self.GAMMA, shape=shape, dtype=dtype,
        initializer=self._initializers.get(self.GAMMA,
                                           tf1.ones_initializer()),
        partitioner=self._partitioners.get(self.GAMMA),
        regularizer=self._regularizers.get(self.GAMMA),
        trainable=self._scale)

  @property
  def data_format(self):
    """The data format given at construction (None: inferred)."""
    return self._data_format

  @property
  def moving_mean(self):
    """The moving average of the batch means, shape `[C]`.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._moving_mean

  @property
  def moving_variance(self):
    """The moving average of the batch variances, shape `[C]`.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._moving_variance

  @property
  def beta(self):
    """The offset, shape `[C]` (not trainable with `offset=False`).

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._beta

  @property
  def gamma(self):
    """The scale, shape `[C]` (not trainable with `scale=False`).

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._gamma

