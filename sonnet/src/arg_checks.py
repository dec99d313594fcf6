"""Validation of the initializers / partitioners / regularizers dicts.

Every module that creates variables takes these three dicts keyed by
variable name ("w", "b", ...). The checks below give the same errors
everywhere: an unknown key is a `KeyError` naming the valid keys, a value
that is not callable is a `TypeError`.
"""


def _check_dict(entries, keys, kind):
  """Shared body of the three public checks."""
  if entries is None:
    return {}
  if not hasattr(entries, "__getitem__"):
    raise TypeError(
        "Expected a dict-like object with possible keys %s, received %s" %
        (keys, entries))
  keys = set(keys)
  unknown = set(entries) - keys
  if unknown:
    plural = kind.lower() + "s"
    raise KeyError(
        "Invalid %s keys %s, %s can only be provided for %s" %
        (kind.lower(), ", ".join("'%s'" % k for k in sorted(unknown)), plural,
         ", ".join("'%s'" % k for k in sorted(keys))))
  _check_callables(entries, kind)
  return dict(entries)


def _check_callables(entries, kind):
  for key, value in entries.items():
    if hasattr(value, "items"):
      _check_callables(value, kind)  # Nested dicts configure submodules.
    elif not callable(value):
      raise TypeError("%s for '%s' is not a callable function or dictionary" %
                      (kind, key))


def check_initializers(initializers, keys):
  """Checks an initializers dict and returns a copy of it.

  Args:
    initializers: None, or a dict from variable names to initializers
      (callables, or dicts of them for submodules).
    keys: the variable names the module accepts.

  Returns:
    A dict (empty when `initializers` is None).

  Raises:
    KeyError: if a key is not in `keys`; the message lists the valid keys.
    TypeError: if `initializers` is not a dict or a value is not callable.

  >>> sorted(check_initializers({"w": tf.zeros_initializer()}, {"w", "b"}))
  ['w']
  """
  return _check_dict(initializers, keys, "Initializer")


def check_partitioners(partitioners, keys):
  """Checks a partitioners dict; see `check_initializers`.

  Args:
    partitioners: None, or a dict from variable names to partitioners such
      as `tf.compat.v1.fixed_size_partitioner(2)`.
    keys: the variable names the module accepts.

  Returns:
    A dict (empty when `partitioners` is None).

  Raises:
    KeyError: if a key is not in `keys`.
    TypeError: if `partitioners` is not a dict or a value is not callable.
  """
  return _check_dict(partitioners, keys, "Partitioner")


def check_regularizers(regularizers, keys):
  """Checks a regularizers dict; see `check_initializers`.

  Args:
    regularizers: None, or a dict from variable names to regularizers
      (callables from a tensor to a scalar loss, e.g. `snt.regularizers.l2`).
    keys: the variable names the module accepts.

  Returns:
    A dict (empty when `regularizers` is None).

  Raises:
    KeyError: if a key is not in `keys`.
    TypeError: if `regularizers` is not a dict or a value is not callable.
  """
  return _check_dict(regularizers, keys, "Regularizer")
