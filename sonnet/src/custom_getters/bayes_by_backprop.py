"""Bayes by Backprop: a custom getter that samples weights from a posterior.

Each variable a module asks for is replaced by a sample from a learned
posterior (built by `posterior_builder`), and the KL divergence between the
posterior and a prior (`prior_builder`, `kl_builder`) is recorded, so that
`get_total_kl_cost()` can be added to the loss (Blundell et al., 2015,
"Weight Uncertainty in Neural Networks").
"""

import collections
import contextlib
import weakref

import tensorflow as tf

from sonnet.src.custom_getters import bbb_builders

tf1 = tf.compat.v1


class EstimatorModes:
  """Values of `sampling_mode_tensor`: how each weight is estimated.

  Attributes:
    sample: draw a fresh sample from the posterior.
    mean: use the posterior mean (e.g. for evaluation).
    last_sample: reuse the most recent sample drawn in `sample` mode (zeros
      before the first one).
  """
  sample = "sample"
  mean = "mean"
  last_sample = "last"


_MODES = (EstimatorModes.sample, EstimatorModes.mean,
          EstimatorModes.last_sample)

_VariableMetadata = collections.namedtuple("_VariableMetadata", [
    "raw_variable_name", "raw_variable_shape", "scope_name", "posterior",
    "posterior_estimate", "prior", "kl_cost", "prior_vars",
    "posterior_vars"])

# Graph -> {variable name: _VariableMetadata}. Eager execution uses the
# global default graph as its key, so `reset_default_graph()` clears it.
_registry_by_graph = weakref.WeakKeyDictionary()


def _registry():
  """The metadata recorded in the current graph (or eager context)."""
  graph = tf1.get_default_graph()
  if graph not in _registry_by_graph:
    _registry_by_graph[graph] = collections.OrderedDict()
  return _registry_by_graph[graph]


def _recording(getter, found):
  """Wraps `getter` so every variable it returns is appended to `found`."""

  def wrapped(*args, **kwargs):
    variable = getter(*args, **kwargs)
    found.append(variable)
    return variable

  return wrapped


def _check_mode_tensor(sampling_mode_tensor):
  if sampling_mode_tensor is None:
    return
  if isinstance(sampling_mode_tensor, str):
    if sampling_mode_tensor not in _MODES:
      raise ValueError("sampling_mode_tensor must be one of %s, got %r."
                       % (list(_MODES), sampling_mode_tensor))
    return
  dtype = getattr(sampling_mode_tensor, "dtype", None)
  if dtype is None or tf.as_dtype(dtype).base_dtype != tf.string:
    raise TypeError("sampling_mode_tensor must be a scalar string tensor (or "
                    "variable) holding an EstimatorModes value, got %r."
                    % (sampling_mode_tensor,))


def _estimate(posterior, mode, noise, last_sample):
  """The weight estimate: a sample, the mean or the last sample."""
  if mode is None:
    return _draw(posterior, noise)

  def sample_and_store():
    value = _draw(posterior, noise)
    with tf.control_dependencies([last_sample.assign(value)]):
      return tf.identity(value)

  mode = tf.convert_to_tensor(mode, dtype=tf.string)
  known = tf.reduce_any(tf.equal(mode, list(_MODES)))
  check = tf.debugging.Assert(
      known, ["sampling_mode_tensor must be one of", list(_MODES), "got",
              mode])
  with tf.control_dependencies([check]):
    mode = tf.identity(mode)
  return tf.cond(
      tf.equal(mode, EstimatorModes.sample), sample_and_store,
      lambda: tf.cond(tf.equal(mode, EstimatorModes.mean), posterior.mean,
                      last_sample.read_value))


def _draw(posterior, noise):
  if noise is not None:
    return posterior.sample(noise=noise)
  return posterior.sample()


