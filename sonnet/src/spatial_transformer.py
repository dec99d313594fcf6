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
import numbers

import numpy as np
import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors


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

  def __init__(self, constraints=((None, None, None), (None, None, None))):
    """Validates the constraints.

    Args:
      constraints: nested rows of None or numbers, 2x3 or 3x4.

    Raises:
      ValueError: for another shape, or an entry that is neither None nor a
        number.
    """
    rows = tuple(tuple(row) for row in constraints)
    num_dim = len(rows)
    if num_dim not in (2, 3) or any(len(r) != num_dim + 1 for r in rows):
      raise ValueError(
          "Affine warp constraints must be 2x3 (2-D) or 3x4 (3-D), got %r."
          % (constraints,))
    for row in rows:
      for entry in row:
        if entry is not None and (isinstance(entry, bool) or
                                  not isinstance(entry, numbers.Real)):
          raise ValueError("Constraint entries must be None or numbers, got "
                           "%r in %r." % (entry, constraints))
    self._constraints = rows

  @property
  def constraints(self):
    """The constraints, as a tuple of rows."""
    return self._constraints

  @property
  def num_dim(self):
    """2 or 3."""
    return len(self._constraints)

  @property
  def mask(self):
    """Rows of booleans, True where the entry is learned."""
    return tuple(tuple(e is None for e in row) for row in self._constraints)

  @property
  def num_free_params(self):
    """How many entries are learned."""
    return sum(sum(row) for row in self.mask)

  def combine_with(self, additional_constraints):
    """Returns constraints fixing the entries either set of constraints fixes.

    Args:
      additional_constraints: an `AffineWarpConstraints` or nested rows.

    Returns:
      A new `AffineWarpConstraints`.

    Raises:
      ValueError: if the dimensions differ or both fix an entry to
        different values.
    """
    if not isinstance(additional_constraints, AffineWarpConstraints):
      additional_constraints = AffineWarpConstraints(additional_constraints)
    if additional_constraints.num_dim != self.num_dim:
      raise ValueError("Cannot combine %d-D and %d-D constraints."
                       % (self.num_dim, additional_constraints.num_dim))
    rows = []
    for row, other_row in zip(self._constraints,
                              additional_constraints.constraints):
      combined = []
      for mine, theirs in zip(row, other_row):
        if mine is not None and theirs is not None and mine != theirs:
          raise ValueError("Conflicting constraints: an entry is fixed both "
                           "to %r and to %r." % (mine, theirs))
        combined.append(theirs if mine is None else mine)
      rows.append(tuple(combined))
    return AffineWarpConstraints(rows)

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
    return cls(((None, None, None, x), (None, None, None, y),
                (None, None, None, z)))

  @classmethod
  def scale_2d(cls, x=None, y=None):
    """Fixes the scales on the diagonal (None leaves one learned)."""
    return cls(((x, None, None), (None, y, None)))

  @classmethod
  def scale_3d(cls, x=None, y=None, z=None):
    """Fixes the 3-D scales on the diagonal (None leaves one learned)."""
    return cls(((x, None, None, None), (None, y, None, None),
                (None, None, z, None)))

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


def _normalized_grid(shape):
  """Homogeneous normalized (x, y[, z], 1) points of a grid, row-major.

  Args:
    shape: the grid's shape, e.g. (height, width).

  Returns:
    A float32 array `[prod(shape), len(shape) + 1]`.
  """
  axes = [np.linspace(-1., 1., n) if n > 1 else np.zeros([1]) for n in shape]
  mesh = np.meshgrid(*axes, indexing="ij")
  # Coordinates are ordered (x, y, ...): x is the last image dimension.
  points = [m.reshape(-1) for m in reversed(mesh)]
  points.append(np.ones_like(points[0]))
  return np.stack(points, axis=1).astype(np.float32)


def _to_pixels(normalized, shape):
  """Normalized (x, y[, z]) coordinates to pixel units of an image `shape`."""
  half_extent = np.array([(n - 1) / 2. for n in reversed(shape)], np.float32)
  return (normalized + 1.) * half_extent


class GridWarper(base.AbstractModule, metaclass=abc.ABCMeta):
  """Base of modules that turn warp parameters into a sampling grid.

  Subclasses compute features of the output grid once, in
  `_create_features`, and combine them with the parameters in `_build`.
  """

  def __init__(self, source_shape, output_shape, num_coeff, name, **kwargs):
    """Stores the shapes and computes the grid features.

    Args:
      source_shape: the spatial shape of the image sampled from.
      output_shape: the spatial shape of the grid produced.
      num_coeff: how many warp parameters the module takes.
      name: the module's name.
      **kwargs: passed to `_create_features`.

    Raises:
      ValueError: if a shape has a non-positive entry.
    """
    super().__init__(name=name)
    self._source_shape = tuple(source_shape)
    self._output_shape = tuple(output_shape)
    for shape in (self._source_shape, self._output_shape):
      if not shape or any(int(n) <= 0 for n in shape):
        raise ValueError("%s: shapes must be non-empty and positive, got %r."
                         % (name, shape))
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


