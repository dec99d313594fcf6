"""`clip_gradient`: identity forward, clipped gradient backward."""

import tensorflow as tf

tf1 = tf.compat.v1


@tf.custom_gradient
def _identity_with_clipped_gradient(x, clip_value_min, clip_value_max):

  def grad(dy):
    return tf.clip_by_value(dy, clip_value_min, clip_value_max), None, None

  return tf.identity(x), grad


def clip_gradient(net, clip_value_min, clip_value_max, name=None):
  """Identity on the way forward; clips the gradient on the way back.

  Args:
    net: a float tensor (or a value convertible to one).
    clip_value_min: the lowest gradient value let through: a number or
      scalar tensor, converted to `net`'s dtype.
    clip_value_max: the highest gradient value let through, likewise.
    name: the name scope of the ops; defaults to "clip_gradient".

  Returns:
    A tensor equal to `net` whose gradient `g` becomes
    `tf.clip_by_value(g, clip_value_min, clip_value_max)`.

  Raises:
    ValueError: if `net` is not a float tensor, or a bound cannot be
      converted to its dtype.

  >>> x = tf.constant([1., 2.])
  >>> with tf.GradientTape() as tape:
  ...   tape.watch(x)
  ...   y = tf.reduce_sum(5. * snt.clip_gradient(x, -1., 1.))
  >>> tape.gradient(y, x).numpy()
  array([1., 1.], dtype=float32)
  """
  net = tf.convert_to_tensor(net)
  if not net.dtype.is_floating:
    raise ValueError("clip_gradient does not support non-float `net` inputs.")
  with tf1.name_scope(name, "clip_gradient", [net]):
    dtype = net.dtype.base_dtype
    return _identity_with_clipped_gradient(
        net, tf.convert_to_tensor(clip_value_min, dtype=dtype),
        tf.convert_to_tensor(clip_value_max, dtype=dtype))
