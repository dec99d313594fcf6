"""Weight regularizers, in place of the removed `tf.contrib.layers` ones.

Each function returns a regularizer: a callable from a tensor to a scalar
loss, as `tf.compat.v1.get_variable(regularizer=...)` and Sonnet's
`regularizers=` dicts expect. Any other callable with that contract works too.
"""

import numbers

import tensorflow as tf


def _check_scale(scale):
  if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
    raise TypeError("Regularizer scale must be a real number, got %r." %
                    (scale,))
  if scale < 0.:
    raise ValueError("Regularizer scale must be >= 0, got %g." % scale)


def _scaled_penalty(scale, weights, scope, penalty):
  """`scale * penalty()` in name scope `scope`, or None when `scale` is 0."""
  if scale == 0.:
    return None
  with tf.name_scope(scope):
    return tf.multiply(tf.cast(scale, weights.dtype), penalty(), name="value")


def l1(scale, scope=None):
  """Returns a regularizer computing `scale * sum(|w|)`.

  Args:
    scale: a non-negative float; 0 gives a regularizer that returns None
      (as `tf.contrib.layers.l1_regularizer` did, so no loss is added).
    scope: an optional name scope for the loss op.

  Returns:
    A callable from a tensor to a scalar tensor (or None when scale is 0).

  Raises:
    TypeError: if `scale` is not a real number.
    ValueError: if `scale` is negative.

  >>> float(snt.regularizers.l1(0.5)(tf.constant([1., -2.])))
  1.5
  """
  _check_scale(scale)

  def l1_regularizer(weights):
    return _scaled_penalty(scale, weights, scope or "l1_regularizer",
                           lambda: tf.reduce_sum(tf.abs(weights)))

  return l1_regularizer


def l2(scale, scope=None):
  """Returns a regularizer computing `scale * sum(w ** 2) / 2`.

  The halving matches `tf.nn.l2_loss` and the old contrib regularizer.

  Args:
    scale: a non-negative float; 0 gives a regularizer that returns None.
    scope: an optional name scope for the loss op.

  Returns:
    As for `l1`.

  Raises:
    TypeError, ValueError: as for `l1`.

  >>> float(snt.regularizers.l2(1.)(tf.constant([1., -2.])))
  2.5
  """
  _check_scale(scale)

  def l2_regularizer(weights):
    return _scaled_penalty(scale, weights, scope or "l2_regularizer",
                           lambda: tf.nn.l2_loss(weights))

  return l2_regularizer


def sum_regularizer(regularizers, scope=None):
  """Returns a regularizer that adds up the losses of several regularizers.

  Args:
    regularizers: an iterable of regularizers; None entries, and entries
      that return None, are skipped.
    scope: an optional name scope for the sum.

  Returns:
    A callable from a tensor to a scalar tensor (None if nothing to add).

  >>> both = snt.regularizers.sum_regularizer(
  ...     [snt.regularizers.l1(1.), snt.regularizers.l2(1.)])
  >>> float(both(tf.constant([3.])))
  7.5
  """
  regularizers = [r for r in regularizers if r is not None]

  def summed_regularizer(weights):
    losses = [r(weights) for r in regularizers]
    losses = [loss for loss in losses if loss is not None]
    if not losses:
      return None
    with tf.name_scope(scope or "sum_regularizer"):
      return tf.add_n(losses, name="value")

  return summed_regularizer
