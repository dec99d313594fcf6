"""Moving statistics of normalization modules and their training flag.

`BatchNorm` and `BatchNormV2` share three things: a training flag that is a
Python bool or a boolean tensor, variables that track exponential moving
averages, and the choice between putting the updates of those averages in a
graph collection or applying them in place.
"""

import numpy as np
import tensorflow as tf

from sonnet.src import errors
from sonnet.src import tf_shim

tf1 = tf.compat.v1

MOVING_COLLECTIONS = (tf1.GraphKeys.GLOBAL_VARIABLES,
                      tf1.GraphKeys.MOVING_AVERAGE_VARIABLES)


def in_graph_mode():
  """True when ops go into a user's `tf.Graph` (collections are meaningful)."""
  return not tf.executing_eagerly() and not tf.inside_function()


def check_flag(flag, scope_name, arg_name="is_training"):
  """Checks a training flag: a Python bool or a scalar boolean tensor.

  Args:
    flag: the value to check.
    scope_name: the module's scope name, for error messages.
    arg_name: the argument's name, for error messages.

  Returns:
    `flag` as a Python bool, or as a boolean tensor when its value is not
    known statically.

  Raises:
    TypeError: if `flag` is neither a bool nor a boolean tensor.
  """
  if isinstance(flag, (bool, np.bool_)):
    return bool(flag)
  if isinstance(flag, (tf.Tensor, tf.Variable)) and flag.dtype == tf.bool:
    static = tf.get_static_value(flag)
    return bool(static) if static is not None else flag
  raise TypeError(
      "%s: %s must be a Python bool or a boolean tensor, got %r."
      % (scope_name, arg_name, flag))


def smart_cond(pred, true_fn, false_fn):
  """Calls one function for a Python bool, or builds a `tf.cond`."""
  if isinstance(pred, bool):
    return true_fn() if pred else false_fn()
  return tf.cond(pred, true_fn, false_fn)


def get_moving_variable(name, shape, dtype, initializer, partitioner):
  """Creates a non-trainable moving-statistic variable.

  The variable goes in the `GLOBAL_VARIABLES` and `MOVING_AVERAGE_VARIABLES`
  collections (in graph mode), as Sonnet 1's moving statistics did.

  Args:
    name: the variable's name.
    shape: its shape.
    dtype: its dtype.
    initializer: its initializer.
    partitioner: None or a partitioner.

  Returns:
    The variable (or a partitioned variable).
  """
  return tf1.get_variable(
      name, shape=shape, dtype=dtype, initializer=initializer,
      partitioner=partitioner, trainable=False,
      collections=list(MOVING_COLLECTIONS))


def _moving_average_update(variable, value, decay):
  """Returns the op(s) moving `variable` towards `value` by `1 - decay`."""
  if isinstance(variable, tf_shim.PartitionedVariable):
    shards = list(variable)
    full = variable.get_shape().as_list()
    axis = next((i for i in range(len(full))
                 if shards[0].get_shape().as_list()[i] != full[i]), 0)
    sizes = [s.get_shape().as_list()[axis] for s in shards]
    pieces = tf.split(value, sizes, axis=axis)
    return tf.concat([_moving_average_update(s, p, decay)
                      for s, p in zip(shards, pieces)], axis=axis)
  delta = (tf.convert_to_tensor(variable) - value) * (1. - decay)
  return tf1.assign_sub(variable, delta)


def read(variable):
  """The value of a (possibly partitioned) variable, as a tensor."""
  if isinstance(variable, tf_shim.PartitionedVariable):
    return variable.as_tensor()
  return tf.convert_to_tensor(variable)


def update(outputs, variables, values, decay, is_training, collection):
  """Moves each variable towards its value, when training.

  In graph mode with a `collection`, the update ops are added to that
  collection (the user runs them, e.g. via control dependencies on the
  train op) and `outputs` is returned as it is. Otherwise (no collection,
  eager mode, or inside `tf.function`, where collections do not exist) the
  updates are applied in place: eagerly at once, or as control
  dependencies of the returned outputs.

  Args:
    outputs: the module's output tensor.
    variables: the moving-statistic variables.
    values: the batch statistics, one per variable.
    decay: the decay rate of the moving averages.
    is_training: a Python bool or a boolean tensor; no update happens when
      it is False.
    collection: the graph collection for the update ops, or None.

  Returns:
    `outputs`, possibly with the updates as control dependencies.
  """
  if is_training is False:
    return outputs

  def do_update():
    return [_moving_average_update(v, x, decay)
            for v, x in zip(variables, values)]

  def keep():
    return [tf.identity(read(v)) for v in variables]

  ops = smart_cond(is_training, do_update, keep)
  if tf.executing_eagerly():
    return outputs
  if collection is not None and in_graph_mode():
    for op in ops:
      tf1.add_to_collection(collection, op)
    return outputs
  with tf.control_dependencies(ops):
    return tf.identity(outputs)


def check_decay_and_eps(decay_rate, eps):
  """Raises ValueError unless 0 <= decay_rate <= 1 and eps > 0."""
  if not 0. <= decay_rate <= 1.:
    raise ValueError("decay_rate must be in [0, 1], got %r." % (decay_rate,))
  if eps <= 0:
    raise ValueError("eps must be positive, got %r." % (eps,))


def check_float(inputs, scope_name):
  """Raises NotSupportedError unless `inputs` has a floating point dtype."""
  if not inputs.dtype.is_floating:
    raise errors.NotSupportedError(
        "%s: inputs must have a floating point dtype, got %s."
        % (scope_name, inputs.dtype.name))
