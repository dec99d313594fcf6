"""Block triangular and block diagonal matrices filled from vectors.

Not part of `snt.*`: Sonnet 1 kept these in
`sonnet.python.modules.block_matrix`, which is where they are found here too.
"""

import numpy as np
import tensorflow as tf

from sonnet.src.core import base


class BlockTriangularMatrix(base.AbstractModule):
  """Lays a batch of vectors out as block (lower or upper) triangular matrices.

  The output is `block_rows` x `block_rows` blocks, each of `block_shape`.
  Block row `r` holds its blocks of values side by side, and is filled row
  by row from the next `block_shape[0] * n_r * block_shape[1]` vector
  entries, where `n_r` is the number of blocks with values in that row; the
  other blocks are zeros. With `block_shape=(1, 2)` and `block_rows=2`, the
  lower triangular layout of `[1, 2, 3, 4, 5, 6]` is
  `[[1, 2, 0, 0], [3, 4, 5, 6]]`.

  >>> tril = BlockTriangularMatrix(block_shape=(1, 2), block_rows=2)
  >>> tril(tf.constant([[1, 2, 3, 4, 5, 6]])).numpy().tolist()
  [[[1, 2, 0, 0], [3, 4, 5, 6]]]
  """

  def __init__(self, block_shape, block_rows, include_diagonal=True,
               include_off_diagonal=True, upper=False,
               name="block_triangular_matrix"):
    """Configures the layout.

    Args:
      block_shape: the `(height, width)` of every block.
      block_rows: the number of block rows (and block columns).
      include_diagonal: whether the diagonal blocks hold values.
      include_off_diagonal: whether the blocks below (or, with `upper`,
        above) the diagonal hold values; if False only the diagonal does,
        and `upper` does not matter.
      upper: block upper triangular rather than lower triangular.
      name: the module's name.

    Raises:
      ValueError: if `include_diagonal` and `include_off_diagonal` are both
        False.
    """
    super().__init__(name=name)
    if not include_diagonal and not include_off_diagonal:
      raise ValueError("Arguments include_diagonal and include_off_diagonal "
                       "cannot both be False.")
    self._block_shape = tuple(block_shape)
    self._block_rows = block_rows
    self._include_diagonal = include_diagonal
    self._include_off_diagonal = include_off_diagonal
    self._upper = upper
    self._num_blocks = sum(
        last - first
        for first, last in map(self._value_columns, range(block_rows)))
    self._index = None

  def _value_columns(self, row):
    """The block columns `[first, last)` that hold values in block `row`."""
    if not self._include_off_diagonal:
      return row, row + 1
    first, last = (row, self._block_rows) if self._upper else (0, row + 1)
    if not self._include_diagonal:
      if self._upper:
        first += 1
      else:
        last -= 1
    return first, last

  def _output_index(self):
    """For each output entry, the vector entry it comes from.

    Entries that stay zero point one past the end of the vector, where
    `_build` appends a zero.

    Returns:
      An int array of shape `output_shape`.
    """
    height, width = self._block_shape
    index = np.full(self.output_shape, self.input_size, dtype=np.int64)
    start = 0
    for row in range(self._block_rows):
      first, last = self._value_columns(row)
      row_width = (last - first) * width
      size = height * row_width
      index[row * height:(row + 1) * height, first * width:last *
            width] = np.arange(start, start + size).reshape(height, row_width)
      start += size
    return index

  def _build(self, vector):
    """Lays out `vector`.

    Args:
      vector: a tensor of shape `[batch_size, input_size]`.

    Returns:
      A tensor of shape `[batch_size] + output_shape`, of `vector`'s dtype.

    Raises:
      ValueError: if `vector`'s shape is not compatible with
        `[batch_size, input_size]`.
    """
    vector = tf.convert_to_tensor(vector)
    vector.get_shape().assert_is_compatible_with((None, self.input_size))
    if self._index is None:
      self._index = self._output_index()
    padded = tf.concat([vector, tf.zeros_like(vector[:, :1])], axis=1)
    return tf.gather(padded, self._index, axis=1)

  @property
  def num_blocks(self):
    """How many blocks hold values."""
    return self._num_blocks

  @property
  def block_size(self):
    """The number of entries in one block."""
    return self._block_shape[0] * self._block_shape[1]

  @property
  def block_shape(self):
    """The `(height, width)` of every block."""
    return self._block_shape

  @property
  def output_shape(self):
    """The `(height, width)` of the output matrix (without the batch)."""
    return (self._block_shape[0] * self._block_rows,
            self._block_shape[1] * self._block_rows)

  @property
  def input_size(self):
    """The length of the input vectors."""
    return self.block_size * self.num_blocks


class BlockDiagonalMatrix(BlockTriangularMatrix):
  """Lays a batch of vectors out as block diagonal matrices.

  Diagonal block `r` is filled row by row from the `r`-th run of
  `block_shape[0] * block_shape[1]` vector entries; the rest is zeros.

  >>> diag = BlockDiagonalMatrix(block_shape=(1, 2), block_rows=2)
  >>> diag(tf.constant([[1, 2, 3, 4]])).numpy().tolist()
  [[[1, 2, 0, 0], [0, 0, 3, 4]]]
  """

  def __init__(self, block_shape, block_rows, name="block_diagonal_matrix"):
    """Configures the layout.

    Args:
      block_shape: the `(height, width)` of every block.
      block_rows: the number of diagonal blocks.
      name: the module's name.
    """
    super().__init__(block_shape=block_shape, block_rows=block_rows,
                     include_diagonal=True, include_off_diagonal=False,
                     name=name)
