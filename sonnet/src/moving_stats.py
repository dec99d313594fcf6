"""What `BatchNorm` and `BatchNormV2` share.

Their configuration, four variables and the options dicts for them, the
normalization itself (batch statistics or moving averages, fused kernel or
not), the training flags (a Python bool, 0 / 1, or a boolean tensor), the
moving averages' update ops, and the choice between putting those ops in a
graph collection or making the output depend on them.

Under a `tf.distribute` strategy with several replicas, a connection in a
replica context normalizes by the statistics of the global batch (sums and
counts all-reduced over the replicas) and the moving averages are
`ON_READ` variables with `MEAN` aggregation, updated identically on every
replica (see docs/scaling.md, "BatchNorm under a strategy").
"""

import numpy as np
import tensorflow as tf

from sonnet.src.core import errors
from sonnet.src import variable_options

tf1 = tf.compat.v1

MOVING_COLLECTIONS = (tf1.GraphKeys.MOVING_AVERAGE_VARIABLES,
                      tf1.GraphKeys.GLOBAL_VARIABLES)


def create_beta_initializer():
  """The default initializer of `beta`: zeros."""
  return tf1.zeros_initializer()


def create_gamma_initializer():
  """The default initializer of `gamma`: ones."""
  return tf1.ones_initializer()


def create_mean_initializer():
  """The default initializer of `moving_mean`: zeros."""
  return tf1.zeros_initializer()


def create_variance_initializer():
  """The default initializer of `moving_variance`: ones."""
  return tf1.ones_initializer()


