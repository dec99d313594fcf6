"""`scale_gradient`: identity forward, scaled gradient backward."""

import numbers

import tensorflow as tf

tf1 = tf.compat.v1


def scale_gradient(net, scale, name="scale_gradient"):
  """Returns `net` unchanged; its gradient is multiplied by `scale`.

  A scale of 0 stops the gradient (`tf.stop_gradient`), 1 leaves it alone,
  and a negative scale reverses it (as in gradient-reversal layers).

  Args:
    net: a tensor.
    scale: a number or scalar tensor.
    name: the name scope of the ops.

  Returns:
    A tensor equal to `net` whose gradient `g` becomes `scale * g`.

  Raises:
    TypeError: if `scale` is neither a number nor a tensor.

  >>> x = tf.constant([1., 2.])
  >>> with tf.GradientTape() as tape:
  ...   tape.watch(x)
  ...   y = tf.reduce_sum(snt.scale_gradient(x, 0.5) * x)
  >>> tape.gradient(y, x).numpy()  # d/dx of x*x with one factor halved.
  array([1.5, 3. ], dtype=float32)
  """
  if isinstance(scale, bool) or not isinstance(
      scale, (numbers.Real, tf.Tensor, tf.Variable)):
    raise TypeError("scale_gradient: scale must be a number or a scalar "
                    "tensor, got %r." % (scale,))
  with tf1.name_scope(name, "scale_gradient", [net]):
    net = tf.convert_to_tensor(net)
    if isinstance(scale, numbers.Real):
      if scale == 0:
        return tf.stop_gradient(net)
      if scale == 1:
        return tf.identity(net)

    @tf.custom_gradient
    def identity_with_scaled_gradient(x):
      def grad(dy):
        return dy * tf.cast(scale, dy.dtype)
      return tf.identity(x), grad

    return identity_with_scaled_gradient(net)
