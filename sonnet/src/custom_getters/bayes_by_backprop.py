"""Bayes by Backprop: a custom getter that samples weights from a posterior.

Each variable a module asks for is replaced by a sample from a learned
posterior (built by `posterior_builder`), and the KL divergence between the
posterior and a prior (`prior_builder`, `kl_builder`) is recorded, so that
`get_total_kl_cost()` can be added to the loss (Blundell et al., 2015,
"Weight Uncertainty in Neural Networks").
"""

import collections
import collections.abc
import weakref

import tensorflow as tf

from sonnet.src.custom_getters import bbb_builders

tf1 = tf.compat.v1

_OK_DTYPES_FOR_BBB = (tf.float16, tf.float32, tf.float64, tf.bfloat16)


class EstimatorModes:
  """Values of `sampling_mode_tensor`: how each weight is estimated.

  Attributes:
    sample: draw a fresh sample from the posterior.
    mean: use the posterior mean (e.g. for evaluation).
    last_sample: the posterior's `last_sample()`, for posteriors that have
      one (Sonnet's Gaussians do not: this mode then fails when run).
  """
  sample = "sample"
  mean = "mean"
  last_sample = "last"


_VariableMetadata = collections.namedtuple("VariableMetadata", [
    "raw_variable_name", "raw_variable_shape", "scope_name", "posterior",
    "posterior_estimate", "prior", "kl_cost", "prior_vars", "posterior_vars"])

# Graph -> {variable name: _VariableMetadata}. Eager execution uses the
# global default graph as its key, so `reset_default_graph()` clears it.
_registry_by_graph = weakref.WeakKeyDictionary()


def _registry():
  """The metadata recorded in the current graph (or eager context)."""
  graph = tf1.get_default_graph()
  if graph not in _registry_by_graph:
    _registry_by_graph[graph] = collections.OrderedDict()
  return _registry_by_graph[graph]


def _distribution_and_vars(built):
  """A builder's result: a distribution, or a (distribution, vars) pair."""
  if isinstance(built, collections.abc.Sequence):
    distribution, variables = built
    return distribution, variables
  return built, {}


def _check_reparameterized(distribution):
  """Refuses TensorFlow Probability distributions without reparameterized
  samples (Sonnet's own Gaussians have no `reparameterization_type`)."""
  kind = getattr(distribution, "reparameterization_type", None)
  if kind is not None and "FULLY_REPARAMETERIZED" not in repr(kind):
    raise ValueError("Distribution {} incompatible with Bayes by "
                     "Backprop.".format(type(distribution).__name__))


def _posterior_estimate(posterior, mode, name, noise=None):
  """The weight estimate selected by the string tensor `mode`."""

  def sample():
    if noise is not None:
      return posterior.sample(noise=noise)
    return posterior.sample()

  cases = [(tf.equal(mode, EstimatorModes.sample,
                     name="equal_sample_mode"), sample),
           (tf.equal(mode, EstimatorModes.mean,
                     name="equal_mean_mode"), posterior.mean)]
  if hasattr(posterior, "last_sample"):
    cases.append(
        (tf.equal(mode, EstimatorModes.last_sample,
                  name="equal_last_sample_mode"), posterior.last_sample))

  def invalid_mode():
    check = tf.debugging.Assert(
        tf.constant(False),
        data=[tf.constant("Invalid posterior estimate "
                          "mode.")])
    with tf.control_dependencies([check]):
      return posterior.mean()

  return tf.case(cases, exclusive=True, default=invalid_mode,
                 name="{}_posterior_estimate".format(name))