def bayes_by_backprop_getter(
    posterior_builder=bbb_builders.diagonal_gaussian_posterior_builder,
    prior_builder=bbb_builders.fixed_gaussian_prior_builder,
    kl_builder=bbb_builders.stochastic_kl_builder,
    sampling_mode_tensor=None,
    fresh_noise_per_connection=True,
    keep_control_dependencies=False):
  """Returns a custom getter that replaces variables by posterior samples.

  For a variable `name` the getter builds `posterior_builder(getter, name,
  ...)` (by default creating `name/posterior_loc` and
  `name/posterior_scale`) and `prior_builder(getter, name, ...)`, returns an
  estimate of the weight and records `kl_builder(posterior, prior,
  estimate)` for `get_total_kl_cost`. Each connection replaces the metadata
  recorded for its variables by an earlier connection in the same graph (in
  eager mode: by an earlier call), so the total KL counts each variable once.

  Args:
    posterior_builder: `(getter, name, *args, **kwargs) -> distribution`
      with `sample()`, `mean()` and `log_prob()`.
    prior_builder: `(getter, name, *args, **kwargs) -> distribution`.
    kl_builder: `(posterior, prior, sample) -> scalar`; see
      `stochastic_kl_builder` and `analytic_kl_builder`.
    sampling_mode_tensor: None to always sample; otherwise a scalar string
      tensor or `tf.Variable` holding an `EstimatorModes` value, read on each
      connection (in eager mode, use a variable to switch modes). A
      non-trainable local variable `name/posterior_last_sample` then keeps
      the last sample.
    fresh_noise_per_connection: if False, every connection in the same graph
      (in eager mode: every call) reuses the noise drawn by the first, so
      all connections see the same weights.
    keep_control_dependencies: if False, the posterior, prior and sample are
      built outside any control dependencies and control-flow context
      active at the connection (e.g. once outside a `while_loop` body rather
      than once per step); if True they are built where the variable is
      requested.

  Returns:
    A custom getter.

  Raises:
    TypeError: if a builder is not callable or `sampling_mode_tensor` is
      not a string tensor.
    ValueError: if `sampling_mode_tensor` is a string other than an
      `EstimatorModes` value.

  >>> bbb = snt.custom_getters.bayes_by_backprop
  >>> linear = snt.Linear(3, custom_getter=bbb.bayes_by_backprop_getter())
  >>> y = linear(tf.ones([1, 2]))
  >>> kl = bbb.get_total_kl_cost()
  """
  for arg_name, builder in (("posterior_builder", posterior_builder),
                            ("prior_builder", prior_builder),
                            ("kl_builder", kl_builder)):
    if not callable(builder):
      raise TypeError("%s must be callable, got %r." % (arg_name, builder))
  _check_mode_tensor(sampling_mode_tensor)
  # Noise (or samples) reused across connections: key -> {name: tensor}.
  shared_noise = weakref.WeakKeyDictionary()

  def noise_store():
    graph = tf1.get_default_graph()
    if graph not in shared_noise:
      shared_noise[graph] = {}
    return shared_noise[graph]

  def custom_getter(getter, name, *args, **kwargs):
    scope = (contextlib.nullcontext() if keep_control_dependencies
             else tf.control_dependencies(None))
    posterior_vars, prior_vars = [], []
    with scope:
      # Variables must be created outside any name scope opened here: it
      # would become part of their names.
      last_sample = None
      if sampling_mode_tensor is not None:
        last_sample = getter(
            name + "/posterior_last_sample", shape=kwargs.get("shape"),
            dtype=kwargs.get("dtype"), initializer=tf1.zeros_initializer(),
            trainable=False, collections=[tf1.GraphKeys.LOCAL_VARIABLES])
      posterior = posterior_builder(_recording(getter, posterior_vars), name,
                                    *args, **kwargs)
      prior = prior_builder(_recording(getter, prior_vars), name, *args,
                            **kwargs)
      with tf1.name_scope(name + "_bbb"):
        noise = None
        if hasattr(posterior, "standard_noise"):
          store = noise_store()
          if fresh_noise_per_connection or name not in store:
            store[name] = posterior.standard_noise()
          noise = store[name]
        estimate = _estimate(posterior, sampling_mode_tensor, noise,
                             last_sample)
        kl_cost = kl_builder(posterior, prior, estimate)
    _registry()[name] = _VariableMetadata(
        raw_variable_name=name,
        raw_variable_shape=tf.TensorShape(kwargs.get("shape")),
        scope_name=tf1.get_variable_scope().name,
        posterior=posterior,
        posterior_estimate=estimate,
        prior=prior,
        kl_cost=kl_cost,
        prior_vars=tuple(prior_vars),
        posterior_vars=tuple(posterior_vars))
    return estimate

  return custom_getter


def get_variable_metadata(scope_name_substring=None):
  """The metadata of the variables the getter replaced in this graph.

  Args:
    scope_name_substring: if given, only variables whose variable scope name
      contains it.

  Returns:
    A list of namedtuples with fields `raw_variable_name`,
    `raw_variable_shape`, `scope_name`, `posterior`, `posterior_estimate`,
    `prior`, `kl_cost`, `prior_vars` and `posterior_vars`, in order of
    first creation.
  """
  return [m for m in _registry().values()
          if scope_name_substring is None or
          scope_name_substring in m.scope_name]


def get_total_kl_cost(name="total_kl_cost", filter_by_name_substring=None):
  """The sum of the KL costs recorded in this graph (or eager calls).

  In eager mode, call it after the connection, inside the same
  `tf.GradientTape`, to differentiate it.

  Args:
    name: the name of the sum op.
    filter_by_name_substring: if given, only variables whose full name
      contains it.

  Returns:
    A scalar tensor.

  Raises:
    ValueError: if no variable (matching the filter) was made by a
      `bayes_by_backprop_getter` in the current graph.
  """
  costs = [m.kl_cost for m in _registry().values()
           if filter_by_name_substring is None or
           filter_by_name_substring in m.raw_variable_name]
  if not costs:
    raise ValueError(
        "get_total_kl_cost found no variable made by a "
        "bayes_by_backprop_getter%s in the current graph: connect a module "
        "built with custom_getter=bayes_by_backprop_getter() first."
        % ("" if filter_by_name_substring is None else
           " with %r in its name" % filter_by_name_substring))
  return tf.add_n(costs, name=name)
