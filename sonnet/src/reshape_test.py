"""Tests for BatchReshape, BatchFlatten and FlattenTrailingDimensions."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class BatchReshapeTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(
      ([2, -1], 1, [5, 2, 6]),
      ((12,), 1, [5, 12]),
      ([4, 3], 1, [5, 4, 3]),
      ([-1], 2, [5, 3, 4]),
      ([2, 2], 2, [5, 3, 2, 2]))
  @test_utils.in_all_modes
  def test_values_match_numpy(self, shape, preserve_dims, expected):
    x = np.random.RandomState(0).randn(5, 3, 4).astype(np.float32)
    module = snt.BatchReshape(shape, preserve_dims=preserve_dims)
    y = module(tf.constant(x))
    self.assertEqual(y.shape.as_list(), expected)
    self.assertAllEqual(self.evaluate(y), x.reshape(expected))
    self.assertEqual(module.input_shape, x.shape[preserve_dims:])
    self.assertEqual(module.get_variables(), ())

  @test_utils.in_all_modes
  def test_callable_shape(self):
    module = snt.BatchReshape(lambda: (2, 6))
    self.assertEqual(module(tf.zeros([1, 3, 4])).shape.as_list(), [1, 2, 6])

  @test_utils.in_all_modes
  def test_transpose_restores_input(self):
    x = np.arange(60, dtype=np.float32).reshape(5, 3, 4)
    module = snt.BatchReshape([-1], name="flat")
    back = module.transpose()  # Before `module` is connected.
    self.assertEqual(back.module_name, "flat_transpose")
    y = back(module(tf.constant(x)))
    self.assertEqual(y.shape.as_list(), [5, 3, 4])
    self.assertAllEqual(self.evaluate(y), x)
    self.assertEqual(back.input_shape, (12,))

  @test_utils.in_all_modes
  def test_transpose_before_parent_connected_raises(self):
    back = snt.BatchReshape([-1]).transpose()
    with self.assertRaisesRegex(snt.ParentNotBuiltError,
                                "connect that module first"):
      back(tf.zeros([2, 6]))

  @test_utils.in_all_modes
  def test_incompatible_size_raises(self):
    module = snt.BatchReshape([5])
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"batch_reshape: cannot reshape .* 12 elements per example, "
        "expected 5"):
      module(tf.zeros([2, 3, 4]))
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "not a multiple of 5"):
      snt.BatchReshape([5, -1])(tf.zeros([2, 3, 4]))
    self.assertFalse(module.is_connected)

  @test_utils.in_all_modes
  def test_rank_below_preserve_dims_raises(self):
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "rank >= preserve_dims=3"):
      snt.BatchReshape([-1], preserve_dims=3)(tf.zeros([2, 3]))

  @parameterized.parameters(
      ([2, -1, -1], "only once"), ([0, 3], "positive integers"),
      ([2.5], "positive integers"), ([-2], "positive integers"))
  def test_bad_shape_raises(self, shape, message):
    with self.assertRaisesRegex(ValueError, message):
      snt.BatchReshape(shape)

  def test_bad_preserve_dims_raises(self):
    with self.assertRaisesRegex(ValueError, "preserve_dims must be"):
      snt.BatchReshape([-1], preserve_dims=0)
    with self.assertRaisesRegex(ValueError, "preserve_dims must be"):
      snt.BatchFlatten(preserve_dims=0)

  def test_input_shape_needs_connection(self):
    with self.assertRaises(snt.NotConnectedError):
      _ = snt.BatchReshape([-1]).input_shape

  @test_utils.in_graph_mode
  def test_unknown_batch_and_trailing_dims(self):
    x = tf1.placeholder(tf.float32, [None, 3, 4])
    y = snt.BatchReshape([2, -1])(x)
    self.assertEqual(y.shape.as_list(), [None, 2, 6])
    z = tf1.placeholder(tf.float32, [None, None, 4])
    w = snt.BatchFlatten()(z)
    self.assertEqual(w.shape.as_list(), [None, None])
    value = np.random.RandomState(1).randn(2, 5, 4)
    got = tf1.get_default_session().run(w, feed_dict={z: value})
    self.assertAllClose(got, value.reshape(2, 20))

  @test_utils.in_eager_mode
  def test_tf_function(self):
    module = snt.BatchFlatten(preserve_dims=2)

    @tf.function
    def f(x):
      return module(x)

    x = np.random.RandomState(2).randn(2, 3, 4, 5).astype(np.float32)
    self.assertAllEqual(f(tf.constant(x)), x.reshape(2, 3, 20))


class FlattenTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((1, [2, 60]), (2, [2, 3, 20]), (3, [2, 3, 4, 5]),
                            (4, [2, 3, 4, 5, 1]))
  @test_utils.in_all_modes
  def test_batch_flatten(self, preserve_dims, expected):
    x = np.random.RandomState(3).randn(2, 3, 4, 5).astype(np.float32)
    module = snt.BatchFlatten(preserve_dims=preserve_dims)
    self.assertEqual(module.module_name, "batch_flatten")
    y = module(tf.constant(x))
    self.assertEqual(y.shape.as_list(), expected)
    self.assertAllEqual(self.evaluate(y), x.reshape(expected))

  @parameterized.parameters((1, [2, 60]), (2, [2, 3, 20]))
  @test_utils.in_all_modes
  def test_flatten_trailing_dimensions(self, dim_from, expected):
    x = np.random.RandomState(4).randn(2, 3, 4, 5).astype(np.float32)
    module = snt.FlattenTrailingDimensions(dim_from)
    self.assertEqual(module.module_name, "batch_dim_from")
    y = module(tf.constant(x))
    self.assertAllEqual(self.evaluate(y), x.reshape(expected))
    self.assertIsInstance(module, snt.BatchReshape)

  def test_flatten_trailing_dimensions_bad_dim(self):
    with self.assertRaisesRegex(ValueError, "dim_from must be"):
      snt.FlattenTrailingDimensions(0)


if __name__ == "__main__":
  test_utils.main()
