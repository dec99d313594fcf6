"""`BatchNormV2`: batch normalization over all but the channel dimension."""

import functools
from typing import Any, Mapping, Optional

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import errors
from sonnet.src import moving_stats

# The data format inferred from the input's rank when none is given.
_CHANNELS_LAST = {2: "NC", 3: "NWC", 4: "NHWC", 5: "NDHWC"}
SUPPORTED_DATA_FORMATS = frozenset(
    list(_CHANNELS_LAST.values()) + ["NCW", "NCHW", "NCDHW"])


class BatchNormV2(base.AbstractModule, moving_stats.BatchNormBase):
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

  def __init__(self, data_format: Optional[str] = None, offset: bool = True,
               scale: bool = False, decay_rate: float = 0.999,
               eps: float = 1e-3, initializers: Optional[Mapping[str,
                                                                 Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               update_ops_collection: Optional[str] = None, fused: bool = True,
               name: str = "batch_norm"):
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
    self._configure(offset, scale, decay_rate, eps, initializers, partitioners,
                    regularizers, update_ops_collection, fused)

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
    self._axis = [
        i for i in range(len(self._data_format)) if i != self._channel_index]
    if len(self._data_format) != rank:
      raise errors.IncompatibleShapeError(
          "Incorrect data format {} for input shape {}.".format(
              self._data_format, input_shape))
    return self._normalize(
        input_batch, self._axis, is_training, test_local_stats,
        functools.partial(self._build_statistics, input_batch))

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
    return self._moving_statistics(input_batch, self._axis,
                                   (self._num_channels,), use_batch_stats,
                                   stat_dtype)

  def _statistics_shape(self, input_batch, axis):
    input_shape = input_batch.get_shape()
    rank = len(input_shape.as_list())
    self._num_channels = int(input_shape.as_list()[self._channel_index])
    spatial = (slice(2, rank) if self._channel_index == 1 else slice(
        1, rank - 1))
    if input_shape[spatial].is_fully_defined():
      self._image_shape = input_shape[spatial].as_list()
    else:
      self._image_shape = tf.shape(input_batch)[spatial]
    self._expanded_mean_shape = [
        self._num_channels if i == self._channel_index else 1
        for i in range(rank)]
    return (self._num_channels,)

  def _as_statistic(self, value):
    return tf.reshape(value, (self._num_channels,))

  def _fusable_batch(self, input_batch):
    """The input as a 4-D batch for the fused kernel, and its format."""
    if len(self._data_format) == 4:
      return input_batch, self._data_format
    if isinstance(self._image_shape, tf.Tensor):
      size = tf.reduce_prod(self._image_shape)
    else:
      size = int(np.prod(self._image_shape))
    if self._channel_index == 1 and len(self._data_format) > 2:
      return tf.reshape(input_batch,
                        [-1, self._num_channels, 1, size]), ("NCHW")
    return tf.reshape(input_batch, [-1, 1, size, self._num_channels]), ("NHWC")

  def _broadcastable(self, value):
    """`value` reshaped to broadcast against the input (None stays None)."""
    if value is None:
      return None
    return tf.reshape(value, self._expanded_mean_shape)

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
    return self._broadcastable(self._moving_mean)

  @property
  def moving_variance(self):
    """The moving variance, shaped to broadcast against the input.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._broadcastable(self._moving_variance)

  @property
  def beta(self):
    """The offset, shaped to broadcast against the input.

    Raises:
      NotConnectedError: before the first connection.
      Error: if the module has no offset.
    """
    return self._broadcastable(self._affine_property(self.BETA))

  @property
  def gamma(self):
    """The scale, shaped to broadcast against the input.

    Raises:
      NotConnectedError: before the first connection.
      Error: if the module has no scale.
    """
    return self._broadcastable(self._affine_property(self.GAMMA))
