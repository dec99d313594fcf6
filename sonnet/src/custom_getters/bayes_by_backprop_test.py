"""Tests for snt.custom_getters.bayes_by_backprop."""

import math

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.custom_getters import bayes_by_backprop as deep_bbb
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
from sonnet.src.custom_getters import gaussian
import tensorflow as tf

tf1 = tf.compat.v1
bbb = snt.custom_getters.bayes_by_backprop

_PRIOR_SCALE = 0.01  # Sonnet 1.36's scale of the fixed prior.
_X = np.array([[1., 2.]], np.float32)
# Constant initial values, so that the numbers below are known.
_INITIALIZERS = {
    "w": tf1.constant_initializer(0.3), "b": tf1.constant_initializer(-0.2)}


def _mode_variable(value):
  return tf1.get_variable("mode", dtype=tf.string, shape=(), trainable=False,
                          initializer=tf1.constant_initializer(value))


class _GaussianWithLastSample(gaussian.DiagonalGaussian):
  """A posterior with `last_sample()`: its sample is `loc + scale * 1`."""

  def sample(self, seed=None, noise=None):
    del seed, noise
    return self.last_sample()

  def last_sample(self):
    return self.loc + self.scale


def _posterior_with_vars(getter, name, *args, **kwargs):
  loc = getter(name + "/q_loc", *args, **kwargs)
  kwargs["initializer"] = tf1.constant_initializer(-1.)
  scale = getter(name + "/q_scale", *args, **kwargs)
  return (_GaussianWithLastSample(loc, tf.nn.softplus(scale)),
          {"loc": loc, "scale": scale})


class BayesByBackpropTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_variables_and_metadata(self):
    linear = snt.Linear(3, custom_getter=bbb.bayes_by_backprop_getter())
    linear(tf.constant(_X))
    expected = {
        "linear/w/posterior_loc": [2, 3], "linear/w/posterior_scale": [2, 3],
        "linear/b/posterior_loc": [3], "linear/b/posterior_scale": [3]}
    self.assertVariableShapes(linear.get_variables(), expected)
    linear(tf.constant(_X))
    self.assertVariableShapes(linear.get_variables(), expected)
    metadata = bbb.get_variable_metadata()
    self.assertEqual(type(metadata[0]).__name__, "VariableMetadata")
    self.assertEqual([m.raw_variable_name for m in metadata],
                     ["linear/w", "linear/b"])
    self.assertEqual(list(metadata[0].raw_variable_shape), [2, 3])
    self.assertEqual(metadata[0].scope_name, "linear")
    self.assertEqual(metadata[0].posterior_vars, {})
    self.assertEqual(metadata[0].prior_vars, {})
    self.assertLen(bbb.get_variable_metadata("lin"), 2)
    self.assertEqual(bbb.get_variable_metadata("other"), [])

  @test_utils.in_all_modes
  def test_mean_mode_values_and_stochastic_kl(self):
    linear = snt.Linear(
        3, initializers=_INITIALIZERS,
        custom_getter=bbb.bayes_by_backprop_getter(
            sampling_mode_tensor=_mode_variable("mean")))
    y = linear(tf.constant(_X))
    kl = bbb.get_total_kl_cost()
    self.init()
    y, kl, variables = self.evaluate([
        y, kl, test_utils.variables_by_name(linear.variables)])
    # Both posterior variables start from the variable's own initializer.
    self.assertAllClose(variables["linear/w/posterior_scale"],
                        np.full([2, 3], 0.3))
    self.assertAllClose(variables["linear/b/posterior_scale"], np.full([3],
                                                                       -0.2))
    self.assertAllClose(y, _X.dot(np.full([2, 3], 0.3)) - 0.2)
    expected = 0.
    for mean in (np.full([2, 3], 0.3), np.full([3], -0.2)):
      expected += (np.sum(refs.log_normal(mean, mean, refs.softplus(mean))) -
                   np.sum(refs.log_normal(mean, 0., _PRIOR_SCALE)))
    self.assertAllClose(kl, expected, rtol=1e-5)

  @test_utils.in_all_modes
  def test_adaptive_prior_and_analytic_kl(self):
    getter = bbb.bayes_by_backprop_getter(
        prior_builder=bbb.adaptive_gaussian_prior_builder,
        kl_builder=bbb.analytic_kl_builder)
    linear = snt.Linear(3, initializers=_INITIALIZERS, custom_getter=getter)
    linear(tf.constant(_X))
    self.assertVariableShapes(
        linear.get_variables(), {
            "linear/w/posterior_loc": [2, 3], "linear/w/posterior_scale": [
                2, 3], "linear/w_prior_loc": [], "linear/w_prior_scale": [
                ], "linear/b/posterior_loc": [3], "linear/b/posterior_scale": [
                    3], "linear/b_prior_loc": [], "linear/b_prior_scale": []})
    kl_w = bbb.get_variable_metadata()[0].kl_cost
    self.init()
    kl_w, variables = self.evaluate([
        kl_w, test_utils.variables_by_name(linear.variables)])
    self.assertAllClose(variables["linear/w_prior_loc"], 0.3)
    self.assertAllClose(variables["linear/w_prior_scale"],
                        math.log(math.exp(0.01) - 1.))
    self.assertAllClose(
        kl_w,
        np.sum(
            refs.normal_kl(0.3, refs.softplus(0.3), 0.3, 0.01) *
            np.ones([2, 3])), rtol=1e-5)

  @test_utils.in_all_modes
  def test_sample_mode_is_stochastic_and_switchable(self):
    mode = _mode_variable(bbb.EstimatorModes.sample)
    linear = snt.Linear(
        3, initializers=_INITIALIZERS,
        custom_getter=bbb.bayes_by_backprop_getter(sampling_mode_tensor=mode))
    connect = lambda: linear(tf.constant(_X))
    y = connect()
    self.init()
    run = (lambda: connect().numpy()) if self.eager else (
        lambda: self.evaluate(y))
    first, second = run(), run()
    self.assertGreater(np.abs(first - second).max(), 1e-3)
    self.evaluate(mode.assign(bbb.EstimatorModes.mean))
    self.assertAllClose(run(), _X.dot(np.full([2, 3], 0.3)) - 0.2)

  @parameterized.parameters("last", "median")
  @test_utils.in_all_modes
  def test_modes_the_posterior_cannot_serve_fail_when_run(self, value):
    mode = _mode_variable(value)
    getter = bbb.bayes_by_backprop_getter(sampling_mode_tensor=mode)
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                "Invalid posterior estimate mode."):
      y = snt.Linear(3, custom_getter=getter)(tf.constant(_X))
      self.init()
      self.evaluate(y)

  @test_utils.in_all_modes
  def test_builders_may_return_variables_and_last_sample(self):
    mode = _mode_variable(bbb.EstimatorModes.last_sample)
    getter = bbb.bayes_by_backprop_getter(
        posterior_builder=_posterior_with_vars, sampling_mode_tensor=mode)
    y = snt.Linear(3, initializers=_INITIALIZERS,
                   custom_getter=getter)(tf.constant(_X))
    metadata = bbb.get_variable_metadata()
    self.assertEqual(sorted(metadata[0].posterior_vars), ["loc", "scale"])
    self.assertEqual(metadata[0].posterior_vars["loc"].name, "linear/w/q_loc:0")
    self.init()
    scale = refs.softplus(-1.)
    self.assertAllClose(self.evaluate(y),
                        _X.dot(np.full([2, 3], 0.3 + scale)) - 0.2 + scale)

  @test_utils.in_all_modes
  def test_non_trainable_variables_pass_through(self):

    def posterior_with_noise(getter, name, *args, **kwargs):
      # A nested get_variable goes through the getter again.
      noise = tf1.get_variable(
          name.split("/")[-1] + "_noise", [], trainable=False)
      posterior = bbb.diagonal_gaussian_posterior_builder(
          getter, name, *args, **kwargs)
      return posterior, {"noise": noise}

    module = snt.Module(
        lambda: tf1.get_variable("v", [2]), name="scope",
        custom_getter=bbb.bayes_by_backprop_getter(
            posterior_builder=posterior_with_noise))
    module()
    self.assertVariableNames(
        module.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES),
        ["scope/v/posterior_loc", "scope/v/posterior_scale", "scope/v_noise"])
    self.assertEqual([m.raw_variable_name for m in bbb.get_variable_metadata()],
                     ["scope/v"])

  def test_refusals(self):
    with tf.Graph().as_default():
      with self.assertRaisesRegex(ValueError,
                                  "^Disallowed data type <dtype: 'int32'>.$"):
        with tf1.variable_scope("s",
                                custom_getter=bbb.bayes_by_backprop_getter()):
          tf1.get_variable("i", [2], dtype=tf.int32)

      class NotReparameterized(gaussian.DiagonalGaussian):
        reparameterization_type = "<Reparameterization Type: " \
            "NOT_REPARAMETERIZED>"

      def builder(getter, name, *args, **kwargs):
        del getter, args, kwargs
        return NotReparameterized(0., 1., name=name)

      with self.assertRaisesRegex(
          ValueError, "^Distribution "
          "NotReparameterized incompatible with "
          "Bayes by Backprop.$"):
        with tf1.variable_scope(
            "t", custom_getter=bbb.bayes_by_backprop_getter(
                posterior_builder=builder)):
          tf1.get_variable("v", [2])

  @parameterized.parameters(True, False)
  @test_utils.in_all_modes
  def test_fresh_noise_per_connection(self, fresh):
    getter = bbb.bayes_by_backprop_getter(fresh_noise_per_connection=fresh)
    linear = snt.Linear(4, custom_getter=getter)
    x = tf.ones([1, 3])
    y1, y2 = linear(x), linear(x)
    self.init()
    y1, y2 = self.evaluate([y1, y2])
    if fresh:
      self.assertGreater(np.abs(y1 - y2).max(), 1e-6)
    else:
      self.assertAllClose(y1, y2)

  @test_utils.in_all_modes
  def test_metadata_of_the_first_graph_connection_is_kept(self):
    linear = snt.Linear(4, custom_getter=bbb.bayes_by_backprop_getter())
    linear(tf.ones([1, 3]))
    first = bbb.get_variable_metadata()[0].posterior_estimate
    linear(tf.ones([1, 3]))
    latest = bbb.get_variable_metadata()[0].posterior_estimate
    self.assertLen(bbb.get_variable_metadata(), 2)
    if self.eager:  # Each call replaces the record, to be differentiated.
      self.assertIsNot(latest, first)
    else:
      self.assertIs(latest, first)

  def test_total_kl_cost_filters_by_scope_and_defaults_to_zero(self):
    with tf.Graph().as_default():
      with self.assertLogs(level="WARNING") as logs:
        empty = bbb.get_total_kl_cost()
      self.assertIn("No Bayes by Backprop variables found!", logs.output[0])
      getter = bbb.bayes_by_backprop_getter(kl_builder=bbb.analytic_kl_builder)
      snt.Linear(2, name="a", custom_getter=getter)(tf.ones([1, 2]))
      snt.Linear(2, name="b", custom_getter=getter)(tf.ones([1, 2]))
      total = bbb.get_total_kl_cost()
      only_a = bbb.get_total_kl_cost(filter_by_name_substring="a")
      self.assertEqual(total.name, "total_kl_cost:0")
      costs = [m.kl_cost for m in bbb.get_variable_metadata()]
      with self.session() as session:
        session.run(tf1.global_variables_initializer())
        empty, total, only_a, costs = session.run([empty, total, only_a, costs])
      self.assertEqual(empty, 0.)
      self.assertAllClose(total, sum(costs))
      self.assertAllClose(only_a, costs[0] + costs[1])

  @test_utils.in_all_modes
  def test_gradients_reach_posterior(self):
    linear = snt.Linear(4, custom_getter=bbb.bayes_by_backprop_getter())
    x = tf.ones([2, 3])
    linear(x)
    variables = linear.trainable_variables
    self.assertLen(variables, 4)

    def loss():
      return tf.reduce_sum(tf.square(linear(x))) + bbb.get_total_kl_cost()

    grads = test_utils.gradients(loss, variables)
    self.assertNotIn(None, grads)
    self.init()
    for grad in self.evaluate(grads):
      self.assertTrue(np.all(np.isfinite(grad)))
      self.assertGreater(np.abs(grad).max(), 0.)

  @test_utils.in_graph_mode
  def test_keep_control_dependencies(self):
    for keep in (False, True):
      with tf.Graph().as_default() as graph:
        marker = tf.no_op(name="marker")
        linear = snt.Linear(
            3, custom_getter=bbb.bayes_by_backprop_getter(
                keep_control_dependencies=keep))
        with tf.control_dependencies([marker]):
          linear(tf.ones([2, 4]))
        dependent = [
            op.name
            for op in graph.get_operations()
            if marker in op.control_inputs and "_posterior_estimate" in op.name]
        self.assertEqual(bool(dependent), keep)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    linear = snt.Linear(
        4, custom_getter=bbb.bayes_by_backprop_getter(
            kl_builder=bbb.analytic_kl_builder))

    @tf.function
    def step(x):
      with tf.GradientTape() as tape:
        loss = tf.reduce_mean(linear(x)) + bbb.get_total_kl_cost()
      return loss, tape.gradient(loss, linear.trainable_variables)

    loss, grads = step(tf.ones([2, 3]))
    self.assertLen(grads, 4)
    self.assertNotIn(None, grads)
    self.assertTrue(np.isfinite(loss.numpy()))

  def test_inverse_softplus(self):
    self.assertIsInstance(bbb.inverse_softplus(0.01), float)
    self.assertEqual(bbb.inverse_softplus(0.01), math.log(math.exp(0.01) - 1))
    y = np.array([1e-4, 0.01, 1., 30.])
    self.assertAllClose(refs.softplus(bbb.inverse_softplus(y)), y, rtol=1e-10)
    self.assertAllClose(
        self.evaluate(tf.nn.softplus(bbb.inverse_softplus(tf.constant(y)))), y,
        rtol=1e-10)
    with tf.Graph().as_default():
      v = tf1.get_variable("v", [2],
                           initializer=bbb.scale_variable_initializer(0.25))
      with self.session() as session:
        session.run(v.initializer)
        self.assertAllClose(refs.softplus(session.run(v)), [0.25, 0.25])

  def test_sonnet1_path(self):
    self.assertIs(deep_bbb.bayes_by_backprop_getter,
                  bbb.bayes_by_backprop_getter)
    self.assertIs(deep_bbb.EstimatorModes, bbb.EstimatorModes)


if __name__ == "__main__":
  test_utils.main()
