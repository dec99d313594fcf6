"""Stacked LSTM layers over a sequence in one loop, with a hand-made gradient.

`snt.dynamic_unroll` (without `sequence_length`) unrolls an `snt.LSTM`, an
`snt.LSTMBlockCell` or an `snt.DeepRNN` of them (plain configurations only,
see `RNNCore._fused_lstm_layers`) with `unroll_core`. Forward, each step
runs the same ops as the step-by-step path, so the outputs are the same.
Backward, one reverse loop computes each step's gate gradients (from the
six activations per layer and step the forward loop kept) and the
recurrent part of the state gradients; the weight gradients are then one
matmul per weight over all steps. TensorFlow's own gradient of the
forward loop would keep more tensors per step, each carried through both
loops, and multiply and accumulate every weight gradient step by step.
The gradient is made of differentiable ops: it can be differentiated
again, and compiles with XLA. The fused loop is taken only where its
gradient may be asked for (see `_gradient_may_follow`).
"""

import collections

import tensorflow as tf

from sonnet.src.core import tf_shim

# One layer: `w_x` `[input_size, 4 * hidden_size]` and `b` `[4 * hidden_size]`
# (both None for a first layer whose inputs come projected), `w_h`
# `[hidden_size, 4 * hidden_size]` (gates i, j, f, o), the forget bias.
Layer = collections.namedtuple("Layer", ["w_x", "b", "w_h", "forget_bias"])


class Stack(collections.namedtuple("Stack", ["layers", "pairs", "state"])):
  """A core's LSTM layers: `Layer`s, and its state to and from pairs.

  `pairs(state)` lists the layers' `(hidden, cell)`; `state(pairs)` makes
  the core's state from such a list.
  """

  @classmethod
  def of_layer(cls, layer, pair, state):
    """The stack of one layer; `pair(state)` and `state(pair)` for one pair."""
    return cls([layer], lambda s: [pair(s)], lambda pairs: state(pairs[0]))

  @classmethod
  def concat(cls, stacks):
    """The stacks one after another; their states a tuple of theirs."""
    sizes = [len(stack.layers) for stack in stacks]

    def state(pairs):
      states, start = [], 0
      for stack, size in zip(stacks, sizes):
        states.append(stack.state(pairs[start:start + size]))
        start += size
      return tuple(states)

    return cls(
        [layer for stack in stacks for layer in stack.layers],
        lambda s: [p for stack, x in zip(stacks, s) for p in stack.pairs(x)],
        state)


def overrides(core, base, *names):
  """Whether `core`'s class replaces any of `base`'s methods `names`.

  A subclass with its own step is not the plain LSTM `base` describes.
  """
  return any(
      getattr(type(core), name) is not getattr(base, name) for name in names)


def unroll_core(core, offer, initial_state, parallel_iterations, swap_memory):
  """An unroll of `core` by `unroll` after its first step, or None.

  The first step (connected in `offer`, where it made the variables and
  kept its weights) only serves for that: its results go unused, and the
  loop runs all steps again from `initial_state`.

  Args:
    core: the unrolled core.
    offer: the `rnn_core.InputProjection` its first step took (or None).
    initial_state: the unroll's initial state.
    parallel_iterations: passed to the loops.
    swap_memory: passed to the loops.

  Returns:
    None, or `(output_sequence, final_state)` as `snt.dynamic_unroll`'s.
  """
  hook = getattr(core, "_fused_lstm_layers", None)
  if hook is None or offer is None or offer.projected is None:
    return None
  stack = hook(offer)
  if stack is None or not stack.layers:
    return None
  pairs = [
      tuple(map(tf.convert_to_tensor, pair))
      for pair in stack.pairs(initial_state)]
  if not _gradient_may_follow([offer.projected] + list(stack.layers) + pairs):
    return None
  outputs, pairs = unroll(stack.layers, offer.projected, pairs,
                          parallel_iterations, swap_memory)
  return outputs, stack.state(pairs)


