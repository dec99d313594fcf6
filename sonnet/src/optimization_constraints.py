"""Constrained optimization with Lagrange multipliers, as in Sonnet 1.36.

A constraint `c(x) <= 0` enters the loss as `lambda * c(x)`. The multiplier
`lambda = softplus(w)**2 >= 0` is computed from a trainable variable `w`
whose gradient is multiplied by `-rate`, so the optimizer that minimizes
the loss over `x` maximizes it over `lambda`: the multiplier grows while
the constraint is violated and shrinks otherwise.
"""

import numbers
from typing import Optional, Tuple

import numpy as np
import tensorflow as tf

from sonnet.src import scale_gradient as scale_gradient_lib
from sonnet.src import trainable_variable

tf1 = tf.compat.v1

# The collection every multiplier variable `w` is added to.
LAGRANGE_MULTIPLIERS = "Lagrange Multipliers"

_GEQ_OPS = ("Greater", "GreaterEqual")
_LEQ_OPS = ("Less", "LessEqual")


class OptimizationConstraints:
  """Collects constraints; calling it gives the Lagrangian term for the loss.

  Each constraint gets an elementwise multiplier from
  `get_lagrange_multiplier`; add `constraints()` to the loss that the
  optimizer minimizes. After the first call the collection is closed: later
  calls return the same tensor and adding raises `ValueError`.

  >>> x = tf.Variable(0.)
  >>> with tf.GradientTape() as tape:
  ...   constraints = snt.OptimizationConstraints()
  ...   _ = constraints.add_geq(x, 1.)  # Asks for x >= 1.
  ...   loss = tf.square(x) + constraints()
  >>> float(tape.gradient(loss, x))  # Pushed up by the multiplier (1.0).
  -1.0
  """

  def __init__(self, rate: float = 1.0,
               valid_range: Optional[Tuple[float, float]] = None):
    """Configures the defaults of the multipliers.

    Args:
      rate: default gradient factor of the multipliers.
      valid_range: default (low, high) the multipliers are kept in, or None
        (the parametrization keeps them >= 0).
    """
    self._constraints = []
    self._lagrange_multipliers = []
    self._valid_ranges = []
    self._rate = rate
    self._valid_range = valid_range
    self._penalty = None

  @property
  def constraints(self):
    """The constraint tensors `c` (each asking for `c <= 0`)."""
    return self._constraints

  @property
  def lagrange_multipliers(self):
    """The multipliers, one per constraint."""
    return self._lagrange_multipliers

  def add(self, expression, rate=None, valid_range=None, initializer=None):
    """Adds a constraint written as a comparison, e.g. `tf.less(a, b)`.

    Args:
      expression: the symbolic result of `tf.less`, `tf.less_equal`,
        `tf.greater` or `tf.greater_equal` (strict comparisons count as
        non-strict), in graph mode or inside `tf.function`.
      rate: the multiplier's gradient factor; None uses the default.
      valid_range: the multiplier's range; None uses the default.
      initializer: the multiplier's initializer (see
        `get_lagrange_multiplier`); None means 1.

    Returns:
      self.

    Raises:
      ValueError: once the constraints have been called.
      TypeError: if `expression` is not such a comparison.
    """
    self._assert_is_not_connected()
    op_type = None if tf.executing_eagerly() else getattr(
        getattr(expression, "op", None), "type", None)
    if op_type in _GEQ_OPS:
      add_fn = self.add_geq
    elif op_type in _LEQ_OPS:
      add_fn = self.add_leq
    else:
      message = ("add currently only supports parsing of the following ops: "
                 "{}".format(_GEQ_OPS + _LEQ_OPS))
      if tf.executing_eagerly():
        message += (". An eager tensor does not record the op that computed "
                    "it: use add_leq(lhs, rhs) or add_geq(lhs, rhs).")
      raise TypeError(message)
    lhs, rhs = expression.op.inputs[0], expression.op.inputs[1]
    add_fn(lhs, rhs, rate=rate, valid_range=valid_range,
           initializer=initializer)
    return self

  def add_leq(self, lhs, rhs=0.0, rate=None, valid_range=None,
              initializer=None):
    """Adds the constraint `lhs <= rhs` (elementwise): `c = lhs - rhs`.

    Args:
      lhs: a tensor.
      rhs: a tensor or number.
      rate: the multiplier's gradient factor; None uses the default.
      valid_range: the multiplier's range; None uses the default.
      initializer: the multiplier's initializer; None means 1.

    Returns:
      self.

    Raises:
      ValueError: once the constraints have been called.
    """
    self._assert_is_not_connected()
    constraint = lhs - rhs
    valid_range = valid_range or self._valid_range
    self._constraints.append(constraint)
    self._valid_ranges.append(valid_range)
    self._lagrange_multipliers.append(
        get_lagrange_multiplier(shape=constraint.shape,
                                rate=self._rate if rate is None else rate,
                                initializer=initializer,
                                valid_range=valid_range))
    return self

  def add_geq(self, lhs, rhs=0.0, rate=None, valid_range=None,
              initializer=None):
    """Adds the constraint `lhs >= rhs` (elementwise): `c = rhs - lhs`.

    Args:
      lhs: a tensor.
      rhs: a tensor or number.
      rate: as for `add_leq`.
      valid_range: as for `add_leq`.
      initializer: as for `add_leq`.

    Returns:
      self.

    Raises:
      ValueError: as for `add_leq`.
    """
    self._assert_is_not_connected()
    return self.add_leq(rhs - lhs, rate=rate, valid_range=valid_range,
                        initializer=initializer)

  def __call__(self):
    """The Lagrangian term `sum_i sum(lambda_i * c_i)`, made once."""
    if self._is_connected:
      return self._penalty
    self._penalty = tf.zeros(())
    for multiplier, constraint in zip(self._lagrange_multipliers,
                                      self._constraints):
      self._penalty += tf.reduce_sum(multiplier * constraint)
    return self._penalty

  @property
  def _is_connected(self):
    return self._penalty is not None

  def _assert_is_not_connected(self):
    if self._is_connected:
      raise ValueError(
          "Cannot add further constraints once OptimizationConstraints has "
          "been connected to the graph by calling it.")


