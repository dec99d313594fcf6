"""Tests for snt.ConcatLinear."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class ConcatLinearTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_matches_linear_of_concatenation(self):
    rng = np.random.RandomState(0)
    x1 = rng.randn(2, 3).astype(np.float32)
    x2 = rng.randn(2, 5).astype(np.float32)
    module = snt.ConcatLinear(
        4, initializers={"b": tf1.random_normal_initializer(seed=1)})
    y = module([tf.constant(x1), tf.constant(x2)])
    self.assertEqual(y.shape.as_list(), [2, 4])
    self.init()
    w1, b, w2 = module.get_variables()
    self.assertEqual(w1.name, "concat_linear/linear/w:0")
    w1, b, w2, y = self.evaluate([w1, b, w2, y])
    expected = np.concatenate([x1, x2], 1).dot(np.concatenate([w1, w2])) + b
    self.assertAllClose(y, expected, atol=1e-5)

  @test_utils.in_all_modes
  def test_variable_names_shapes_and_sharing(self):
    module = snt.ConcatLinear(4)
    module([tf.ones([2, 3]), tf.ones([2, 5])])
    module([tf.ones([7, 3]), tf.ones([7, 5])])
    self.assertVariableShapes(
        module.get_variables(), {
            "concat_linear/linear/w": [3, 4], "concat_linear/linear/b": [4],
            "concat_linear/linear_1/w": [5, 4]})
    self.assertLen(module.trainable_variables, 3)

  @test_utils.in_all_modes
  def test_no_bias_and_three_inputs(self):
    module = snt.ConcatLinear(2, use_bias=False)
    module([tf.ones([1, 1]), tf.ones([1, 2]), tf.ones([1, 3])])
    self.assertVariableShapes(
        module.get_variables(), {
            "concat_linear/linear/w": [1, 2], "concat_linear/linear_1/w": [
                2, 2], "concat_linear/linear_2/w": [3, 2]})

  @test_utils.in_all_modes
  def test_regularizers_apply_to_every_input(self):
    module = snt.ConcatLinear(2, initializers={"w": tf1.ones_initializer()},
                              regularizers={"w": snt.regularizers.l1(1.0)})
    module([tf.ones([1, 3]), tf.ones([1, 4])])
    self.init()
    losses = module.get_regularization_losses()
    self.assertAllClose(sorted(self.evaluate(losses)), [6.0, 8.0])

  @test_utils.in_all_modes
  def test_bad_inputs_raise_and_create_nothing(self):
    module = snt.ConcatLinear(2)
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        "^concat_linear/linear_1: rank of shape must be 2 not: 3. To apply a "
        "batched linear"):
      module([tf.ones([2, 3]), tf.ones([2, 3, 4])])
    with self.assertRaisesRegex(ValueError, "same batch size"):
      module([tf.ones([2, 3]), tf.ones([4, 3])])
    with self.assertRaisesRegex(ValueError,
                                "^Inputs must be an iterable of at least one"):
      module([])
    with self.assertRaisesRegex(
        ValueError, "^Expected floating point type, got <dtype: 'int32'>"):
      module([tf.ones([2, 3]), tf.ones([2, 1], tf.int32)])
    self.assertFalse(module.is_connected)
    module([tf.ones([2, 3]), tf.ones([2, 1])])
    self.assertVariableNames(module.get_variables(), [
        "concat_linear/linear/w", "concat_linear/linear/b",
        "concat_linear/linear_1/w"])

  @test_utils.in_all_modes
  def test_later_connections(self):
    module = snt.ConcatLinear(2, initializers={"w": tf1.ones_initializer()})
    module([tf.ones([2, 3]), tf.ones([2, 1])])
    # Fewer inputs reuse the first weights, as Sonnet 1's per-input Linears.
    y = module([tf.constant([[1., 2., 3.]])])
    self.init()
    self.assertAllEqual(self.evaluate(y), [[6., 6.]])
    with self.assertRaisesRegex(
        ValueError, r"^Trying to share variable concat_linear/linear_1/w, but "
        r"specified shape \(5, 2\) and found shape \(1, 2\)."):
      module([tf.ones([2, 3]), tf.ones([2, 5])])
    with self.assertRaisesRegex(
        ValueError, "^Variable concat_linear/linear_2/w does not exist"):
      module([tf.ones([2, 3]), tf.ones([2, 1]), tf.ones([2, 1])])

  @test_utils.in_all_modes
  def test_callable_output_size(self):
    module = snt.ConcatLinear(lambda: 4)
    y = module([tf.ones([2, 3]), tf.ones([2, 5])])
    self.assertEqual(y.shape.as_list(), [2, 4])
    self.assertEqual(module.output_size, 4)

  @test_utils.in_graph_mode
  def test_unknown_input_size_raises(self):
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        "^concat_linear/linear: Input size must be specified at module build "
        "time"):
      snt.ConcatLinear(2)([tf1.placeholder(tf.float32, [None, None])])

  @test_utils.in_all_modes
  def test_variable_options_are_checked_on_connection(self):
    # As in Sonnet 1, whose per-input Linears were made when connecting.
    module = snt.ConcatLinear(2, use_bias=False, initializers={"b": tf.zeros})
    with self.assertRaisesRegex(
        KeyError, r"Invalid initializer keys \\?'b\\?', initializers can only "
        r"be provided for \\?'w\\?'"):
      module([tf.ones([1, 2])])
    self.assertFalse(module.is_connected)
    module = snt.ConcatLinear(2, partitioners={"w": 3})
    with self.assertRaisesRegex(TypeError,
                                "Partitioner for 'w' is not a callable"):
      module([tf.ones([1, 2])])

  @test_utils.in_eager_mode
  def test_tf_function_and_checkpoint(self):
    module = snt.ConcatLinear(3)
    f = tf.function(module)
    inputs = [tf.ones([2, 3]), tf.ones([2, 2])]
    y = f(inputs)
    self.assertAllClose(y, module(inputs))
    path = tf.train.Checkpoint(m=module).save(self.get_temp_dir() + "/ckpt")
    twin = snt.ConcatLinear(3)
    twin(inputs)
    tf.train.Checkpoint(m=twin).restore(path).assert_consumed()
    self.assertAllClose(twin(inputs), y)


if __name__ == "__main__":
  test_utils.main()
