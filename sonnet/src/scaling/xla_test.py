"""Sonnet modules compiled with XLA: `tf.function(jit_compile=True)`.

Each case runs a forward pass and the gradients of a loss with respect to
the module's variables and its inputs, compiled and not, and compares them.
The modules are connected once outside the functions so that the functions
only reuse variables.
"""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

_TIME, _BATCH, _INPUT = 5, 2, 3


def _mlp():
  mlp = snt.nets.MLP([6, 4])
  return mlp, mlp, [_BATCH, _INPUT]


def _conv_net():
  net = snt.nets.ConvNet2D(output_channels=[4, 2], kernel_shapes=[3],
                           strides=[1, 2], paddings=[snt.SAME])
  return net, net, [_BATCH, 6, 6, _INPUT]


def _unroll(unroll):
  core = snt.LSTM(4)

  def run(inputs):
    outputs, state = unroll(core, inputs, core.initial_state(_BATCH))
    return outputs, state.cell

  return core, run, [_TIME, _BATCH, _INPUT]


def _dynamic_rnn():
  core = snt.GRU(4)

  def run(inputs):
    outputs, state = tf.compat.v1.nn.dynamic_rnn(
        core, inputs, initial_state=core.initial_state(_BATCH), time_major=True)
    return outputs, state

  return core, run, [_TIME, _BATCH, _INPUT]


_CASES = {
    "mlp": _mlp,
    "conv_net_2d": _conv_net,
    "dynamic_unroll": lambda: _unroll(snt.dynamic_unroll),
    "static_unroll": lambda: _unroll(snt.static_unroll),
    "dynamic_rnn": _dynamic_rnn,}


class XlaTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(*[(name, name) for name in _CASES])
  @test_utils.in_all_modes
  def test_forward_and_backward_match_uncompiled(self, case):
    module, run, shape = _CASES[case]()
    inputs = tf.constant(
        np.random.RandomState(0).normal(size=shape).astype(np.float32))
    run(inputs)  # Makes the variables outside the functions.
    variables = module.trainable_variables

    def forward_backward(x):
      outputs = run(x)
      loss = sum(tf.reduce_sum(tf.square(o)) for o in tf.nest.flatten(outputs))
      # tf.gradients rather than a tape: TF1's reference variables have no
      # tape gradients.
      return outputs, tf.gradients(loss, [x] + list(variables))

    plain = tf.function(forward_backward)(inputs)
    compiled = tf.function(forward_backward, jit_compile=True)(inputs)
    self.init()
    plain, compiled = self.evaluate((plain, compiled))
    for got, want in zip(tf.nest.flatten(compiled), tf.nest.flatten(plain)):
      self.assertAllClose(got, want, rtol=1e-5, atol=1e-5)
    self.assertLen(compiled[1], len(variables) + 1)
    self.assertTrue(all(np.any(g) for g in compiled[1]))


if __name__ == "__main__":
  test_utils.main()
