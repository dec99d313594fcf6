"""Tests for snt.merge_leading_dims and snt.split_leading_dim."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class LeadingDimsTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(2, 3)
  @test_utils.in_all_modes
  def test_merge_then_split_matches_numpy(self, n_dims):
    x = np.random.RandomState(0).randn(2, 3, 4, 5).astype(np.float32)
    merged = snt.merge_leading_dims(tf.constant(x), n_dims)
    expected_shape = [int(np.prod(x.shape[:n_dims]))] + list(x.shape[n_dims:])
    self.assertEqual(merged.shape.as_list(), expected_shape)
    self.assertAllEqual(self.evaluate(merged), x.reshape(expected_shape))
    split = snt.split_leading_dim(merged, tf.constant(x), n_dims)
    self.assertEqual(split.shape.as_list(), list(x.shape))
    self.assertAllEqual(self.evaluate(split), x)

  @test_utils.in_all_modes
  def test_numpy_input_is_converted(self):
    x = np.arange(12).reshape(2, 3, 2)
    merged = snt.merge_leading_dims(x)
    self.assertTrue(tf.is_tensor(merged))
    self.assertAllEqual(self.evaluate(merged), x.reshape(6, 2))

  @test_utils.in_all_modes
  def test_low_rank_passes_through(self):
    x = tf.constant([1., 2.])
    self.assertIs(snt.merge_leading_dims(x, 2), x)
    self.assertIs(snt.merge_leading_dims(3.0, 2), 3.0)
    array = np.ones([2])
    self.assertIs(snt.merge_leading_dims(array, 2), array)

  @test_utils.in_all_modes
  def test_n_dims_one_gives_a_tensor(self):
    merged = snt.merge_leading_dims(np.arange(6.).reshape(2, 3), 1)
    self.assertTrue(tf.is_tensor(merged))
    self.assertAllEqual(self.evaluate(merged), np.arange(6.).reshape(2, 3))

  @test_utils.in_graph_mode
  def test_unknown_dims_use_dynamic_shape(self):
    x = tf1.placeholder(tf.float32, [None, 3, None, 5])
    merged = snt.merge_leading_dims(x, 2)
    self.assertEqual(merged.shape.as_list(), [None, None, 5])
    y = snt.split_leading_dim(merged * 2, x, 2)
    self.assertEqual(y.shape.as_list(), [None, 3, None, 5])
    value = np.random.RandomState(1).randn(4, 3, 2, 5)
    got_merged, got_y = tf1.get_default_session().run([merged, y],
                                                      feed_dict={x: value})
    self.assertAllClose(got_merged, value.reshape(12, 2, 5))
    self.assertAllClose(got_y, value * 2)

  @test_utils.in_graph_mode
  def test_unknown_rank_raises(self):
    x = tf1.placeholder(tf.float32)
    with self.assertRaisesRegex(
        ValueError,
        "^Can't merge leading dimensions of tensor of unknown rank.$"):
      snt.merge_leading_dims(x)

  @test_utils.in_all_modes
  def test_split_with_low_rank_inputs(self):
    # As in Sonnet 1: the leading dimensions that `inputs` has are used.
    x = np.arange(6.)
    split = snt.split_leading_dim(tf.constant(x), tf.zeros([6]))
    self.assertAllEqual(self.evaluate(split), x)

  @test_utils.in_graph_mode
  def test_split_size_mismatch_raises(self):
    with self.assertRaisesRegex(ValueError, "Cannot reshape"):
      snt.split_leading_dim(tf.constant(1.), tf.zeros([2, 3]))

  @test_utils.in_eager_mode
  def test_tf_function_with_unknown_batch(self):

    @tf.function(input_signature=[tf.TensorSpec([None, None, 3])])
    def round_trip(x):
      merged = snt.merge_leading_dims(x)
      return merged, snt.split_leading_dim(merged + 1, x)

    x = np.random.RandomState(2).randn(2, 4, 3).astype(np.float32)
    merged, y = round_trip(tf.constant(x))
    self.assertAllClose(merged, x.reshape(8, 3))
    self.assertAllClose(y, x + 1)


if __name__ == "__main__":
  test_utils.main()
