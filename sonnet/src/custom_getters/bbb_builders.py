"""Posterior, prior and KL builders for the Bayes-by-Backprop getter."""

import numpy as np
import tensorflow as tf

from sonnet.src.custom_getters import gaussian

tf1 = tf.compat.v1

# Initial posterior standard deviations are drawn uniformly from this range.
_POSTERIOR_SCALE_RANGE = (1e-3, 5e-2)
# Keeps every softplus scale strictly positive.
_MIN_SCALE = 1e-5
# Standard deviation of the fixed prior, and initial one of the adaptive prior.
_PRIOR_SCALE = 0.01


def inverse_softplus(y):
  """The `x` with `softplus(x) = log(1 + exp(x)) = y`, for `y > 0`.

  Args:
    y: a positive number, NumPy array or tensor.

  Returns:
    `log(exp(y) - 1)`, computed stably, as a NumPy value for NumPy or Python
    input and a tensor for a tensor.
  """
  if isinstance(y, (tf.Tensor, tf.Variable)):
    return y + tf.math.log(-tf.math.expm1(-y))
  y = np.asarray(y, dtype=np.float64)
  return y + np.log(-np.expm1(-y))


def scale_variable_initializer(desired_scale):
  """An initializer giving `softplus(variable) == desired_scale`.

  Args:
    desired_scale: the positive scale wanted after the softplus.

  Returns:
    A `tf.compat.v1.constant_initializer`.

  Raises:
    ValueError: if `desired_scale` is not positive.
  """
  if np.any(np.asarray(desired_scale) <= 0):
    raise ValueError("scale_variable_initializer needs a positive scale, got "
                     "%r." % (desired_scale,))
  return tf1.constant_initializer(inverse_softplus(desired_scale))


def _base_dtype(dtype):
  return tf.as_dtype(dtype or tf.float32).base_dtype


def diagonal_gaussian_posterior_builder(getter, name, shape=None, *args,
                                        **kwargs):
  """Builds a learned diagonal Gaussian posterior over a variable.

  Creates `<name>/posterior_loc` (the means, with the variable's own
  initializer, partitioner and regularizer) and `<name>/posterior_scale`
  (the scales before a softplus; initial scales uniform in [0.001, 0.05]),
  both of the variable's shape.

  Args:
    getter: the getter that creates variables.
    name: the variable's name.
    shape: the variable's shape.
    *args: other positional `get_variable` arguments.
    **kwargs: other `get_variable` keyword arguments.

  Returns:
    A `DiagonalGaussian` with `loc = posterior_loc` and
    `scale = softplus(posterior_scale) + 1e-5`.
  """
  loc = getter(name + "/posterior_loc", *args, shape=shape, **kwargs)
  low, high = inverse_softplus(np.array(_POSTERIOR_SCALE_RANGE))
  scale_kwargs = dict(kwargs)
  scale_kwargs["initializer"] = tf1.random_uniform_initializer(
      float(low), float(high))
  scale_kwargs["regularizer"] = None
  raw_scale = getter(name + "/posterior_scale", *args, shape=shape,
                     **scale_kwargs)
  return gaussian.DiagonalGaussian(
      loc, tf.nn.softplus(raw_scale) + _MIN_SCALE,
      name=name.split("/")[-1] + "_posterior")


def fixed_gaussian_prior_builder(getter, name, dtype=None, *args, **kwargs):
  """Builds a fixed prior `N(0, 0.01^2)` for every element; no variables.

  Args:
    getter: unused.
    name: the variable's name.
    dtype: the variable's dtype (float32 if None).
    *args: unused.
    **kwargs: unused.

  Returns:
    A `DiagonalGaussian`.
  """
  del getter, args, kwargs
  dtype = _base_dtype(dtype)
  return gaussian.DiagonalGaussian(
      tf.zeros([], dtype), tf.constant(_PRIOR_SCALE, dtype),
      name=name.split("/")[-1] + "_prior")


def adaptive_gaussian_prior_builder(getter, name, *args, **kwargs):
  """Builds a prior `N(m, s^2)` whose scalars `m` and `s` are learned.

  Creates scalar variables `<name>/prior_loc` (initially 0) and
  `<name>/prior_scale` (before a softplus; initially scale 0.01), shared by
  every element of the variable.

  Args:
    getter: the getter that creates variables.
    name: the variable's name.
    *args: other positional `get_variable` arguments.
    **kwargs: other `get_variable` keyword arguments (shape, initializer,
      partitioner and regularizer are replaced).

  Returns:
    A `DiagonalGaussian` with scalar parameters.
  """
  kwargs = dict(kwargs, shape=[], partitioner=None, regularizer=None)
  kwargs["initializer"] = tf1.zeros_initializer()
  loc = getter(name + "/prior_loc", *args, **kwargs)
  kwargs["initializer"] = scale_variable_initializer(_PRIOR_SCALE)
  raw_scale = getter(name + "/prior_scale", *args, **kwargs)
  return gaussian.DiagonalGaussian(
      loc, tf.nn.softplus(raw_scale) + _MIN_SCALE,
      name=name.split("/")[-1] + "_prior")


def stochastic_kl_builder(posterior, prior, sample):
  """A one-sample estimate of `KL(posterior || prior)`, summed over elements.

  Args:
    posterior: a distribution with `log_prob`.
    prior: a distribution with `log_prob`.
    sample: the sample drawn from `posterior`.

  Returns:
    A scalar `sum(log q(sample) - log p(sample))`.
  """
  return tf.reduce_sum(posterior.log_prob(sample) - prior.log_prob(sample))


def analytic_kl_builder(posterior, prior, sample):
  """The exact `KL(posterior || prior)`, summed over elements.

  Args:
    posterior: a `DiagonalGaussian`.
    prior: a `DiagonalGaussian`.
    sample: unused.

  Returns:
    A scalar tensor.

  Raises:
    TypeError: if `posterior` cannot compute a KL divergence to `prior`.
  """
  del sample
  if not hasattr(posterior, "kl_divergence"):
    raise TypeError(
        "analytic_kl_builder needs a posterior with a kl_divergence method "
        "(e.g. from diagonal_gaussian_posterior_builder), got %r; use "
        "stochastic_kl_builder instead." % (posterior,))
  return tf.reduce_sum(posterior.kl_divergence(prior))
