"""`scale_gradient`: identity forward, scaled gradient backward."""

import tensorflow as tf

tf1 = tf.compat.v1


@tf.custom_gradient
def _identity_with_scaled_gradient(x, scale):
  return tf.identity(x), lambda dy: (dy * scale, None)


def scale_gradient(net, scale, name="scale_gradient"):
  """Returns `net` unchanged; its gradient is multiplied by `scale`.

  A scale of 0 is `tf.stop_gradient`, 1 is `tf.identity` (both named
  `name`), and a negative scale reverses the gradient (as in
  gradient-reversal layers). As in Sonnet 1, in eager mode `net` may also
  be a callable: the result is then a callable that applies
  `scale_gradient` to what `net` returns.

  Args:
    net: a tensor (or a value convertible to one), or in eager mode a
      callable returning one.
    scale: a number, or a scalar tensor of `net`'s dtype.
    name: the name of the op (0 or 1) or of the ops' name scope.

  Returns:
    A tensor equal to `net` whose gradient `g` becomes `scale * g` (or, for
    a callable `net`, a callable returning one).

  Raises:
    ValueError: if `net` is not a float tensor and `scale` is not 0 or 1,
      or `scale` cannot be converted to `net`'s dtype.

  >>> x = tf.constant([1., 2.])
  >>> with tf.GradientTape() as tape:
  ...   tape.watch(x)
  ...   y = tf.reduce_sum(snt.scale_gradient(x, 0.5) * x)
  >>> tape.gradient(y, x).numpy()  # d/dx of x*x with one factor halved.
  array([1.5, 3. ], dtype=float32)
  """
  if tf.executing_eagerly() and callable(net):
    return lambda *args, **kwargs: scale_gradient(net(*args, **kwargs), scale,
                                                  name)
  if not isinstance(scale, (tf.Tensor, tf.Variable)):
    if scale == 0:
      return tf.stop_gradient(net, name=name)
    if scale == 1:
      return tf.identity(net, name=name)
  net = tf.convert_to_tensor(net)
  if not net.dtype.is_floating:
    raise ValueError("clip_gradient does not support non-float `net` inputs. "
                     "(scale_gradient needs a float `net` unless `scale` is "
                     "0 or 1.)")
  with tf1.name_scope(name, "scale_gradient", [net]):
    scale = tf.convert_to_tensor(scale, dtype=net.dtype.base_dtype)
    return _identity_with_scaled_gradient(net, scale)
