"""Tests for AffineGridWarper and AffineWarpConstraints."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import resampler_test
from sonnet.src import test_utils
import tensorflow as tf


def numpy_affine_grid(params, source_shape, output_shape):
  """(x, y) source pixel coordinates for each output pixel, by loops."""
  height, width = output_shape
  grid = np.zeros([height, width, 2], np.float32)
  matrix = np.asarray(params, np.float32).reshape(2, 3)
  for i in range(height):
    for j in range(width):
      x = -1 + 2 * j / (width - 1)
      y = -1 + 2 * i / (height - 1)
      sx, sy = matrix.dot([x, y, 1.])
      grid[i, j] = [(sx + 1) * (source_shape[1] - 1) / 2,
                    (sy + 1) * (source_shape[0] - 1) / 2]
  return grid


class AffineWarpConstraintsTest(parameterized.TestCase):

  @parameterized.parameters(
      ("no_shear_2d", (), ((None, 0, None), (0, None, None)), 4),
      ("translation_2d", (1., None), ((None, None, 1.), (None, None, None)), 5),
      ("scale_2d", (2., 3.), ((2., None, None), (None, 3., None)), 4),
      ("shear_2d", (None, 0.5), ((None, None, None), (0.5, None, None)), 5),
      ("translation_3d", (0, 0, 0),
       ((None, None, None, 0), (None, None, None, 0), (None, None, None, 0)),
       9),
      ("no_shear_3d", (),
       ((None, 0, 0, None), (0, None, 0, None), (0, 0, None, None)), 6))
  def test_constructors(self, constructor, args, expected, num_free):
    constraints = getattr(snt.AffineWarpConstraints, constructor)(*args)
    self.assertEqual(constraints.constraints, expected)
    self.assertEqual(constraints.num_free_params, num_free)

  def test_combine(self):
    combined = (snt.AffineWarpConstraints.translation_2d(x=1.) &
                snt.AffineWarpConstraints.no_shear_2d())
    self.assertEqual(combined.constraints,
                     ((None, 0, 1.), (0, None, None)))
    self.assertEqual(combined.mask, ((True, False, False),
                                     (False, True, True)))
    with self.assertRaisesRegex(ValueError, "Conflicting constraints"):
      combined.combine_with(snt.AffineWarpConstraints.translation_2d(x=2.))
    with self.assertRaisesRegex(ValueError, "Cannot combine 2-D and 3-D"):
      combined.combine_with(snt.AffineWarpConstraints.no_shear_3d())

  def test_bad_constraints(self):
    with self.assertRaisesRegex(ValueError, "must be 2x3"):
      snt.AffineWarpConstraints(((None, None), (None, None)))
    with self.assertRaisesRegex(ValueError, "None or numbers"):
      snt.AffineWarpConstraints((("a", None, None), (None, None, None)))


class AffineGridWarperTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_grid_matches_numpy(self):
    params = np.array([[0.8, 0.1, -0.2, -0.3, 1.1, 0.4],
                       [1., 0., 0., 0., 1., 0.]], np.float32)
    warper = snt.AffineGridWarper((5, 7), (3, 4))
    grid = self.evaluate(warper(tf.constant(params)))
    self.assertEqual(grid.shape, (2, 3, 4, 2))
    for b in range(2):
      self.assertAllClose(grid[b], numpy_affine_grid(params[b], (5, 7), (3, 4)),
                          atol=1e-5)
    self.assertEqual(warper.n_coeff, 6)
    self.assertEqual(warper.get_variables(), ())

  @test_utils.in_all_modes
  def test_constrained_parameters(self):
    warper = snt.AffineGridWarper(
        (4, 4), (4, 4), constraints=snt.AffineWarpConstraints.no_shear_2d())
    grid = warper(tf.constant([[1., 0.5, 1., -0.5]]))  # sx, tx, sy, ty
    expected = numpy_affine_grid([1., 0., 0.5, 0., 1., -0.5], (4, 4), (4, 4))
    self.assertAllClose(self.evaluate(grid)[0], expected, atol=1e-5)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                r"must be \[batch_size, 4\]"):
      warper(tf.ones([1, 6]))

  @test_utils.in_all_modes
  def test_identity_warp_resamples_the_image(self):
    image = np.random.RandomState(0).randn(1, 5, 6, 2).astype(np.float32)
    warper = snt.AffineGridWarper((5, 6), (5, 6))
    grid = warper(tf.constant([[1., 0., 0., 0., 1., 0.]]))
    out = self.evaluate(snt.resampler(tf.constant(image), grid))
    self.assertAllClose(out, image, atol=1e-5)

  @test_utils.in_all_modes
  def test_inverse_undoes_the_warp(self):
    params = tf.constant([[0.9, 0.1, 0.1, -0.1, 1.2, -0.2]])
    warper = snt.AffineGridWarper((6, 6), (6, 6))
    forward = warper(params)
    backward = warper.inverse()(params)
    # Sampling the forward grid at the inverse grid's points gives back
    # each pixel's own coordinates.
    round_trip = snt.resampler(forward, backward)
    pixels = np.stack(np.meshgrid(np.arange(6.), np.arange(6.)), -1)
    self.assertAllClose(self.evaluate(round_trip)[0, 1:-1, 1:-1],
                        pixels[1:-1, 1:-1], atol=1e-3)

  @test_utils.in_all_modes
  def test_3d_grid_shape(self):
    warper = snt.AffineGridWarper((3, 4, 5), (2, 2, 2))
    identity = tf.constant([[1., 0, 0, 0, 0, 1., 0, 0, 0, 0, 1., 0]])
    grid = self.evaluate(warper(identity))
    self.assertEqual(grid.shape, (1, 2, 2, 2, 3))
    self.assertAllClose(grid[0, -1, -1, -1], [4., 3., 2.])
    with self.assertRaises(snt.NotSupportedError):
      warper.inverse()

  def test_bad_shapes(self):
    with self.assertRaisesRegex(ValueError, "same number of dimensions"):
      snt.AffineGridWarper((3, 4), (3, 4, 5))
    with self.assertRaisesRegex(ValueError, "positive"):
      snt.AffineGridWarper((0, 4), (3, 4))

  def test_numpy_reference_agrees_with_resampler_reference(self):
    # The two NumPy references used here and in resampler_test compose.
    image = np.random.RandomState(3).randn(1, 3, 3, 1).astype(np.float32)
    grid = numpy_affine_grid([1., 0., 0., 0., 1., 0.], (3, 3), (3, 3))
    self.assertAllClose(resampler_test.numpy_resampler(image, grid[None]),
                        image, atol=1e-6)


if __name__ == "__main__":
  test_utils.main()
