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
    shape = tf.broadcast_dynamic_shape(tf.shape(self.loc), tf.shape(self.scale))
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
    """The elementwise log-density at `value`.

    Computed as TensorFlow Probability's `Normal` does, so the numbers
    match Sonnet 1.36's:
    `-(value/s - m/s)^2 / 2 - (log(2 pi) / 2 + log(s))`.
    """
    z_squared = tf.math.squared_difference(value / self.scale,
                                           self.loc / self.scale)
    return -0.5 * z_squared - (_HALF_LOG_TWO_PI + tf.math.log(self.scale))

  def kl_divergence(self, other):
    """The elementwise KL divergence `KL(self || other)`.

    Args:
      other: another `DiagonalGaussian` (broadcastable shape).

    Returns:
      `(m1/s2 - m2/s2)^2 / 2 + expm1(2 d) / 2 - d` with
      `d = log(s1) - log(s2)`, i.e.
      `log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2`.
    """
    log_ratio = tf.math.log(self.scale) - tf.math.log(other.scale)
    mean_term = tf.math.squared_difference(self.loc / other.scale,
                                           other.loc / other.scale)
    return 0.5 * mean_term + 0.5 * tf.math.expm1(2. * log_ratio) - log_ratio
