"""What `BatchNorm` and `BatchNormV2` share.

Their four variables and the options dicts for them, the training flags (a
Python bool, 0 / 1, or a boolean tensor), the fused kernel, the moving
averages' update ops, and the choice between putting those ops in a graph
collection or making the output depend on them.
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


class BatchNormVariables(variable_options.PublicVariableOptions):
  """Mixin: the four variables of the batch norm modules and their options.

  Initializers may be given for all four variables; partitioners and
  regularizers only for the learned `gamma` and `beta`. As in Sonnet 1, the
  default initializer of each variable created joins the `initializers`
  dict.
  """

  GAMMA = "gamma"
  BETA = "beta"
  MOVING_MEAN = "moving_mean"
  MOVING_VARIANCE = "moving_variance"
  POSSIBLE_INITIALIZER_KEYS = {GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE}
  POSSIBLE_PARTITIONER_KEYS = {GAMMA, BETA}
  POSSIBLE_REGULARIZER_KEYS = {GAMMA, BETA}

  def _set_batch_norm_options(self, initializers, partitioners,
                              regularizers):
    """Checks and keeps the three dicts (see `snt.check_initializers`).

    Args:
      initializers: None or a dict keyed by the four variable names.
      partitioners: None or a dict keyed by "gamma" and "beta".
      regularizers: None or a dict keyed by "gamma" and "beta".

    Raises:
      KeyError: for a key not allowed in its dict.
      TypeError: for a value that is not callable.
    """
    self._set_variable_options(
        initializers, partitioners, regularizers,
        self.POSSIBLE_INITIALIZER_KEYS,
        partitioner_keys=self.POSSIBLE_PARTITIONER_KEYS,
        regularizer_keys=self.POSSIBLE_REGULARIZER_KEYS)

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
      `GLOBAL_VARIABLES` collections.

    Raises:
      ValueError: if an earlier connection made it with another shape or
        dtype.
    """
    self._check_shared(name, shape, dtype)
    return self._get_variable(name, shape, dtype, _DEFAULT_INITIALIZERS[name],
                              trainable=False,
                              collections=list(MOVING_COLLECTIONS))

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
          "dtype %s." % (full_name, tf.as_dtype(dtype).name,
                         variable.dtype.name))

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
      raise errors.Error("Batch normalization doesn't have %s, so no %s"
                         % (_AFFINE_ROLES[name], name))
    return variable


_AFFINE_ROLES = {BatchNormVariables.GAMMA: "a scale",
                 BatchNormVariables.BETA: "an offset"}
# Made once: initializers are immutable, and cost time to make.
_DEFAULT_INITIALIZERS = {
    BatchNormVariables.GAMMA: create_gamma_initializer(),
    BatchNormVariables.BETA: create_beta_initializer(),
    BatchNormVariables.MOVING_MEAN: create_mean_initializer(),
    BatchNormVariables.MOVING_VARIANCE: create_variance_initializer()}


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
  raise TypeError(
      "%s: %s must be a Python bool or a boolean tensor, got %r."
      % (scope_name, arg_name, flag))


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
    raise TypeError(
        "%s: inputs must have a floating point dtype, got %s."
        % (scope_name, inputs.dtype.name))


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
    return tf1.nn.fused_batch_norm(
        x, scale, offset, epsilon=eps, data_format=data_format,
        is_training=True, name="batch_norm")

  def with_given_stats():
    return tf1.nn.fused_batch_norm(
        x, scale, offset, mean=mean, variance=variance, epsilon=eps,
        data_format=data_format, is_training=False, name="batch_norm")

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
