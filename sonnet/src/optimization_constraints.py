"""Constrained optimization with Lagrange multipliers.

A constraint `g(x) <= 0` enters the loss as `lambda * g(x)` with a learned
multiplier `lambda >= 0`. The multiplier's gradient is reversed, so the
optimizer that minimizes the loss over `x` maximizes it over `lambda`: the
multiplier grows while the constraint is violated and shrinks otherwise.
"""

import numbers

import numpy as np
import tensorflow as tf

tf1 = tf.compat.v1

_COMPARISONS = {"LessEqual": "leq", "Less": "leq",
                "GreaterEqual": "geq", "Greater": "geq"}


def _check_range(valid_range):
  if valid_range is None:
    return None
  if len(valid_range) != 2 or not valid_range[0] <= valid_range[1]:
    raise ValueError("valid_range must be a pair (low, high) with low <= "
                     "high, got %r." % (valid_range,))
  return tuple(float(v) for v in valid_range)


def get_lagrange_multiplier(shape=(), rate=1.0, initializer=1.0, maximize=True,
                            valid_range=None, name="lagrange_multiplier"):
  """Creates a Lagrange multiplier variable; returns its value.

  The variable is made with `tf.compat.v1.get_variable(name)` in the current
  variable scope. Its gradient is multiplied by `-rate` (`maximize=True`)
  or `rate`, so a minimizing optimizer performs gradient ascent on it at a
  relative speed `rate`. With `valid_range` the returned value is clipped
  to the range (the gradient passes through unclipped, so the multiplier
  can come back into range) and the variable gets a matching `constraint`,
  applied by optimizers after each update.

  Args:
    shape: the multiplier's shape.
    rate: the factor on its gradient (a number > 0 or a tensor).
    initializer: a number (constant initial value) or an initializer.
    maximize: whether a minimizing optimizer should maximize the multiplier.
    valid_range: optional (low, high) bounds.
    name: the variable's name.

  Returns:
    A tensor with the multiplier's (clipped) value.

  Raises:
    ValueError: if `valid_range` is not a pair with low <= high, or `rate`
      is a number <= 0.

  >>> with tf.GradientTape() as tape:
  ...   lagrange = snt.get_lagrange_multiplier(rate=2.)
  ...   loss = 3. * lagrange
  >>> float(tape.gradient(loss, tape.watched_variables())[0])
  -6.0
  """
  valid_range = _check_range(valid_range)
  if isinstance(rate, numbers.Real) and rate <= 0:
    raise ValueError("get_lagrange_multiplier: rate must be positive, got %r; "
                     "use maximize to choose the direction." % (rate,))
  if isinstance(initializer, numbers.Real):
    initializer = tf1.constant_initializer(float(initializer))
  constraint = None
  if valid_range is not None:
    low, high = valid_range
    constraint = lambda v: tf.clip_by_value(v, low, high)
  variable = tf1.get_variable(name, shape=shape, initializer=initializer,
                              constraint=constraint)
  factor = -rate if maximize else rate

  @tf.custom_gradient
  def multiplier(value):
    if valid_range is not None:
      out = tf.clip_by_value(value, valid_range[0], valid_range[1])
    else:
      out = tf.identity(value)

    def grad(dy):
      return dy * tf.cast(factor, dy.dtype)

    return out, grad

  with tf1.name_scope(name):
    return multiplier(tf.convert_to_tensor(variable))


