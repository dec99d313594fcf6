"""Tests for snt.custom_getters.bayes_by_backprop."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1
bbb = snt.custom_getters.bayes_by_backprop

_PRIOR_SCALE = 0.01  # Documented scale of fixed_gaussian_prior_builder.


def _softplus(x):
  return np.log1p(np.exp(x))


def _np_log_normal(x, loc, scale):
  return (-0.5 * ((x - loc) / scale) ** 2 - np.log(scale)
          - 0.5 * np.log(2 * np.pi))


def _by_name(variables):
  return {v.name.split(":")[0]: v for v in variables}


class BayesByBackpropTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_variable_names_shapes_and_sharing(self):
    linear = snt.Linear(4, custom_getter=bbb.bayes_by_backprop_getter())
    linear(tf.ones([2, 3]))
    expected = {"linear/w/posterior_loc": [3, 4],
                "linear/w/posterior_scale": [3, 4],
                "linear/b/posterior_loc": [4],
                "linear/b/posterior_scale": [4]}
    self.assertVariableShapes(linear.get_variables(), expected)
    linear(tf.ones([5, 3]))
    self.assertVariableShapes(linear.variables, expected)
    metadata = bbb.get_variable_metadata()
    self.assertEqual([m.raw_variable_name for m in metadata],
                     ["linear/w", "linear/b"])
    self.assertEqual(metadata[0].raw_variable_shape.as_list(), [3, 4])
    self.assertEqual(metadata[0].scope_name, "linear")
    self.assertVariableNames(metadata[0].posterior_vars,
                             ["linear/w/posterior_loc",
                              "linear/w/posterior_scale"])
    self.assertEqual(metadata[0].prior_vars, ())
    self.assertLen(bbb.get_variable_metadata("linear"), 2)
    self.assertEqual(bbb.get_variable_metadata("other"), [])

  @test_utils.in_all_modes
  def test_initial_posterior_scales(self):
    linear = snt.Linear(50, custom_getter=bbb.bayes_by_backprop_getter())
    linear(tf.ones([1, 40]))
    self.init()
    raw = self.evaluate(_by_name(linear.variables)["linear/w/posterior_scale"])
    scales = _softplus(raw.astype(np.float64))
    self.assertGreaterEqual(scales.min(), 1e-3 - 1e-6)
    self.assertLessEqual(scales.max(), 5e-2 + 1e-6)
    self.assertGreater(scales.std(), 1e-3)  # Spread, not constant.

  @test_utils.in_all_modes
  def test_adaptive_prior_variables(self):
    getter = bbb.bayes_by_backprop_getter(
        prior_builder=bbb.adaptive_gaussian_prior_builder,
        kl_builder=bbb.analytic_kl_builder)
    linear = snt.Linear(4, use_bias=False, custom_getter=getter)
    linear(tf.ones([2, 3]))
    self.assertVariableShapes(linear.get_variables(), {
        "linear/w/posterior_loc": [3, 4], "linear/w/posterior_scale": [3, 4],
        "linear/w/prior_loc": [], "linear/w/prior_scale": []})
    self.init()
    variables = _by_name(linear.variables)
    loc, raw_scale, prior_loc, prior_raw, kl = self.evaluate([
        variables["linear/w/posterior_loc"],
        variables["linear/w/posterior_scale"],
        variables["linear/w/prior_loc"], variables["linear/w/prior_scale"],
        bbb.get_total_kl_cost()])
    self.assertAllClose(prior_loc, 0.)
    self.assertAllClose(_softplus(prior_raw), _PRIOR_SCALE, rtol=1e-4)
    scale = _softplus(raw_scale) + 1e-5
    prior_scale = _softplus(prior_raw) + 1e-5
    expected = np.sum(np.log(prior_scale / scale) +
                      (scale ** 2 + (loc - prior_loc) ** 2) /
                      (2 * prior_scale ** 2) - 0.5)
    self.assertAllClose(kl, expected, rtol=1e-4)

  @test_utils.in_all_modes
  def test_analytic_kl_matches_numpy(self):
    getter = bbb.bayes_by_backprop_getter(kl_builder=bbb.analytic_kl_builder)
    linear = snt.Linear(4, custom_getter=getter)
    linear(tf.ones([2, 3]))
    kl = bbb.get_total_kl_cost()
    kl_w = bbb.get_total_kl_cost(filter_by_name_substring="/w")
    self.init()
    kl, kl_w, variables = self.evaluate(
        [kl, kl_w, _by_name(linear.variables)])
    total = 0.
    for var in ("w", "b"):
      loc = variables["linear/%s/posterior_loc" % var]
      scale = _softplus(variables["linear/%s/posterior_scale" % var]) + 1e-5
      part = np.sum(np.log(_PRIOR_SCALE / scale) +
                    (scale ** 2 + loc ** 2) / (2 * _PRIOR_SCALE ** 2) - 0.5)
      if var == "w":
        self.assertAllClose(kl_w, part, rtol=1e-4)
      total += part
    self.assertGreater(kl, 0.)
    self.assertAllClose(kl, total, rtol=1e-4)

  @test_utils.in_all_modes
  def test_stochastic_kl_matches_numpy(self):
    linear = snt.Linear(4, use_bias=False,
                        custom_getter=bbb.bayes_by_backprop_getter())
    linear(tf.ones([2, 3]))
    meta, = bbb.get_variable_metadata()
    self.init()
    sample, kl, variables = self.evaluate(
        [meta.posterior_estimate, meta.kl_cost, _by_name(linear.variables)])
    loc = variables["linear/w/posterior_loc"]
    scale = _softplus(variables["linear/w/posterior_scale"]) + 1e-5
    expected = np.sum(_np_log_normal(sample, loc, scale) -
                      _np_log_normal(sample, 0., _PRIOR_SCALE))
    self.assertAllClose(kl, expected, rtol=1e-4)

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
  def test_gradients_reach_posterior(self):
    linear = snt.Linear(4, custom_getter=bbb.bayes_by_backprop_getter())
    x = tf.ones([2, 3])
    linear(x)
    variables = linear.trainable_variables
    self.assertLen(variables, 4)

    def loss():
      return tf.reduce_sum(tf.square(linear(x))) + bbb.get_total_kl_cost()

    if self.eager:
      with tf.GradientTape() as tape:
        value = loss()
      grads = tape.gradient(value, variables)
    else:
      grads = tf1.gradients(loss(), variables)
    self.assertNotIn(None, grads)
    self.init()
    for grad in self.evaluate(grads):
      self.assertTrue(np.all(np.isfinite(grad)))
      self.assertGreater(np.abs(grad).max(), 0.)

  @test_utils.in_all_modes
  def test_sampling_modes(self):
    if self.eager:
      mode = tf.Variable(bbb.EstimatorModes.sample)
      set_mode = mode.assign
      run = lambda fn: self.evaluate(fn())
    else:
      mode = tf1.placeholder(tf.string, [])
      set_mode = lambda value: None
    getter = bbb.bayes_by_backprop_getter(sampling_mode_tensor=mode)
    linear = snt.Linear(4, custom_getter=getter)
    x = np.ones([1, 3], np.float32)
    if not self.eager:
      y = linear(tf.constant(x))
      self.init()
      run = lambda fn: tf1.get_default_session().run(
          y, feed_dict={mode: self._mode_value})
    else:
      linear(tf.constant(x))
      fn = lambda: linear(tf.constant(x))
    self.assertIn("linear/w/posterior_last_sample",
                  [v.name.split(":")[0] for v in tf1.local_variables()]
                  if not self.eager else
                  [v.name.split(":")[0] for v in
                   linear.get_all_variables(tf1.GraphKeys.LOCAL_VARIABLES)])
    self.assertLen(linear.variables, 4)  # The local variables are extra.

    def output(value):
      self._mode_value = value
      set_mode(value)
      return run(lambda: linear(tf.constant(x)))

    variables = self.evaluate(_by_name(linear.variables))
    mean = (x.dot(variables["linear/w/posterior_loc"]) +
            variables["linear/b/posterior_loc"])
    self.assertAllClose(output(bbb.EstimatorModes.mean), mean, rtol=1e-5)
    sample = output(bbb.EstimatorModes.sample)
    self.assertGreater(np.abs(sample - mean).max(), 1e-6)
    self.assertAllClose(output(bbb.EstimatorModes.last_sample), sample)
    self.assertAllClose(output(bbb.EstimatorModes.last_sample), sample)
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                "sampling_mode_tensor must be one of"):
      output("median")

  def test_bad_configuration(self):
    with self.assertRaisesRegex(ValueError, "must be one of"):
      bbb.bayes_by_backprop_getter(sampling_mode_tensor="median")
    with self.assertRaisesRegex(TypeError, "scalar string tensor"):
      bbb.bayes_by_backprop_getter(sampling_mode_tensor=tf.constant(1.))
    with self.assertRaisesRegex(TypeError, "kl_builder must be callable"):
      bbb.bayes_by_backprop_getter(kl_builder="analytic")
    with self.assertRaisesRegex(ValueError, "positive scale"):
      bbb.scale_variable_initializer(0.)
    with tf.Graph().as_default():
      with self.assertRaisesRegex(ValueError, "found no variable"):
        bbb.get_total_kl_cost()
      snt.Linear(2, custom_getter=bbb.bayes_by_backprop_getter())(
          tf.ones([1, 2]))
      with self.assertRaisesRegex(ValueError, "with 'nothing' in its name"):
        bbb.get_total_kl_cost(filter_by_name_substring="nothing")
    with self.assertRaisesRegex(TypeError, "kl_divergence method"):
      bbb.analytic_kl_builder(object(), None, None)

  def test_inverse_softplus(self):
    y = np.array([1e-4, 0.01, 1., 30.])
    self.assertAllClose(_softplus(bbb.inverse_softplus(y)), y, rtol=1e-10)
    self.assertAllClose(
        self.evaluate(tf.nn.softplus(bbb.inverse_softplus(tf.constant(y)))),
        y, rtol=1e-10)
    with tf.Graph().as_default():
      v = tf1.get_variable("v", [2], initializer=bbb.scale_variable_initializer(
          0.25))
      with self.session() as session:
        session.run(v.initializer)
        self.assertAllClose(_softplus(session.run(v)), [0.25, 0.25])

  @test_utils.in_graph_mode
  def test_keep_control_dependencies(self):
    for keep in (False, True):
      with tf.Graph().as_default() as graph:
        marker = tf.no_op(name="marker")
        linear = snt.Linear(3, custom_getter=bbb.bayes_by_backprop_getter(
            keep_control_dependencies=keep))
        with tf.control_dependencies([marker]):
          linear(tf.ones([2, 4]))
        dependent = [op.name for op in graph.get_operations()
                     if marker in op.control_inputs and "_bbb/" in op.name]
        self.assertEqual(bool(dependent), keep)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    linear = snt.Linear(4, custom_getter=bbb.bayes_by_backprop_getter(
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


if __name__ == "__main__":
  test_utils.main()
