"""Tests for the DiagonalGaussian helper."""

import numpy as np
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
from sonnet.src.custom_getters import gaussian
import tensorflow as tf


class DiagonalGaussianTest(test_utils.TestCase):

  def setUp(self):
    super().setUp()
    rng = np.random.RandomState(0)
    self.loc = rng.randn(3, 4).astype(np.float32)
    self.scale = rng.uniform(0.5, 2., (3, 4)).astype(np.float32)

  @test_utils.in_all_modes
  def test_log_prob_and_kl_match_numpy(self):
    dist = gaussian.DiagonalGaussian(self.loc, self.scale)
    other = gaussian.DiagonalGaussian(0.3, 1.5)
    x = np.random.RandomState(1).randn(3, 4).astype(np.float32)
    log_prob, kl = self.evaluate([dist.log_prob(x), dist.kl_divergence(other)])
    self.assertAllClose(log_prob, refs.log_normal(x, self.loc, self.scale),
                        rtol=1e-5)
    self.assertAllClose(kl, refs.normal_kl(self.loc, self.scale, 0.3, 1.5),
                        rtol=1e-5, atol=1e-6)
    self.assertAllClose(self.evaluate(dist.kl_divergence(dist)),
                        np.zeros([3, 4]), atol=1e-6)

  @test_utils.in_all_modes
  def test_sample_statistics_and_noise(self):
    loc = np.array([1., -2.], np.float32)
    scale = np.array([0.5, 3.], np.float32)
    dist = gaussian.DiagonalGaussian(tf.tile(loc[None], [20000, 1]), scale)
    samples = self.evaluate(dist.sample(seed=3))
    self.assertAllClose(samples.mean(axis=0), loc, atol=0.1)
    self.assertAllClose(samples.std(axis=0), scale, rtol=0.05)
    noise = np.ones([20000, 2], np.float32)
    self.assertAllClose(self.evaluate(dist.sample(noise=noise))[0], loc + scale)
    self.assertAllEqual(self.evaluate(dist.mean()).shape, [20000, 2])
    self.assertAllClose(self.evaluate(dist.stddev())[5], scale)


if __name__ == "__main__":
  test_utils.main()
