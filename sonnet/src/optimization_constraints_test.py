"""Tests for snt.get_lagrange_multiplier and snt.OptimizationConstraints."""

from unittest import mock

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules import optimization_constraints as compat_path
from sonnet.src import optimization_constraints
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def np_variable_for(value):
  """The `w` with softplus(w)**2 == value."""
  return np.log(np.expm1(np.sqrt(value)))


def np_multiplier_gradient(w, upstream, rate):
  """d loss / d w for the multiplier softplus(w)**2, scaled by -rate."""
  return np.asarray(upstream) * 2. * refs.softplus(w) * refs.sigmoid(w) * -rate


def values_and_gradients(make_loss):
  """Calls `make_loss()` -> (values, loss); returns them, variables, grads."""
  if tf.executing_eagerly():
    with tf.GradientTape() as tape:
      values, loss = make_loss()
    variables = tape.watched_variables()
    return values, variables, tape.gradient(loss, variables)
  values, loss = make_loss()
  variables = tf1.global_variables()
  return values, variables, tf1.gradients(loss, variables)


class LagrangeMultiplierTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((True, 1.0, 0.5), (True, 0.3, 2.), (False, 2.0, 3.))
  @test_utils.in_all_modes
  def test_value_variable_and_gradient(self, maximize, rate, initial):
    coefficient = np.array([1., -2., 3.], np.float32)

    def make_loss():
      value = snt.get_lagrange_multiplier(shape=[3], rate=rate,
                                          initializer=initial,
                                          maximize=maximize)
      return value, tf.reduce_sum(coefficient * value)

    value, variables, grads = values_and_gradients(make_loss)
    self.assertVariableNames(variables, ["lagrange_multiplier/w"])
    if not self.eager:
      self.assertEqual(tf1.get_collection("Lagrange Multipliers"), variables)
      self.assertEqual(tf1.trainable_variables(), variables)
    self.init()
    value, w, grad = self.evaluate([value, variables[0], grads[0]])
    sign = 1. if maximize else -1.
    self.assertAllClose(value, sign * initial * np.ones(3))
    self.assertAllClose(w, np_variable_for(initial) * np.ones(3))
    self.assertAllClose(grad, np_multiplier_gradient(w, sign * coefficient,
                                                     rate))

  @parameterized.parameters((None, [1., 1.]), (0., [1., 1.]),
                            (np.array([0.25, 4.]), [0.25, 4.]),
                            (tf1.constant_initializer(1e-9), [1e-9, 1e-9]),
                            (tf1.constant_initializer(50.), [50., 50.]))
  @test_utils.in_all_modes
  def test_initial_values(self, initializer, expected):
    # 0 and None mean 1, as in Sonnet 1.36; tiny and large values survive
    # the inverse of softplus**2.
    value = snt.get_lagrange_multiplier(shape=[2], initializer=initializer)
    self.init()
    self.assertAllClose(self.evaluate(value), expected, rtol=1e-6)

  @test_utils.in_all_modes
  def test_names_in_scopes(self):

    def make():
      with tf1.variable_scope("scope"):
        snt.get_lagrange_multiplier()
        snt.get_lagrange_multiplier(name="other")
        return snt.get_lagrange_multiplier()

    module = snt.Module(make, name="outer")
    module()
    self.assertVariableNames(module.get_variables(), [
        "outer/scope/lagrange_multiplier/w", "outer/scope/other/w",
        "outer/scope/lagrange_multiplier_1/w"])

  @test_utils.in_all_modes
  def test_valid_range_clips_the_value(self):
    value = snt.get_lagrange_multiplier(shape=[2], initializer=[0.2, 5.],
                                        valid_range=(0.5, 2.))
    self.init()
    self.assertAllClose(self.evaluate(value), [0.5, 2.])


class ConstrainToRangeTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_clips_and_drops_outward_gradients(self):
    x = tf.constant([-1., -1., 0.5, 0.5, 3., 3.])
    upstream = tf.constant([2., -2., 2., -2., 2., -2.])

    def constrained():
      return optimization_constraints._constrain_to_range(x, 0., 1.)  # pylint: disable=protected-access

    grad = test_utils.gradients(lambda: tf.reduce_sum(constrained() * upstream),
                                x)
    out, grad = self.evaluate([constrained(), grad])
    self.assertAllEqual(out, [0., 0., 0.5, 0.5, 1., 1.])
    # Below the range a negative gradient is dropped, above it a positive.
    self.assertAllEqual(grad, [2., 0., 2., -2., 0., -2.])

  def test_refuses_integers(self):
    with self.assertRaisesRegex(
        ValueError, "^_clip_by_value does not support non-float `x` inputs.$"):
      optimization_constraints._constrain_to_range(tf.constant([1, 2]), 0, 1)  # pylint: disable=protected-access


class OptimizationConstraintsTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_lagrangian_values_names_and_gradients(self):
    x = tf.constant([0.3, -1., 2.])

    def make_loss():
      constraints = snt.OptimizationConstraints(rate=0.5)
      constraints.add_leq(x, 1.)
      constraints.add_geq(x, initializer=0.2, valid_range=(0.5, 2.))
      constraints.add_leq(tf.constant(2.), 1.5, rate=2.,
                          initializer=tf1.constant_initializer(3.))
      penalty = constraints()
      self.assertIs(constraints(), penalty)
      return (constraints.constraints, constraints.lagrange_multipliers,
              penalty), penalty

    values, variables, grads = values_and_gradients(make_loss)
    self.assertEqual([v.name for v in variables], [
        "lagrange_multiplier/w:0", "lagrange_multiplier_1/w:0",
        "lagrange_multiplier_2/w:0"])
    self.init()
    (constraints, multipliers,
     penalty), ws, grads = self.evaluate([values, variables, grads])
    self.assertAllClose(constraints[0], [-0.7, -2., 1.])
    self.assertAllClose(constraints[1], [-0.3, 1., -2.])
    self.assertAllClose(constraints[2], 0.5)
    self.assertAllClose(multipliers[0], [1., 1., 1.])
    self.assertAllClose(multipliers[1], [0.5, 0.5, 0.5])  # 0.2, clipped.
    self.assertAllClose(multipliers[2], 3.)
    self.assertAllClose(penalty, -0.7 - 2. + 1. + 0.5 * (1. - 0.3 - 2.) + 1.5)
    self.assertAllClose(ws[1], np_variable_for(0.2) * np.ones(3))
    self.assertAllClose(grads[0],
                        np_multiplier_gradient(ws[0], constraints[0], 0.5))
    # Below the range, the negative gradients are dropped.
    self.assertAllClose(grads[1],
                        np_multiplier_gradient(ws[1], [0., 1., 0.], 0.5))
    self.assertAllClose(grads[2], np_multiplier_gradient(ws[2], 0.5, 2.))

  @test_utils.in_all_modes
  def test_default_valid_range_applies_when_none_is_given(self):
    constraints = snt.OptimizationConstraints(valid_range=(1., 2.))
    constraints.add_leq(tf.constant(0.), initializer=3.)
    constraints.add_leq(tf.constant(0.), initializer=3., valid_range=(0., 5.))
    self.init()
    self.assertAllClose(self.evaluate(constraints.lagrange_multipliers),
                        [2., 3.])

  @test_utils.in_all_modes
  def test_closed_after_call(self):
    constraints = snt.OptimizationConstraints()
    self.assertFalse(constraints._is_connected)  # pylint: disable=protected-access
    self.assertEqual(self.evaluate(constraints()), 0.)
    self.assertTrue(constraints._is_connected)  # pylint: disable=protected-access
    message = ("^Cannot add further constraints once OptimizationConstraints "
               "has been connected to the graph by calling it.$")
    with self.assertRaisesRegex(ValueError, message):
      constraints.add_leq(tf.constant(1.))
    with self.assertRaisesRegex(ValueError, message):
      constraints.add_geq(tf.constant(1.))
    with self.assertRaisesRegex(ValueError, message):
      constraints.add(tf.constant(1.))

  @test_utils.in_graph_mode
  def test_add_parses_comparisons(self):
    x = tf.constant([1., 3.])
    constraints = snt.OptimizationConstraints()
    constraints.add(tf.less_equal(x, 2.)).add(x < 2.)
    constraints.add(tf.greater(x, 2.)).add(x >= 2.)
    leq, less, greater, geq = self.evaluate(constraints.constraints)
    self.assertAllClose(leq, [-1., 1.])
    self.assertAllClose(less, [-1., 1.])
    self.assertAllClose(greater, [1., -1.])
    self.assertAllClose(geq, [1., -1.])
    with self.assertRaisesRegex(
        TypeError, r"^add currently only supports parsing of the following "
        r"ops: \('Greater', 'GreaterEqual', 'Less', 'LessEqual'\)$"):
      constraints.add(tf.equal(x, 1.))

  @test_utils.in_eager_mode
  def test_add_in_eager_mode_explains(self):
    with self.assertRaisesRegex(
        TypeError, "following ops.*An eager tensor does not record the op"):
      snt.OptimizationConstraints().add(tf.less_equal(1., 2.))

  @test_utils.in_all_modes
  def test_solves_constrained_problem(self):
    # min x^2 subject to x >= 1: the solution is x = 1 with multiplier 2.
    def lagrangian():
      x = tf1.get_variable("x", [], initializer=tf1.zeros_initializer())
      constraints = snt.OptimizationConstraints()
      constraints.add_geq(x, 1.)
      return x, constraints.lagrange_multipliers[0], (tf.square(x) +
                                                      constraints())

    # A module creates the multiplier once and reuses it on every call.
    problem = snt.Module(lagrangian, name="problem")
    optimizer = tf1.train.GradientDescentOptimizer(0.05)
    if self.eager:
      problem()
      self.assertVariableNames(problem.trainable_variables,
                               ["problem/x", "problem/lagrange_multiplier/w"])

      @tf.function
      def step():
        with tf.GradientTape() as tape:
          x, multiplier, loss = problem()
        variables = problem.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables),
                                      variables))
        return x, multiplier

      for _ in range(1000):
        x, multiplier = step()
    else:
      x, multiplier, loss = problem()
      problem()
      self.assertVariableNames(tf1.trainable_variables(),
                               ["problem/x", "problem/lagrange_multiplier/w"])
      train = optimizer.minimize(loss)
      self.init()
      for _ in range(1000):
        self.evaluate(train)
    x, multiplier = self.evaluate([x, multiplier])
    self.assertAllClose(x, 1., atol=2e-2)
    self.assertAllClose(multiplier, 2., atol=5e-2)


class CompatPathTest(test_utils.TestCase):

  def test_is_the_implementation_module(self):
    self.assertIs(compat_path, optimization_constraints)
    self.assertEqual(
        compat_path.LAGRANGE_MULTIPLIERS,  # pylint: disable=no-member
        "Lagrange Multipliers")

  @test_utils.in_all_modes
  def test_patching_the_parametrization_takes_effect(self):

    def identity_parametrization(x, rate):
      return snt.scale_gradient(x, -rate)

    with mock.patch.object(compat_path, "_parametrize",
                           side_effect=identity_parametrization):
      _, variables, grads = values_and_gradients(
          lambda: (None, 3. * snt.get_lagrange_multiplier(rate=0.5)))
    self.init()
    self.assertAllClose(self.evaluate(grads[0]), -1.5)
    del variables


if __name__ == "__main__":
  test_utils.main()