def _gradient_may_follow(tensors):
  """Whether the fused loop's gradient may be asked for.

  The fused loop pays off only through its gradient; without one, the
  step-by-step loop (the same outputs) is quicker to build. In graph mode
  `tf.gradients` may come later, so the answer is yes; eagerly and while
  a function is traced, it is whether a `tf.GradientTape` records any of
  `tensors` (a function called under a tape outside it gets its gradient
  from the step-by-step loop, which is as correct, and slower).

  Args:
    tensors: a nest of the loop's inputs (non-tensor leaves are skipped).
  """
  if not tf.executing_eagerly() and not tf.inside_function():
    return True
  return tf_shim.tape_records([
      t for t in tf.nest.flatten(tensors) if tf.is_tensor(t)])


def _step(gates, prev_cell, forget_bias):
  """`snt.LSTM`'s cell update, and what the gradient keeps of it."""
  i, j, f, o = tf.split(gates, 4, axis=1)
  i, j, o = tf.sigmoid(i), tf.tanh(j), tf.sigmoid(o)
  f = tf.sigmoid(f + forget_bias)
  cell = f * prev_cell + i * j
  cell_tanh = tf.tanh(cell)
  return cell_tanh * o, cell, (i, j, f, o, prev_cell, cell_tanh)


def _step_grad(saved, d_hidden, d_cell):
  """`_step`'s gradients: of the previous cell state and of the gates."""
  i, j, f, o, prev_cell, cell_tanh = saved
  d_cell = tf.raw_ops.TanhGrad(y=cell_tanh, dy=d_hidden * o) + d_cell
  d_gates = tf.concat([
      tf.raw_ops.SigmoidGrad(y=i, dy=d_cell * j),
      tf.raw_ops.TanhGrad(y=j, dy=d_cell * i),
      tf.raw_ops.SigmoidGrad(y=f, dy=d_cell * prev_cell),
      tf.raw_ops.SigmoidGrad(y=o, dy=d_hidden * cell_tanh)], axis=1)
  return d_cell * f, d_gates


def _rows(sequence):
  """`[steps, batch, n]` as `[steps * batch, n]`."""
  return tf.reshape(sequence, [-1, sequence.shape[-1]])


def _array(dtype, size, element_shape):
  return tf.TensorArray(dtype, size=size, element_shape=element_shape)


def unroll(layers, projected, states, parallel_iterations=1, swap_memory=False):
  """Runs stacked LSTM layers over a sequence whose inputs come projected.

  Args:
    layers: a list of `Layer`s; the first has no `w_x` / `b`.
    projected: the first layer's inputs times its input weights plus its
      bias, `[num_steps, batch_size, 4 * hidden_size]` (at least one step).
    states: a list of `(hidden, cell)` pairs, the layers' previous states.
    parallel_iterations: passed to the loops.
    swap_memory: passed to the loops.

  Returns:
    `(outputs, states)`: the last layer's hidden states `[num_steps,
    batch_size, hidden_size]` and the layers' `(hidden, cell)` after the
    last step.
  """
  args = [projected]
  for layer in layers[1:]:
    args += [layer.w_x, layer.b]
  args += [layer.w_h for layer in layers]
  for hidden, cell in states:
    args += [hidden, cell]
  flat = _run(len(layers), [layer.forget_bias for layer in layers],
              parallel_iterations, swap_memory)(*args)
  return flat[0], list(zip(flat[1::2], flat[2::2]))