class BatchNormBase(variable_options.PublicVariableOptions):
  """Mixin: the configuration, variables and normalization of batch norms.

  Initializers may be given for all four variables; partitioners and
  regularizers only for the learned `gamma` and `beta`. As in Sonnet 1, the
  default initializer of each variable created joins the `initializers`
  dict.

  A subclass (also an `snt.AbstractModule`) calls `_configure` and, in
  `_build`, `_normalize` with its `_build_statistics` (whose arguments
  differ between the two, as in Sonnet 1, where subclasses override it); it
  provides the shape of the variables (`_statistics_shape`), and how they
  broadcast against the input (`_broadcastable`, `_as_statistic`,
  `_fusable_batch`).

  `cross_replica_statistics` (True by default): whether connections in a
  replica context of a strategy with several replicas normalize by the
  statistics of the global batch. Set it to False on an instance (before
  its first connection) or on the class for per-replica statistics.
  """

  cross_replica_statistics = True

  GAMMA = "gamma"
  BETA = "beta"
  MOVING_MEAN = "moving_mean"
  MOVING_VARIANCE = "moving_variance"
  POSSIBLE_INITIALIZER_KEYS = {GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE}
  POSSIBLE_PARTITIONER_KEYS = {GAMMA, BETA}
  POSSIBLE_REGULARIZER_KEYS = {GAMMA, BETA}

  def _configure(self, offset, scale, decay_rate, eps, initializers,
                 partitioners, regularizers, update_ops_collection, fused):
    """Keeps the configuration that both modules take.

    Args:
      offset: whether to add a learned offset `beta`.
      scale: whether to multiply by a learned scale `gamma`.
      decay_rate: the decay of the moving averages.
      eps: added to the variance before its square root.
      initializers: None or a dict keyed by the four variable names.
      partitioners: None or a dict keyed by "gamma" and "beta".
      regularizers: None or a dict keyed by "gamma" and "beta".
      update_ops_collection: the collection for the update ops, or None.
      fused: whether to use the fused kernel.

    Raises:
      KeyError: for a key not allowed in its dict.
      TypeError: for a value that is not callable.
    """
    self._offset = offset
    self._scale = scale
    self._decay_rate = decay_rate
    self._eps = eps
    self._update_ops_collection = update_ops_collection
    self._fused = fused
    self._set_variable_options(initializers, partitioners, regularizers,
                               self.POSSIBLE_INITIALIZER_KEYS,
                               partitioner_keys=self.POSSIBLE_PARTITIONER_KEYS,
                               regularizer_keys=self.POSSIBLE_REGULARIZER_KEYS)
    self._moving_mean = None
    self._moving_variance = None
    self._beta = None
    self._gamma = None

  def _normalize(self, input_batch, axis, is_training, test_local_stats,
                 build_statistics):
    """Checks the input and flags, then normalizes and updates.

    Args:
      input_batch: the input tensor, whose layout the subclass has checked.
      axis: the dimensions to reduce over.
      is_training: as given to `_build`.
      test_local_stats: as given to `_build`.
      build_statistics: called with `(use_batch_stats, stat_dtype)`, makes
        the moving averages and returns `(mean, variance)` to normalize by.

    Returns:
      The normalized tensor, with the updates (if any) applied or
      collected.

    Raises:
      TypeError: if the input is not floating point (float16 or float32
        when fused), or a flag is not a bool or boolean tensor.
      NotSupportedError: if fused and the input is bfloat16.
    """
    check_float(input_batch, self.scope_name)
    dtype = input_batch.dtype.base_dtype
    if self._fused:
      check_fusable(dtype, self.scope_name)
      self._check_fusable_input(input_batch)
    is_training = check_flag(is_training, self.scope_name)
    test_local_stats = check_flag(test_local_stats, self.scope_name,
                                  "test_local_stats")
    moving_dtype = stat_dtype(dtype)
    shape = self._statistics_shape(input_batch, axis)

    use_batch_stats = either(is_training, test_local_stats)
    replicas = replicas_to_sync() if self.cross_replica_statistics else None
    if replicas is None:
      mean, variance = build_statistics(use_batch_stats, moving_dtype)
      self._build_scale_offset(dtype, shape)
      out, mean, variance = self._batch_norm_op(input_batch, mean, variance,
                                                use_batch_stats, moving_dtype)
    else:
      out, mean, variance = self._cross_replica_batch_norm(
          input_batch, axis, shape, use_batch_stats, moving_dtype, replicas)
    update_ops = self._build_update_ops(mean, variance, is_training)
    return apply_updates(out, update_ops, self._update_ops_collection)

  def _check_fusable_input(self, input_batch):
    """Raises if the fused kernel cannot take `input_batch`'s layout."""

  def _statistics_shape(self, input_batch, axis):
    """The shape of the four variables for this input; may keep shapes."""
    raise NotImplementedError

  def _broadcastable(self, value):
    """A statistic or variable as the unfused op takes it (None stays)."""
    raise NotImplementedError

  def _as_statistic(self, value):
    """A batch statistic in the shape of the moving averages."""
    raise NotImplementedError

  def _fusable_batch(self, input_batch):
    """The input as the fused kernel takes it, and its data format."""
    raise NotImplementedError

  def _moving_statistics(self, input_batch, axis, shape, use_batch_stats,
                         moving_dtype):
    """Creates the moving averages; returns the statistics to normalize by.

    Args:
      input_batch: the input tensor.
      axis: the dimensions to reduce over.
      shape: the shape of the moving averages.
      use_batch_stats: Python bool or boolean tensor: batch statistics
        (True) or the moving averages (False).
      moving_dtype: the dtype of the moving averages.

    Returns:
      (mean, variance) in the input's dtype: the batch's (keeping the
      reduced dimensions) or the moving averages.
    """
    self._create_moving_averages(shape, moving_dtype)

    def batch_stats():
      return tf.nn.moments(input_batch, axis, keepdims=True,
                           name="normalize_moments")

    return smart_cond(use_batch_stats, batch_stats,
                      self._moving_values(input_batch.dtype.base_dtype))

  def _create_moving_averages(self, shape, moving_dtype):
    """Creates (or shares) `moving_mean` and `moving_variance`."""
    self._moving_mean = self._moving_variable(self.MOVING_MEAN, shape,
                                              moving_dtype)
    self._moving_variance = self._moving_variable(self.MOVING_VARIANCE, shape,
                                                  moving_dtype)

  def _moving_values(self, dtype):
    """A function returning the two moving averages' values in `dtype`."""
    return lambda: (value_as(self._moving_mean, dtype),
                    value_as(self._moving_variance, dtype))

  def _cross_replica_batch_norm(self, input_batch, axis, shape, use_batch_stats,
                                moving_dtype, replicas):
    """Normalizes by the global batch's statistics (or the moving averages).

    The batch statistics are all-reduced over the replicas (outside any
    `tf.cond`, which cross-replica calls may not enter); the normalization
    is the unfused op even when `fused`, whose moving variance still tracks
    the Bessel-corrected variance of the global batch.

    Args:
      input_batch: this replica's part of the batch.
      axis: the dimensions to reduce over.
      shape: the shape of the variables.
      use_batch_stats: Python bool or boolean tensor.
      moving_dtype: the dtype of the moving averages.
      replicas: the replica context to all-reduce in.

    Returns:
      (output, mean, variance), the statistics in `moving_dtype` for the
      updates.
    """
    dtype = input_batch.dtype.base_dtype
    self._create_moving_averages(shape, moving_dtype)
    self._build_scale_offset(dtype, shape)
    batch_mean, batch_variance, count = cross_replica_moments(
        input_batch, axis, replicas)
    mean, variance = smart_cond(use_batch_stats, lambda:
                                (batch_mean, batch_variance),
                                self._moving_values(dtype))
    broadcastable = self._broadcastable
    beta, gamma = [
        None if v is None else tf.cast(maybe_value(v), dtype)
        for v in (self._beta, self._gamma)]
    out = tf.nn.batch_normalization(input_batch, broadcastable(mean),
                                    broadcastable(variance),
                                    broadcastable(beta), broadcastable(gamma),
                                    self._eps, name="batch_norm")
    variance = tf.cast(variance, moving_dtype)
    if self._fused:
      variance *= count / (count - 1.)
    return out, tf.cast(mean, moving_dtype), variance

  def _build_scale_offset(self, dtype, shape):
    """Creates `beta` and `gamma` as configured (both when fused).

    Args:
      dtype: the input's dtype (float32 is used for float16 when fused).
      shape: their shape.
    """
    if self._fused and dtype == tf.float16:
      dtype = tf.float32
    beta = self._affine_variable(self.BETA, shape, dtype, self._offset) if (
        self._offset or self._fused) else None
    gamma = self._affine_variable(self.GAMMA, shape, dtype, self._scale) if (
        self._scale or self._fused) else None
    self._beta, self._gamma = beta, gamma

  def _batch_norm_op(self, input_batch, mean, variance, use_batch_stats,
                     moving_dtype):
    """Normalizes `input_batch`, fused or not.

    Args:
      input_batch: the input tensor.
      mean: the mean to normalize by, in the input's dtype (ignored when
        fused: the kernel computes or reads the statistics itself).
      variance: the variance to normalize by, likewise.
      use_batch_stats: Python bool or boolean tensor.
      moving_dtype: the dtype of the moving averages.

    Returns:
      (output, mean, variance), the statistics in `moving_dtype`.
    """
    if self._fused:
      return self._fused_batch_norm_op(input_batch, use_batch_stats)
    broadcastable = self._broadcastable
    out = tf.nn.batch_normalization(input_batch, broadcastable(mean),
                                    broadcastable(variance),
                                    broadcastable(self._beta),
                                    broadcastable(self._gamma), self._eps,
                                    name="batch_norm")
    return out, tf.cast(mean, moving_dtype), tf.cast(variance, moving_dtype)

  def _fused_batch_norm_op(self, input_batch, use_batch_stats):
    """Normalizes with the fused kernel.

    Args:
      input_batch: the input.
      use_batch_stats: Python bool or boolean tensor (else the moving
        averages are used).

    Returns:
      (output, mean, variance): the statistics the kernel returns (with
      batch statistics, the Bessel-corrected variance), in the shape of the
      moving averages.
    """
    mean, variance = self._moving_mean, self._moving_variance
    fusable, data_format = self._fusable_batch(input_batch)
    out, batch_mean, batch_variance = fused_batch_norm(fusable, self._gamma,
                                                       self._beta, mean,
                                                       variance, self._eps,
                                                       data_format,
                                                       use_batch_stats)
    if fusable is not input_batch:
      out = tf.reshape(out, tf.shape(input_batch))
    return (out, tf.reshape(batch_mean, mean.get_shape()),
            tf.reshape(batch_variance, variance.get_shape()))

  def _build_update_ops(self, mean, variance, is_training):
    """Builds the moving-average updates towards `mean` and `variance`.

    Args:
      mean: the batch mean in the moving averages' dtype.
      variance: the batch variance, likewise.
      is_training: Python bool or boolean tensor.

    Returns:
      (update_mean_op, update_variance_op), or None when `is_training` is
      False.
    """
    if is_training is False:
      return None

    def update():
      return (assign_moving_average(self._moving_mean, self._as_statistic(mean),
                                    self._decay_rate, "update_moving_mean"),
              assign_moving_average(self._moving_variance,
                                    self._as_statistic(variance),
                                    self._decay_rate, "update_moving_variance"))

    return smart_cond(is_training, update, no_update)

  def _affine_variable(self, name, shape, dtype, trainable):
    """Creates (or shares) `gamma` or `beta` with its options.

    Args:
      name: "gamma" or "beta".
      shape: its shape.
      dtype: its dtype.
      trainable: whether it is trainable.

    Returns:
      The variable (or partitioned variable).

    Raises:
      ValueError: if an earlier connection made it with another shape or
        dtype.
    """
    self._check_shared(name, shape, dtype)
    return self._get_variable(name, shape, dtype, _DEFAULT_INITIALIZERS[name],
                              trainable=trainable)

  def _moving_variable(self, name, shape, dtype):
    """Creates (or shares) a non-trainable moving-statistic variable.

    Args:
      name: "moving_mean" or "moving_variance".
      shape: its shape.
      dtype: its dtype.

    Returns:
      The variable, in the `MOVING_AVERAGE_VARIABLES` and
      `GLOBAL_VARIABLES` collections (`ON_READ` with `MEAN` aggregation
      under a strategy with several replicas).

    Raises:
      ValueError: if an earlier connection made it with another shape or
        dtype.
    """
    self._check_shared(name, shape, dtype)
    return self._get_variable(name, shape, dtype, _DEFAULT_INITIALIZERS[name],
                              trainable=False,
                              collections=list(MOVING_COLLECTIONS),
                              **replica_variable_options())

  def _check_shared(self, name, shape, dtype):
    """Checks a later connection's request against the variable it shares.

    Graph mode's `get_variable` refuses another shape or dtype itself;
    later eager connections answer `get_variable` from a record, so the
    check is made here for every mode alike, in TensorFlow's words.

    Args:
      name: the variable's name; the module keeps it as `_<name>`.
      shape: the shape asked for.
      dtype: the dtype asked for.

    Raises:
      ValueError: if the shapes are incompatible or the dtypes differ.
    """
    variable = getattr(self, "_" + name)
    if not self.is_connected or variable is None:
      return
    full_name = variable.name.split(":")[0]
    found = variable.get_shape()
    if not tf.TensorShape(shape).is_compatible_with(found):
      raise ValueError(
          "Trying to share variable %s, but specified shape %s and found "
          "shape %s." % (full_name, tf.TensorShape(shape), found))
    if tf.as_dtype(dtype) != variable.dtype.base_dtype:
      raise ValueError(
          "Trying to share variable %s, but specified dtype %s and found "
          "dtype %s." %
          (full_name, tf.as_dtype(dtype).name, variable.dtype.name))

  def _affine_property(self, name):
    """`gamma` or `beta`, for their properties.

    Args:
      name: "gamma" or "beta".

    Returns:
      The variable.

    Raises:
      NotConnectedError: before the first connection.
      Error: if the module has no such variable.
    """
    self._ensure_is_connected()
    variable = self._gamma if name == self.GAMMA else self._beta
    if variable is None:
      raise errors.Error("Batch normalization doesn't have %s, so no %s" %
                         (_AFFINE_ROLES[name], name))
    return variable


