"""Tests for snt.get_lagrange_multiplier and snt.OptimizationConstraints."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _multiplier_and_gradient(make_loss):
  """Calls `make_loss()` -> (value, loss); returns value, variable, gradient."""
  if tf.executing_eagerly():
    with tf.GradientTape() as tape:
      value, loss = make_loss()
    variable, = tape.watched_variables()
    return value, variable, tape.gradient(loss, variable)
  value, loss = make_loss()
  variable, = tf1.global_variables()
  return value, variable, tf1.gradients(loss, variable)[0]


class LagrangeMultiplierTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((True, 1.0), (True, 0.5), (False, 2.0))
  @test_utils.in_all_modes
  def test_gradient_scaled_and_reversed(self, maximize, rate):
    coefficient = np.array([1., -2., 3.], np.float32)

    def make_loss():
      value = snt.get_lagrange_multiplier(
          shape=[3], rate=rate, initializer=0.5, maximize=maximize)
      return value, tf.reduce_sum(coefficient * value)

    value, variable, grad = _multiplier_and_gradient(make_loss)
    self.assertEqual(variable.name, "lagrange_multiplier:0")
    self.init()
    value, grad = self.evaluate([value, grad])
    self.assertAllClose(value, [0.5, 0.5, 0.5])
    sign = -1. if maximize else 1.
    self.assertAllClose(grad, sign * rate * coefficient)

  @test_utils.in_all_modes
  def test_valid_range_clips_value_and_variable(self):
    with tf1.variable_scope("scope"):
      value = snt.get_lagrange_multiplier(initializer=5.,
                                          valid_range=(0., 2.))
    variable = [v for v in tf1.global_variables()
                if v.name == "scope/lagrange_multiplier:0"]
    if self.eager:
      self.assertEqual(value.numpy(), 2.)
      return
    variable, = variable
    optimizer = tf1.train.GradientDescentOptimizer(1.0)
    step = optimizer.minimize(-3. * value, var_list=[variable])
    self.init()
    self.assertEqual(self.evaluate(value), 2.)
    self.assertEqual(self.evaluate(variable), 5.)
    self.evaluate(step)  # Maximizing -3*lambda pushes it down by 3: 5 -> 2.
    self.assertEqual(self.evaluate(variable), 2.)
    self.evaluate(step)  # 2 -> -1, clipped back to 0 by the constraint.
    self.assertEqual(self.evaluate(variable), 0.)

  def test_errors(self):
    with tf.Graph().as_default():
      with self.assertRaisesRegex(ValueError, "low <= high"):
        snt.get_lagrange_multiplier(valid_range=(1., 0.))
      with self.assertRaisesRegex(ValueError, "rate must be positive"):
        snt.get_lagrange_multiplier(rate=0.)
      with self.assertRaisesRegex(ValueError, "low <= high"):
        snt.OptimizationConstraints(valid_range=(3.,))


class OptimizationConstraintsTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_lagrangian_value_and_properties(self):
    a = tf.constant([1., 4.])
    b = tf.constant(3.)
    constraints = snt.OptimizationConstraints()
    constraints.add_leq(a, 2.).add_geq(b, 5., initializer=0.25)
    term = constraints()
    self.assertLen(constraints.constraints, 2)
    self.assertLen(constraints.lagrange_multipliers, 2)
    if not self.eager:
      self.assertVariableNames(tf1.global_variables(), [
          "constraint/lagrange_multiplier", "constraint_1/lagrange_multiplier"])
    self.init()
    c1, c2, term = self.evaluate(constraints.constraints + [term])
    self.assertAllClose(c1, [-1., 2.])
    self.assertAllClose(c2, 2.)
    self.assertAllClose(term, 1. * (-1. + 2.) + 0.25 * 2.)

  @test_utils.in_graph_mode
  def test_add_parses_comparisons(self):
    x = tf.constant([1., 3.])
    constraints = snt.OptimizationConstraints()
    constraints.add(tf.less_equal(x, 2.))
    constraints.add(tf.greater(x, 2.))
    leq, geq = self.evaluate(constraints.constraints)
    self.assertAllClose(leq, [-1., 1.])
    self.assertAllClose(geq, [1., -1.])
    with self.assertRaisesRegex(TypeError, "Use add_leq"):
      constraints.add(x + 1.)

  @test_utils.in_eager_mode
  def test_add_in_eager_mode_explains(self):
    with self.assertRaisesRegex(TypeError, "always in eager mode"):
      snt.OptimizationConstraints().add(tf.less_equal(1., 2.))

  @test_utils.in_all_modes
  def test_solves_constrained_problem(self):
    # min x^2 subject to x >= 1: the solution is x = 1 with multiplier 2.
    def lagrangian():
      x = tf1.get_variable("x", [], initializer=tf1.zeros_initializer())
      constraints = snt.OptimizationConstraints()
      constraints.add_geq(x, 1.)
      return x, constraints.lagrange_multipliers[0], (
          tf.square(x) + constraints())

    # A module creates the multiplier once and reuses it on every call.
    problem = snt.Module(lagrangian, name="problem")
    optimizer = tf1.train.GradientDescentOptimizer(0.05)
    if self.eager:
      problem()
      self.assertVariableNames(problem.trainable_variables, [
          "problem/x", "problem/constraint/lagrange_multiplier"])

      @tf.function
      def step():
        with tf.GradientTape() as tape:
          x, multiplier, loss = problem()
        variables = problem.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables),
                                      variables))
        return x, multiplier

      for _ in range(600):
        x, multiplier = step()
    else:
      x, multiplier, loss = problem()
      train = optimizer.minimize(loss)
      self.init()
      for _ in range(600):
        self.evaluate(train)
    x, multiplier = self.evaluate([x, multiplier])
    self.assertAllClose(x, 1., atol=1e-2)
    self.assertAllClose(multiplier, 2., atol=5e-2)


if __name__ == "__main__":
  test_utils.main()
