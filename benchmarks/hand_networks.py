"""The hand-written TensorFlow networks the benchmarks compare against.

Plain `tf.Variable`s and ops, no Sonnet (so a script running under another
Sonnet, `sonnet2_rows.py`, times the same references as
`all_benchmarks.py`).

>>> network = variable_stack(depth=2, width=4)
>>> network(tf.ones([1, 3])).shape.as_list()
[1, 4]
"""

import numpy as np
import tensorflow as tf


class HandLinear:
  """A dense layer on `tf.Variable`s made on the first call."""

  def __init__(self, width, activation=tf.nn.relu):
    self._width, self._activation = width, activation
    self.w = self.b = None

  def __call__(self, inputs):
    if self.w is None:
      size = inputs.shape[-1]
      self.w = tf.Variable(
          tf.random.truncated_normal([size, self._width], stddev=size**-0.5))
      self.b = tf.Variable(tf.zeros([self._width]))
    outputs = tf.matmul(inputs, self.w) + self.b
    return self._activation(outputs) if self._activation else outputs


def variable_stack(depth, width):
  """`depth` `HandLinear(width)` + relu layers, as one function."""
  layers = [HandLinear(width) for _ in range(depth)]

  def network(inputs):
    for layer in layers:
      inputs = layer(inputs)
    return inputs

  return network


class HandLSTM:
  """An LSTM cell on `tf.Variable`s, gates as `snt.LSTM` computes them."""

  def __init__(self, hidden, input_size):
    fan_in = input_size + hidden
    self.hidden = hidden
    self.w = tf.Variable(
        tf.random.truncated_normal([fan_in, 4 * hidden], stddev=fan_in**-0.5))
    self.b = tf.Variable(tf.zeros([4 * hidden]))

  def __call__(self, inputs, state):
    h, c = state
    gates = tf.matmul(tf.concat([inputs, h], 1), self.w) + self.b
    i, j, f, o = tf.split(gates, 4, axis=1)
    c = tf.sigmoid(f + 1.) * c + tf.sigmoid(i) * tf.tanh(j)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, (h, c)


def hand_deep_rnn(layers, hidden):
  """Returns `unroll(inputs)`: hand cells in a `tf.while_loop`, time-major."""
  cells = [HandLSTM(hidden, hidden) for _ in range(layers)]

  def unroll(inputs):
    steps, batch = inputs.shape[0], tf.shape(inputs)[1]
    zeros = tf.zeros(tf.stack([batch, hidden]))
    state = tuple((zeros, zeros) for _ in cells)
    outputs = tf.TensorArray(tf.float32, size=steps)

    def body(t, state, outputs):
      x, new_state = inputs[t], []
      for cell, cell_state in zip(cells, state):
        x, cell_state = cell(x, cell_state)
        new_state.append(cell_state)
      return t + 1, tuple(new_state), outputs.write(t, x)

    _, state, outputs = tf.while_loop(lambda t, *_: t < steps, body,
                                      (0, state, outputs))
    return outputs.stack()

  return unroll


class HandMLP:
  """784-1024-1024-10 on `HandLinear`s."""

  def __init__(self):
    self._layers = [
        HandLinear(1024),
        HandLinear(1024),
        HandLinear(10, activation=None)]

  def __call__(self, inputs):
    for layer in self._layers:
      inputs = layer(inputs)
    return inputs

  def variables(self):
    return [v for layer in self._layers for v in (layer.w, layer.b)]


def mlp_batch(batch):
  """A fixed batch of 784 random inputs and labels in [0, 10)."""
  rng = np.random.RandomState(0)
  return (tf.constant(rng.randn(batch, 784).astype(np.float32)),
          tf.constant(rng.randint(0, 10, batch)))


def sgd_step(network, variables, x, y):
  """An SGD step of `network` on `(x, y)` in `tf.function`, run once.

  Args:
    network: a callable from inputs to logits; called once here first, so
      that its variables exist.
    variables: a callable returning the variables to train.
    x: the inputs.
    y: the integer labels.

  Returns:
    The step, a `tf.function` of no arguments, already traced.
  """
  network(x)

  @tf.function
  def step():
    with tf.GradientTape() as tape:
      loss = tf.reduce_mean(
          tf.nn.sparse_softmax_cross_entropy_with_logits(y, network(x)))
    for v, g in zip(variables(), tape.gradient(loss, variables())):
      v.assign_sub(0.01 * g)

  step()
  return step
