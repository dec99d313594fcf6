"""`DiagonalGaussian`: the few Normal-distribution operations Bayes by
Backprop needs, written with plain TensorFlow math."""

import math

import tensorflow as tf

_HALF_LOG_TWO_PI = 0.5 * math.log(2. * math.pi)


class DiagonalGaussian:
  """Independent Normal distributions, one per element of `loc`.

  Attributes:
    loc: the means, a tensor.
    scale: the standard deviations, a tensor broadcastable with `loc`.
    name: a name used for the ops this object adds.
  """

  def __init__(self, loc, scale, name="diagonal_gaussian"):
    """Stores the parameters.

    Args:
      loc: the means (tensor or tensor-like).
      scale: the positive standard deviations, broadcastable with `loc`.
      name: a name for the ops.
    """
    self.loc = tf.convert_to_tensor(loc)
    self.scale = tf.convert_to_tensor(scale, dtype=self.loc.dtype)
    self.name = name

  @property
  def dtype(self):
    return self.loc.dtype

  def mean(self):
    """The mean, broadcast to the full shape."""
    return self.loc + tf.zeros_like(self.scale)

  def stddev(self):
    """The standard deviation, broadcast to the full shape."""
    return self.scale + tf.zeros_like(self.loc)

  def standard_noise(self, seed=None):
    """Draws `eps ~ N(0, 1)` of the distribution's full shape."""
    shape = tf.broadcast_dynamic_shape(tf.shape(self.loc),
                                       tf.shape(self.scale))
    return tf.random.normal(shape, dtype=self.dtype, seed=seed)

  def sample(self, seed=None, noise=None):
    """One reparameterized sample `loc + scale * eps`, with `eps ~ N(0, 1)`.

    Args:
      seed: an optional op-level seed for `tf.random.normal`.
      noise: optional standard normal noise to use as `eps` (e.g. from
        `standard_noise`), to draw the same sample twice.

    Returns:
      A tensor of the distribution's full shape; gradients flow to `loc`
      and `scale`.
    """
    if noise is None:
      noise = self.standard_noise(seed)
    return self.loc + self.scale * noise

  def log_prob(self, value):
    """The elementwise log-density at `value`."""
    z = (value - self.loc) / self.scale
    return -0.5 * tf.square(z) - tf.math.log(self.scale) - _HALF_LOG_TWO_PI

  def kl_divergence(self, other):
    """The elementwise KL divergence `KL(self || other)`.

    Args:
      other: another `DiagonalGaussian` (broadcastable shape).

    Returns:
      A tensor `log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2`.
    """
    ratio = tf.square(self.scale / other.scale)
    mean_term = tf.square((self.loc - other.loc) / other.scale)
    return 0.5 * (ratio + mean_term - 1. - tf.math.log(ratio))
