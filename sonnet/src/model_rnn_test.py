"""Tests for snt.ModelRNN."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf


class ModelRNNTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_unrolls_model_on_state(self):
    linear = snt.Linear(3)
    core = snt.ModelRNN(linear)
    self.assertEqual(core.state_size, tf.TensorShape([3]))
    s0 = np.random.RandomState(0).randn(2, 3).astype(np.float32)
    outputs, final = snt.dynamic_unroll(core, tf.zeros([4, 2, 7]),
                                        tf.constant(s0))
    self.init()
    w, b = self.evaluate([linear.w, linear.b])
    outputs, final = self.evaluate([outputs, final])
    s = s0
    for t in range(4):
      s = s.dot(w) + b
      self.assertAllClose(outputs[t], s, atol=1e-5)
    self.assertAllClose(final, s, atol=1e-5)
    self.assertVariableNames(core.get_all_variables(), ["linear/w", "linear/b"])

  def test_bad_model(self):
    with self.assertRaisesRegex(AttributeError,
                                "Model should have an output_size attribute."):
      snt.ModelRNN(tf.nn.relu)
    with self.assertRaisesRegex(TypeError, "Model must be callable."):
      snt.ModelRNN(3)
    with self.assertRaisesRegex(TypeError, "Model should not be an RNNCore."):
      snt.ModelRNN(snt.LSTM(3))

  def test_sizes_are_the_models(self):
    core = snt.ModelRNN(snt.Linear(3))
    self.assertEqual(core.state_size, 3)  # Kept as given, like Sonnet 1.
    self.assertEqual(core.output_size, 3)


if __name__ == "__main__":
  test_utils.main()
