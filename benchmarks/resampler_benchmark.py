"""snt.resampler (gather-based) against a dense bilinear reference.

The dense reference builds, for every sampling point, its full row of
bilinear weights over all pixels and multiplies: simple and exact, but
O(points x pixels). The resampler gathers only the four neighbours. Both run
as tf.functions on the same inputs; the script checks they agree and prints
points per second and the ratio.

Run: bazel run //benchmarks:resampler_benchmark
"""

import timeit

from absl import app
from absl import flags
import numpy as np
import sonnet as snt
import tensorflow as tf

FLAGS = flags.FLAGS
flags.DEFINE_integer("batch", 16, "Images per batch.")
flags.DEFINE_integer("size", 32, "Height and width of the images.")
flags.DEFINE_integer("channels", 3, "Channels per image.")
flags.DEFINE_integer("points", 32, "Output grid is points x points.")


def dense_resampler(data, warp):
  """Bilinear sampling as a dense [points, pixels] weight matrix product."""
  _, height, width, channels = data.shape
  x, y = warp[..., 0], warp[..., 1]
  columns = tf.range(width, dtype=data.dtype)
  rows = tf.range(height, dtype=data.dtype)
  wx = tf.nn.relu(1. - tf.abs(x[..., None] - columns))  # [b, ..., width]
  wy = tf.nn.relu(1. - tf.abs(y[..., None] - rows))  # [b, ..., height]
  weights = wy[..., :, None] * wx[..., None, :]  # [b, ..., h, w]
  batch = tf.shape(data)[0]
  flat_weights = tf.reshape(weights, [batch, -1, height * width])
  flat_data = tf.reshape(data, [batch, height * width, channels])
  out = tf.matmul(flat_weights, flat_data)
  return tf.reshape(out, tf.concat([tf.shape(warp)[:-1], [channels]], 0))


def main(argv):
  del argv
  rng = np.random.RandomState(0)
  data = tf.constant(
      rng.randn(FLAGS.batch, FLAGS.size, FLAGS.size,
                FLAGS.channels).astype(np.float32))
  warp = tf.constant(
      rng.uniform(-1, FLAGS.size, size=(FLAGS.batch, FLAGS.points, FLAGS.points,
                                        2)).astype(np.float32))
  gather_fn = tf.function(snt.resampler)
  dense_fn = tf.function(dense_resampler)
  np.testing.assert_allclose(
      gather_fn(data, warp).numpy(),
      dense_fn(data, warp).numpy(), atol=1e-4)
  points = FLAGS.batch * FLAGS.points**2
  results = {}
  for name, fn in (("snt.resampler", gather_fn), ("dense", dense_fn)):
    seconds = min(timeit.repeat(lambda f=fn: f(data, warp), number=20,
                                repeat=5)) / 20
    results[name] = seconds
    print("%-14s %8.3f ms per batch  %12.0f points/s" %
          (name, seconds * 1e3, points / seconds))
  print("speed-up of snt.resampler over dense: %.1fx" %
        (results["dense"] / results["snt.resampler"]))


if __name__ == "__main__":
  app.run(main)
