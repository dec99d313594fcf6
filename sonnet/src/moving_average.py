"""`MovingAverage`: an exponential moving average of its inputs."""

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors

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

  def __init__(self, decay=0.99, local=False, name="moving_average"):
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
    if not 0.0 <= decay <= 1.0:
      raise ValueError("MovingAverage's decay must be in [0, 1], got %r."
                       % (decay,))
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
      UnderspecifiedError: if the shape of `inputs` is not fully known.
      IncompatibleShapeError: if the shape differs from the first
        connection's.
      TypeError: if `inputs` is not a float tensor.
    """
    inputs = tf.convert_to_tensor(inputs)
    shape = inputs.get_shape()
    if not shape.is_fully_defined():
      raise errors.UnderspecifiedError(
          "%s: the shape of inputs must be fully known, got %s."
          % (self.scope_name, shape))
    if not inputs.dtype.is_floating:
      raise TypeError("%s: inputs must be a float tensor, got dtype %s."
                      % (self.scope_name, inputs.dtype.name))
    if (self._moving_average is not None and
        shape != self._moving_average.get_shape()):
      raise errors.IncompatibleShapeError(
          "%s: inputs must have shape %s as in the first connection, got %s."
          % (self.scope_name, self._moving_average.get_shape(), shape))
    collections = [tf1.GraphKeys.LOCAL_VARIABLES if self._local
                   else tf1.GraphKeys.GLOBAL_VARIABLES]
    self._initialized = tf1.get_variable(
        "initialized", shape=[], dtype=tf.bool,
        initializer=tf1.constant_initializer(False),
        trainable=False, use_resource=True, collections=collections)
    self._moving_average = tf1.get_variable(
        "moving_average", shape=shape, dtype=inputs.dtype,
        initializer=tf1.zeros_initializer(), trainable=False,
        use_resource=True, collections=collections)
    # Before the first update the previous average gets weight 0.
    decay = tf.where(self._initialized.read_value(),
                     tf.constant(self._decay, inputs.dtype),
                     tf.constant(0.0, inputs.dtype))
    average = self._moving_average.read_value()
    updated = self._moving_average.assign(
        decay * average + (1.0 - decay) * inputs)
    with tf.control_dependencies([updated]):
      mark = self._initialized.assign(True)
    with tf.control_dependencies([mark]):
      updated = tf.identity(updated)
    return inputs + tf.stop_gradient(updated - inputs)

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