class AffineGridWarper(GridWarper):
  """An affine warp from the output grid to source pixel coordinates.

  The inputs are the learned entries of the affine matrix (see
  `AffineWarpConstraints`), row by row. With parameters [1, 0, 0, 0, 1, 0]
  (the identity) the output grid spans the whole source image.

  >>> warper = snt.AffineGridWarper(source_shape=(4, 6), output_shape=(2, 3))
  >>> grid = warper(tf.constant([[1., 0., 0., 0., 1., 0.]]))
  >>> grid.shape.as_list()
  [1, 2, 3, 2]
  >>> grid[0, -1, -1].numpy()  # Bottom-right corner: (x, y) = (5, 3).
  array([5., 3.], dtype=float32)
  """

  def __init__(self, source_shape, output_shape, constraints=None,
               name="affine_grid_warper"):
    """Configures the warp.

    Args:
      source_shape: the spatial shape of the source image, (height, width)
        or (depth, height, width).
      output_shape: the spatial shape of the output grid, same rank.
      constraints: an `AffineWarpConstraints`, nested rows of constraints,
        or None for a fully learned warp.
      name: the module's name.

    Raises:
      ValueError: if the shapes' ranks differ from each other or from the
        constraints' dimension, or are not 2 or 3.
    """
    if constraints is None:
      constraints = AffineWarpConstraints.no_constraints(len(source_shape))
    elif not isinstance(constraints, AffineWarpConstraints):
      constraints = AffineWarpConstraints(constraints)
    if not len(source_shape) == len(output_shape) == constraints.num_dim:
      raise ValueError(
          "source_shape %r, output_shape %r and the constraints (%d-D) must "
          "have the same number of dimensions." % (
              tuple(source_shape), tuple(output_shape), constraints.num_dim))
    self._constraints = constraints
    super().__init__(source_shape, output_shape,
                     num_coeff=constraints.num_free_params, name=name)

  def _create_features(self):
    """The homogeneous normalized points of the output grid."""
    return _normalized_grid(self._output_shape)

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
      IncompatibleShapeError: if `inputs` is not
        `[batch_size, num_free_params]`.
    """
    matrices = self._affine_matrices(self, inputs)
    grid = tf.einsum("bij,pj->bpi", matrices,
                     tf.constant(self._psi, dtype=inputs.dtype))
    grid = _to_pixels(grid, self._source_shape)
    return tf.reshape(grid, tf.concat(
        [tf.shape(inputs)[:1], list(self._output_shape),
         [self._constraints.num_dim]], 0))

  def _affine_matrices(self, module, inputs):
    """`[batch, num_dim, num_dim + 1]` matrices from the free parameters."""
    if inputs.get_shape().as_list()[1:] != [self.n_coeff]:
      raise errors.IncompatibleShapeError(
          "%s: inputs must be [batch_size, %d] (the learned entries), got %s."
          % (module.scope_name, self.n_coeff, inputs.get_shape()))
    batch = tf.shape(inputs)[:1]
    entries, next_free = [], 0
    for row in self._constraints.constraints:
      for entry in row:
        if entry is None:
          entries.append(inputs[:, next_free])
          next_free += 1
        else:
          entries.append(tf.fill(batch, tf.cast(entry, inputs.dtype)))
    num_dim = self._constraints.num_dim
    return tf.reshape(tf.stack(entries, axis=1), [-1, num_dim, num_dim + 1])

  def inverse(self, name=None):
    """Returns a module computing the grid of the inverse warp (2-D only).

    The new module takes the same parameters and maps a grid shaped like
    the source to pixel coordinates in the output image, undoing this warp.

    Args:
      name: defaults to this module's name + "_inverse".

    Returns:
      An `snt.Module`.

    Raises:
      NotSupportedError: for 3-D warps.
    """
    if self._constraints.num_dim != 2:
      raise errors.NotSupportedError(
          "%s: inverse() supports 2-D warps only." % self.scope_name)
    points = _normalized_grid(self._source_shape)

    def inverse_grid(inputs):
      matrices = self._affine_matrices(inverse_module, inputs)
      bottom = tf.tile(tf.constant([[[0., 0., 1.]]], dtype=inputs.dtype),
                       [tf.shape(inputs)[0], 1, 1])
      inverted = tf.linalg.inv(tf.concat([matrices, bottom], axis=1))[:, :2]
      grid = tf.einsum("bij,pj->bpi", inverted,
                       tf.constant(points, dtype=inputs.dtype))
      grid = _to_pixels(grid, self._output_shape)
      return tf.reshape(grid, tf.concat(
          [tf.shape(inputs)[:1], list(self._source_shape), [2]], 0))

    inverse_module = base.Module(
        inverse_grid, name=name or self.module_name + "_inverse")
    return inverse_module
