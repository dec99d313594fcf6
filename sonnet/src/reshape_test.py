"""Tests for BatchReshape, BatchFlatten and FlattenTrailingDimensions."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class BatchReshapeTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(([2, -1], 1, [5, 2, 6]), ((12,), 1, [5, 12]),
                            ([4, 3], 1, [5, 4, 3]), ([-1], 2, [5, 3, 4]),
                            ([2, 2], 2, [5, 3, 2, 2]))
  @test_utils.in_all_modes
  def test_values_match_numpy(self, shape, preserve_dims, expected):
    x = np.random.RandomState(0).randn(5, 3, 4).astype(np.float32)
    module = snt.BatchReshape(shape, preserve_dims=preserve_dims)
    y = module(tf.constant(x))
    self.assertEqual(y.shape.as_list(), expected)
    self.assertAllEqual(self.evaluate(y), x.reshape(expected))
    self.assertIs(type(module.input_shape), list)
    self.assertEqual(module.input_shape, list(x.shape[preserve_dims:]))
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
    self.assertEqual(back.input_shape, [12])

  @test_utils.in_all_modes
  def test_transpose_of_transpose(self):
    x = np.arange(60, dtype=np.float32).reshape(5, 3, 4)
    module = snt.BatchReshape([2, -1])
    back = module.transpose()
    again = back.transpose()  # All made before any is connected.
    y = again(back(module(tf.constant(x))))
    self.assertAllEqual(self.evaluate(y), x.reshape(5, 2, 6))

  @test_utils.in_all_modes
  def test_transpose_before_parent_connected_raises(self):
    module = snt.BatchReshape([-1])
    back = module.transpose()
    with self.assertRaisesRegex(
        snt.NotConnectedError,
        "^Variables in batch_reshape not instantiated yet"):
      back(tf.zeros([2, 6]))
    module(tf.zeros([2, 2, 3]))
    self.assertEqual(back(tf.zeros([2, 6])).shape.as_list(), [2, 2, 3])

  @parameterized.parameters(([5],), ([5, -1],), ([7, 2],))
  @test_utils.in_all_modes
  def test_incompatible_size_raises(self, shape):
    module = snt.BatchReshape(shape)
    with self.assertRaisesRegex(
        ValueError, "^Output shape is incompatible with input shape"):
      module(tf.zeros([2, 3, 4]))
    self.assertFalse(module.is_connected)

  @test_utils.in_all_modes
  def test_one_trailing_dimension_is_returned_as_is(self):
    x = tf.zeros([2, 6])
    self.assertIs(snt.BatchReshape([-1])(x), x)
    self.assertIs(snt.BatchReshape([6])(x), x)
    with self.assertRaisesRegex(
        ValueError, "^Output shape is incompatible with input shape"):
      snt.BatchReshape([5])(x)

  @parameterized.parameters(
      ([-1], 3, [2, 3], "Input tensor has 2 dimensions, should have at least "
       "as many as preserve_dims=3"),
      ([-1], 2, [6], "Input tensor has 1 dimensions, should have at least as "
       "many as preserve_dims=2"))
  @test_utils.in_all_modes
  def test_rank_below_preserve_dims_raises(self, shape, preserve_dims,
                                           input_shape, message):
    with self.assertRaisesRegex(ValueError, "^" + message):
      snt.BatchReshape(shape,
                       preserve_dims=preserve_dims)(tf.zeros(input_shape))

  @parameterized.parameters(
      ([2, -1, -1], r"^Wildcard -1 can appear only once in desired output "
       r"shape. Given shape \(2, -1, -1\)"),
      ([0, 3], r"^Desired shape can only contain positive integral numbers "
       r"and the wildcard -1. Given shape \(0, 3\)"),
      ([2.5, 2], "^Desired shape can only contain"),
      ([-2, 3], "^Desired shape can only contain"))
  @test_utils.in_all_modes
  def test_bad_shape_raises_on_connection(self, shape, message):
    module = snt.BatchReshape(shape)  # Sonnet 1 checked on connection.
    with self.assertRaisesRegex(ValueError, message):
      module(tf.zeros([2, 3, 4]))

  def test_bad_preserve_dims_raises(self):
    with self.assertRaisesRegex(ValueError,
                                "^Argument preserve_dims should be >= 1.$"):
      snt.BatchReshape([-1], preserve_dims=0)
    with self.assertRaisesRegex(ValueError,
                                "^Argument preserve_dims should be >= 1.$"):
      snt.BatchFlatten(preserve_dims=0)

  def test_input_shape_needs_connection(self):
    with self.assertRaises(snt.NotConnectedError):
      _ = snt.BatchReshape([-1]).input_shape

  @test_utils.in_graph_mode
  def test_unknown_preserved_dims(self):
    x = tf1.placeholder(tf.float32, [None, None, 3, 4])
    y = snt.BatchReshape([2, -1], preserve_dims=2)(x)
    self.assertEqual(y.shape.as_list(), [None, None, 2, 6])
    value = np.random.RandomState(1).randn(2, 5, 3, 4)
    got = tf1.get_default_session().run(y, feed_dict={x: value})
    self.assertAllClose(got, value.reshape(2, 5, 2, 6))

  @parameterized.parameters(([None, None, 4], [-1]), ([None, 3, None], [-1]),
                            ([5, None], [6]))
  @test_utils.in_graph_mode
  def test_unknown_reshaped_dims_raise(self, input_shape, shape):
    x = tf1.placeholder(tf.float32, input_shape)
    with self.assertRaisesRegex(
        ValueError, r"^Unknown non-preserved dimensions are not allowed in "
        r"the input to BatchReshape unless it is only one and the desired "
        r"shape is \(-1,\)."):
      snt.BatchReshape(shape)(x)

  @test_utils.in_graph_mode
  def test_one_unknown_trailing_dimension_flattens(self):
    x = tf1.placeholder(tf.float32, [None, None])
    self.assertIs(snt.BatchFlatten()(x), x)

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
    with self.assertRaisesRegex(ValueError,
                                "^Argument dim_from should be >= 1.$"):
      snt.FlattenTrailingDimensions(0)


if __name__ == "__main__":
  test_utils.main()
