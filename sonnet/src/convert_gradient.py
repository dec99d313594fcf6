"""An identity whose gradient is always a dense `Tensor`."""

import tensorflow as tf


@tf.custom_gradient
def convert_gradient_to_tensor(x):
  """Returns `x`; its gradient is converted to a dense `Tensor`.

  The gradient reaching `x` may be a `tf.IndexedSlices` (e.g. below a
  `tf.gather`); some ops are much slower to differentiate for those (the
  gradient of `tf.concat` has no GPU kernel for them). Wrapping such an op's
  output, e.g. `convert_gradient_to_tensor(tf.concat(values, 0))`, hands it
  a dense gradient instead.

  Args:
    x: a `Tensor`.

  Returns:
    `x`, unchanged.

  >>> with tf.GradientTape() as tape:
  ...   params = tf.Variable(tf.ones([3, 2]))
  ...   y = tf.gather(convert_gradient_to_tensor(params * 1.), [0])
  >>> tape.gradient(y, params).numpy()
  array([[1., 1.],
         [0., 0.],
         [0., 0.]], dtype=float32)
  """
  return tf.identity(x), tf.convert_to_tensor
