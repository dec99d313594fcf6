"""`dynamic_unroll` and `static_unroll`: run a core over a time-major sequence.

Unlike `tf.compat.v1.nn.dynamic_rnn`, these work in eager mode and inside
`tf.function` as well as in graph mode, and for a core that supports it
(`snt.LSTM`, `snt.GRU`, `snt.VanillaRNN`, a `snt.DeepRNN` starting with one
of them) they multiply the inputs of all time steps by the core's input
weights in one matmul before the loop (see `snt.RNNCore`). Without
`sequence_length`, `dynamic_unroll` runs an `snt.LSTM`, an
`snt.LSTMBlockCell` or a `snt.DeepRNN` of them without skip connections
(without peepholes, layer norm, clipping or projection) in one loop with a
hand-made gradient (`fused_lstm`): same outputs, cheaper training. Prefer
them to `dynamic_rnn` for these cores. With `sequence_length`, outputs past
a sequence's length are zeros and its state stays as it was at its last
step, as `dynamic_rnn` does.
"""

import contextlib

import tensorflow as tf

from sonnet.src.core import errors
from sonnet.src import fused_lstm
from sonnet.src import rnn_core


def _flat_sequence(core, input_sequence):
  """The leaves of `input_sequence` as tensors, checked to be time-major."""
  flat_inputs = [
      tf.convert_to_tensor(x) for x in tf.nest.flatten(input_sequence)]
  for x in flat_inputs:
    if x.shape.rank is not None and x.shape.rank < 2:
      raise errors.IncompatibleShapeError(
          "%s: input_sequence must be time-major, [num_steps, batch_size, "
          "...], got a tensor of shape %s." % (_core_name(core), x.shape))
  return flat_inputs


def _core_name(core):
  return getattr(core, "scope_name", type(core).__name__)


def _projection_offer(core, input_sequence, flat_inputs):
  """An `InputProjection` for one input tensor of rank 3, else None."""
  if (not isinstance(core, rnn_core.RNNCore) or
      tf.nest.is_nested(input_sequence) or flat_inputs[0].shape.rank != 3 or
      flat_inputs[0].shape[-1] is None):
    return None
  return rnn_core.InputProjection(core, flat_inputs[0])


def _first_step(offer):
  return offer.first_step() if offer else contextlib.nullcontext()


def _later_step(offer, projected_step):
  """Context for a step after the first: its projected inputs, if any."""
  if projected_step is None:
    return contextlib.nullcontext()
  return offer.step(projected_step)


def _step_mask(step, sequence_length):
  """`[batch_size]` bools: which sequences are still running at `step`."""
  return tf.less(tf.cast(step, sequence_length.dtype), sequence_length)


def _select(mask, new, old):
  """Leaf-wise `new` where `mask` (per batch row) else `old`."""

  def select_leaf(n, o):
    rank = n.shape.rank
    m = tf.reshape(mask, [-1] + [1] * (rank - 1))
    return tf.where(m, n, o)

  return tf.nest.map_structure(select_leaf, new, old)


def _masked_step(step, sequence_length, outputs, state, prev_state):
  if sequence_length is None:
    return outputs, state
  mask = _step_mask(step, sequence_length)
  outputs = _select(mask, outputs,
                    tf.nest.map_structure(tf.zeros_like, outputs))
  state = _select(mask, state, prev_state)
  return outputs, state