def get_lagrange_multiplier(shape=(), rate=1.0, initializer=1.0, maximize=True,
                            valid_range=None, name="lagrange_multiplier"):
  """Creates a Lagrange multiplier; returns its value.

  The value is `softplus(w)**2`, from a new `snt.TrainableVariable(name=name)`
  variable `w` (added to the `LAGRANGE_MULTIPLIERS` collection), initialized
  so that the value starts at `initializer`. The gradient reaching `w` is
  multiplied by `-rate`, so a minimizing optimizer maximizes the loss over
  the multiplier. With `valid_range` the value is clipped to the range, and
  the gradient is dropped where following it would push the value further
  out. With `maximize=False` the negated value is returned.

  Args:
    shape: the multiplier's shape.
    rate: the factor on its gradient.
    initializer: the initial value (a number, array or list; 0, None and
      other falsy values mean 1, as in Sonnet 1.36) or an initializer.
    maximize: whether to return the value (True) or its negation.
    valid_range: optional (low, high) the value is clipped to.
    name: the `TrainableVariable`'s name.

  Returns:
    A tensor of shape `shape`.

  >>> with tf.GradientTape() as tape:
  ...   lagrange = snt.get_lagrange_multiplier(rate=2.)
  ...   loss = 3. * lagrange
  >>> float(lagrange)
  1.0
  >>> round(float(tape.gradient(loss, tape.watched_variables()[0])), 4)
  -7.5854
  """
  if _is_falsy(initializer):
    initializer = np.ones(shape=shape)
  if isinstance(initializer, (numbers.Number, np.ndarray, list, tuple)):
    initializer = tf1.constant_initializer(initializer)
  variable = trainable_variable.TrainableVariable(
      name=name, shape=tf.TensorShape(shape).as_list(),
      initializers={"w": _LagrangeMultiplierInitializer(initializer)})()
  tf1.add_to_collection(LAGRANGE_MULTIPLIERS, variable)
  multiplier = _parametrize(variable, rate=rate)
  multiplier.set_shape(shape)
  if valid_range:
    multiplier = _constrain_to_range(multiplier, *valid_range)
  return multiplier if maximize else -multiplier


