"""Grid warpers for spatial transformers: parameters in, sampling grid out.

A grid warper maps a batch of warp parameters to, for every point of an
output grid, the point of the source image to sample there, in source pixel
coordinates ordered (x, y[, z]) with x along the last image dimension.
`snt.resampler`-style bilinear sampling then produces the warped image.

Coordinates inside the warp are normalized: the source and output images
both span [-1, 1] along each axis, so the identity affine warp maps the
output grid onto the whole source image whatever their sizes.
"""

import abc
from typing import Any, Optional, Sequence

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import errors


class AffineWarpConstraints:
  """Which entries of an affine warp matrix are fixed, and to what.

  The warp is a `num_dim x (num_dim + 1)` matrix (2x3 in 2-D, 3x4 in 3-D)
  acting on homogeneous (x, y[, z], 1) coordinates. Each entry is None
  (learned: one input parameter of `AffineGridWarper`) or a number (fixed).

  >>> c = snt.AffineWarpConstraints.no_shear_2d()
  >>> c.constraints
  ((None, 0, None), (0, None, None))
  >>> c.num_free_params
  4
  """

  def __init__(self,
               constraints: Sequence[Sequence[Optional[float]]] = ((None, None,
                                                                    None),
                                                                   (None, None,
                                                                    None))):
    """Stores the constraints.

    Args:
      constraints: nested rows of None or numbers, `N x (N + 1)`.

    Raises:
      TypeError: if `constraints` is not an iterable of iterables.
      ValueError: if it is not `N x (N + 1)`.
    """
    try:
      rows = tuple(tuple(row) for row in constraints)
    except TypeError:
      raise TypeError("constraints must be a nested iterable.") from None
    if any(len(row) != len(rows) + 1 for row in rows):
      raise ValueError("The input list must define a Nx(N+1) matrix of "
                       "contraints.")
    self._constraints = rows

  @property
  def constraints(self):
    """The constraints, as a tuple of rows."""
    return self._constraints

  @property
  def num_dim(self):
    """N, the number of rows."""
    return len(self._constraints)

  @property
  def mask(self):
    """Rows of booleans, True where the entry is learned."""
    return tuple(tuple(e is None for e in row) for row in self._constraints)

  @property
  def num_free_params(self):
    """How many entries are learned."""
    return sum(row.count(None) for row in self._constraints)

  def __getitem__(self, i):
    """The constraints of row `i`."""
    return self._constraints[i]

  def combine_with(self, additional_constraints):
    """Returns constraints fixing the entries either set of constraints fixes.

    As in Sonnet 1.36, rows and entries are paired up to the shorter of the
    two, and an entry this set fixes to a falsy value (0) is dropped where
    `additional_constraints` leaves it free: `no_shear_2d() & x` frees the
    shear entries that `x` leaves free, while `x & no_shear_2d()` keeps them.

    Args:
      additional_constraints: an `AffineWarpConstraints` or nested rows.

    Returns:
      A new `AffineWarpConstraints`.

    Raises:
      ValueError: if both fix an entry to different values.
    """
    if not isinstance(additional_constraints, AffineWarpConstraints):
      additional_constraints = AffineWarpConstraints(additional_constraints)
    return AffineWarpConstraints(
        [[_combine_entries(mine, theirs)
          for mine, theirs in zip(row, other)]
         for row, other in zip(self._constraints,
                               additional_constraints.constraints)])

  __and__ = combine_with

  def __repr__(self):
    return "AffineWarpConstraints(%r)" % (self._constraints,)

  @classmethod
  def no_constraints(cls, num_dim=2):
    """Every entry learned."""
    return cls(((None,) * (num_dim + 1),) * num_dim)

  @classmethod
  def translation_2d(cls, x=None, y=None):
    """Fixes the translations (None leaves one learned)."""
    return cls(((None, None, x), (None, None, y)))

  @classmethod
  def translation_3d(cls, x=None, y=None, z=None):
    """Fixes the 3-D translations (None leaves one learned)."""
    return cls(
        ((None, None, None, x), (None, None, None, y), (None, None, None, z)))

  @classmethod
  def scale_2d(cls, x=None, y=None):
    """Fixes the scales on the diagonal (None leaves one learned)."""
    return cls(((x, None, None), (None, y, None)))

  @classmethod
  def scale_3d(cls, x=None, y=None, z=None):
    """Fixes the 3-D scales on the diagonal (None leaves one learned)."""
    return cls(
        ((x, None, None, None), (None, y, None, None), (None, None, z, None)))

  @classmethod
  def shear_2d(cls, x=None, y=None):
    """Fixes the off-diagonal (shear) entries (None leaves one learned)."""
    return cls(((None, x, None), (y, None, None)))

  @classmethod
  def no_shear_2d(cls):
    """Off-diagonal entries fixed to 0: scale and translation only."""
    return cls.shear_2d(x=0, y=0)

  @classmethod
  def no_shear_3d(cls):
    """Off-diagonal 3-D entries fixed to 0."""
    return cls(((None, 0, 0, None), (0, None, 0, None), (0, 0, None, None)))