_AFFINE_ROLES = {
    BatchNormBase.GAMMA: "a scale", BatchNormBase.BETA: "an offset"}
# Made once: initializers are immutable, and cost time to make.
_DEFAULT_INITIALIZERS = {
    BatchNormBase.GAMMA: create_gamma_initializer(),
    BatchNormBase.BETA: create_beta_initializer(),
    BatchNormBase.MOVING_MEAN: create_mean_initializer(),
    BatchNormBase.MOVING_VARIANCE: create_variance_initializer()}


def replicas_to_sync():
  """The replica context to share batch statistics in, or None.

  Returns:
    The current replica context when a `tf.distribute` strategy with
    several replicas is active and ops are built in a replica context (e.g.
    inside `strategy.run`); None otherwise (no strategy, one replica, or
    cross-replica context).
  """
  if not tf.distribute.has_strategy():
    return None
  context = tf.distribute.get_replica_context()
  if context is None or context.num_replicas_in_sync < 2:
    return None
  return context


def replica_variable_options():
  """`get_variable` arguments for the moving averages under a strategy.

  With several replicas, each replica updates its own copy (`ON_READ`) and
  reads outside a replica context (checkpoints included) see their mean:
  with synchronized statistics the copies stay identical.

  Returns:
    `synchronization` and `aggregation` with several replicas, else {}.
  """
  if (tf.distribute.has_strategy() and
      tf.distribute.get_strategy().num_replicas_in_sync > 1):
    return {
        "synchronization": tf.VariableSynchronization.ON_READ,
        "aggregation": tf.VariableAggregation.MEAN}
  return {}


