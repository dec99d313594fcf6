"""Tests for AffineGridWarper and AffineWarpConstraints."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

Constraints = snt.AffineWarpConstraints


def _normalized(size, i):
  return -1. + 2. * i / (size - 1) if size > 1 else -1.


def numpy_affine_grid(params, source_shape, output_shape):
  """Sonnet 1.36's grid, by loops over the output points.

  Sonnet 1.36 enumerates the points of an output grid (..., H, W) with the
  first two axes of (W, H, ...) swapped, i.e. over (H, W, D, ...) in
  row-major order, and writes the k-th point to the k-th position of the
  output in row-major order. In 2-D both orders are the same.

  Args:
    params: the full `N x (N + 1)` affine matrix, flattened.
    source_shape: N spatial dimensions.
    output_shape: at most N spatial dimensions.

  Returns:
    `output_shape + (N,)` source pixel coordinates (x, y, ...).
  """
  n, m = len(source_shape), len(output_shape)
  matrix = np.asarray(params, np.float64).reshape(n, n + 1)
  reversed_out = output_shape[::-1]
  enumerated = (reversed_out[1::-1] +
                reversed_out[2:]) if m > 1 else (reversed_out)
  grid = np.zeros(tuple(output_shape) + (n,))
  for k, index in enumerate(np.ndindex(*enumerated)):
    per_axis = (index[1::-1] + index[2:]) if m > 1 else index
    point = [_normalized(reversed_out[d], i) for d, i in enumerate(per_axis)]
    point += [0.] * (n - m) + [1.]
    for d, (coord,
            extent) in enumerate(zip(matrix.dot(point), source_shape[::-1])):
      grid[np.unravel_index(k, output_shape) + (d,)] = ((coord + 1.) *
                                                        (extent - 1.) / 2.)
  return grid


def full_params(constraints, free):
  """The flattened full matrix: constrained entries, then `free` in order."""
  free = iter(free)
  return [
      next(free) if c is None else c
      for row in constraints.constraints
      for c in row]


class AffineWarpConstraintsTest(parameterized.TestCase):

  @parameterized.parameters(
      ("no_shear_2d", (), ((None, 0, None), (0, None, None)), 4),
      ("translation_2d", (1., None), ((None, None, 1.), (None, None, None)), 5),
      ("scale_2d", (2., 3.), ((2., None, None), (None, 3., None)), 4),
      ("shear_2d", (None, 0.5), ((None, None, None), (0.5, None, None)), 5),
      ("translation_3d", (0, 0, 0),
       ((None, None, None, 0), (None, None, None, 0),
        (None, None, None, 0)), 9), ("scale_3d", (None, 2.),
                                     ((None, None, None, None),
                                      (None, 2., None, None),
                                      (None, None, None, None)), 11),
      ("no_shear_3d", (), ((None, 0, 0, None), (0, None, 0, None),
                           (0, 0, None, None)), 6), ("no_constraints", (1,),
                                                     ((None, None),), 2))
  def test_constructors(self, constructor, args, expected, num_free):
    constraints = getattr(Constraints, constructor)(*args)
    self.assertEqual(constraints.constraints, expected)
    self.assertEqual(constraints.num_free_params, num_free)
    self.assertEqual(constraints.num_dim, len(expected))
    self.assertEqual(constraints[0], expected[0])

  def test_combine(self):
    combined = Constraints.translation_2d(x=1.) & Constraints.no_shear_2d()
    self.assertEqual(combined.constraints, ((None, 0, 1.), (0, None, None)))
    self.assertEqual(combined.mask, ((True, False, False), (False, True, True)))
    self.assertEqual(
        combined.combine_with([[None, 0, 1.], [0, 5., None]]).constraints,
        ((None, 0, 1.), (0, 5., None)))
    with self.assertRaisesRegex(ValueError,
                                "^Incompatible set of constraints provided.$"):
      combined.combine_with(Constraints.translation_2d(x=2.))

  def test_combine_keeps_sonnet_1_quirks(self):
    # A 0 on the left is dropped where the right leaves the entry free.
    combined = Constraints.no_shear_2d() & Constraints.translation_2d(x=1)
    self.assertEqual(combined.constraints,
                     ((None, None, 1), (None, None, None)))
    # Rows and entries pair up to the smaller of the two.
    self.assertEqual(
        (Constraints.scale_2d(x=2) & Constraints.no_shear_3d()).constraints,
        ((2, 0, 0), (0, None, 0)))

  def test_bad_constraints(self):
    with self.assertRaisesRegex(
        ValueError, r"^The input list must define a Nx\(N\+1\) matrix of "
        r"contraints.$"):
      Constraints(((None, None), (None, None)))
    with self.assertRaisesRegex(TypeError,
                                "^constraints must be a nested iterable.$"):
      Constraints(5)
    # Entries are not type-checked, as in Sonnet 1.36.
    self.assertEqual(Constraints([["a", None]]).constraints, (("a", None),))


class AffineGridWarperTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      ("2d", (5, 7), (3, 4), None), ("2d_scale", (11, 5),
                                     (2, 8), Constraints.scale_2d(x=.7)),
      ("2d_fixed_row", (9, 13), (2, 23), Constraints([[1] * 3, [None] * 3])),
      ("3d", (7, 11, 3), (13, 17, 3), None),
      ("3d_scale", (2, 8, 9), (11, 5, 6), Constraints.scale_3d(x=.7, z=2)),
      ("3d_fixed_row", (9, 13, 33),
       (2, 23, 2), Constraints([[1] * 4, [None] * 4, [None, 1, None, 1]])),
      ("2d_in_3d", (7, 11, 3), (13, 17), None),
      ("2d_in_3d_fixed_row", (9, 13, 33),
       (2, 23), Constraints([[None] * 4, [1] * 4, [1, None, None, 1]])),
      ("1d_in_2d", (5, 7), (4,), None))
  @test_utils.in_all_modes
  def test_grid_matches_numpy(self, source_shape, output_shape, constraints):
    warper = snt.AffineGridWarper(source_shape, output_shape, constraints)
    constraints = warper.constraints
    free = np.random.RandomState(0).rand(3, constraints.num_free_params).astype(
        np.float32)
    grid = self.evaluate(warper(tf.constant(free)))
    self.assertEqual(grid.shape,
                     (3,) + tuple(output_shape) + (len(source_shape),))
    for b in range(3):
      expected = numpy_affine_grid(full_params(constraints, free[b]),
                                   source_shape, output_shape)
      self.assertAllClose(grid[b], expected, rtol=1e-5, atol=1e-5)
    self.assertEqual(warper.n_coeff, constraints.num_free_params)
    self.assertEqual(warper.get_variables(), ())

  @test_utils.in_all_modes
  def test_3d_point_order_is_sonnet_1s(self):
    warper = snt.AffineGridWarper((3, 4, 5), (2, 3, 4))
    identity = tf.constant([[1., 0, 0, 0, 0, 1., 0, 0, 0, 0, 1., 0]])
    grid = self.evaluate(warper(identity))
    third = 4. / 3.
    self.assertAllClose(grid[0, 0, :, :, 0],
                        [[0., 0., third, third], [2 * third, 2 * third, 4., 4.],
                         [0., 0., third, third]])
    self.assertAllClose(grid[0, :, :, :, 2], np.tile([0., 2.], [2, 3, 2]))
    self.assertAllClose(grid[0, -1, -1, -1], [4., 3., 2.])

  @test_utils.in_all_modes
  def test_float64_inputs(self):
    params = np.array([[0.8, 0.1, -0.2, -0.3, 1.1, 0.4]])
    warper = snt.AffineGridWarper((5, 7), (3, 4))
    grid = warper(tf.constant(params))
    self.assertEqual(grid.dtype, tf.float64)
    self.assertAllClose(
        self.evaluate(grid)[0], numpy_affine_grid(params[0], (5, 7), (3, 4)))

  @test_utils.in_graph_mode
  def test_unknown_batch_size(self):
    params = tf.compat.v1.placeholder(tf.float32, [None, 3])
    constraints = (Constraints.scale_2d(y=1) &
                   Constraints.translation_2d(x=-2, y=7))
    warper = snt.AffineGridWarper((6, 9), (2, 3), constraints)
    grid = warper(params)
    self.assertEqual(grid.shape.as_list(), [None, 2, 3, 2])
    free = np.array([[0.5, 0.1, 0.2]] * 2, np.float32)
    out = tf.compat.v1.get_default_session().run(grid, {params: free})
    expected = numpy_affine_grid(full_params(warper.constraints, free[0]),
                                 (6, 9), (2, 3))
    self.assertAllClose(out, [expected] * 2)

  @test_utils.in_all_modes
  def test_identity_warp_resamples_the_image(self):
    image = np.random.RandomState(0).randn(1, 5, 6, 2).astype(np.float32)
    warper = snt.AffineGridWarper((5, 6), (5, 6))
    grid = warper(tf.constant([[1., 0., 0., 0., 1., 0.]]))
    out = self.evaluate(snt.resampler(tf.constant(image), grid))
    self.assertAllClose(out, image, atol=1e-5)

  @parameterized.named_parameters(
      ("full", (7, 11), (13, 17), None),
      ("scale", (2, 8), (11, 5), Constraints.scale_2d(x=.7)),
      ("fixed_row", (9, 13), (2, 23), Constraints([[1] * 3, [None] * 3])))
  @test_utils.in_all_modes
  def test_inverse_matches_numpy(self, source_shape, output_shape, constraints):
    warper = snt.AffineGridWarper(source_shape, output_shape, constraints)
    constraints = warper.constraints
    free = (np.random.RandomState(1).rand(4, constraints.num_free_params) +
            0.1).astype(np.float32)
    inverse = warper.inverse()
    self.assertEqual(inverse.module_name, "affine_grid_warper_inverse")
    grid = self.evaluate(inverse(tf.constant(free)))
    self.assertEqual(grid.shape, (4,) + tuple(source_shape) + (2,))
    for b in range(4):
      matrix = np.vstack([
          np.reshape(full_params(constraints, free[b]), [2, 3]), [0, 0, 1]])
      inverted = np.linalg.inv(matrix)[:2].ravel()
      expected = numpy_affine_grid(inverted, output_shape, source_shape)
      self.assertAllClose(grid[b], expected, rtol=1e-5, atol=1e-5)

  @test_utils.in_all_modes
  def test_inverse_undoes_the_warp(self):
    params = tf.constant([[0.9, 0.1, 0.1, -0.1, 1.2, -0.2]])
    warper = snt.AffineGridWarper((6, 6), (6, 6))
    forward = warper(params)
    backward = warper.inverse(name="undo")(params)
    # Sampling the forward grid at the inverse grid's points gives back
    # each pixel's own coordinates.
    round_trip = snt.resampler(forward, backward)
    pixels = np.stack(np.meshgrid(np.arange(6.), np.arange(6.)), -1)
    self.assertAllClose(
        self.evaluate(round_trip)[0, 1:-1, 1:-1], pixels[1:-1, 1:-1], atol=1e-3)

  @test_utils.in_eager_mode
  def test_in_tf_function(self):
    warper = snt.AffineGridWarper((5, 7), (3, 4))
    inverse = warper.inverse()
    params = tf.constant([[0.8, 0.1, -0.2, -0.3, 1.1, 0.4]])
    compiled = tf.function(lambda p: (warper(p), inverse(p)))
    for got, want in zip(compiled(params), (warper(params), inverse(params))):
      self.assertAllClose(got, want)

  def test_3d_inverse_is_not_supported(self):
    with self.assertRaisesRegex(
        snt.NotSupportedError,
        "^AffineGridWarper currently supports inversion only for the 2D "
        "case.$"):
      snt.AffineGridWarper((3, 4, 5), (2, 2, 2)).inverse()

  @parameterized.named_parameters(
      ("fully_constrained", (3, 4), (3, 4), [[1, 0, 0], [
          0, 1, 0]], "^Transformation is fully constrained.$"),
      ("constraints_dims", (3, 4, 5), (3, 4, 5), Constraints.no_constraints(2),
       "^Incompatible set of constraints provided: input grid shape and "
       "constraints have different dimensionality.$"),
      ("output_dims", (3, 4), (3, 4, 5), None,
       r"^Output domain dimensionality \(3\) must be equal or smaller than "
       r"source domain dimensionality \(2\)$"))
  def test_bad_construction(self, source_shape, output_shape, constraints,
                            message):
    with self.assertRaisesRegex(snt.Error, message):
      snt.AffineGridWarper(source_shape, output_shape, constraints)

  @test_utils.in_all_modes
  def test_wrong_number_of_parameters(self):
    warper = snt.AffineGridWarper((4, 4), (4, 4), Constraints.no_shear_2d())
    with self.assertRaisesRegex(
        snt.Error, "^Input size is not consistent with constraint "
        "definition: 4 parameters expected, 6 provided."):
      warper(tf.ones([1, 6]))

  def test_numpy_reference_agrees_with_resampler_reference(self):
    # This test's NumPy grid and the NumPy resampler compose.
    image = np.random.RandomState(3).randn(1, 3, 3, 1).astype(np.float32)
    grid = numpy_affine_grid([1., 0., 0., 0., 1., 0.], (3, 3), (3, 3))
    self.assertAllClose(refs.resample(image, grid[None]), image, atol=1e-6)


if __name__ == "__main__":
  test_utils.main()
