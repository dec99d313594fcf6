"""Posterior, prior and KL builders for the Bayes-by-Backprop getter.

They build `gaussian.DiagonalGaussian`s, with the variables, names and
initial values of Sonnet 1.36's builders (which built TensorFlow
Probability `Normal`s).
"""

import math

import numpy as np
import tensorflow as tf

from sonnet.src.custom_getters import gaussian

tf1 = tf.compat.v1

# Standard deviation of the fixed prior, and initial one of the adaptive prior.
_PRIOR_SCALE = 0.01


def inverse_softplus(y):
  """The `x` with `softplus(x) = log(1 + exp(x)) = y`, for `y > 0`.

  Args:
    y: a positive number (giving a float, `log(exp(y) - 1)` as in Sonnet
      1.36), NumPy array or tensor.

  Returns:
    `log(exp(y) - 1)`: a float for a number, otherwise computed stably as a
    NumPy array or a tensor.
  """
  if isinstance(y, (tf.Tensor, tf.Variable)):
    return y + tf.math.log(-tf.math.expm1(-y))
  if np.ndim(y) == 0:
    return math.log(math.exp(y) - 1.0)
  y = np.asarray(y, dtype=np.float64)
  return y + np.log(-np.expm1(-y))


def scale_variable_initializer(desired_scale):
  """An initializer giving `softplus(variable) == desired_scale`.

  Args:
    desired_scale: the positive scale wanted after the softplus.

  Returns:
    A `tf.compat.v1.constant_initializer`.
  """
  return tf1.constant_initializer(inverse_softplus(desired_scale))


# Sonnet 1.36's signature.
# pylint: disable-next=keyword-arg-before-vararg
def diagonal_gaussian_posterior_builder(getter, name, shape=None, *args,
                                        **kwargs):
  """Builds a learned diagonal Gaussian posterior over a variable.

  Creates `<name>/posterior_loc` (the means) and `<name>/posterior_scale`
  (the scales before a softplus), both of the variable's shape and both
  with all of the variable's `get_variable` arguments, its initializer
  included.

  Args:
    getter: the getter that creates variables.
    name: the variable's name.
    shape: the variable's shape.
    *args: other positional `get_variable` arguments.
    **kwargs: other `get_variable` keyword arguments.

  Returns:
    A `DiagonalGaussian` with `loc = posterior_loc` and
    `scale = softplus(posterior_scale)`.
  """
  loc = getter(name + "/posterior_loc", shape=shape, *args, **kwargs)
  raw_scale = getter(name + "/posterior_scale", shape=shape, *args, **kwargs)
  return gaussian.DiagonalGaussian(loc, tf.nn.softplus(raw_scale),
                                   name="{}_posterior_dist".format(name))


def fixed_gaussian_prior_builder(getter, name, dtype=None, *args, **kwargs):  # pylint: disable=keyword-arg-before-vararg
  """Builds a fixed prior `N(0, 0.01^2)` for every element; no variables.

  Args:
    getter: unused.
    name: the variable's name.
    dtype: the variable's dtype.
    *args: unused.
    **kwargs: unused.

  Returns:
    A `DiagonalGaussian` with scalar parameters.
  """
  del getter, args, kwargs
  return gaussian.DiagonalGaussian(
      tf.constant(0.0, shape=(), dtype=dtype),
      tf.constant(_PRIOR_SCALE, shape=(), dtype=dtype),
      name="{}_prior_dist".format(name))


def adaptive_gaussian_prior_builder(getter, name, *args, **kwargs):
  """Builds a prior `N(m, s^2)` whose scalars `m` and `s` are learned.

  Creates scalar variables `<name>_prior_loc` (with the variable's own
  initializer) and `<name>_prior_scale` (before a softplus; initially scale
  0.01), shared by every element of the variable; the variable's other
  `get_variable` arguments are passed on.

  Args:
    getter: the getter that creates variables.
    name: the variable's name.
    *args: other positional `get_variable` arguments.
    **kwargs: other `get_variable` keyword arguments.

  Returns:
    A `DiagonalGaussian` with scalar parameters.
  """
  kwargs["shape"] = ()
  loc = getter(name + "_prior_loc", *args, **kwargs)
  kwargs["initializer"] = scale_variable_initializer(_PRIOR_SCALE)
  raw_scale = getter(name + "_prior_scale", *args, **kwargs)
  return gaussian.DiagonalGaussian(loc, tf.nn.softplus(raw_scale),
                                   name="{}_prior_dist".format(name))


def stochastic_kl_builder(posterior, prior, sample):
  """A one-sample estimate of `KL(posterior || prior)`, summed over elements.

  Args:
    posterior: a distribution with `log_prob`.
    prior: a distribution with `log_prob`.
    sample: the estimate drawn from `posterior`.

  Returns:
    The scalar `sum(log q(sample)) - sum(log p(sample))`.
  """
  return tf.subtract(tf.reduce_sum(posterior.log_prob(sample)),
                     tf.reduce_sum(prior.log_prob(sample)))


def analytic_kl_builder(posterior, prior, sample):
  """The exact `KL(posterior || prior)`, summed over elements.

  Args:
    posterior: a distribution with a `kl_divergence(other)` method (a
      `DiagonalGaussian` or a TensorFlow Probability distribution).
    prior: the other distribution.
    sample: unused.

  Returns:
    A scalar tensor.

  Raises:
    NotImplementedError: if `posterior` has no `kl_divergence` method.
  """
  del sample
  if not hasattr(posterior, "kl_divergence"):
    raise NotImplementedError(
        "analytic_kl_builder needs a posterior with a kl_divergence method, "
        "got %r; use stochastic_kl_builder instead." % (posterior,))
  return tf.reduce_sum(posterior.kl_divergence(prior))