def _combine_entries(mine, theirs):
  """One entry of `combine_with`, with Sonnet 1.36's `or` rule for None."""
  if mine is None or theirs is None:
    return mine or theirs
  if mine != theirs:
    raise ValueError("Incompatible set of constraints provided.")
  return mine


def _affine_features(output_shape, source_shape):
  """The homogeneous normalized points of the output grid, one row each.

  Points are listed in the order of `np.meshgrid(..., indexing="xy")` over
  the reversed `output_shape`, as Sonnet 1.36 did: row-major in 2-D; in 3-D
  the first two of the reversed axes swap (for output (D, H, W) the points
  run over (H, W, D)) and the flat list is then read as (D, H, W).

  Args:
    output_shape: the grid's spatial shape.
    source_shape: the source's spatial shape; coordinates it has beyond the
      output's dimensions are 0.

  Returns:
    A float32 array `[len(source_shape) + 1, prod(output_shape)]`: the
    (x, y[, z]) rows, then a row of ones.
  """
  axes = [
      np.linspace(-1, 1, n, dtype=np.float32) for n in reversed(output_shape)]
  rows = [c.reshape(-1) for c in np.meshgrid(*axes, indexing="xy")]
  rows += [np.zeros_like(rows[0])] * (len(source_shape) - len(output_shape))
  rows.append(np.ones_like(rows[0]))
  return np.stack(rows)


class GridWarper(base.AbstractModule, metaclass=abc.ABCMeta):
  """Base of modules that turn warp parameters into a sampling grid.

  Subclasses compute features of the output grid once, in
  `_create_features`, and combine them with the parameters in `_build`.
  """

  def __init__(self, source_shape: Sequence[int], output_shape: Sequence[int],
               num_coeff: int, name: str, **kwargs: Any):
    """Stores the shapes and computes the grid features.

    Args:
      source_shape: the spatial shape of the image sampled from.
      output_shape: the spatial shape of the grid produced.
      num_coeff: how many warp parameters the module takes.
      name: the module's name.
      **kwargs: passed to `_create_features`.

    Raises:
      snt.Error: if `output_shape` has more dimensions than `source_shape`.
    """
    super().__init__(name=name)
    self._source_shape = tuple(source_shape)
    self._output_shape = tuple(output_shape)
    if len(self._output_shape) > len(self._source_shape):
      raise errors.Error(
          "Output domain dimensionality ({}) must be equal or smaller than "
          "source domain dimensionality ({})".format(len(self._output_shape),
                                                     len(self._source_shape)))
    self._num_coeff = num_coeff
    self._psi = self._create_features(**kwargs)

  @abc.abstractmethod
  def _create_features(self, **kwargs):
    """Returns the features of the output grid that `_build` uses."""

  @property
  def n_coeff(self):
    """The number of warp parameters per example."""
    return self._num_coeff

  @property
  def psi(self):
    """The output grid's features (see `_create_features`)."""
    return self._psi

  @property
  def source_shape(self):
    """The spatial shape of the source image."""
    return self._source_shape

  @property
  def output_shape(self):
    """The spatial shape of the output grid."""
    return self._output_shape


class _RowFeatures:
  """What one output coordinate needs: x_i = free @ inputs + fixed + scale.

  Attributes:
    free: `[num_free, num_points]` grid rows times `scale` for the entries
      the inputs give, or None if the whole row is fixed.
    fixed: `[num_points]`, the fixed entries' share, or None if none is.
    scale: half the source extent (in pixels) along this coordinate.
  """

  def __init__(self, free, fixed, scale):
    self.free = free
    self.fixed = fixed
    self.scale = scale


