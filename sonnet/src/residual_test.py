"""Tests for snt.Residual, snt.ResidualCore and snt.SkipConnectionCore."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class ResidualTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_residual(self):
    x = np.random.RandomState(0).randn(2, 3).astype(np.float32)
    linear = snt.Linear(3)
    y = snt.Residual(linear)(tf.constant(x))
    self.init()
    w, b, y = self.evaluate([linear.w, linear.b, y])
    self.assertAllClose(y, x + x.dot(w) + b, atol=1e-5)

  @test_utils.in_all_modes
  def test_residual_core(self):
    x = np.random.RandomState(1).randn(4, 2, 3).astype(np.float32)
    gru = snt.GRU(3)
    core = snt.ResidualCore(gru)
    self.assertEqual(core.state_size, gru.state_size)
    outputs, final = snt.dynamic_unroll(core, tf.constant(x),
                                        core.initial_state(2))
    plain, plain_final = snt.dynamic_unroll(gru, tf.constant(x),
                                            gru.initial_state(2))
    self.init()
    outputs, final, plain, plain_final = self.evaluate([
        outputs, final, plain, plain_final])
    self.assertAllClose(outputs, plain + x, atol=1e-5)
    self.assertAllClose(final, plain_final, atol=1e-5)

  @test_utils.in_all_modes
  def test_skip_connection_core(self):
    x = np.random.RandomState(2).randn(3, 2, 5).astype(np.float32)
    gru = snt.GRU(4)
    core = snt.SkipConnectionCore(gru, input_shape=[5])
    self.assertEqual(core.output_size, tf.TensorShape([9]))
    outputs, _ = snt.dynamic_unroll(core, tf.constant(x), core.initial_state(2))
    plain, _ = snt.dynamic_unroll(gru, tf.constant(x), gru.initial_state(2))
    self.init()
    outputs, plain = self.evaluate([outputs, plain])
    self.assertAllClose(outputs, np.concatenate([x, plain], axis=-1), atol=1e-5)

  @test_utils.in_all_modes
  def test_skip_connection_core_size_from_connection(self):
    for input_shape in (None, ()):  # Sonnet 1 took () for "unknown" too.
      core = snt.SkipConnectionCore(snt.LSTM(4), input_shape=input_shape,
                                    name="skip")
      with self.assertRaisesRegex(
          ValueError, "Output size unknown. You must provide the input_shape "
          "to the class' constructor or connect the module into the graph."):
        _ = core.output_size
      core(tf.ones([2, 3]), core.initial_state(2))
      self.assertEqual(core.output_size, tf.TensorShape([7]))

  @test_utils.in_all_modes
  def test_skip_connection_core_nested(self):
    inputs = (tf.constant([[1., 2.]]), tf.constant([[3.]]))
    base = snt.Module(lambda x, s: ((x[0] * 2., x[1] - 1.), s), name="base")
    core = snt.SkipConnectionCore(base, input_shape=[2])
    outputs, state = core(inputs, tf.zeros([1, 1]))
    first, second = self.evaluate(outputs)
    self.assertAllClose(first, [[1., 2., 2., 4.]])
    self.assertAllClose(second, [[3., 2.]])
    self.assertAllClose(self.evaluate(state), [[0.]])

  @test_utils.in_graph_mode
  def test_with_dynamic_rnn(self):
    core = snt.SkipConnectionCore(snt.LSTM(4), input_shape=[3])
    outputs, _ = tf1.nn.dynamic_rnn(core, tf.ones([2, 5, 3]), dtype=tf.float32)
    self.assertEqual(outputs.shape.as_list(), [2, 5, 7])


if __name__ == "__main__":
  test_utils.main()
