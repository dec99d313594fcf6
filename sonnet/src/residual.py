"""Residual and skip connections around modules and cores."""

from typing import Any, Callable, Optional, Sequence

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import rnn_core


def _add(inputs, outputs):
  return tf.nest.map_structure(lambda x, y: x + y, inputs, outputs)


class Residual(base.AbstractModule):
  """Adds a module's input to its output: `inputs + base_module(inputs)`.

  >>> residual = snt.Residual(snt.Linear(3))
  >>> residual(tf.ones([2, 3])).shape.as_list()
  [2, 3]
  """

  def __init__(self, base_module: Callable[..., Any], name: str = "residual"):
    """Stores the module.

    Args:
      base_module: a callable whose output has the structure and shape of
        its input.
      name: the module's name.
    """
    super().__init__(name=name)
    self._base_module = base_module

  def _build(self, inputs, **kwargs):
    """Returns `inputs + base_module(inputs, **kwargs)` (leaf-wise)."""
    return _add(inputs, self._base_module(inputs, **kwargs))


class ResidualCore(rnn_core.RNNCore):
  """A core whose output is `inputs + base_core's output`; same state.

  >>> core = snt.ResidualCore(snt.LSTM(3))
  >>> out, state = core(tf.ones([2, 3]), core.initial_state(2))
  >>> out.shape.as_list()
  [2, 3]
  """

  def __init__(self, base_core: Callable[..., Any],
               name: str = "residual_core"):
    """Stores the core.

    Args:
      base_core: an `snt.RNNCore` whose output size equals its input size.
      name: the module's name.
    """
    super().__init__(name=name)
    self._base_core = base_core

  def _build(self, inputs, prev_state, **kwargs):
    """Runs the core and adds the inputs to its output."""
    outputs, next_state = self._base_core(inputs, prev_state, **kwargs)
    return _add(inputs, outputs), next_state

  @property
  def state_size(self):
    """The base core's state size."""
    return self._base_core.state_size

  @property
  def output_size(self):
    """The base core's output size."""
    return self._base_core.output_size

  def initial_state(self, *args, **kwargs):
    """The base core's `initial_state`."""
    return self._base_core.initial_state(*args, **kwargs)

  def zero_state(self, *args, **kwargs):
    """The base core's `zero_state`."""
    return self._base_core.zero_state(*args, **kwargs)


class SkipConnectionCore(rnn_core.RNNCore):
  """A core whose output is `concat([inputs, base_core's output], -1)`.

  >>> core = snt.SkipConnectionCore(snt.LSTM(4), input_shape=[3])
  >>> core.output_size.as_list()
  [7]
  """

  def __init__(self, base_core: Callable[..., Any],
               input_shape: Optional[Sequence[int]] = None,
               name: str = "skip_connection_core"):
    """Stores the core.

    Args:
      base_core: an `snt.RNNCore` (`output_size` needs a single output).
      input_shape: the input's shape without batch dimension; needed for
        `output_size` before the first connection (e.g. by `dynamic_rnn`).
        Otherwise (also if empty) it is read from the first connection.
      name: the module's name.
    """
    super().__init__(name=name)
    self._base_core = base_core
    input_shape = tf.TensorShape(input_shape)
    self._input_shape = input_shape if input_shape.rank else None

  def _build(self, inputs, prev_state, **kwargs):
    """Runs the core; concatenates each input leaf with its output leaf."""
    if self._input_shape is None:
      self._input_shape = inputs.shape[1:]
    outputs, next_state = self._base_core(inputs, prev_state, **kwargs)
    outputs = tf.nest.map_structure(
        lambda inp, out: tf.concat([inp, out], axis=-1), inputs, outputs)
    return outputs, next_state

  @property
  def state_size(self):
    """The base core's state size."""
    return self._base_core.state_size

  @property
  def output_size(self):
    """The input size plus the base core's output size (last dimension).

    Raises:
      ValueError: if `input_shape` was not given and the core has not been
        connected yet.
    """
    if self._input_shape is None:
      raise ValueError(
          "Output size unknown. You must provide the input_shape to the "
          "class' constructor or connect the module into the graph.")
    base_size = tf.TensorShape(self._base_core.output_size)
    return self._input_shape[:-1].concatenate([
        self._input_shape[-1] + base_size[-1]])

  def initial_state(self, *args, **kwargs):
    """The base core's `initial_state`."""
    return self._base_core.initial_state(*args, **kwargs)

  def zero_state(self, *args, **kwargs):
    """The base core's `zero_state`."""
    return self._base_core.zero_state(*args, **kwargs)
