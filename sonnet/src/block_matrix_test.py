"""Tests for the block triangular and block diagonal matrix modules."""

from absl.testing import parameterized
import numpy as np
from sonnet.python.modules import block_matrix as compat_block_matrix
from sonnet.src import block_matrix
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _reference(vector, height, width, spans):
  """Fills block row r, row by row, over the block columns spans[r]."""
  rows = len(spans)
  out = np.zeros([height * rows, width * rows], vector.dtype)
  start = 0
  for r, (first, last) in enumerate(spans):
    chunk = vector[start:start + height * (last - first) * width]
    start += chunk.size
    block = chunk.reshape(height, -1)
    out[r * height:(r + 1) * height, first * width:last * width] = block
  assert start == vector.size
  return out


class BlockTriangularMatrixTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      # Block columns with values in each of the 3 block rows.
      ("lower", {}, [(0, 1), (0, 2), (0, 3)]),
      ("lower_no_diagonal", {"include_diagonal": False}, [(0, 0), (0, 1),
                                                          (0, 2)]),
      ("upper", {"upper": True}, [(0, 3), (1, 3), (2, 3)]),
      ("upper_no_diagonal", {"upper": True, "include_diagonal": False}, [
          (1, 3), (2, 3), (3, 3)]),
      ("diagonal_only", {"include_off_diagonal": False, "upper": True}, [
          (0, 1), (1, 2), (2, 3)]))
  @test_utils.in_all_modes
  def test_layout(self, kwargs, spans):
    module = block_matrix.BlockTriangularMatrix(block_shape=(2, 3),
                                                block_rows=3, **kwargs)
    num_blocks = sum(last - first for first, last in spans)
    self.assertEqual(module.num_blocks, num_blocks)
    self.assertEqual(module.block_size, 6)
    self.assertEqual(module.input_size, 6 * num_blocks)
    self.assertEqual(module.output_shape, (6, 9))
    vectors = np.arange(2 * module.input_size, dtype=np.float32).reshape(2, -1)
    outputs = self.evaluate(module(tf.constant(vectors)))
    self.assertEqual(outputs.shape, (2, 6, 9))
    for vector, output in zip(vectors, outputs):
      self.assertAllEqual(output, _reference(vector, 2, 3, spans))

  @test_utils.in_all_modes
  def test_small_lower_example(self):
    module = block_matrix.BlockTriangularMatrix(block_shape=(2, 2),
                                                block_rows=2)
    output = module(tf.constant([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]))
    self.assertEqual(output.dtype, tf.int32)
    self.assertAllEqual(
        self.evaluate(output),
        [[[1, 2, 0, 0], [3, 4, 0, 0], [5, 6, 7, 8], [9, 10, 11, 12]]])

  @test_utils.in_all_modes
  def test_gradient_reaches_each_entry_once(self):
    module = block_matrix.BlockTriangularMatrix(block_shape=(1, 2),
                                                block_rows=3, upper=True)
    vector = tf.ones([1, module.input_size])
    grad = test_utils.gradients(lambda: tf.reduce_sum(module(vector) * 2.),
                                vector)
    self.assertAllEqual(self.evaluate(grad), np.full([1, 12], 2.))

  def test_both_false_raises(self):
    with self.assertRaisesRegex(
        ValueError, "Arguments include_diagonal and include_off_diagonal "
        "cannot both be False."):
      block_matrix.BlockTriangularMatrix(block_shape=(1, 1), block_rows=2,
                                         include_diagonal=False,
                                         include_off_diagonal=False)

  @test_utils.in_all_modes
  def test_wrong_input_size_raises(self):
    module = block_matrix.BlockTriangularMatrix(block_shape=(1, 1),
                                                block_rows=2)
    with self.assertRaisesRegex(ValueError, "are incompatible"):
      module(tf.ones([1, 4]))

  @test_utils.in_graph_mode
  def test_unknown_batch_size(self):
    module = block_matrix.BlockTriangularMatrix(block_shape=(1, 1),
                                                block_rows=2)
    vector = tf1.placeholder(tf.float32, [None, 3])
    output = module(vector)
    self.assertEqual(output.shape.as_list(), [None, 2, 2])
    with tf1.Session() as session:
      result = session.run(output, {vector: [[1, 2, 3], [4, 5, 6]]})
    self.assertAllEqual(result, [[[1, 0], [2, 3]], [[4, 0], [5, 6]]])

  @test_utils.in_eager_mode
  def test_tf_function(self):
    module = block_matrix.BlockTriangularMatrix(block_shape=(1, 1),
                                                block_rows=2)
    output = tf.function(module)(tf.constant([[1., 2., 3.]]))
    self.assertAllEqual(output, [[[1., 0.], [2., 3.]]])


class BlockDiagonalMatrixTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_layout_and_properties(self):
    module = block_matrix.BlockDiagonalMatrix(block_shape=(2, 3), block_rows=3)
    self.assertEqual(module.module_name, "block_diagonal_matrix")
    self.assertEqual(module.num_blocks, 3)
    self.assertEqual(module.input_size, 18)
    self.assertEqual(module.block_shape, (2, 3))
    vector = np.arange(18, dtype=np.float32)
    output = self.evaluate(module(tf.constant(vector[None])))
    self.assertAllEqual(output[0],
                        _reference(vector, 2, 3, [(0, 1), (1, 2), (2, 3)]))

  def test_sonnet1_path(self):
    self.assertIs(compat_block_matrix.BlockDiagonalMatrix,
                  block_matrix.BlockDiagonalMatrix)
    self.assertIs(compat_block_matrix.BlockTriangularMatrix,
                  block_matrix.BlockTriangularMatrix)


if __name__ == "__main__":
  test_utils.main()
