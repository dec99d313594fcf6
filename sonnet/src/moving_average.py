"""`MovingAverage`: an exponential moving average of its inputs."""

import tensorflow as tf

from sonnet.src.core import base

tf1 = tf.compat.v1


class MovingAverage(base.AbstractModule):
  """Keeps an exponential moving average of the values it is connected to.

  The first call sets the average to the inputs; each later call sets it to
  `decay * average + (1 - decay) * inputs` and returns it. The gradient
  passes straight through to the inputs, as if the output were the inputs.

  Variables (not trainable): `moving_average` (the inputs' shape) and the
  boolean `initialized`; with `local=True` they go into the
  `LOCAL_VARIABLES` collection instead of `GLOBAL_VARIABLES`.

  >>> average = snt.MovingAverage(decay=0.5)
  >>> float(average(tf.constant(4.)))
  4.0
  >>> float(average(tf.constant(0.)))
  2.0
  """

  def __init__(self, decay: float = 0.99, local: bool = False,
               name: str = "moving_average"):
    """Configures the average.

    Args:
      decay: how much of the previous average each update keeps, in [0, 1].
      local: put the variables in `LOCAL_VARIABLES` (not saved by a default
        `tf.compat.v1.train.Saver`) rather than `GLOBAL_VARIABLES`.
      name: the module's name.

    Raises:
      ValueError: if `decay` is not in [0, 1].
    """
    super().__init__(name=name)
    if decay < 0.0 or decay > 1.0:
      raise ValueError(
          "Decay must be a float in the [0, 1] range, but is {}.".format(decay))
    self._decay = decay
    self._local = local
    self._initialized = None
    self._moving_average = None

  def _build(self, inputs):
    """Updates the average with `inputs` and returns it.

    Args:
      inputs: a float tensor of fully known shape, the same on every
        connection.

    Returns:
      The updated average, with the shape and dtype of `inputs`.

    Raises:
      ValueError: if the shape of `inputs` is not fully known, or differs
        from the first connection's.
      TypeError: if `inputs` is not a float tensor.
    """
    inputs = tf.convert_to_tensor(inputs)
    shape = inputs.get_shape()
    if not shape.is_fully_defined():
      raise ValueError("%s: the shape of inputs must be fully known, got %s." %
                       (self.scope_name, shape.as_list()))
    if not inputs.dtype.is_floating:
      raise TypeError("%s: inputs must be a float tensor, got dtype %s." %
                      (self.scope_name, inputs.dtype.name))
    if (self._moving_average is not None and
        shape != self._moving_average.get_shape()):
      raise ValueError(
          "Trying to share variable %s/moving_average, but specified shape %s "
          "and found shape %s." % (self.scope_name, tuple(
              shape.as_list()), tuple(self._moving_average.shape.as_list())))
    collections = [
        tf1.GraphKeys.LOCAL_VARIABLES
        if self._local else tf1.GraphKeys.GLOBAL_VARIABLES]
    self._initialized = tf1.get_variable(
        "initialized", shape=[], dtype=tf.bool,
        initializer=tf1.constant_initializer(False), trainable=False,
        use_resource=True, collections=collections)
    self._moving_average = tf1.get_variable("moving_average", shape=shape,
                                            dtype=inputs.dtype,
                                            initializer=tf1.zeros_initializer(),
                                            trainable=False, use_resource=True,
                                            collections=collections)
    # Sonnet 1's update, `average -= (average - inputs) * (1 - decay)`, in
    # the same order of operations so that the numbers match bit for bit.
    # The first update (and the first after `reset`) takes the inputs as
    # they are: the average starts at zero and gets weight 0.
    weight = tf.where(self._initialized.read_value(),
                      tf.constant(1.0 - self._decay, inputs.dtype),
                      tf.constant(1.0, inputs.dtype))
    average = self._moving_average.read_value()
    updated = self._moving_average.assign_sub((average - inputs) * weight)
    with tf.control_dependencies([updated]):
      mark = self._initialized.assign(True)
    with tf.control_dependencies([mark]):
      updated = tf.identity(updated)
    return _pass_through_gradients(inputs, updated)

  def reset(self):
    """Forgets the average: the next connection starts it afresh.

    Returns:
      In graph mode, an op to run; in eager mode the reset happens at once
      (and None is returned).

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return tf.group(
        self._initialized.assign(False),
        self._moving_average.assign(tf.zeros_like(self._moving_average)))


def _pass_through_gradients(x, moving_avg, name="pass_through_gradients"):
  """`moving_avg` on the way forward; on the way back, the gradient of `x`.

  Args:
    x: the latest inputs of the average.
    moving_avg: the average, of the same dtype.
    name: the name scope of the ops.

  Returns:
    A tensor equal to `moving_avg` with the static shape of `x`, whose
    gradient flows to `x` unchanged (and not to `moving_avg`).

  Raises:
    TypeError: if the dtypes differ.
  """
  with tf1.name_scope(name, "pass_through_gradients", [x, moving_avg]):
    if x.dtype.base_dtype != moving_avg.dtype.base_dtype:
      raise TypeError(
          "Inputs to _differentiate_last_step are expected to be of the same "
          "type, but were {} and {}.".format(x.dtype.base_dtype,
                                             moving_avg.dtype.base_dtype))
    output = _average_with_gradient_of_x(x, moving_avg)
    output.set_shape(x.get_shape())
  return output


@tf.custom_gradient
def _average_with_gradient_of_x(x, moving_avg):
  del x  # Only its gradient is used.
  return tf.identity(moving_avg), lambda dy: (dy, None)
