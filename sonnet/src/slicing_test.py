"""Tests for snt.SelectInput, snt.SliceByDim and snt.TileByDim."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf


class SelectInputTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_selects_nested(self):
    a, b, c = tf.constant(1.), tf.constant(2.), tf.constant(3.)
    out = snt.SelectInput(idx=[2, (0, {"k": 2})])(a, b, c)
    self.assertIs(out[0], c)
    self.assertIs(out[1][0], a)
    self.assertIs(out[1][1]["k"], c)
    self.assertIs(snt.SelectInput(1)(a, b), b)

  @test_utils.in_all_modes
  def test_out_of_range_raises(self):
    with self.assertRaisesRegex(
        ValueError, r"select_input: idx \[0, 3\] refers to input 3, but only "
        "2 inputs"):
      snt.SelectInput([0, 3])(1, 2)

  @parameterized.parameters((-1, ValueError, "indices >= 0"),
                            ([1, "a"], TypeError, "nest of integers"),
                            (1.5, TypeError, "nest of integers"))
  def test_bad_idx(self, idx, error, message):
    with self.assertRaisesRegex(error, message):
      snt.SelectInput(idx)


class SliceByDimTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(
      ([1], [1], [2], np.s_[:, 1:3]),
      ([0, 2], [1, 0], [1, -1], np.s_[1:2, :, 0:]),
      ([2, 1], [3, 0], [2, 1], np.s_[:, 0:1, 3:5]))
  @test_utils.in_all_modes
  def test_matches_numpy(self, dims, begin, size, index):
    x = np.random.RandomState(0).randn(2, 3, 5).astype(np.float32)
    module = snt.SliceByDim(dims, begin, size)
    y = module(tf.constant(x))
    self.assertAllEqual(self.evaluate(y), x[index])
    self.assertEqual(module.get_variables(), ())

  @test_utils.in_all_modes
  def test_rank_too_small_raises(self):
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"slice_by_dim: inputs must have rank >= 3 to use dims \[2\]"):
      snt.SliceByDim([2], [0], [1])(tf.zeros([2, 3]))

  @parameterized.parameters(
      ([0, 0], [0, 0], [1, 1], ValueError, "must not repeat"),
      ([0], [0, 1], [1], ValueError, "same length"),
      ([0], [0], [1, 2], ValueError, "same length"),
      ([-1], [0], [1], ValueError, ">= 0"),
      ([0.5], [0], [1], TypeError, "list of integers"),
      (0, [0], [1], TypeError, "list of integers"))
  def test_bad_arguments(self, dims, begin, size, error, message):
    with self.assertRaisesRegex(error, message):
      snt.SliceByDim(dims, begin, size)


class TileByDimTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(([0], [2], (2, 1, 1)), ([1, 2], [3, 2], (1, 3, 2)))
  @test_utils.in_all_modes
  def test_matches_numpy(self, dims, multiples, reps):
    x = np.random.RandomState(1).randn(2, 3, 4).astype(np.float32)
    y = snt.TileByDim(dims, multiples)(tf.constant(x))
    self.assertAllEqual(self.evaluate(y), np.tile(x, reps))

  @test_utils.in_all_modes
  def test_rank_too_small_raises(self):
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "tile_by_dim: inputs must have rank >= 2"):
      snt.TileByDim([1], [2])(tf.zeros([3]))

  def test_bad_arguments(self):
    with self.assertRaisesRegex(ValueError, "same length"):
      snt.TileByDim([0, 1], [2])
    with self.assertRaisesRegex(ValueError, "must not repeat"):
      snt.TileByDim([1, 1], [2, 2])

  @test_utils.in_eager_mode
  def test_tf_function(self):
    tile = snt.TileByDim([1], [2])
    sliced = snt.SliceByDim([1], [1], [2])
    f = tf.function(lambda x: sliced(tile(x)))
    x = np.arange(6.).reshape(2, 3)
    self.assertAllEqual(f(tf.constant(x)), np.tile(x, (1, 2))[:, 1:3])


if __name__ == "__main__":
  test_utils.main()
