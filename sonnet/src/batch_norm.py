"""`BatchNorm`: batch normalization with moving statistics (Sonnet 1)."""

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src.core import errors
from sonnet.src import moving_stats



class BatchNorm(base.AbstractModule, moving_stats.BatchNormVariables):
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

  def __init__(self, axis=None, offset=True, scale=False, decay_rate=0.999,
               eps=1e-3, initializers=None, partitioners=None,
               regularizers=None, update_ops_collection="update_ops",
               fused=False, name="batch_norm"):
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
    self._offset = offset
    self._scale = scale
    self._decay_rate = decay_rate
    self._eps = eps
    self._update_ops_collection = update_ops_collection
    self._fused = fused
    self._set_batch_norm_options(initializers, partitioners, regularizers)
    self._mean_shape = None
    self._moving_mean = None
    self._moving_variance = None
    self._beta = None
    self._gamma = None

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
    input_shape = input_batch.get_shape()
    axis = self._reduction_axis(input_shape)
    moving_stats.check_float(input_batch, self.scope_name)
    dtype = input_batch.dtype.base_dtype
    if self._fused:
      moving_stats.check_fusable(dtype, self.scope_name)
      self._infer_fused_data_format(input_batch)
    is_training = moving_stats.check_flag(is_training, self.scope_name)
    test_local_stats = moving_stats.check_flag(
        test_local_stats, self.scope_name, "test_local_stats")
    stat_dtype = moving_stats.stat_dtype(dtype)
    self._mean_shape = [1 if i in axis else d
                        for i, d in enumerate(input_shape.as_list())]

    use_batch_stats = moving_stats.either(is_training, test_local_stats)
    mean, variance = self._build_statistics(input_batch, axis,
                                            use_batch_stats, stat_dtype)
    self._build_scale_offset(dtype)
    out, mean, variance = self._batch_norm_op(input_batch, mean, variance,
                                              use_batch_stats, stat_dtype)
    update_ops = self._build_update_ops(mean, variance, is_training)
    return moving_stats.apply_updates(out, update_ops,
                                      self._update_ops_collection)

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
    self._moving_mean = self._moving_variable(
        self.MOVING_MEAN, self._mean_shape, stat_dtype)
    self._moving_variance = self._moving_variable(
        self.MOVING_VARIANCE, self._mean_shape, stat_dtype)
    input_dtype = input_batch.dtype.base_dtype

    def batch_stats():
      return tf.nn.moments(input_batch, axis, keepdims=True,
                           name="normalize_moments")

    def moving_averages():
      return (moving_stats.value_as(self._moving_mean, input_dtype),
              moving_stats.value_as(self._moving_variance, input_dtype))

    return moving_stats.smart_cond(use_batch_stats, batch_stats,
                                   moving_averages)

  def _build_update_ops(self, mean, variance, is_training):
    """Builds the moving-average updates towards `mean` and `variance`.

    Args:
      mean: the batch mean, of the moving mean's shape and dtype.
      variance: the batch variance, likewise.
      is_training: Python bool or boolean tensor.

    Returns:
      (update_mean_op, update_variance_op), or None when `is_training` is
      False.
    """
    if is_training is False:
      return None

    def update():
      return (moving_stats.assign_moving_average(
          self._moving_mean, mean, self._decay_rate, "update_moving_mean"),
              moving_stats.assign_moving_average(
                  self._moving_variance, variance, self._decay_rate,
                  "update_moving_variance"))

    return moving_stats.smart_cond(is_training, update,
                                   moving_stats.no_update)

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

  def _fused_batch_norm_op(self, input_batch, mean, variance,
                           use_batch_stats):
    """Normalizes with the fused kernel.

    Args:
      input_batch: the 4-D input.
      mean: the moving mean (used when not `use_batch_stats`).
      variance: the moving variance, likewise.
      use_batch_stats: Python bool or boolean tensor.

    Returns:
      (output, mean, variance): the statistics the kernel returns (with
      batch statistics, the Bessel-corrected variance), of `mean`'s shape.
    """
    out, batch_mean, batch_variance = moving_stats.fused_batch_norm(
        input_batch, self._gamma, self._beta, mean, variance, self._eps,
        self._infer_fused_data_format(input_batch), use_batch_stats)
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
    out = tf.nn.batch_normalization(
        input_batch, mean, variance, moving_stats.maybe_value(self._beta),
        moving_stats.maybe_value(self._gamma), self._eps, name="batch_norm")
    return out, tf.cast(mean, stat_dtype), tf.cast(variance, stat_dtype)

  def _build_scale_offset(self, dtype):
    """Creates `beta` and `gamma` as configured (both when fused).

    Args:
      dtype: the input's dtype (float32 is used for float16 when fused).
    """
    if self._fused and dtype == tf.float16:
      dtype = tf.float32
    beta = self._affine_variable(
        self.BETA, self._mean_shape, dtype, self._offset) if (
            self._offset or self._fused) else None
    gamma = self._affine_variable(
        self.GAMMA, self._mean_shape, dtype, self._scale) if (
            self._scale or self._fused) else None
    self._beta, self._gamma = beta, gamma

  moving_mean = connected_property.connected_property(
      "_moving_mean",
      """The moving average of the batch means (a variable).

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
