"""Bilinear resampling of images at arbitrary points, from TensorFlow ops.

This replaces the compiled `tf.contrib.resampler` op: the four neighbours of
each sampling point are gathered and mixed with bilinear weights, so the
gradients with respect to both the image and the sampling points come from
TensorFlow's own gradients of `gather_nd` and of the weights.
"""

import tensorflow as tf


def resampler(data, warp, name="resampler"):
  """Samples `data` bilinearly at the (x, y) points in `warp`.

  Points are in pixel units: x runs along the width (0 to width - 1), y
  along the height. Neighbours that fall outside the image contribute zero,
  so a point half a pixel outside an edge gets half the edge's value, and a
  point a pixel or more outside gets zero.

  Args:
    data: a float tensor `[batch_size, height, width, channels]`.
    warp: a float tensor `[batch_size, d_1, ..., d_n, 2]` of (x, y) points.
    name: a name scope for the ops.

  Returns:
    A tensor `[batch_size, d_1, ..., d_n, channels]` of sampled values.

  Raises:
    ValueError: if `data` is not rank 4 or the last dimension of `warp` is
      not 2.

  >>> image = tf.reshape(tf.range(4.), [1, 2, 2, 1])
  >>> resampler(image, tf.constant([[[0.5, 0.5], [1., 0.]]])).numpy().ravel()
  array([1.5, 1. ], dtype=float32)
  """
  with tf.name_scope(name):
    data = tf.convert_to_tensor(data, name="data")
    warp = tf.convert_to_tensor(warp, name="warp", dtype=data.dtype)
    if data.get_shape().rank != 4:
      raise ValueError("resampler: data must be [batch, height, width, "
                       "channels], got shape %s." % data.get_shape())
    if warp.get_shape().as_list()[-1:] != [2]:
      raise ValueError("resampler: warp must end in a dimension of size 2 "
                       "(x, y), got shape %s." % warp.get_shape())
    shape = tf.shape(data)
    height, width = shape[1], shape[2]
    x, y = warp[..., 0], warp[..., 1]
    x0, y0 = tf.floor(x), tf.floor(y)
    wx1, wy1 = x - x0, y - y0
    wx0, wy0 = 1. - wx1, 1. - wy1
    batch_index = tf.broadcast_to(
        tf.reshape(tf.range(shape[0]),
                   tf.concat([[-1], tf.ones_like(tf.shape(x)[1:])], 0)),
        tf.shape(x))

    def corner(xs, ys):
      """Values at integer points (xs, ys), zero outside the image."""
      xi, yi = tf.cast(xs, tf.int32), tf.cast(ys, tf.int32)
      inside = ((xi >= 0) & (xi < width) & (yi >= 0) & (yi < height))
      index = tf.stack([
          batch_index,
          tf.clip_by_value(yi, 0, height - 1),
          tf.clip_by_value(xi, 0, width - 1)], axis=-1)
      values = tf.gather_nd(data, index)
      return values * tf.cast(inside, data.dtype)[..., None]

    return ((wx0 * wy0)[..., None] * corner(x0, y0) +
            (wx1 * wy0)[..., None] * corner(x0 + 1., y0) +
            (wx0 * wy1)[..., None] * corner(x0, y0 + 1.) +
            (wx1 * wy1)[..., None] * corner(x0 + 1., y0 + 1.))
