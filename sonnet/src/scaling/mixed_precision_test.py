"""Sonnet modules in float16 and bfloat16, with and without float32 weights.

A low-precision module given the float32 module's weights must compute what
it computes, within the type's precision; with
`snt.custom_getters.float32_master_weights` its variables stay float32, and
training it follows float32 training.
"""

import itertools

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

# Largest relative and absolute error allowed against float32.
_TOLERANCE = {tf.float16: 1e-2, tf.bfloat16: 6e-2}


class _Mlp:
  input_shape = [4, 5]

  def __init__(self, name, custom_getter):
    self.module = snt.nets.MLP([6, 3], custom_getter=custom_getter, name=name)

  def __call__(self, x):
    return self.module(x)


class _ConvNet:
  input_shape = [2, 6, 6, 3]

  def __init__(self, name, custom_getter):
    self.module = snt.nets.ConvNet2D(output_channels=[4, 2], kernel_shapes=[3],
                                     strides=[1], paddings=[snt.SAME],
                                     custom_getter=custom_getter, name=name)

  def __call__(self, x):
    return self.module(x)


class _LstmUnroll:
  input_shape = [5, 2, 3]  # Time-major.

  def __init__(self, name, custom_getter):
    self.module = snt.LSTM(4, custom_getter=custom_getter, name=name)

  def __call__(self, x):
    outputs, _ = snt.dynamic_unroll(self.module, x,
                                    self.module.initial_state(2, dtype=x.dtype))
    return outputs


_MODELS = {"mlp": _Mlp, "conv_net_2d": _ConvNet, "lstm_unroll": _LstmUnroll}


def _by_name(module):
  """The module's variables, sorted by name within the module."""
  return sorted(module.variables, key=lambda v: v.name.split("/", 1)[1])


class MixedPrecisionTest(test_utils.TestCase, parameterized.TestCase):

  def sgd_step(self, model, x, targets, learning_rate=0.1):
    """A callable taking one SGD step on the float32 squared error."""
    variables = model.module.trainable_variables

    def update():
      outputs = tf.cast(model(x), tf.float32)
      loss = tf.reduce_mean(tf.square(outputs - targets))
      grads = tf.gradients(loss, variables)
      with tf.control_dependencies(grads):
        return tf.group(*[
            v.assign_sub(learning_rate * tf.cast(g, v.dtype))
            for v, g in zip(variables, grads)])

    if self.eager:

      @tf.function
      def eager_update():
        update()  # Its ops run: tf.function keeps every stateful op.

      return eager_update
    update_op = update()
    return lambda: self.evaluate(update_op)

  @parameterized.named_parameters(
      ("%s_%s_%s" % (name, dtype.name, "master" if master else "plain"), name,
       dtype, master)
      for name, dtype, master in itertools.product(_MODELS, (
          tf.float16, tf.bfloat16), (False, True)))
  @test_utils.in_all_modes
  def test_low_precision_computes_as_float32(self, name, dtype, master):
    make_model = _MODELS[name]
    x = np.random.RandomState(0).normal(size=make_model.input_shape).astype(
        np.float32)
    reference = make_model("reference", None)
    expected = reference(tf.constant(x))
    low = make_model(
        "low", snt.custom_getters.float32_master_weights if master else None)
    low(tf.constant(x, dtype))
    self.assertEqual({v.dtype.base_dtype for v in low.module.variables},
                     {tf.float32 if master else dtype})
    self.init()
    self.evaluate([
        v.assign(tf.cast(ref, v.dtype.base_dtype))
        for v, ref in zip(_by_name(low.module), _by_name(reference.module))])
    got = low(tf.constant(x, dtype))  # Reads the weights just copied.
    self.assertEqual(got.dtype, dtype)
    expected, got = self.evaluate([expected, tf.cast(got, tf.float32)])
    self.assertAllClose(got, expected, rtol=_TOLERANCE[dtype],
                        atol=_TOLERANCE[dtype])

  @parameterized.parameters(tf.float16, tf.bfloat16)
  @test_utils.in_all_modes
  def test_float32_master_weights_train_as_float32(self, dtype):
    rng = np.random.RandomState(1)
    x = rng.normal(size=_Mlp.input_shape).astype(np.float32)
    targets = tf.constant(rng.normal(size=[4, 3]).astype(np.float32))
    reference = _Mlp("reference", None)
    low = _Mlp("low", snt.custom_getters.float32_master_weights)
    reference(tf.constant(x))
    low(tf.constant(x, dtype))
    self.init()
    self.evaluate([
        v.assign(ref)
        for v, ref in zip(_by_name(low.module), _by_name(reference.module))])
    start = self.evaluate(_by_name(reference.module))
    steps = [
        self.sgd_step(reference, tf.constant(x), targets),
        self.sgd_step(low, tf.constant(x, dtype), targets)]
    for _ in range(3):
      for step in steps:
        step()
    expected, got = self.evaluate([
        _by_name(reference.module),
        _by_name(low.module)])
    for e, g, s in zip(expected, got, start):
      self.assertEqual(g.dtype, np.float32)
      self.assertAllClose(g, e, rtol=_TOLERANCE[dtype],
                          atol=_TOLERANCE[dtype] / 10)
      self.assertNotAllClose(e, s)


if __name__ == "__main__":
  test_utils.main()
