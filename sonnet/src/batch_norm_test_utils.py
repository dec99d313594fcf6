"""Checks shared by the tests of BatchNorm and BatchNormV2."""

from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
from sonnet.src.core import errors
import tensorflow as tf

tf1 = tf.compat.v1


class BatchNormTestCase(test_utils.TestCase):
  """A `TestCase` with assertions about a batch normalization module."""

  def assertMovingAverages(self, bn, mean, variance, kept, **tolerance):
    """Checks the moving averages, moved from (0, 1) towards batch moments.

    Args:
      bn: the connected module.
      mean: the batch mean they moved towards.
      variance: the batch variance they moved towards.
      kept: the share of the initial values left (the decay rate after one
        update, its square after two).
      **tolerance: `atol` and `rtol` for the comparisons.
    """
    self.assertAllClose(self.evaluate(bn.moving_mean), (1. - kept) * mean,
                        **tolerance)
    self.assertAllClose(self.evaluate(bn.moving_variance),
                        kept + (1. - kept) * variance, **tolerance)

  def assertBatchNormVariables(self, bn, names, trainable, shape):
    """Checks a connected module's variables (its scope is "batch_norm").

    Args:
      bn: the module.
      names: the names of all its variables, each of `shape`.
      trainable: the names of its trainable ones.
      shape: the shape of every variable.
    """
    self.assertVariableShapes(bn.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES),
                              {"batch_norm/" + n: shape for n in names})
    self.assertVariableNames(bn.get_variables(),
                             ["batch_norm/" + n for n in trainable])
    self.assertVariableNames(
        bn.get_variables(tf1.GraphKeys.MOVING_AVERAGE_VARIABLES),
        ["batch_norm/moving_mean", "batch_norm/moving_variance"])

  def assertNoGammaOrBeta(self, bn):
    """Checks the errors of a connected module with no scale nor offset."""
    with self.assertRaisesRegex(
        errors.Error,
        "^Batch normalization doesn't have a scale, so no gamma$"):
      _ = bn.gamma
    with self.assertRaisesRegex(
        errors.Error,
        "^Batch normalization doesn't have an offset, so no beta$"):
      _ = bn.beta

  def assertTrainsInDtype(self, bn, x, dtype, affine_dtype, axes, fused):
    """Connects a module in training to `x` in `dtype` and checks it.

    The output keeps the input's dtype, the statistics are float64 for
    float64 inputs and float32 otherwise, the scale and offset are
    `affine_dtype`; the output and the moving averages (decay rate 0.5) match
    NumPy within the precision of `dtype`.

    Args:
      bn: the module, with scale and offset and decay rate 0.5.
      x: the NumPy input.
      dtype: the input's dtype.
      affine_dtype: the expected dtype of gamma and beta.
      axes: the dimensions the statistics are taken over.
      fused: whether the fused kernel (Bessel-corrected variance) runs.
    """
    y = bn(tf.constant(x, dtype), is_training=True)
    self.init()
    self.assertEqual(y.dtype, dtype)
    stat_dtype = tf.float64 if dtype == tf.float64 else tf.float32
    self.assertEqual(bn.moving_mean.dtype.base_dtype, stat_dtype)
    self.assertEqual(bn.moving_variance.dtype.base_dtype, stat_dtype)
    self.assertEqual(bn.gamma.dtype.base_dtype, affine_dtype)
    self.assertEqual(bn.beta.dtype.base_dtype, affine_dtype)
    tol = 1e-6 if dtype == tf.float64 else 5e-2
    self.assertAllClose(self.evaluate(tf.cast(y, tf.float32)),
                        refs.normalize(x, axes, 1e-3), atol=tol, rtol=tol)
    mean, var = refs.moments(x, axes, bessel=fused)
    self.assertMovingAverages(bn, mean, var, 0.5, atol=tol, rtol=tol)
