"""Routing variables to different custom getters by name."""

import re


def custom_getter_router(custom_getter_map, name_fn):
  """Returns a custom getter that picks a getter by the variable's name.

  Args:
    custom_getter_map: a dict from regular expressions to custom getters.
      A variable whose name (as returned by `name_fn`) matches a key (with
      `re.match`) is fetched through that key's getter; one matching no key
      is fetched unchanged.
    name_fn: maps the full variable name to the name the keys are matched
      against, e.g. the name relative to a module's scope.

  Returns:
    A custom getter for `tf.compat.v1.variable_scope`.

  Raises:
    TypeError: if `custom_getter_map` is not a dict or a value is not
      callable.
    KeyError: when fetching a variable whose name matches several keys.

  >>> frozen = lambda getter, *a, **k: tf.stop_gradient(getter(*a, **k))
  >>> getter = custom_getter_router({"w": frozen},
  ...                               name_fn=lambda name: name.split("/")[-1])
  """
  if not isinstance(custom_getter_map, dict):
    raise TypeError("custom_getter_map must be a dict, got %r." %
                    (custom_getter_map,))
  for getter in custom_getter_map.values():
    if not callable(getter):
      raise TypeError("Given custom_getter is not callable.")
  patterns = [
      (re.compile(key), getter) for key, getter in custom_getter_map.items()]

  def routing_getter(getter, name, *args, **kwargs):
    relative_name = name_fn(name)
    matches = [(p.pattern, g) for p, g in patterns if p.match(relative_name)]
    if len(matches) > 1:
      raise KeyError("More than one custom_getter matched {} ({}): {}".format(
          name, relative_name, [key for key, _ in matches]))
    if matches:
      return matches[0][1](getter, name, *args, **kwargs)
    return getter(name, *args, **kwargs)

  return routing_getter
