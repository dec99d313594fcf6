"""`non_trainable`: a custom getter that makes variables non-trainable."""


def non_trainable(getter, *args, **kwargs):
  """Creates (or fetches) the variable with `trainable=False`.

  The variable is left out of `TRAINABLE_VARIABLES` (and out of a module's
  `trainable_variables`), so optimizers given those lists do not update it.
  Gradients still flow through it to earlier variables.

  Args:
    getter: the underlying getter, given by `tf.compat.v1.get_variable`.
    *args: positional arguments of `get_variable`.
    **kwargs: keyword arguments of `get_variable`; `trainable` is replaced.

  Returns:
    The variable.

  >>> linear = snt.Linear(3, custom_getter=snt.custom_getters.non_trainable)
  >>> _ = linear(tf.ones([1, 2]))
  >>> len(linear.trainable_variables), len(linear.non_trainable_variables)
  (0, 2)
  """
  kwargs["trainable"] = False
  return getter(*args, **kwargs)
