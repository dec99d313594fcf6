"""Channels-first convolutions, which TensorFlow runs on GPU only.

Every test is skipped when no GPU is visible, so this file never fails on
a CPU-only machine; its Bazel targets carry the "gpu" tag.
"""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _to_channels_first(x):
  return np.moveaxis(x, -1, 1)


class ChannelsFirstTest(test_utils.TestCase, parameterized.TestCase):

  def setUp(self):
    super().setUp()
    if not tf.config.list_physical_devices("GPU"):
      self.skipTest("Channels-first convolutions need a GPU.")

  @parameterized.named_parameters(
      ("conv1d", lambda f, **k: snt.Conv1D(4, 3, data_format=f, **k), "NWC",
       "NCW", [2, 9, 3]),
      ("conv2d", lambda f, **k: snt.Conv2D(4, 3, stride=2, data_format=f, **k),
       "NHWC", "NCHW", [2, 7, 6, 3]),
      ("conv2d_causal",
       lambda f, **k: snt.Conv2D(4, 3, padding=snt.CAUSAL, data_format=f, **k),
       "NHWC", "NCHW", [2, 7, 6, 3]),
      ("conv3d", lambda f, **k: snt.Conv3D(4, 2, data_format=f, **k), "NDHWC",
       "NCDHW", [2, 4, 5, 3, 3]),
      ("conv2d_transpose", lambda f, **k: snt.Conv2DTranspose(
          4, kernel_shape=3, stride=2, data_format=f, **k), "NHWC", "NCHW", [
              2, 3, 4, 3]),
      ("conv1d_transpose", lambda f, **k: snt.Conv1DTranspose(
          4, kernel_shape=3, stride=2, data_format=f, **k), "NWC", "NCW", [
              2, 5, 3]),
      ("depthwise",
       lambda f, **k: snt.DepthwiseConv2D(2, 3, data_format=f, **k), "NHWC",
       "NCHW", [2, 5, 5, 3]),
      ("separable",
       lambda f, **k: snt.SeparableConv2D(4, 2, 3, data_format=f, **k), "NHWC",
       "NCHW", [2, 5, 5, 3]),
  )
  @test_utils.in_all_modes
  def test_matches_channels_last(self, make, last, first, shape):
    x = np.random.RandomState(0).randn(*shape).astype(np.float32)
    init = {"b": tf1.random_normal_initializer(seed=1)}
    module_last = make(last, initializers=init)
    module_first = make(first, initializers=init)
    y_last = module_last(tf.constant(x))
    y_first = module_first(tf.constant(_to_channels_first(x)))
    variables_last = module_last.get_variables()
    copies = [
        b.assign(a)
        for a, b in zip(variables_last, module_first.get_variables())]
    self.init()
    self.evaluate(copies)
    y_first = module_first(tf.constant(_to_channels_first(x)))
    y_last, y_first = self.evaluate([y_last, y_first])
    self.assertAllClose(_to_channels_first(y_last), y_first, atol=1e-4)


if __name__ == "__main__":
  test_utils.main()