class OptimizationConstraints:
  """Collects constraints; calling it gives the Lagrangian term for the loss.

  Each constraint gets an elementwise multiplier (by default kept in
  [0, inf), as inequality constraints need); add `constraints()` to the loss
  that the optimizer minimizes.

  >>> x = tf.Variable(0.)
  >>> with tf.GradientTape() as tape:
  ...   constraints = snt.OptimizationConstraints()
  ...   _ = constraints.add_geq(x, 1.)  # Asks for x >= 1.
  ...   loss = tf.square(x) + constraints()
  >>> float(tape.gradient(loss, x))  # Pushed up by the multiplier (1.0).
  -1.0
  """

  def __init__(self, rate=1.0, valid_range=None):
    """Configures the defaults of the multipliers.

    Args:
      rate: default gradient factor of the multipliers.
      valid_range: default (low, high) of the multipliers; None means
        [0, inf).

    Raises:
      ValueError: if `valid_range` is not a pair with low <= high.
    """
    self._rate = rate
    self._valid_range = _check_range(valid_range) or (0., np.inf)
    self._constraints = []
    self._lagrange_multipliers = []

  @property
  def constraints(self):
    """The constraint tensors `c` (each asking for `c <= 0`)."""
    return list(self._constraints)

  @property
  def lagrange_multipliers(self):
    """The multipliers' values, one per constraint."""
    return list(self._lagrange_multipliers)

  def add(self, expression, rate=None, valid_range=None, initializer=None):
    """Adds a constraint written as a comparison, e.g. `tf.less_equal(a, b)`.

    Args:
      expression: the boolean result of `tf.less_equal`, `tf.less`,
        `tf.greater_equal` or `tf.greater` (strict comparisons are treated
        as non-strict), in graph mode or inside `tf.function`.
      rate: the multiplier's gradient factor; None uses the default.
      valid_range: the multiplier's range; None uses the default.
      initializer: the multiplier's initializer; None means 1.0.

    Returns:
      self, to chain calls.

    Raises:
      TypeError: if `expression` is not such a comparison (eager tensors
        keep no record of how they were computed: use `add_leq` / `add_geq`).
    """
    op_type = getattr(getattr(expression, "op", None), "type", None)
    if tf.executing_eagerly() or op_type not in _COMPARISONS:
      raise TypeError(
          "OptimizationConstraints.add needs the symbolic result of "
          "tf.less_equal, tf.less, tf.greater_equal or tf.greater, got %r. "
          "Use add_leq(lhs, rhs) or add_geq(lhs, rhs) instead (always in "
          "eager mode)." % (expression,))
    lhs, rhs = expression.op.inputs[0], expression.op.inputs[1]
    add_fn = self.add_leq if _COMPARISONS[op_type] == "leq" else self.add_geq
    return add_fn(lhs, rhs, rate=rate, valid_range=valid_range,
                  initializer=initializer)

  def add_leq(self, lhs, rhs=0.0, rate=None, valid_range=None,
              initializer=None):
    """Adds the constraint `lhs <= rhs` (elementwise); returns self."""
    lhs = tf.convert_to_tensor(lhs)
    return self._add(lhs - tf.cast(rhs, lhs.dtype), rate, valid_range,
                     initializer)

  def add_geq(self, lhs, rhs=0.0, rate=None, valid_range=None,
              initializer=None):
    """Adds the constraint `lhs >= rhs` (elementwise); returns self."""
    lhs = tf.convert_to_tensor(lhs)
    return self._add(tf.cast(rhs, lhs.dtype) - lhs, rate, valid_range,
                     initializer)

  def _add(self, constraint, rate, valid_range, initializer):
    with tf1.variable_scope(None, default_name="constraint"):
      multiplier = get_lagrange_multiplier(
          shape=constraint.shape,
          rate=self._rate if rate is None else rate,
          initializer=1.0 if initializer is None else initializer,
          maximize=True,
          valid_range=self._valid_range if valid_range is None
          else valid_range)
    self._constraints.append(constraint)
    self._lagrange_multipliers.append(tf.cast(multiplier, constraint.dtype))
    return self

  def __call__(self):
    """The Lagrangian term `sum_i sum(lambda_i * c_i)` (0 if no constraint)."""
    if not self._constraints:
      return tf.constant(0.)
    return tf.add_n([tf.reduce_sum(m * c) for m, c in
                     zip(self._lagrange_multipliers, self._constraints)])
