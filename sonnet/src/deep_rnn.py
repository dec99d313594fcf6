"""`DeepRNN`: a stack of cores (and plain ops) run as one core."""

import collections.abc
import contextlib
from typing import Any, Callable, Sequence

import tensorflow as tf

from sonnet.src import fused_lstm
from sonnet.src import rnn_core

tf1 = tf.compat.v1


def _flat_output_dims(core):
  """A core's flattened `output_size` as lists of ints."""
  return [
      tf.TensorShape(size).as_list()
      for size in tf.nest.flatten(core.output_size)]


def _offer_for(offer, index, core):
  """An unroll's offer for the core at `index` (see `rnn_core.InputProjection`).

  The first core may project the unroll's inputs; the others keep their
  weights from the first step.
  """
  if offer is None:
    return contextlib.nullcontext()
  if index == 0:
    return offer.forward_to(core)
  # Keyed by the core: a DeepRNN first in another shares its offer.
  return offer.child(id(core), core)


def _concat_last(*tensors):
  return tf.concat(tensors, axis=-1)


class DeepRNN(rnn_core.RNNCore):
  """Runs several cores one after another within each time step.

  `cores` may mix `snt.RNNCore`s with plain callables (e.g. `tf.nn.relu` or
  an `snt.Linear`), which are applied to the previous output and hold no
  state. The state is a tuple with one entry per `RNNCore` (`()` if there
  is none; `DeepRNN([], skip_connections=False)` is the identity).

  With `skip_connections` (only for stacks of `RNNCore`s), every core after
  the first sees the step's input concatenated (leaf by leaf, along the
  last axis) with the previous core's output, and the output is the
  concatenation of all cores' outputs (`concat_final_output_if_skip`) or
  the last core's output.

  `snt.dynamic_unroll` and `snt.static_unroll` project the inputs of all
  time steps at once when the first core supports it (see `snt.RNNCore`).

  >>> deep = snt.DeepRNN([snt.LSTM(4), snt.LSTM(5)])
  >>> out, state = deep(tf.ones([2, 3]), deep.initial_state(2))
  >>> out.shape.as_list()
  [2, 9]
  """

  def __init__(self, cores: Sequence[Callable[..., Any]],
               skip_connections: bool = True,
               concat_final_output_if_skip: bool = True,
               name: str = "deep_rnn"):
    """Configures the stack.

    Args:
      cores: an iterable of `snt.RNNCore`s and callables.
      skip_connections: whether to feed the input to every core and
        concatenate their outputs; only for stacks of `RNNCore`s, whose
        outputs must then differ only in their last dimension.
      concat_final_output_if_skip: with skip connections, whether the output
        concatenates all cores' outputs (True) or is the last one's.
      name: the module's name.

    Raises:
      ValueError: if `cores` is not iterable, or `skip_connections` is used
        with a core that is not an `RNNCore` or with outputs that cannot be
        concatenated.
    """
    super().__init__(name=name)
    if not isinstance(cores, collections.abc.Iterable):
      raise ValueError("Cores should be an iterable object.")
    self._cores = tuple(cores)
    self._skip_connections = skip_connections
    self._concat_final_output_if_skip = concat_final_output_if_skip
    self._is_recurrent_list = [
        isinstance(core, rnn_core.RNNCore) for core in self._cores]
    if skip_connections:
      tf1.logging.log_first_n(
          tf1.logging.WARN,
          "The `skip_connections` argument will be deprecated.", 1)
      if not all(self._is_recurrent_list):
        raise ValueError(
            "skip_connections are enabled but not all cores are "
            "`snt.RNNCore`s, which is not supported. The following cores "
            "were specified: {}.".format(self._cores))
      self._check_cores_output_sizes()
    self._num_recurrent = sum(self._is_recurrent_list)
    self._last_output_size = None

  def _check_cores_output_sizes(self):
    """Refuses outputs that differ in more than their last dimension.

    Raises:
      ValueError: if two cores' outputs differ before the last dimension.
    """
    for sizes in zip(*[_flat_output_dims(core) for core in self._cores]):
      for i, size in enumerate(sizes[1:]):
        if size[1:] != sizes[0][1:]:
          raise ValueError(
              "The outputs of the provided cores are not able to be "
              "concatenated along the first feature dimension. Core 0 has "
              "shape %s, whereas Core %d has shape %s - these must only "
              "differ in the first dimension" % (sizes[0], i + 1, size))

  def _build(self, inputs, prev_state, **kwargs):
    """Runs each core once.

    Args:
      inputs: the step's inputs (a tensor, or a nest).
      prev_state: a sequence with one state per `RNNCore` in `cores`.
      **kwargs: extra arguments passed to every core.

    Returns:
      `(output, next_state)`, `next_state` a tuple.
    """
    current = inputs
    next_states = []
    outputs = []
    recurrent_index = 0
    offer = rnn_core.InputProjection.current(self)
    for i, core in enumerate(self._cores):
      if self._skip_connections and i > 0:
        current = tf.nest.map_structure(_concat_last, inputs, current)
      if self._is_recurrent_list[i]:
        with _offer_for(offer, i, core):
          current, next_state = core(current, prev_state[recurrent_index],
                                     **kwargs)
        next_states.append(next_state)
        recurrent_index += 1
      else:
        current = core(current, **kwargs)
      if self._skip_connections:
        outputs.append(current)
    if self._skip_connections and self._concat_final_output_if_skip:
      output = tf.nest.map_structure(_concat_last, *outputs)
    else:
      output = current
    self._last_output_size = tf.nest.map_structure(lambda t: t.shape[1:],
                                                   output)
    return output, tuple(next_states)

  def _fused_lstm_layers(self, offer):
    """The cores' layers, for a stack of LSTM cores without skips."""
    if (fused_lstm.overrides(self, DeepRNN, "_build") or
        self._skip_connections or not all(self._is_recurrent_list)):
      return None
    stacks = []
    for i, core in enumerate(self._cores):
      core_offer = offer if i == 0 else offer.child_offer(id(core))
      if core_offer is None or isinstance(core, DeepRNN):
        return None
      stack = core._fused_lstm_layers(core_offer)  # pylint: disable=protected-access
      if stack is None:
        return None
      stacks.append(stack)
    return fused_lstm.Stack.concat(stacks)

  def initial_state(self, batch_size, dtype=tf.float32, trainable=False,
                    trainable_initializers=None, trainable_regularizers=None,
                    name=None):
    """Returns a tuple of the `RNNCore`s' initial states.

    The cores' own `initial_state`s run (with their default names) inside a
    name scope `name`, by default `<scope_name>_initial_state`.

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the dtype of the states.
      trainable: whether the initial states are learned.
      trainable_initializers: optional sequence with one entry per
        `RNNCore`.
      trainable_regularizers: optional sequence with one entry per
        `RNNCore`.
      name: the name scope.

    Returns:
      A tuple of states.

    Raises:
      ValueError: if `trainable_initializers` does not have one entry per
        `RNNCore`.
    """
    if trainable_initializers is None:
      trainable_initializers = [None] * self._num_recurrent
    if trainable_regularizers is None:
      trainable_regularizers = [None] * self._num_recurrent
    if len(trainable_initializers) != self._num_recurrent:
      raise ValueError(
          "The number of initializers and recurrent cores should be the "
          "same. Received %d initializers for %d specified recurrent cores." %
          (len(trainable_initializers), self._num_recurrent))
    states = []
    with tf1.name_scope(self._initial_state_scope(name)):
      for core in self._recurrent_cores():
        index = len(states)
        states.append(
            core.initial_state(
                batch_size, dtype=dtype, trainable=trainable,
                trainable_initializers=trainable_initializers[index],
                trainable_regularizers=trainable_regularizers[index]))
    return tuple(states)

  def _recurrent_cores(self):
    return [
        core for core, recurrent in zip(self._cores, self._is_recurrent_list)
        if recurrent]

  @property
  def state_size(self):
    """A tuple of the `RNNCore`s' state sizes."""
    return tuple(core.state_size for core in self._recurrent_cores())

  @property
  def output_size(self):
    """The output size.

    With concatenated skip outputs, the cores' sizes with their last
    dimensions summed. Otherwise the last core's `output_size`; if it has
    none, the size of the last connection's output or, before the first
    connection, the `output_size` of the last core that has one (both with
    a logged warning).

    Raises:
      ValueError: if no core has an `output_size` and the stack has not
        been connected.
    """
    if self._skip_connections and self._concat_final_output_if_skip:
      summed = []
      for sizes in zip(*[_flat_output_dims(core) for core in self._cores]):
        summed.append(
            tf.TensorShape(sizes[0][:-1] + [sum(size[-1] for size in sizes)]))
      return tf.nest.pack_sequence_as(self._cores[0].output_size, summed)
    final_core = self._cores[-1]
    if hasattr(final_core, "output_size"):
      return final_core.output_size
    if self._last_output_size is not None:
      tf1.logging.warning(
          "Final core does not contain .output_size, but the DeepRNN has "
          "been connected into the graph, so inferred output size as %s",
          self._last_output_size)
      return self._last_output_size
    try:
      guessed = next(core.output_size
                     for core in reversed(self._cores)
                     if hasattr(core, "output_size"))
    except StopIteration:
      raise ValueError(
          "None of the 'cores' have output_size information.") from None
    tf1.logging.warning(
        "Trying to infer output_size of DeepRNN, but the final core %s does "
        "not have the .output_size field. The guessed output_size is %s but "
        "this may not be correct. If you see shape errors following this "
        "warning, you must change the cores used in the DeepRNN so that the "
        "final core used has a correct .output_size property.", final_core,
        guessed)
    return guessed

  @property
  def cores(self):
    """The cores, in order."""
    return self._cores
