"""`TrainableVariable`: a module whose output is one variable."""

import math
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src import variable_options

tf1 = tf.compat.v1


class TrainableVariable(base.AbstractModule, variable_options.VariableOptions):
  """Creates a variable `w` of a fixed shape and returns it when connected.

  Useful for learned inputs such as a learned initial state or a learned
  bias used in several places.

  >>> variable = snt.TrainableVariable([2, 3])
  >>> variable().shape.as_list()
  [2, 3]
  >>> [v.name for v in variable.get_variables()]
  ['trainable_variable/w:0']
  """

  POSSIBLE_INITIALIZER_KEYS = {"w"}

  def __init__(self, shape: Sequence[int], dtype: tf.DType = tf.float32,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "trainable_variable"):
    """Configures the variable.

    Args:
      shape: the variable's shape (a list of ints or a `tf.TensorShape`);
        it is checked when the module is connected.
      dtype: the variable's dtype.
      initializers: optional dict with key "w"; the default is a truncated
        normal with stddev 1/sqrt(number of elements).
      partitioners: optional dict with key "w".
      regularizers: optional dict with key "w".
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      KeyError: if a dict has a key other than "w".
      TypeError: if a dict value is not callable.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    self._shape = tuple(shape)
    self._dtype = dtype
    self._set_variable_options(initializers, partitioners, regularizers,
                               self.POSSIBLE_INITIALIZER_KEYS)
    self._w = None

  def _build(self):
    """Creates (first call) or reuses the variable.

    Returns:
      The variable `w`, of shape `shape`.

    Raises:
      ValueError: if `shape` has a negative size and no "w" initializer
        was given.
      ZeroDivisionError: if `shape` has a zero size and no "w" initializer
        was given.
    """
    if "w" not in self._initializers:
      # Kept in the dict once made, as in Sonnet 1.
      self._initializers["w"] = tf1.truncated_normal_initializer(
          stddev=1 / math.sqrt(np.prod(self._shape)))
    self._w = self._get_variable("w", self._shape, self._dtype)
    return self._w

  w = connected_property.connected_property(
      "_w", """The variable.

      Raises:
        NotConnectedError: before the first connection.
      """)