def dynamic_unroll(core, input_sequence, initial_state, sequence_length=None,
                   parallel_iterations=1, swap_memory=False):
  """Runs `core` over a time-major sequence with a `tf.while_loop`.

  The first step runs outside the loop so that variables are created
  outside control flow; the sequence must therefore have at least one step.

  >>> core = snt.VanillaRNN(4)
  >>> inputs = tf.ones([5, 2, 3])  # [num_steps, batch_size, input_size]
  >>> outputs, state = snt.dynamic_unroll(core, inputs,
  ...                                     core.initial_state(2))
  >>> outputs.shape.as_list()
  [5, 2, 4]

  Args:
    core: an `snt.RNNCore` (or any callable `(inputs, state) -> (outputs,
      state)`).
    input_sequence: a nest of tensors `[num_steps, batch_size, ...]`.
    initial_state: the core's initial state, a nest of tensors.
    sequence_length: optional int tensor `[batch_size]`: the length of each
      sequence. Outputs past it are zeros and the state is frozen.
    parallel_iterations: passed to `tf.while_loop`.
    swap_memory: passed to `tf.while_loop`.

  Returns:
    `(output_sequence, final_state)`: a nest of tensors `[num_steps,
    batch_size, ...]` and the state after the last (valid) step.

  Raises:
    IncompatibleShapeError: if an input is not at least of rank 2.
  """
  flat_inputs = _flat_sequence(core, input_sequence)
  if sequence_length is not None:
    sequence_length = tf.convert_to_tensor(sequence_length)
  num_steps = tf.compat.dimension_value(flat_inputs[0].shape[0])
  if num_steps is None:
    num_steps = tf.shape(flat_inputs[0])[0]
  input_arrays = [
      tf.TensorArray(x.dtype, size=num_steps,
                     element_shape=x.shape[1:]).unstack(x) for x in flat_inputs]

  def read(step):
    return tf.nest.pack_sequence_as(input_sequence,
                                    [ta.read(step) for ta in input_arrays])

  offer = _projection_offer(core, input_sequence, flat_inputs)
  with _first_step(offer):
    outputs, state = core(read(0), initial_state)
  outputs, state = _masked_step(0, sequence_length, outputs, state,
                                initial_state)
  if sequence_length is None:
    fused = fused_lstm.unroll_core(core, offer, initial_state,
                                   parallel_iterations, swap_memory)
    if fused is not None:
      return fused
  projected = offer and offer.projected
  if projected is not None:
    projected = tf.TensorArray(
        projected.dtype, size=num_steps,
        element_shape=projected.shape[1:]).unstack(projected)
  flat_outputs = tf.nest.flatten(outputs)
  output_arrays = [
      tf.TensorArray(o.dtype, size=num_steps,
                     element_shape=o.shape).write(0, o) for o in flat_outputs]
  state = tf.nest.map_structure(tf.convert_to_tensor, state)

  def body(step, state, arrays):
    with _later_step(offer, projected and projected.read(step)):
      step_outputs, next_state = core(read(step), state)
    step_outputs, next_state = _masked_step(step, sequence_length, step_outputs,
                                            next_state, state)
    next_state = tf.nest.map_structure(tf.convert_to_tensor, next_state)
    arrays = [
        ta.write(step, o)
        for ta, o in zip(arrays, tf.nest.flatten(step_outputs))]
    return step + 1, next_state, arrays

  _, final_state, output_arrays = tf.while_loop(
      lambda step, *_: step < num_steps,
      body,
      (tf.constant(1), state, output_arrays),
      parallel_iterations=parallel_iterations,
      swap_memory=swap_memory,
      # A bound lets XLA size the gradient's accumulators.
      maximum_iterations=num_steps)
  output_sequence = tf.nest.pack_sequence_as(
      outputs, [ta.stack() for ta in output_arrays])
  return output_sequence, final_state


def static_unroll(core, input_sequence, initial_state, sequence_length=None):
  """Runs `core` over a time-major sequence with a Python loop.

  The number of steps must be known statically; the graph holds one copy of
  the core per step.

  >>> core = snt.VanillaRNN(4)
  >>> outputs, state = snt.static_unroll(core, tf.ones([5, 2, 3]),
  ...                                    core.initial_state(2))
  >>> outputs.shape.as_list()
  [5, 2, 4]

  Args:
    core: an `snt.RNNCore` (or any callable `(inputs, state) -> (outputs,
      state)`).
    input_sequence: a nest of tensors `[num_steps, batch_size, ...]` with a
      known `num_steps`.
    initial_state: the core's initial state, a nest of tensors.
    sequence_length: optional int tensor `[batch_size]`, as in
      `dynamic_unroll`.

  Returns:
    `(output_sequence, final_state)` as in `dynamic_unroll`.

  Raises:
    IncompatibleShapeError: if an input is not at least of rank 2.
    UnderspecifiedError: if the number of steps is not known statically.
  """
  flat_inputs = _flat_sequence(core, input_sequence)
  num_steps = tf.compat.dimension_value(flat_inputs[0].shape[0])
  if num_steps is None:
    raise errors.UnderspecifiedError(
        "%s: static_unroll needs a statically known number of steps, got "
        "input shape %s; use dynamic_unroll instead." %
        (_core_name(core), flat_inputs[0].shape))
  if sequence_length is not None:
    sequence_length = tf.convert_to_tensor(sequence_length)
  unstacked = [tf.unstack(x, num=num_steps) for x in flat_inputs]
  offer = _projection_offer(core, input_sequence, flat_inputs)
  projected = []
  state = initial_state
  step_outputs = []
  for step in range(num_steps):
    inputs = tf.nest.pack_sequence_as(input_sequence,
                                      [u[step] for u in unstacked])
    if step == 0:
      context = _first_step(offer)
    else:
      context = _later_step(offer, projected[step] if projected else None)
    with context:
      outputs, next_state = core(inputs, state)
    if step == 0 and offer and offer.projected is not None:
      projected = tf.unstack(offer.projected, num=num_steps)
    outputs, state = _masked_step(step, sequence_length, outputs, next_state,
                                  state)
    step_outputs.append(outputs)
  output_sequence = tf.nest.map_structure(lambda *o: tf.stack(o), *step_outputs)
  return output_sequence, state
