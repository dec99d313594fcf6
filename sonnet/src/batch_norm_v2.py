"""`BatchNormV2`: batch normalization over all but the channel dimension."""

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import errors
from sonnet.src import moving_stats


# The data format inferred from the input's rank when none is given.
_CHANNELS_LAST = {2: "NC", 3: "NWC", 4: "NHWC", 5: "NDHWC"}
SUPPORTED_DATA_FORMATS = frozenset(
    list(_CHANNELS_LAST.values()) + ["NCW", "NCHW", "NCDHW"])


class BatchNormV2(base.AbstractModule, moving_stats.BatchNormVariables):
  """Batch normalization with per-channel statistics, fused by default.

  Statistics are computed over every dimension but the channel one, which
  `data_format` names (by default the last; the format inferred on the
  first connection is kept for later ones). The variables are vectors of
  shape `[C]`: `moving_mean` and `moving_variance` (not trainable, in the
  `MOVING_AVERAGE_VARIABLES` collection, float32 for 16-bit inputs), `beta`
  (with `offset`) and `gamma` (with `scale`). With `fused=True` (the
  default) `beta` and `gamma` always exist, trainable only with `offset` /
  `scale`. The properties return them reshaped to broadcast against the
  input (e.g. `[1, C, 1, 1]` for NCHW).

  The moving averages are updated in place (as control dependencies of the
  output) by default; give `update_ops_collection` to collect the update
  ops instead (graph mode only: eager mode and `tf.function` always update
  in place).

  >>> bn = snt.BatchNormV2(data_format="NCHW")
  >>> bn(tf.ones([2, 3, 4, 4]), is_training=True).shape.as_list()
  [2, 3, 4, 4]
  >>> bn.moving_mean.shape.as_list()
  [1, 3, 1, 1]
  """

  SUPPORTED_DATA_FORMATS = SUPPORTED_DATA_FORMATS

  def __init__(self, data_format=None, offset=True, scale=False,
               decay_rate=0.999, eps=1e-3, initializers=None,
               partitioners=None, regularizers=None,
               update_ops_collection=None, fused=True, name="batch_norm"):
    """Configures the module.

    Args:
      data_format: one of "NC", "NWC", "NCW", "NHWC", "NCHW", "NDHWC",
        "NCDHW"; None infers a channels-last format from the input rank.
      offset: whether to add a learned offset `beta`.
      scale: whether to multiply by a learned scale `gamma`.
      decay_rate: the decay of the moving averages.
      eps: added to the variance before its square root.
      initializers: optional dict keyed by "gamma", "beta", "moving_mean",
        "moving_variance"; defaults are ones, zeros, zeros and ones.
      partitioners: optional dict keyed by "gamma", "beta".
      regularizers: optional dict keyed by "gamma", "beta".
      update_ops_collection: None (the default) applies the moving-average
        updates in place; a collection name (e.g. `tf.compat.v1.GraphKeys.
        UPDATE_OPS`) collects them instead, in graph mode.
      fused: use `tf.compat.v1.nn.fused_batch_norm` (float16 and float32
        inputs of any supported rank, reshaped to 4-D for it). The moving
        variance then tracks the kernel's Bessel-corrected batch variance.
      name: the module's name.

    Raises:
      ValueError: if `data_format` is unknown.
      KeyError: if a dict has an unknown key.
      TypeError: if a dict value is not callable.
    """
    super().__init__(name=name)
    if data_format is not None and data_format not in SUPPORTED_DATA_FORMATS:
      raise ValueError("Invalid data_format: %r" % (data_format,))
    self._data_format = data_format
    self._offset = offset
    self._scale = scale
    self._decay_rate = decay_rate
    self._eps = eps
    self._update_ops_collection = update_ops_collection
    self._fused = fused
    self._set_batch_norm_options(initializers, partitioners, regularizers)
    self._moving_mean = None
    self._moving_variance = None
    self._beta = None
    self._gamma = None

  def _build(self, input_batch, is_training, test_local_stats=False):
    """Normalizes `input_batch`.

    Args:
      input_batch: a float tensor whose rank matches `data_format` (2 to 5
        when it is None) and whose channel dimension is known.
      is_training: a Python bool (or 0/1) or a boolean tensor. When True,
        batch statistics normalize the input and the moving averages are
        updated.
      test_local_stats: when not training, whether to normalize by the
        batch statistics (True) or the moving averages (False).

    Returns:
      A tensor of the input's shape and dtype.

    Raises:
      IncompatibleShapeError: if the rank does not fit `data_format` (or
        is not 2 to 5 without one).
      ValueError: if the rank is unknown, or the channel count or dtype
        differs from the first connection's.
      NotSupportedError: if `fused` and the input is bfloat16.
      TypeError: if the channel dimension is unknown, the input is not
        floating point (float16 or float32 with `fused`), or `is_training`
        is not a bool or boolean tensor.
    """
    input_batch = tf.convert_to_tensor(input_batch)
    input_shape = input_batch.get_shape()
    rank = len(input_shape.as_list())
    if not self._data_format:
      if rank not in _CHANNELS_LAST:
        raise errors.IncompatibleShapeError(
            "Input shape {} has too many or too few dimensions.".format(
                input_shape))
      self._data_format = _CHANNELS_LAST[rank]
    self._channel_index = self._data_format.index("C")
    self._axis = [i for i in range(len(self._data_format))
                  if i != self._channel_index]
    if len(self._data_format) != rank:
      raise errors.IncompatibleShapeError(
          "Incorrect data format {} for input shape {}.".format(
              self._data_format, input_shape))
    moving_stats.check_float(input_batch, self.scope_name)
    dtype = input_batch.dtype.base_dtype
    if self._fused:
      moving_stats.check_fusable(dtype, self.scope_name)
    is_training = moving_stats.check_flag(is_training, self.scope_name)
    test_local_stats = moving_stats.check_flag(
        test_local_stats, self.scope_name, "test_local_stats")
    stat_dtype = moving_stats.stat_dtype(dtype)
    self._num_channels = int(input_shape.as_list()[self._channel_index])
    spatial = (slice(2, rank) if self._channel_index == 1 else
               slice(1, rank - 1))
    if input_shape[spatial].is_fully_defined():
      self._image_shape = input_shape[spatial].as_list()
    else:
      self._image_shape = tf.shape(input_batch)[spatial]
    self._expanded_mean_shape = [
        self._num_channels if i == self._channel_index else 1
        for i in range(rank)]

    use_batch_stats = moving_stats.either(is_training, test_local_stats)
    mean, variance = self._build_statistics(input_batch, use_batch_stats,
                                            stat_dtype)
    self._build_scale_offset(dtype)
    out, mean, variance = self._batch_norm_op(input_batch, mean, variance,
                                              use_batch_stats, stat_dtype)
    update_ops = self._build_update_ops(mean, variance, is_training)
    return moving_stats.apply_updates(out, update_ops,
                                      self._update_ops_collection)

  def _build_statistics(self, input_batch, use_batch_stats, stat_dtype):
    """Creates the moving averages; returns the statistics to normalize by.

    Args:
      input_batch: the input tensor.
      use_batch_stats: Python bool or boolean tensor: batch statistics
        (True) or the moving averages (False).
      stat_dtype: the dtype of the moving averages.

    Returns:
      (mean, variance) in the input's dtype: the batch's (of the input's
      rank, size 1 but over channels) or the moving averages (`[C]`).
    """
    shape = (self._num_channels,)
    self._moving_mean = self._moving_variable(
        self.MOVING_MEAN, shape, stat_dtype)
    self._moving_variance = self._moving_variable(
        self.MOVING_VARIANCE, shape, stat_dtype)
    input_dtype = input_batch.dtype.base_dtype

    def batch_stats():
      return tf.nn.moments(input_batch, self._axis, keepdims=True,
                           name="normalize_moments")

    def moving_averages():
      return (moving_stats.value_as(self._moving_mean, input_dtype),
              moving_stats.value_as(self._moving_variance, input_dtype))

    return moving_stats.smart_cond(use_batch_stats, batch_stats,
                                   moving_averages)

  def _build_update_ops(self, mean, variance, is_training):
    """Builds the moving-average updates towards `mean` and `variance`.

    Args:
      mean: the batch mean (C elements) in the moving averages' dtype.
      variance: the batch variance, likewise.
      is_training: Python bool or boolean tensor.

    Returns:
      (update_mean_op, update_variance_op), or None when `is_training` is
      False.
    """
    if is_training is False:
      return None
    shape = (self._num_channels,)

    def update():
      return (moving_stats.assign_moving_average(
          self._moving_mean, tf.reshape(mean, shape), self._decay_rate,
          "update_moving_mean"),
              moving_stats.assign_moving_average(
                  self._moving_variance, tf.reshape(variance, shape),
                  self._decay_rate, "update_moving_variance"))

    return moving_stats.smart_cond(is_training, update,
                                   moving_stats.no_update)

  def _fusable_batch(self, input_batch):
    """The input as a 4-D batch for the fused kernel, and its format."""
    if len(self._data_format) == 4:
      return input_batch, self._data_format
    if isinstance(self._image_shape, tf.Tensor):
      size = tf.reduce_prod(self._image_shape)
    else:
      size = int(np.prod(self._image_shape))
    if self._channel_index == 1 and len(self._data_format) > 2:
      return tf.reshape(input_batch, [-1, self._num_channels, 1, size]), (
          "NCHW")
    return tf.reshape(input_batch, [-1, 1, size, self._num_channels]), (
        "NHWC")

  def _fused_batch_norm_op(self, input_batch, mean, variance,
                           use_batch_stats):
    """Normalizes with the fused kernel.

    Args:
      input_batch: the input.
      mean: the moving mean (used when not `use_batch_stats`).
      variance: the moving variance, likewise.
      use_batch_stats: Python bool or boolean tensor.

    Returns:
      (output, mean, variance): the statistics the kernel returns (with
      batch statistics, the Bessel-corrected variance), of `mean`'s shape.
    """
    fusable, data_format = self._fusable_batch(input_batch)
    out, batch_mean, batch_variance = moving_stats.fused_batch_norm(
        fusable, self._gamma, self._beta, mean, variance, self._eps,
        data_format, use_batch_stats)
    if fusable is not input_batch:
      out = tf.reshape(out, tf.shape(input_batch))
    return (out, tf.reshape(batch_mean, mean.get_shape()),
            tf.reshape(batch_variance, variance.get_shape()))

  def _batch_norm_op(self, input_batch, mean, variance, use_batch_stats,
                     stat_dtype):
    """Normalizes `input_batch`, fused or not.

    Args:
      input_batch: the input tensor.
      mean: the mean to normalize by, in the input's dtype (ignored when
        fused: the kernel computes or reads the statistics itself).
      variance: the variance to normalize by, likewise.
      use_batch_stats: Python bool or boolean tensor.
      stat_dtype: the dtype of the moving averages.

    Returns:
      (output, mean, variance), the statistics in `stat_dtype`.
    """
    if self._fused:
      return self._fused_batch_norm_op(
          input_batch, self._moving_mean, self._moving_variance,
          use_batch_stats)
    expand = self._expand
    out = tf.nn.batch_normalization(
        input_batch, expand(mean), expand(variance), expand(self._beta),
        expand(self._gamma), self._eps, name="batch_norm")
    return out, tf.cast(mean, stat_dtype), tf.cast(variance, stat_dtype)

  def _expand(self, value):
    """`value` reshaped to broadcast against the input (None stays None)."""
    if value is None:
      return None
    return tf.reshape(value, self._expanded_mean_shape)

  def _build_scale_offset(self, dtype):
    """Creates `beta` and `gamma` as configured (both when fused).

    Args:
      dtype: the input's dtype (float32 is used for float16 when fused).
    """
    if self._fused and dtype == tf.float16:
      dtype = tf.float32
    shape = (self._num_channels,)
    beta = self._affine_variable(
        self.BETA, shape, dtype, self._offset) if (
            self._offset or self._fused) else None
    gamma = self._affine_variable(
        self.GAMMA, shape, dtype, self._scale) if (
            self._scale or self._fused) else None
    self._beta, self._gamma = beta, gamma

  @property
  def data_format(self):
    """The data format: as given, or as inferred on the first connection."""
    return self._data_format

  @property
  def moving_mean(self):
    """The moving mean, shaped to broadcast against the input.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._expand(self._moving_mean)

  @property
  def moving_variance(self):
    """The moving variance, shaped to broadcast against the input.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._expand(self._moving_variance)

  @property
  def beta(self):
    """The offset, shaped to broadcast against the input.

    Raises:
      NotConnectedError: before the first connection.
      Error: if the module has no offset.
    """
    return self._expand(self._affine_property(self.BETA))

  @property
  def gamma(self):
    """The scale, shaped to broadcast against the input.

    Raises:
      NotConnectedError: before the first connection.
      Error: if the module has no scale.
    """
    return self._expand(self._affine_property(self.GAMMA))
