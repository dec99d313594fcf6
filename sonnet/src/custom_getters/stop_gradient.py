"""`stop_gradient`: a custom getter that blocks gradients to variables."""

import tensorflow as tf


def stop_gradient(getter, *args, **kwargs):
  """Returns the variable's value wrapped in `tf.stop_gradient`.

  The variable itself stays trainable (it is still listed in
  `TRAINABLE_VARIABLES`), but no gradient reaches it through this use.

  Args:
    getter: the underlying getter, given by `tf.compat.v1.get_variable`.
    *args: positional arguments of `get_variable`.
    **kwargs: keyword arguments of `get_variable`.

  Returns:
    A tensor with the variable's value and no gradient.

  >>> linear = snt.Linear(3, custom_getter=snt.custom_getters.stop_gradient)
  >>> with tf.GradientTape() as tape:
  ...   y = tf.reduce_sum(linear(tf.ones([1, 2])))
  >>> tape.gradient(y, linear.trainable_variables)
  (None, None)
  """
  return tf.stop_gradient(getter(*args, **kwargs))