def _run(num_layers, forget_biases, parallel_iterations, swap_memory):
  """The custom-gradient function of `unroll`'s flat tensors."""
  loop_options = dict(parallel_iterations=parallel_iterations,
                      swap_memory=swap_memory)

  @tf.custom_gradient
  def run(projected, *args):
    args = list(args)
    input_weights = [None] + [
        tuple(args[2 * i:2 * i + 2]) for i in range(num_layers - 1)]
    del args[:2 * (num_layers - 1)]
    recurrent = args[:num_layers]
    states = [
        tuple(args[num_layers + 2 * i:num_layers + 2 * i + 2])
        for i in range(num_layers)]
    dtype = projected.dtype
    # A number where known: fewer ops to trace.
    steps = (tf.compat.dimension_value(projected.shape[0]) or
             tf.shape(projected)[0])
    batch_shape = projected.shape[1:2]
    hidden_sizes = [tf.compat.dimension_value(w.shape[0]) for w in recurrent]
    projected_steps = _array(dtype, steps,
                             projected.shape[1:]).unstack(projected)

    def body(t, states, kept):
      inputs = projected_steps.read(t)
      states, kept = list(states), list(kept)
      for l in range(num_layers):
        gates = inputs
        if l:
          w_x, b = input_weights[l]
          gates = tf.matmul(inputs, w_x) + b
        hidden, cell = states[l]
        gates += tf.matmul(hidden, recurrent[l])
        inputs, cell, saved = _step(gates, cell, forget_biases[l])
        states[l] = (inputs, cell)
        # An array per activation (not one packed row per step: its concat
        # and the backward loop's split copied every step twice).
        kept[l] = [array.write(t, x) for array, x in zip(kept[l], saved)]
      return t + 1, states, kept

    kept = [[
        _array(dtype, steps, batch_shape.concatenate([size]))
        for _ in range(6)]
            for size in hidden_sizes]
    _, final_states, kept = tf.while_loop(lambda t, *_: t < steps, body,
                                          (tf.constant(0), states, kept),
                                          maximum_iterations=steps,
                                          **loop_options)
    # Stacked: a gradient function capturing TensorArrays (variants) could
    # not be saved in a SavedModel.
    kept = [[array.stack() for array in arrays] for arrays in kept]
    # The loop's outputs, bitwise: the same product of the same numbers.
    hiddens = [cell_tanh * o for _, _, _, o, _, cell_tanh in kept]
    output = hiddens[-1]
    output.set_shape(projected.shape[:2].concatenate(hidden_sizes[-1:]))

    def grad(d_output, *d_states):
      d_states = [
          tf.zeros_like(x) if d is None else d
          for d, x in zip(d_states, tf.nest.flatten(final_states))]
      if d_output is None:
        d_output = tf.zeros_like(output)
      recurrent_t = [tf.transpose(w) for w in recurrent]
      input_t = [None] + [tf.transpose(w[0]) for w in input_weights[1:]]

      def backward(t, d_states, d_gates):
        d_states, d_gates = list(d_states), list(d_gates)
        d_inputs = d_output[t]
        for l in reversed(range(num_layers)):
          d_hidden, d_cell = d_states[l]
          d_hidden += d_inputs
          # Aligned slices of dimension 0: views.
          d_prev_cell, d_gate = _step_grad([x[t] for x in kept[l]], d_hidden,
                                           d_cell)
          d_states[l] = (tf.matmul(d_gate, recurrent_t[l]), d_prev_cell)
          d_gates[l] = d_gates[l].write(t, d_gate)
          if l:
            d_inputs = tf.matmul(d_gate, input_t[l])
        return t - 1, d_states, d_gates

      d_states = [tuple(d_states[2 * l:2 * l + 2]) for l in range(num_layers)]
      d_gates = [
          _array(dtype, steps, batch_shape.concatenate(w.shape[1:]))
          for w in recurrent]
      _, d_initial, d_gates = tf.while_loop(lambda t, *_: t >= 0, backward,
                                            (steps - 1, d_states, d_gates),
                                            maximum_iterations=steps,
                                            **loop_options)
      d_gates = [array.stack() for array in d_gates]

      def weight_grad(sequence, flat_gates):
        return tf.matmul(_rows(sequence), flat_gates, transpose_a=True)

      grads = [d_gates[0]]
      for l in range(1, num_layers):
        flat_gates = _rows(d_gates[l])
        grads += [
            weight_grad(hiddens[l - 1], flat_gates),
            tf.raw_ops.BiasAddGrad(out_backprop=flat_gates)]
      for l in range(num_layers):
        # Step 0's gates meet the initial hidden state, the others the
        # previous step's: two products of views, no concatenated copy.
        grads.append(
            weight_grad(hiddens[l][:-1], _rows(d_gates[l][1:])) +
            tf.matmul(states[l][0], d_gates[l][0], transpose_a=True))
      return grads + tf.nest.flatten(d_initial)

    return [output] + tf.nest.flatten(final_states), grad

  return run