def cross_replica_moments(inputs, axis, replicas):
  """Mean and variance over `axis` of the global batch, from one replica.

  Two all-reduces: the sums and counts give the mean; the squared
  differences from it give the (biased) variance, as `tf.nn.moments`
  computes them on one device. Gradients flow through both.

  Args:
    inputs: this replica's part of the batch.
    axis: the dimensions to reduce over.
    replicas: the replica context to all-reduce in.

  Returns:
    (mean, variance, count): mean and variance in the input's dtype with
    the reduced dimensions kept, and the global number of elements per
    statistic (a scalar in float32 or wider).

  >>> mean, variance, count = cross_replica_moments(  # One replica here.
  ...     tf.constant([[1.], [3.]]), [0], tf.distribute.get_replica_context())
  >>> float(mean[0, 0]), float(variance[0, 0]), float(count)
  (2.0, 1.0, 2.0)
  """
  dtype = inputs.dtype.base_dtype
  summed = tf.distribute.ReduceOp.SUM
  with tf.name_scope("cross_replica_moments"):
    x = tf.cast(inputs, stat_dtype(dtype))
    total = tf.reduce_sum(x, axis, keepdims=True)
    count = tf.cast(tf.size(x), x.dtype) / tf.cast(tf.size(total), x.dtype)
    total, count = replicas.all_reduce(summed, [total, count])
    mean = total / count
    squares = tf.reduce_sum(
        tf.math.squared_difference(x, tf.stop_gradient(mean)), axis,
        keepdims=True)
    variance = replicas.all_reduce(summed, squares) / count
  return tf.cast(mean, dtype), tf.cast(variance, dtype), count


