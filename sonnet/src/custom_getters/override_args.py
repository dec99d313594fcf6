"""Custom getters that replace arguments of `tf.compat.v1.get_variable`."""


def _check_names(function_name, kwargs):
  if not kwargs:
    raise ValueError("%s needs at least one keyword argument to set, e.g. "
                     "%s(trainable=False)." % (function_name, function_name))
  if "name" in kwargs:
    raise ValueError("%s cannot change a variable's name; use a variable "
                     "scope or the module's name instead." % function_name)


def override_args(**kwargs):
  """Returns a custom getter that forces `get_variable` keyword arguments.

  Every variable created through the getter gets the given values, whatever
  the module asked for.

  Args:
    **kwargs: `get_variable` keyword arguments and their forced values,
      e.g. `trainable=False` or `initializer=tf.zeros_initializer()`.

  Returns:
    A custom getter.

  Raises:
    ValueError: if no argument is given, or `name` is given.

  >>> getter = snt.custom_getters.override_args(trainable=False)
  >>> linear = snt.Linear(3, custom_getter=getter)
  >>> _ = linear(tf.ones([1, 2]))
  >>> len(linear.trainable_variables)
  0
  """
  _check_names("override_args", kwargs)
  overrides = dict(kwargs)

  def custom_getter(getter, *args, **getter_kwargs):
    getter_kwargs.update(overrides)
    return getter(*args, **getter_kwargs)

  return custom_getter


def override_default_args(**kwargs):
  """Returns a custom getter that sets `get_variable` arguments left unset.

  A value is used only where the module did not give one (the argument is
  missing or None); values the module passes explicitly win.

  Args:
    **kwargs: `get_variable` keyword arguments and their new defaults.

  Returns:
    A custom getter.

  Raises:
    ValueError: if no argument is given, or `name` is given.

  >>> getter = snt.custom_getters.override_default_args(
  ...     regularizer=snt.regularizers.l2(0.1))
  >>> linear = snt.Linear(3, custom_getter=getter)
  """
  _check_names("override_default_args", kwargs)
  defaults = dict(kwargs)

  def custom_getter(getter, *args, **getter_kwargs):
    for key, value in defaults.items():
      if getter_kwargs.get(key) is None:
        getter_kwargs[key] = value
    return getter(*args, **getter_kwargs)

  return custom_getter
