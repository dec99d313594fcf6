"""Tests for snt.MergeDims."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class MergeDimsTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((0, 2, [6, 4, 5]), (1, 2, [2, 12, 5]),
                            (1, 3, [2, 60]), (0, 4, [120]), (-2, 2, [2, 3, 20]),
                            (-4, 3, [24, 5]))
  @test_utils.in_all_modes
  def test_matches_numpy(self, start, size, expected):
    x = np.random.RandomState(0).randn(2, 3, 4, 5).astype(np.float32)
    module = snt.MergeDims(start, size)
    y = module(tf.constant(x))
    self.assertEqual(y.shape.as_list(), expected)
    self.assertAllEqual(self.evaluate(y), x.reshape(expected))
    self.assertEqual(module.get_variables(), ())

  @test_utils.in_all_modes
  def test_nested_inputs(self):
    a = np.arange(24.).reshape(2, 3, 4)
    b = np.arange(6).reshape(1, 2, 3)
    out = snt.MergeDims(0, 2)({"a": tf.constant(a), "b": [tf.constant(b)]})
    got = self.evaluate(out)
    self.assertAllEqual(got["a"], a.reshape(6, 4))
    self.assertAllEqual(got["b"][0], b.reshape(2, 3))

  @test_utils.in_graph_mode
  def test_unknown_dims(self):
    x = tf1.placeholder(tf.float32, [None, 3, None, 2])
    y = snt.MergeDims(1, 2)(x)
    self.assertEqual(y.shape.as_list(), [None, None, 2])
    z = snt.MergeDims(2, 2)(x)
    self.assertEqual(z.shape.as_list(), [None, 3, None])
    value = np.random.RandomState(1).randn(4, 3, 5, 2)
    got_y, got_z = tf1.get_default_session().run([y, z], {x: value})
    self.assertAllClose(got_y, value.reshape(4, 15, 2))
    self.assertAllClose(got_z, value.reshape(4, 3, 10))

  @parameterized.parameters((1, 3, 4), (0, 4, 4), (-4, 2, 4))
  @test_utils.in_all_modes
  def test_rank_too_small_raises(self, start, size, rank):
    module = snt.MergeDims(start, size)
    with self.assertRaisesRegex(ValueError,
                                "^Rank of inputs must be at least %d." % rank):
      module(tf.zeros([2, 3, 4]))

  @test_utils.in_graph_mode
  def test_unknown_rank_raises(self):
    with self.assertRaisesRegex(ValueError, "unknown TensorShape"):
      snt.MergeDims(0, 2)(tf1.placeholder(tf.float32))

  @parameterized.parameters(1, 0, -3)
  def test_size_must_exceed_one(self, size):
    with self.assertRaisesRegex(ValueError,
                                "^`size` should be strictly greater than 1.$"):
      snt.MergeDims(0, size)

  @test_utils.in_eager_mode
  def test_tf_function_unknown_batch(self):
    module = snt.MergeDims(0, 2)
    f = tf.function(module, input_signature=[tf.TensorSpec([None, 3, 2])])
    x = np.random.RandomState(2).randn(5, 3, 2).astype(np.float32)
    self.assertAllEqual(f(tf.constant(x)), x.reshape(15, 2))


if __name__ == "__main__":
  test_utils.main()
