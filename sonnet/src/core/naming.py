"""How default module names are derived from class and function names."""

import functools
import re

_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")
# Each pattern marks one kind of word boundary; `to_snake_case` applies them
# in order, each inserting an underscore between its two groups.
_SNAKE_STEPS = (
    re.compile(r"()([A-Z][a-z])"),  # Before a capitalised word: "aWord".
    re.compile(r"([a-z])([A-Z])"),  # Lower to upper: "endsWithXYZ".
    # A lower-case letter followed by a number: the number and everything
    # after it up to the next underscore stays one word ("lstm1" -> "lstm_1",
    # "version123p56vfx" -> "version_123p56vfx").
    re.compile(r"([a-z])([0-9][^_]*)"),
)


def to_snake_case(camel_case):
  """Sonnet 1's snake_case form of a CamelCase name.

  Args:
    camel_case: a Python identifier, e.g. "LSTMModule" or "lstm1".

  Returns:
    The lower-case name with underscores between words and before a number
    that follows a lower-case letter, without leading or trailing
    underscores: "lstm_module", "lstm_1" ("LSTM1" stays "lstm1").

  Raises:
    ValueError: if `camel_case` is not a valid Python identifier.

  >>> to_snake_case("UpperCamelCase"), to_snake_case("Conv2D")
  ('upper_camel_case', 'conv_2d')
  """
  if not _IDENTIFIER.match(camel_case):
    raise ValueError("Input string %s is not a valid Python identifier." %
                     camel_case)
  name = camel_case
  for step in _SNAKE_STEPS:
    name = step.sub(r"\1_\2", name)
  return name.strip("_").lower()


def name_for_callable(func):
  """A module name for a function, or None if it has no usable name.

  Args:
    func: a function, method, class or `functools.partial` (of any depth).

  Returns:
    `to_snake_case` of its `__name__` (a partial's inner function's); None
    for a lambda or an object without a `__name__`, e.g. a callable instance.
  """
  while isinstance(func, functools.partial):
    func = func.func
  name = getattr(func, "__name__", None)
  if name is None or name == "<lambda>":
    return None
  return to_snake_case(name)
