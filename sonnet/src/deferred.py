"""Sizes and shapes given now, or later by another module.

`transpose()` makes modules whose sizes are callables reading the module
they mirror (e.g. `lambda: linear.input_shape[-1]`): these raise
`snt.NotConnectedError` until that module is connected, and give the size
from then on.
"""

from sonnet.src.core import errors


def value(given):
  """`given`, or what it returns if it is callable.

  Args:
    given: a value, or a callable returning it.

  Returns:
    The value.

  Raises:
    NotConnectedError: from a callable reading an unconnected module.

  >>> value(3), value(lambda: 4)
  (3, 4)
  """
  return given() if callable(given) else given


def resolve(module, attribute, convert=None, parent_not_built=None):
  """`module.<attribute>`, a callable there replaced by what it returns.

  Args:
    module: the module holding the value.
    attribute: the attribute's name, e.g. "_output_size".
    convert: optional function applied to the value (every time); its
      result is what the attribute keeps.
    parent_not_built: optional message: a callable returning None then
      raises `snt.ParentNotBuiltError` with it.

  Returns:
    The (converted) value.

  Raises:
    NotConnectedError: from a callable reading an unconnected module.
    ParentNotBuiltError: if a callable returns None and `parent_not_built`
      is given.
  """
  given = getattr(module, attribute)
  resolved = value(given)
  if parent_not_built and resolved is None and callable(given):
    raise errors.ParentNotBuiltError(parent_not_built)
  if convert is not None:
    resolved = convert(resolved)
  if resolved is not given:
    setattr(module, attribute, resolved)
  return resolved
