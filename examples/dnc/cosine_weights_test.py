"""Tests of `CosineWeights` against a NumPy reference."""

from absl.testing import parameterized
import numpy as np
import tensorflow as tf

from examples.dnc import cosine_weights
from examples.dnc import dnc_test_utils
from sonnet.src.core import errors
from sonnet.src import test_utils


class CosineWeightsTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((1, 3), (3, 5))
  @test_utils.in_all_modes
  def test_matches_numpy(self, num_heads, word_size):
    rng = np.random.RandomState(0)
    batch, rows = 2, 6
    memory = rng.randn(batch, rows, word_size).astype(np.float32)
    keys = rng.randn(batch, num_heads, word_size).astype(np.float32)
    raw = rng.randn(batch, num_heads).astype(np.float32) * 3
    params = np.concatenate([keys.reshape(batch, -1), raw], axis=1)
    module = cosine_weights.CosineWeights(num_heads, word_size)
    self.assertEqual(module.param_size(), params.shape[1])
    weights = self.evaluate(module(tf.constant(memory), tf.constant(params)))
    self.assertAllClose(weights,
                        dnc_test_utils.cosine_weights(memory, keys,
                                                      raw), atol=1e-5)
    self.assertAllClose(weights.sum(-1), np.ones([batch, num_heads]), atol=1e-5)

  @test_utils.in_all_modes
  def test_strength_sharpens(self):
    memory = np.array([[[1., 0.], [0.6, 0.8], [0., 1.]]], np.float32)
    module = cosine_weights.CosineWeights(num_heads=2, word_size=2,
                                          strength_op=tf.identity)
    # Same key for both heads; head 1 has a much larger strength.
    params = np.array([[1., 0., 1., 0., 1., 50.]], np.float32)
    weights = self.evaluate(module(tf.constant(memory), tf.constant(params)))
    self.assertAllClose(
        weights[0],
        dnc_test_utils.cosine_weights(memory, params[:, :4].reshape(1, 2, 2),
                                      params[:, 4:],
                                      strength_op=lambda x: x)[0], atol=1e-5)
    self.assertGreater(weights[0, 1, 0], 0.99)
    self.assertLess(weights[0, 0, 0], 0.6)

  @test_utils.in_all_modes
  def test_zero_memory_is_uniform(self):
    module = cosine_weights.CosineWeights(1, 3)
    weights = self.evaluate(module(tf.zeros([2, 4, 3]), tf.ones([2, 4])))
    self.assertAllClose(weights, np.full([2, 1, 4], 0.25))

  @test_utils.in_all_modes
  def test_no_variables(self):
    module = cosine_weights.CosineWeights(2, 3)
    module(tf.ones([1, 4, 3]), tf.ones([1, 8]))
    self.assertEmpty(module.get_variables())

  @test_utils.in_all_modes
  def test_shape_errors(self):
    module = cosine_weights.CosineWeights(2, 3, name="cos")
    with self.assertRaisesRegex(errors.IncompatibleShapeError,
                                r"^cos: memory must have shape .*, 3\]"):
      module(tf.ones([1, 4, 2]), tf.ones([1, 8]))
    with self.assertRaisesRegex(
        errors.IncompatibleShapeError, r"^cos: cos_params must have shape "
        r"\[batch_size, 8\]"):
      module(tf.ones([1, 4, 3]), tf.ones([1, 7]))

  def test_constructor_errors(self):
    with self.assertRaisesRegex(ValueError, "must be positive"):
      cosine_weights.CosineWeights(0, 3)
    with self.assertRaisesRegex(TypeError, "strength_op must be callable"):
      cosine_weights.CosineWeights(1, 3, strength_op=2.0)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    module = cosine_weights.CosineWeights(2, 3)
    rng = np.random.RandomState(1)
    memory = rng.randn(2, 5, 3).astype(np.float32)
    params = rng.randn(2, 8).astype(np.float32)
    eager = module(memory, params)
    compiled = tf.function(module)(memory, params)
    self.assertAllClose(eager, compiled)


if __name__ == "__main__":
  test_utils.main()
