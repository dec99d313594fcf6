"""`clip_gradient`: identity forward, clipped gradient backward."""

import numbers

import tensorflow as tf

tf1 = tf.compat.v1


def clip_gradient(net, clip_value_min, clip_value_max, name=None):
  """Returns `net` unchanged; its gradient is clipped elementwise on the way back.

  Args:
    net: a tensor.
    clip_value_min: the lowest gradient value let through (number or scalar
      tensor).
    clip_value_max: the highest gradient value let through.
    name: the name scope of the ops; defaults to "clip_gradient".

  Returns:
    A tensor equal to `net` whose gradient `g` becomes
    `clip_by_value(g, clip_value_min, clip_value_max)`.

  Raises:
    ValueError: if both bounds are numbers and `clip_value_min` exceeds
      `clip_value_max`.

  >>> x = tf.constant([1., 2.])
  >>> with tf.GradientTape() as tape:
  ...   tape.watch(x)
  ...   y = tf.reduce_sum(5. * snt.clip_gradient(x, -1., 1.))
  >>> tape.gradient(y, x).numpy()
  array([1., 1.], dtype=float32)
  """
  if (isinstance(clip_value_min, numbers.Real) and
      isinstance(clip_value_max, numbers.Real) and
      clip_value_min > clip_value_max):
    raise ValueError("clip_gradient: clip_value_min (%r) must not exceed "
                     "clip_value_max (%r)." % (clip_value_min, clip_value_max))
  with tf1.name_scope(name, "clip_gradient", [net]):
    net = tf.convert_to_tensor(net)

    @tf.custom_gradient
    def identity_with_clipped_gradient(x):
      def grad(dy):
        return tf.clip_by_value(dy, tf.cast(clip_value_min, dy.dtype),
                                tf.cast(clip_value_max, dy.dtype))
      return tf.identity(x), grad

    return identity_with_clipped_gradient(net)