def check_flag(flag, scope_name, arg_name="is_training"):
  """Checks a training flag: a Python bool (or 0/1) or a boolean tensor.

  Args:
    flag: the value to check.
    scope_name: the module's scope name, for error messages.
    arg_name: the argument's name, for error messages.

  Returns:
    `flag` as a Python bool, or as a boolean tensor when its value is not
    known statically.

  Raises:
    TypeError: if `flag` is neither a bool, 0, 1, nor a boolean tensor.
  """
  if isinstance(flag, (bool, np.bool_)):
    return bool(flag)
  if isinstance(flag, (int, np.integer)) and flag in (0, 1):
    return bool(flag)
  if isinstance(flag, (tf.Tensor, tf.Variable)) and flag.dtype == tf.bool:
    static = tf.get_static_value(flag)
    return bool(static) if static is not None else flag
  raise TypeError("%s: %s must be a Python bool or a boolean tensor, got %r." %
                  (scope_name, arg_name, flag))


def either(a, b):
  """`a or b` for two flags from `check_flag`, as a bool or a tensor."""
  if a is True or b is True:
    return True
  if a is False:
    return b
  if b is False:
    return a
  return tf.logical_or(a, b)


def smart_cond(pred, true_fn, false_fn):
  """Calls one function for a Python bool, or builds a `tf.cond`."""
  if isinstance(pred, bool):
    return true_fn() if pred else false_fn()
  return tf.cond(pred, true_fn, false_fn)


def in_graph_mode():
  """True when ops go into a user's `tf.Graph` (collections are meaningful)."""
  return not tf.executing_eagerly() and not tf.inside_function()


def value_as(variable, dtype):
  """The value of `variable` in `dtype` (a cast only when they differ)."""
  if variable.dtype.base_dtype == dtype:
    return tf.identity(variable)
  return tf.cast(variable, dtype)


