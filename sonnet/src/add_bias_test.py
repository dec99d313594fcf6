"""Tests for snt.AddBias."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules import basic as compat_basic
from sonnet.src import add_bias
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class BiasShapeTest(parameterized.TestCase):

  @parameterized.parameters(
      ((8, 3), None, (3,)), ((8, 4, 5, 3), None, (4, 5, 3)),
      ((8, 4, 5, 3), [-1], (3,)), ((8, 4, 5, 3), [1], (4, 1, 1)),
      ((8, 4, 5, 3), [1, 3], (4, 1, 3)), ((8, 4, 5, 3), [], ()))
  def test_bias_shape(self, input_shape, bias_dims, expected):
    self.assertEqual(add_bias.bias_shape(input_shape, bias_dims), expected)

  def test_sonnet1_calculate_bias_shape(self):
    self.assertIs(compat_basic.calculate_bias_shape, add_bias.bias_shape)
    self.assertEqual(compat_basic.calculate_bias_shape([8, 4, 3], None), [4, 3])

  def test_batch_dimension_rejected(self):
    with self.assertRaisesRegex(
        ValueError, "^Cannot apply bias across the minibatch dimension.$"):
      add_bias.bias_shape((8, 3), [0])


class AddBiasTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_adds_bias_per_dimension(self):
    x = np.random.RandomState(0).randn(2, 4, 3).astype(np.float32)
    module = snt.AddBias(
        bias_dims=[-1],
        initializers={"b": tf1.random_normal_initializer(seed=2)})
    y = module(tf.constant(x), multiplier=2.)
    self.assertVariableShapes(module.get_variables(), {"add/b": [3]})
    self.init()
    b, y = self.evaluate([module.b, y])
    self.assertAllClose(y, x + 2. * b)

  @test_utils.in_all_modes
  def test_default_bias_over_all_dimensions_and_sharing(self):
    module = snt.AddBias()
    module(tf.ones([2, 4, 3]))
    module(tf.ones([5, 4, 3]))
    self.assertVariableShapes(module.get_variables(), {"add/b": [4, 3]})
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^Input shape has changed. \(add: the first connection had shape "
        r"\(5, 4, 3\), this one \(2, 4, 2\).\)"):
      module(tf.ones([2, 4, 2]))

  @test_utils.in_all_modes
  def test_rank_one_input_rejected(self):
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "^Rank of input shape must be >=2 not: 1."):
      snt.AddBias()(tf.ones([3]))

  @test_utils.in_all_modes
  def test_batch_bias_dim_rejected_before_rank(self):
    # Sonnet 1 worked out the bias shape before checking the rank.
    with self.assertRaisesRegex(ValueError, "across the minibatch dimension"):
      snt.AddBias(bias_dims=[-1])(tf.ones([3]))

  @test_utils.in_all_modes
  def test_output_shape_checked(self):
    # Sonnet 1's message names the expected shape and the input's dim 1.
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                r"^Input shape must be \(None, 4\) not: 3."):
      snt.AddBias(output_shape=(None, 4))(tf.ones([2, 3]))

  @test_utils.in_all_modes
  def test_transpose(self):
    module = snt.AddBias(name="bias")
    transposed = module.transpose()
    with self.assertRaisesRegex(
        snt.ParentNotBuiltError,
        "^Build the original untransposed module before building this one."):
      transposed(tf.ones([2, 3]))
    self.assertFalse(transposed.is_connected)
    module(tf.ones([2, 3]))
    transposed(tf.ones([6, 3]))
    self.assertVariableNames(transposed.get_variables(), ["bias_transpose/b"])
    with self.assertRaises(snt.IncompatibleShapeError):
      module.transpose()(tf.ones([2, 4]))

  @test_utils.in_graph_mode
  def test_transpose_is_not_partitioned(self):
    module = snt.AddBias(
        partitioners={"b": tf1.fixed_size_partitioner(num_shards=2)})
    module(tf.ones([2, 4]))
    transposed = module.transpose()
    transposed(tf.ones([2, 4]))
    self.assertLen(list(module.b), 2)
    self.assertVariableNames(transposed.get_variables(), ["add_transpose/b"])

  @test_utils.in_all_modes
  def test_sonnet1_create_bias_initializer(self):
    value = compat_basic.create_bias_initializer((3,), tf.float64)([3])
    self.assertEqual(value.dtype, tf.float64)
    self.assertAllEqual(self.evaluate(value), np.zeros([3]))

  def test_bad_initializer_key(self):
    with self.assertRaisesRegex(KeyError, "Invalid initializer keys 'w'"):
      snt.AddBias(initializers={"w": tf.ones})


if __name__ == "__main__":
  test_utils.main()
