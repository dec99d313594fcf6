"""Tests for sonnet.src.convert_gradient."""

import numpy as np
from sonnet.python.modules import util
from sonnet.src import test_utils
import tensorflow as tf


class ConvertGradientToTensorTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_forward_is_identity(self):
    x = np.arange(6, dtype=np.float32).reshape([2, 3])
    self.assertAllEqual(self.evaluate(util.convert_gradient_to_tensor(x)), x)

  @test_utils.in_all_modes
  def test_indexed_slices_become_a_tensor(self):
    x = tf.constant(np.ones([4, 2], np.float32))

    def gradient(wrap):
      return test_utils.gradients(lambda: tf.gather(wrap(x), [1, 1]), x)

    raw_gradient = gradient(tf.identity)
    dense_gradient = gradient(util.convert_gradient_to_tensor)
    self.assertIsInstance(raw_gradient, tf.IndexedSlices)
    self.assertIsInstance(dense_gradient, tf.Tensor)
    self.assertAllClose(self.evaluate(dense_gradient),
                        [[0., 0.], [2., 2.], [0., 0.], [0., 0.]])


if __name__ == "__main__":
  test_utils.main()
