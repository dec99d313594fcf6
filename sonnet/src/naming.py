"""How default module names are derived from class names."""

import re

_WORD_START = re.compile(r"(.)([A-Z][a-z]+)")
_LOWER_TO_UPPER = re.compile(r"([a-z0-9])([A-Z])")


def to_snake_case(camel_case_name):
  """Returns the snake_case form of a CamelCase class name.

  Args:
    camel_case_name: a class name, e.g. "NaiveAutoEncoder".

  Returns:
    The lower-case name with an underscore before each word, e.g.
    "naive_auto_encoder". Runs of capitals stay one word ("MyMLP" ->
    "my_mlp").

  >>> to_snake_case("BatchNormLSTM")
  'batch_norm_lstm'
  """
  words = _WORD_START.sub(r"\1_\2", camel_case_name)
  return _LOWER_TO_UPPER.sub(r"\1_\2", words).lower()
