"""Tests for the bilinear resampler, against a NumPy reference."""

import numpy as np
from sonnet.src import numpy_reference as refs
from sonnet.src import resampler as resampler_lib
from sonnet.src import test_utils
import tensorflow as tf

resampler = resampler_lib.resampler


class ResamplerTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_matches_numpy_inside_and_outside(self):
    rng = np.random.RandomState(0)
    data = rng.randn(2, 4, 5, 3).astype(np.float32)
    warp = rng.uniform(-1.5, 6.5, size=(2, 7, 6, 2)).astype(np.float32)
    out = self.evaluate(resampler(tf.constant(data), tf.constant(warp)))
    self.assertEqual(out.shape, (2, 7, 6, 3))
    self.assertAllClose(out, refs.resample(data, warp), atol=1e-5)

  @test_utils.in_all_modes
  def test_integer_points_copy_pixels_and_far_points_are_zero(self):
    data = np.arange(12, dtype=np.float32).reshape(1, 3, 4, 1)
    warp = np.array([[[3., 2.], [0., 0.], [-1., 0.], [10., 10.]]], np.float32)
    out = self.evaluate(resampler(tf.constant(data), tf.constant(warp)))
    self.assertAllClose(out[0, :, 0], [11., 0., 0., 0.])

  @test_utils.in_graph_mode
  def test_gradients_match_finite_differences(self):
    rng = np.random.RandomState(1)
    data = tf.constant(rng.randn(1, 3, 3, 2))
    # Keep points away from integer coordinates, where the warp gradient
    # is discontinuous.
    warp = tf.constant(
        rng.randint(-1, 3, size=(1, 4, 2)) +
        rng.uniform(0.2, 0.8, size=(1, 4, 2)))
    for x in (data, warp):
      theoretical, numerical = tf.compat.v1.test.compute_gradient(
          x, x.shape.as_list(), resampler(data, warp), [1, 4, 2],
          x_init_value=self.evaluate(x), delta=1e-4)
      self.assertAllClose(theoretical, numerical, atol=1e-4)

  def test_bad_shapes(self):
    with self.assertRaisesRegex(ValueError, "data must be"):
      resampler(tf.ones([2, 3, 4]), tf.ones([2, 1, 2]))
    with self.assertRaisesRegex(ValueError, "size 2"):
      resampler(tf.ones([2, 3, 4, 1]), tf.ones([2, 1, 3]))


if __name__ == "__main__":
  test_utils.main()
