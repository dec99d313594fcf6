"""`BatchNorm`: batch normalization with moving statistics (Sonnet 1)."""

import functools
from typing import Any, Mapping, Optional, Sequence

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src.core import errors
from sonnet.src import moving_stats


class BatchNorm(base.AbstractModule, moving_stats.BatchNormBase):
  """Normalizes inputs by batch statistics; keeps their moving averages.

  Over the reduction `axis` (by default every dimension but the last), the
  output is `(x - mean) / sqrt(variance + eps) * gamma + beta`. In training
  the batch statistics are used and the moving averages `moving_mean` and
  `moving_variance` move towards them by a factor `1 - decay_rate`; in test
  mode either the batch statistics (`test_local_stats=True`) or the moving
  averages are used, and nothing is updated.

  Variables, each of the input's shape with size 1 over `axis` (e.g.
  `[1, C]` for `[N, C]` inputs): `moving_mean` and `moving_variance` (not
  trainable; in the `GLOBAL_VARIABLES` and `MOVING_AVERAGE_VARIABLES`
  collections; float32 for 16-bit inputs), `beta` (with `offset`) and
  `gamma` (with `scale`). With `fused=True`, `beta` and `gamma` always
  exist, trainable only with `offset` / `scale`.

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

  def __init__(self, axis: Optional[Sequence[int]] = None, offset: bool = True,
               scale: bool = False, decay_rate: float = 0.999,
               eps: float = 1e-3, initializers: Optional[Mapping[str,
                                                                 Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               update_ops_collection: str = "update_ops", fused: bool = False,
               name: str = "batch_norm"):
    """Configures the module.

    Args:
      axis: the dimensions to compute statistics over (non-negative ints);
        None means every dimension but the last (e.g. batch, height and
        width of NHWC images).
      offset: whether to add a learned offset `beta`.
      scale: whether to multiply by a learned scale `gamma`.
      decay_rate: the decay of the moving averages.
      eps: added to the variance before its square root, for stability.
      initializers: optional dict keyed by "gamma", "beta", "moving_mean",
        "moving_variance"; defaults are ones, zeros, zeros and ones.
      partitioners: optional dict keyed by "gamma", "beta".
      regularizers: optional dict keyed by "gamma", "beta" (callables from
        a tensor to a scalar loss).
      update_ops_collection: the graph collection that receives the update
        ops of the moving averages (default `tf.compat.v1.GraphKeys.
        UPDATE_OPS`); None applies them in place, as control dependencies
        of the output. Ignored in eager mode and inside `tf.function`,
        where the updates are always in place.
      fused: use `tf.compat.v1.nn.fused_batch_norm`: 4-D float16/float32
        inputs, reduced over `(0, 1, 2)` (NHWC) or `(0, 2, 3)` (NCHW). The
        moving variance then tracks the kernel's Bessel-corrected batch
        variance.
      name: the module's name.

    Raises:
      KeyError: if a dict has an unknown key.
      TypeError: if a dict value is not callable.
    """
    super().__init__(name=name)
    # A plain attribute: a tracked list wrapper would show in error messages.
    object.__setattr__(self, "_axis", axis)
    self._configure(offset, scale, decay_rate, eps, initializers, partitioners,
                    regularizers, update_ops_collection, fused)
    self._mean_shape = None

  def _reduction_axis(self, input_shape):
    """The dimensions to reduce over, checked against the input's rank."""
    rank = len(input_shape)
    if self._axis is None:
      return tuple(range(rank - 1))
    if len(self._axis) > rank:
      raise errors.IncompatibleShapeError(
          "Too many indices specified in axis: len({}) > len({}).".format(
              self._axis, input_shape))
    if max(self._axis) >= rank:
      raise errors.IncompatibleShapeError(
          "One or more index in axis is too large for input shape: "
          "{} >= {:d}.".format(self._axis, rank))
    if min(self._axis) < 0:
      raise errors.IncompatibleShapeError(
          "Indices in axis must be non-negative: {} < 0.".format(self._axis))
    return self._axis

  def _build(self, input_batch, is_training, test_local_stats=True):
    """Normalizes `input_batch`.

    Args:
      input_batch: a float tensor of known rank; the dimensions outside
        `axis` must be known.
      is_training: a Python bool (or 0/1) or a boolean tensor. When True,
        batch statistics normalize the input and the moving averages are
        updated.
      test_local_stats: when not training, whether to normalize by the
        batch statistics (True) or the moving averages (False).

    Returns:
      A tensor of the input's shape and dtype.

    Raises:
      IncompatibleShapeError: if `axis` does not fit the input's rank.
      NotImplementedError: if `fused` and the input is not 4-D.
      ValueError: if the rank is unknown, `fused` is used with an `axis`
        other than NHWC's or NCHW's, or the statistics' shape or dtype
        differs from the first connection's.
      NotSupportedError: if `fused` and the input is bfloat16.
      TypeError: if the input is not floating point (float16 or float32
        with `fused`), or `is_training` is not a bool or boolean tensor.
    """
    input_batch = tf.convert_to_tensor(input_batch)
    axis = self._reduction_axis(input_batch.get_shape())
    return self._normalize(
        input_batch, axis, is_training, test_local_stats,
        functools.partial(self._build_statistics, input_batch, axis))

  def _build_statistics(self, input_batch, axis, use_batch_stats, stat_dtype):
    """Creates the moving averages; returns the statistics to normalize by.

    Args:
      input_batch: the input tensor.
      axis: the dimensions to reduce over.
      use_batch_stats: Python bool or boolean tensor: batch statistics
        (True) or the moving averages (False).
      stat_dtype: the dtype of the moving averages.

    Returns:
      (mean, variance) of `self._mean_shape`, in the input's dtype.
    """
    return self._moving_statistics(input_batch, axis, self._mean_shape,
                                   use_batch_stats, stat_dtype)

  def _statistics_shape(self, input_batch, axis):
    self._mean_shape = [
        1 if i in axis else d
        for i, d in enumerate(input_batch.get_shape().as_list())]
    return self._mean_shape

  def _check_fusable_input(self, input_batch):
    self._infer_fused_data_format(input_batch)

  def _broadcastable(self, value):
    return moving_stats.maybe_value(value)

  def _as_statistic(self, value):
    return value

  def _fusable_batch(self, input_batch):
    return input_batch, self._infer_fused_data_format(input_batch)

  def _infer_fused_data_format(self, input_batch):
    """The fused kernel's data format for this input and `axis`.

    Args:
      input_batch: the input tensor.

    Returns:
      "NHWC" for `axis` (0, 1, 2) (the default), "NCHW" for (0, 2, 3).

    Raises:
      NotImplementedError: if the input is not 4-D.
      ValueError: for any other `axis`.
    """
    rank = len(input_batch.get_shape().as_list())
    if rank != 4:
      raise NotImplementedError(
          "fused batch norm supports only input with 4 dimensions, it "
          "received input of dimensionality {:d}".format(rank))
    axis = tuple(range(rank - 1) if self._axis is None else self._axis)
    if axis == (0, 1, 2):
      return "NHWC"
    if axis == (0, 2, 3):
      return "NCHW"
    raise ValueError(
        "Invalid axis option {}. This does not correspond to either the NHWC "
        "format (0, 1, 2) or the NCHW (0, 2, 3).".format(axis))

  moving_mean = connected_property.connected_property(
      "_moving_mean", """The moving average of the batch means (a variable).

      Raises:
        NotConnectedError: before the first connection.
      """)

  moving_variance = connected_property.connected_property(
      "_moving_variance",
      """The moving average of the batch variances (a variable).

      Raises:
        NotConnectedError: before the first connection.
      """)

  @property
  def beta(self):
    """The offset variable.

    Raises:
      NotConnectedError: before the first connection.
      Error: if the module has no offset.
    """
    return self._affine_property(self.BETA)

  @property
  def gamma(self):
    """The scale variable.

    Raises:
      NotConnectedError: before the first connection.
      Error: if the module has no scale.
    """
    return self._affine_property(self.GAMMA)
