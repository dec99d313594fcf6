"""`DNC`: an LSTM controller that reads and writes an external memory.

Each step the controller sees the input and the words read at the previous
step; its output drives `MemoryAccess`, and the step's output is a linear
map of the controller output and the newly read words (Graves et al. 2016,
Methods, "Controller network").
"""

import collections

import sonnet as snt
import tensorflow as tf

from examples.dnc import memory_access

DNCState = collections.namedtuple(
    "DNCState", ["access_output", "access_state", "controller_state"])


class DNC(snt.RNNCore):
  """A Differentiable Neural Computer core.

  Input `[batch_size, input_size]`; output `[batch_size, output_size]`;
  state a `DNCState`. Submodules: `controller` (`snt.LSTM`), `memory_access`
  (`MemoryAccess`) and `output_linear` (`snt.Linear`).

  >>> dnc = DNC({"memory_size": 8, "word_size": 4}, {"hidden_size": 16}, 5)
  >>> out, state = dnc(tf.ones([2, 3]), dnc.initial_state(2))
  >>> out.shape.as_list()
  [2, 5]
  """

  def __init__(self, access_config, controller_config, output_size,
               clip_value=None, name="dnc"):
    """Builds the submodules.

    Args:
      access_config: keyword arguments of `MemoryAccess`.
      controller_config: keyword arguments of `snt.LSTM` (`hidden_size`...).
      output_size: width of the output.
      clip_value: if set, the controller and read outputs are clipped to
        `[-clip_value, clip_value]`.
      name: the module's name.
    """
    super().__init__(name=name)
    self._output_size = output_size
    self._clip_value = clip_value
    with self._enter_variable_scope():
      self._controller = snt.LSTM(name="controller", **controller_config)
      self._access = memory_access.MemoryAccess(**access_config)
      self._output_linear = snt.Linear(output_size, name="output_linear")

  def _clip(self, x):
    if self._clip_value is None:
      return x
    return tf.clip_by_value(x, -self._clip_value, self._clip_value)

  def _build(self, inputs, prev_state):
    """One step.

    Args:
      inputs: `[batch_size, input_size]`.
      prev_state: a `DNCState`.

    Returns:
      `(output, state)`.
    """
    inputs = tf.convert_to_tensor(inputs)
    prev_reads = tf.reshape(prev_state.access_output,
                            [-1, self._access.output_size.num_elements()])
    controller_input = tf.concat([inputs, prev_reads], axis=1)
    controller_output, controller_state = self._controller(
        controller_input, prev_state.controller_state)
    controller_output = self._clip(controller_output)
    access_output, access_state = self._access(controller_output,
                                               prev_state.access_state)
    reads = tf.reshape(access_output,
                       [-1, self._access.output_size.num_elements()])
    output = self._output_linear(tf.concat([controller_output, reads], axis=1))
    return self._clip(output), DNCState(access_output=access_output,
                                        access_state=access_state,
                                        controller_state=controller_state)

  @property
  def controller(self):
    return self._controller

  @property
  def memory_access(self):
    return self._access

  @property
  def state_size(self):
    return DNCState(access_output=self._access.output_size,
                    access_state=self._access.state_size,
                    controller_state=self._controller.state_size)

  @property
  def output_size(self):
    return tf.TensorShape([self._output_size])