class AffineGridWarper(GridWarper):
  """An affine warp from the output grid to source pixel coordinates.

  The inputs are the learned entries of the affine matrix (see
  `AffineWarpConstraints`), row by row. With parameters [1, 0, 0, 0, 1, 0]
  (the identity) the output grid spans the whole source image. The output
  grid may have fewer dimensions than the source (e.g. a 2-D grid in a
  volume); its missing normalized coordinates are 0.

  >>> warper = snt.AffineGridWarper(source_shape=(4, 6), output_shape=(2, 3))
  >>> grid = warper(tf.constant([[1., 0., 0., 0., 1., 0.]]))
  >>> grid.shape.as_list()
  [1, 2, 3, 2]
  >>> grid[0, -1, -1].numpy()  # Bottom-right corner: (x, y) = (5, 3).
  array([5., 3.], dtype=float32)
  """

  def __init__(self, source_shape: Sequence[int], output_shape: Sequence[int],
               constraints: Any = None, name: str = "affine_grid_warper"):
    """Configures the warp.

    Args:
      source_shape: the spatial shape of the source image, e.g.
        (height, width) or (depth, height, width).
      output_shape: the spatial shape of the output grid, with at most as
        many dimensions.
      constraints: an `AffineWarpConstraints`, nested rows of constraints,
        or None for a fully learned warp.
      name: the module's name.

    Raises:
      snt.Error: if the constraints fix every entry, have another dimension
        than `source_shape`, or `output_shape` has more dimensions than
        `source_shape`.
    """
    if constraints is None:
      constraints = AffineWarpConstraints.no_constraints(len(source_shape))
    elif not isinstance(constraints, AffineWarpConstraints):
      constraints = AffineWarpConstraints(constraints)
    if constraints.num_free_params == 0:
      raise errors.Error("Transformation is fully constrained.")
    if constraints.num_dim != len(source_shape):
      raise errors.Error(
          "Incompatible set of constraints provided: input grid shape and "
          "constraints have different dimensionality.")
    self._constraints = constraints
    super().__init__(source_shape, output_shape,
                     num_coeff=constraints.num_free_params, name=name)

  def _create_features(self):
    """One `_RowFeatures` per output coordinate, in float32."""
    points = _affine_features(self._output_shape, self._source_shape)
    features = []
    for row, extent in zip(self._constraints.constraints,
                           reversed(self._source_shape)):
      scale = (extent - 1.) * .5
      free = [points[j] * scale for j, c in enumerate(row) if c is None]
      fixed = None
      for j, c in enumerate(row):
        if c is not None:
          share = points[j] * c * scale
          fixed = share if fixed is None else fixed + share
      features.append(
          _RowFeatures(np.stack(free) if free else None, fixed, scale))
    return features

  @property
  def constraints(self):
    """The `AffineWarpConstraints`."""
    return self._constraints

  def _build(self, inputs):
    """Computes the sampling grid.

    Args:
      inputs: `[batch_size, num_free_params]` warp parameters.

    Returns:
      `[batch_size] + output_shape + [num_dim]` source pixel coordinates,
      ordered (x, y[, z]).

    Raises:
      snt.Error: if `inputs` does not have `num_free_params` columns.
    """
    num_params = tf.compat.dimension_value(inputs.get_shape()[1])
    if num_params is not None and num_params != self.n_coeff:
      raise errors.Error(
          "Input size is not consistent with constraint definition: {} "
          "parameters expected, {} provided.".format(self.n_coeff, num_params))
    dtype = inputs.dtype.as_numpy_dtype
    batch_size = tf.shape(inputs)[:1]
    coords, first = [], 0
    for row in self._psi:
      if row.free is None:
        coord = tf.tile(row.fixed.astype(dtype)[None], [batch_size[0], 1])
      else:
        num_free = row.free.shape[0]
        coord = tf.matmul(inputs[:, first:first + num_free],
                          row.free.astype(dtype))
        first += num_free
        if row.fixed is not None:
          coord += row.fixed.astype(dtype)
      coords.append(coord + row.scale)
    grid = tf.stack(coords, axis=-1)
    return tf.reshape(
        grid, tf.concat(
            [batch_size, list(self._output_shape), [len(coords)]], 0))

  def inverse(self, name=None):
    """Returns a module computing the grid of the inverse warp (2-D only).

    The new module takes the same parameters, inverts the affine matrix
    and warps a grid shaped like the source to pixel coordinates in the
    output image, undoing this warp.

    Args:
      name: defaults to this module's name + "_inverse".

    Returns:
      An `snt.Module`.

    Raises:
      NotSupportedError: for warps that are not 2-D.
    """
    if self._constraints.num_dim != 2:
      raise errors.NotSupportedError(
          "AffineGridWarper currently supports inversion only for the 2D "
          "case.")

    def inverse_grid(inputs):
      params = _full_matrix_entries(self._constraints, inputs)
      warper = AffineGridWarper(self._output_shape, self._source_shape)
      return warper(_inverse_affine_params(*params))  # pylint: disable=no-value-for-parameter

    return base.Module(inverse_grid, name=name or self.module_name + "_inverse")


def _full_matrix_entries(constraints, inputs):
  """The matrix entries row by row, each `[batch_size, 1]`."""
  fill_shape = tf.stack([tf.shape(inputs)[0], 1])
  entries, first = [], 0
  for value in (v for row in constraints.constraints for v in row):
    if value is None:
      entries.append(inputs[:, first:first + 1])
      first += 1
    else:
      entries.append(tf.fill(fill_shape, tf.constant(value, inputs.dtype)))
  return entries


def _inverse_affine_params(a, b, tx, c, d, ty):
  """The 2x3 parameters `[M^-1, -M^-1 t]` of the inverse of `[M, t]`."""
  det = a * d - b * c
  a_inv, b_inv, c_inv, d_inv = d / det, -b / det, -c / det, a / det
  m_inv = tf.reshape(tf.concat([a_inv, b_inv, c_inv, d_inv], 1), [-1, 2, 2])
  t_inv = tf.squeeze(tf.matmul(m_inv, tf.concat([tx, ty], 1)[:, :, None]), 2)
  return tf.concat([a_inv, b_inv, -t_inv[:, :1], c_inv, d_inv, -t_inv[:, 1:]],
                   1)