def maybe_value(variable):
  """The value of a (possibly partitioned) variable, or None for None."""
  return None if variable is None else tf.convert_to_tensor(variable)


def check_float(inputs, scope_name):
  """Raises TypeError unless `inputs` has a floating point dtype."""
  if not inputs.dtype.is_floating:
    raise TypeError("%s: inputs must have a floating point dtype, got %s." %
                    (scope_name, inputs.dtype.name))


def check_fusable(dtype, scope_name):
  """Checks that the fused kernel takes inputs of `dtype`.

  Args:
    dtype: the input's dtype.
    scope_name: the module's scope name, for error messages.

  Raises:
    NotSupportedError: for bfloat16.
    TypeError: for any other dtype than float16 and float32.
  """
  if dtype == tf.bfloat16:
    raise errors.NotSupportedError(
        "Fused batch norm does not support tf.bfloat16.")
  if dtype not in (tf.float16, tf.float32):
    raise TypeError(
        "%s: fused batch norm takes float16 or float32 inputs, got %s; use "
        "fused=False." % (scope_name, dtype.name))


def fused_batch_norm(x, scale, offset, mean, variance, eps, data_format,
                     use_batch_stats):
  """`tf.compat.v1.nn.fused_batch_norm` with batch or given statistics.

  Args:
    x: a 4-D input.
    scale: gamma, of any shape with C elements.
    offset: beta, likewise.
    mean: the mean to use without batch statistics, likewise.
    variance: the variance to use without batch statistics, likewise.
    eps: the variance epsilon.
    data_format: "NHWC" or "NCHW".
    use_batch_stats: Python bool or boolean tensor.

  Returns:
    (output, mean, variance) as the kernel returns them: with batch
    statistics the batch mean and the Bessel-corrected batch variance,
    shape `[C]`.
  """
  scale, offset, mean, variance = [
      tf.reshape(t, [-1]) for t in (scale, offset, mean, variance)]

  def with_batch_stats():
    return tf1.nn.fused_batch_norm(x, scale, offset, epsilon=eps,
                                   data_format=data_format, is_training=True,
                                   name="batch_norm")

  def with_given_stats():
    return tf1.nn.fused_batch_norm(x, scale, offset, mean=mean,
                                   variance=variance, epsilon=eps,
                                   data_format=data_format, is_training=False,
                                   name="batch_norm")

  return smart_cond(use_batch_stats, with_batch_stats, with_given_stats)


def stat_dtype(dtype):
  """The dtype of the moving statistics: at least float32 precision."""
  return tf.float32 if dtype in (tf.float16, tf.bfloat16) else dtype


def assign_moving_average(variable, value, decay, name):
  """Moves `variable` towards `value`: `v -= (v - value) * (1 - decay)`.

  Args:
    variable: the moving-statistic variable.
    value: the new statistic, of the variable's shape and dtype.
    decay: the decay rate.
    name: the name of the assign op (its name scope for resource
      variables).

  Returns:
    The assign op in a graph; its result in eager mode.
  """
  with tf.name_scope(name) as scope:
    delta = (variable - value) * tf.cast(1. - decay, value.dtype)
    update = tf1.assign_sub(variable, delta, name=scope)
  return update if tf.executing_eagerly() else update.op


def no_update():
  """The update ops of the not-training branch of a `tf.cond`."""
  return tf.no_op(), tf.no_op()


def apply_updates(outputs, update_ops, collection):
  """Puts update ops in `collection`, or makes `outputs` depend on them.

  In graph mode with a (non-empty) `collection`, the ops are added to it and
  the user runs them. Otherwise (no collection, or inside `tf.function`,
  where collections do not exist) they become control dependencies of the
  returned outputs. In eager mode they have already run.

  Args:
    outputs: the module's output tensor.
    update_ops: the update ops, or None when there are none.
    collection: the graph collection's name, or None.

  Returns:
    `outputs`, possibly with the updates as control dependencies.
  """
  if not update_ops or tf.executing_eagerly():
    return outputs
  if collection and in_graph_mode():
    for op in update_ops:
      tf1.add_to_collection(collection, op)
    return outputs
  with tf.control_dependencies(update_ops):
    return tf.identity(outputs)