def bayes_by_backprop_getter(
    posterior_builder=bbb_builders.diagonal_gaussian_posterior_builder,
    prior_builder=bbb_builders.fixed_gaussian_prior_builder,
    kl_builder=bbb_builders.stochastic_kl_builder, sampling_mode_tensor=None,
    fresh_noise_per_connection=True, keep_control_dependencies=False):
  """Returns a custom getter that replaces variables by posterior estimates.

  For each trainable float variable `name` the getter builds
  `posterior_builder(getter, name, ...)` (by default creating
  `name/posterior_loc` and `name/posterior_scale`) and
  `prior_builder(getter, name, ...)`; each may return a distribution or a
  `(distribution, dict_of_variables)` pair. It returns the estimate that
  `sampling_mode_tensor` selects and records `kl_builder(posterior, prior,
  estimate)` for `get_total_kl_cost`, once per variable: in graph mode the
  first connection's record is kept; in eager mode each call replaces the
  record, so the total KL is that of the latest call. Non-trainable
  variables are fetched unchanged.

  Args:
    posterior_builder: `(getter, name, *args, **kwargs) -> distribution`
      with `sample()` and `mean()` (and optionally `last_sample()`).
    prior_builder: `(getter, name, *args, **kwargs) -> distribution`.
    kl_builder: `(posterior, prior, estimate) -> scalar`; see
      `stochastic_kl_builder` and `analytic_kl_builder`.
    sampling_mode_tensor: a scalar string tensor (or variable) holding an
      `EstimatorModes` value, read on each run; None always samples. Other
      values fail when run ("Invalid posterior estimate mode.").
    fresh_noise_per_connection: if False, connecting a variable again gives
      the estimate of its first connection (in eager mode, with Sonnet's
      Gaussian posteriors: a new estimate from the first call's noise), so
      all connections see the same weights.
    keep_control_dependencies: if False, the posterior, prior and estimate
      are built outside any control dependencies and control-flow context
      active at the connection (e.g. once outside a `while_loop` body rather
      than once per step); if True they are built where the variable is
      requested.

  Returns:
    A custom getter.

  Raises (from the getter):
    ValueError: for a variable whose dtype is not a float type, or a
      posterior without reparameterized samples.

  >>> bbb = snt.custom_getters.bayes_by_backprop
  >>> linear = snt.Linear(3, custom_getter=bbb.bayes_by_backprop_getter())
  >>> y = linear(tf.ones([1, 2]))
  >>> kl = bbb.get_total_kl_cost()
  """
  if sampling_mode_tensor is None:
    sampling_mode_tensor = EstimatorModes.sample
  # Eager mode, fresh_noise_per_connection=False: graph -> {name: noise}.
  first_noise = weakref.WeakKeyDictionary()

  def eager_noise(name, posterior):
    """The first call's noise for `name`, for posteriors that take noise."""
    if (fresh_noise_per_connection or not tf.executing_eagerly() or
        not hasattr(posterior, "standard_noise")):
      return None
    store = first_noise.setdefault(tf1.get_default_graph(), {})
    if name not in store:
      store[name] = posterior.standard_noise()
    return store[name]

  def custom_getter(getter, name, *args, **kwargs):
    if not kwargs.get("trainable", True):
      return getter(name, *args, **kwargs)
    if kwargs["dtype"] not in _OK_DTYPES_FOR_BBB:
      raise ValueError("Disallowed data type {}.".format(kwargs["dtype"]))
    registry = _registry()
    eager = tf.executing_eagerly()
    if not fresh_noise_per_connection and name in registry and not eager:
      return registry[name].posterior_estimate
    control_inputs = [] if keep_control_dependencies else None
    with tf.control_dependencies(control_inputs):
      posterior, posterior_vars = _distribution_and_vars(
          posterior_builder(getter, name=name, *args, **kwargs))
      prior, prior_vars = _distribution_and_vars(
          prior_builder(getter, name=name, *args, **kwargs))
      _check_reparameterized(posterior)
      estimate = _posterior_estimate(posterior, sampling_mode_tensor, name,
                                     eager_noise(name, posterior))
      kl_cost = kl_builder(posterior, prior, estimate)
    if name not in registry or eager:
      registry[name] = _VariableMetadata(
          raw_variable_name=name, raw_variable_shape=kwargs["shape"],
          scope_name=tf1.get_variable_scope().name, posterior=posterior,
          posterior_estimate=estimate, prior=prior, kl_cost=kl_cost,
          prior_vars=prior_vars, posterior_vars=posterior_vars)
    return estimate

  return custom_getter


def get_variable_metadata(scope_name_substring=None):
  """The metadata of the variables the getter replaced in this graph.

  Args:
    scope_name_substring: if given, only variables whose variable scope name
      contains it.

  Returns:
    A list of `VariableMetadata` namedtuples with fields
    `raw_variable_name`, `raw_variable_shape`, `scope_name`, `posterior`,
    `posterior_estimate`, `prior`, `kl_cost`, `prior_vars` and
    `posterior_vars` (the dicts the builders returned, or `{}`), in order
    of first connection.
  """
  return [
      m for m in _registry().values()
      if scope_name_substring is None or scope_name_substring in m.scope_name]


def get_total_kl_cost(name="total_kl_cost", filter_by_name_substring=None):
  """The sum of the KL costs recorded in this graph (or eager calls).

  In eager mode, call it after the connection, inside the same
  `tf.GradientTape`, to differentiate it.

  Args:
    name: the name of the sum op.
    filter_by_name_substring: if given, only variables whose variable scope
      name contains it (as `get_variable_metadata`).

  Returns:
    A scalar tensor; 0.0 (and a logged warning) if no variable was made by
    a `bayes_by_backprop_getter` (or none matches the filter).
  """
  metadata = get_variable_metadata(filter_by_name_substring)
  if not metadata:
    tf1.logging.warning("No Bayes by Backprop variables found!")
    return tf.constant(0.0, shape=())
  return tf.add_n([m.kl_cost for m in metadata], name=name)
