"""Tests for snt.SelectInput, snt.SliceByDim and snt.TileByDim."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class SelectInputTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_selects_nested_as_tuples(self):
    a, b, c = tf.constant(1.), tf.constant(2.), tf.constant(3.)
    out = snt.SelectInput(idx=[2, (0, [2])])(a, b, c)
    self.assertIsInstance(out, tuple)
    self.assertIsInstance(out[1][1], tuple)
    self.assertEqual(self.evaluate(out), (3., (1., (3.,))))
    single = snt.SelectInput(1)(a, b)
    self.assertIsNot(single, b)  # A tf.identity, as in Sonnet 1.
    self.assertEqual(self.evaluate(single), 2.)

  @test_utils.in_all_modes
  def test_python_inputs_become_tensors(self):
    out = snt.SelectInput([1, 0])(4, np.float32(5.))
    self.assertTrue(all(tf.is_tensor(t) for t in out))
    self.assertEqual(self.evaluate(out), (5., 4))

  @test_utils.in_graph_mode
  def test_fed_placeholder_can_be_fetched(self):
    x = tf1.placeholder(tf.float32, [])
    y = snt.SelectInput(0)(x)
    self.assertEqual(tf1.get_default_session().run(y, {x: 3.}), 3.)

  @parameterized.parameters(([0, 3], 2), (-1, 2), ([[2]], 1))
  @test_utils.in_all_modes
  def test_out_of_range_raises_on_connection(self, idx, num_inputs):
    module = snt.SelectInput(idx)
    with self.assertRaisesRegex(
        ValueError, r"^`idx` contains out of bound entries \(they should be "
        r"in the range \[0, %d\)\)" % num_inputs):
      module(*range(num_inputs))

  @parameterized.parameters((1.5,), ([1, "a"],), ({"k": 0},), ([0, None],))
  def test_bad_idx_type(self, idx):
    with self.assertRaisesRegex(
        TypeError,
        r"^`idx` should be a \(nested\) array/tuple, or an integer.$"):
      snt.SelectInput(idx)


class SliceByDimTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(([1], [1], [2], np.s_[:, 1:3]),
                            ([0, 2], [1, 0], [1, -1], np.s_[1:2, :, 0:]),
                            ([2, 1], [3, 0], [2, 1], np.s_[:, 0:1, 3:5]),
                            ([0, -1], [1, 1], [-1, 2], np.s_[1:, :, 1:3]),
                            ([], [], [], np.s_[:]))
  @test_utils.in_all_modes
  def test_matches_numpy(self, dims, begin, size, index):
    x = np.random.RandomState(0).randn(2, 3, 5).astype(np.float32)
    module = snt.SliceByDim(dims, begin, size)
    y = module(tf.constant(x))
    self.assertAllEqual(self.evaluate(y), x[index])
    self.assertEqual(module.get_variables(), ())

  @test_utils.in_all_modes
  def test_rank_too_small_raises(self):
    with self.assertRaisesRegex(ValueError,
                                "^Rank of inputs must be at least 3."):
      snt.SliceByDim([2], [0], [1])(tf.zeros([2, 3]))
    with self.assertRaisesRegex(IndexError,
                                r"dims \[-3\] do not fit inputs of rank 2."):
      snt.SliceByDim([-3], [0], [1])(tf.zeros([2, 3]))

  @parameterized.parameters(
      ([0, 0], [0, 0], [1, 1], "^dims must not have any repeated integers.$"),
      ([0], [0, 1], [1], "^begin must have the same length as dims: 1.$"),
      ([0, 1], [0, 1], [1], "^size must have the same length as dims: 2.$"))
  def test_bad_arguments(self, dims, begin, size, message):
    with self.assertRaisesRegex(ValueError, message):
      snt.SliceByDim(dims, begin, size)

  @test_utils.in_graph_mode
  def test_tensor_begin(self):
    x = np.arange(12.).reshape(3, 4)
    y = snt.SliceByDim([1], [tf.constant(2)], [2])(tf.constant(x))
    self.assertAllEqual(self.evaluate(y), x[:, 2:4])


class TileByDimTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(([0], [2], (2, 1, 1)), ([1, 2], [3, 2], (1, 3, 2)),
                            ([-1], [2], (1, 1, 2)), ([], [], (1, 1, 1)))
  @test_utils.in_all_modes
  def test_matches_numpy(self, dims, multiples, reps):
    x = np.random.RandomState(1).randn(2, 3, 4).astype(np.float32)
    y = snt.TileByDim(dims, multiples)(tf.constant(x))
    self.assertAllEqual(self.evaluate(y), np.tile(x, reps))

  @parameterized.parameters([1], [-2])
  @test_utils.in_all_modes
  def test_rank_too_small_raises(self, dim):
    with self.assertRaisesRegex(
        IndexError, r"dims \[%d\] do not fit inputs of rank 1." % dim):
      snt.TileByDim([dim], [2])(tf.zeros([3]))

  def test_bad_arguments(self):
    with self.assertRaisesRegex(
        ValueError, "^multiples must have the same length as dims: 2.$"):
      snt.TileByDim([0, 1], [2])
    with self.assertRaisesRegex(ValueError,
                                "^dims must not have any repeated integers.$"):
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