def _is_falsy(initializer):
  """Whether Sonnet 1.36's `initializer or ones` picks the ones.

  Unlike Sonnet 1.36, an array of several values is not an error.

  Args:
    initializer: as for `get_lagrange_multiplier`.

  Returns:
    A bool.
  """
  try:
    return not initializer
  except ValueError:  # The truth value of an array is ambiguous.
    return False


def _squared_softplus(x):
  return tf.nn.softplus(x)**2


def _softplus_inverse(y):
  """`log(exp(y) - 1)`, computed stably (`y + log(1 - exp(-y))`)."""
  y = tf.convert_to_tensor(y)
  log_eps = np.log(np.finfo(y.dtype.as_numpy_dtype).eps) + 2.
  tiny = y < np.exp(log_eps)  # There log(exp(y) - 1) ~ log(y).
  huge = y > -log_eps  # There log(exp(y) - 1) ~ y.
  safe_y = tf.where(tiny | huge, tf.ones_like(y), y)
  middle = safe_y + tf.math.log(-tf.math.expm1(-safe_y))
  return tf.where(tiny, tf.math.log(y), tf.where(huge, y, middle))


def _inv_squared_softplus(x):
  return _softplus_inverse(tf.sqrt(x))


def _parametrize(x, rate=1.0):
  """The multiplier `softplus(x)**2`, with `x`'s gradient times `-rate`."""
  return scale_gradient_lib.scale_gradient(_squared_softplus(x), -rate)


class _LagrangeMultiplierInitializer:
  """Initializes `w` so that `softplus(w)**2` is the wrapped initial value."""

  def __init__(self, initializer, dtype=tf.float32):
    self.dtype = tf.as_dtype(dtype)
    self._initializer = initializer

  def __call__(self, shape, dtype=None, partition_info=None):
    if partition_info is None:
      initial_values = self._initializer(shape, dtype)
    else:
      initial_values = self._initializer(shape, dtype, partition_info)
    return _inv_squared_softplus(initial_values)

  def get_config(self):
    return {"dtype": self.dtype.name}


def _constrain_to_range(x, min_value, max_value, name="constrain_to_range"):
  """Clips `x` to [min_value, max_value]; see `get_lagrange_multiplier`.

  The gradient `g` passes through unclipped, except that it is zeroed where
  `x < min_value` and `g < 0`, or `x > max_value` and `g > 0`.

  Args:
    x: a float tensor.
    min_value: the lower bound.
    max_value: the upper bound.
    name: the name scope.

  Returns:
    The clipped tensor, shaped like `x`.

  Raises:
    ValueError: if `x` is not a float tensor.
  """
  if not x.dtype.is_floating:
    raise ValueError("_clip_by_value does not support non-float `x` inputs.")
  with tf1.name_scope(name, "constrain_to_range", values=[x]):
    dtype = x.dtype.base_dtype
    low = tf.convert_to_tensor(min_value, dtype=dtype)
    high = tf.convert_to_tensor(max_value, dtype=dtype)

    @tf.custom_gradient
    def constrain(value):

      def grad(dy):
        zeros = tf.zeros_like(dy)
        dy = tf.where(tf.logical_and(value < low, dy < 0), zeros, dy)
        return tf.where(tf.logical_and(value > high, dy > 0), zeros, dy)

      return tf.clip_by_value(value, low, high), grad

    output = constrain(tf.convert_to_tensor(x))
    output.set_shape(x.get_shape())
  return output
