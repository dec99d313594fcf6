"""Tests for snt.CausalConv1D."""

from unittest import mock

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import reflection
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class CausalConv1DTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((3, 1, 1), (2, 1, 3), (3, 2, 1), (4, 1, 2))
  @test_utils.in_all_modes
  def test_matches_numpy(self, kernel, stride, rate):
    x = np.random.RandomState(0).randn(2, 9, 3).astype(np.float32)
    conv = snt.CausalConv1D(
        4, kernel, stride=stride, rate=rate,
        initializers={"b": tf1.random_normal_initializer(seed=1)})
    y = conv(tf.constant(x))
    self.init()
    w, b, y = self.evaluate([conv.w, conv.b, y])
    expected = refs.correlate(x, w, [stride], [rate], [
        ((kernel - 1) * rate, 0)]) + b
    self.assertAllClose(y, expected, rtol=1e-4, atol=1e-4)
    self.assertEqual(y.shape[1], -(-9 // stride))

  @test_utils.in_all_modes
  def test_output_never_sees_later_inputs(self):
    x = np.random.RandomState(1).randn(1, 10, 2).astype(np.float32)
    changed = x.copy()
    changed[:, 6:] = 0.
    conv = snt.CausalConv1D(3, 3, rate=2)
    y, y_changed = conv(tf.constant(x)), conv(tf.constant(changed))
    self.init()
    y, y_changed = self.evaluate([y, y_changed])
    self.assertAllClose(y[:, :6], y_changed[:, :6])

  @test_utils.in_all_modes
  def test_names_shapes_and_sharing(self):
    conv = snt.CausalConv1D(8, 3)
    conv(tf.ones([2, 6, 3]))
    conv(tf.ones([1, 9, 3]))
    self.assertVariableShapes(
        conv.get_variables(),
        {"causal_conv_1d/w": [3, 3, 8], "causal_conv_1d/b": [8]})
    self.assertEqual(conv.padding, snt.CAUSAL)

  @test_utils.in_all_modes
  def test_mask_and_clone(self):
    conv = snt.CausalConv1D(2, 3, mask=[1., 1., 0.], use_bias=False,
                            initializers={"w": tf1.ones_initializer()})
    clone = conv.clone()
    x = tf.constant([[[1.], [2.], [4.]]])
    y, y_clone = conv(x), clone(x)
    self.init()
    # The mask drops the tap on the current step: y[t] = x[t-2] + x[t-1].
    self.assertAllClose(self.evaluate(y)[0, :, 0], [0., 1., 3.])
    self.assertAllClose(self.evaluate(y_clone), self.evaluate(y))

  @mock.patch.object(reflection, "_warned_messages", set())
  def test_deprecation_warnings(self):
    with self.assertWarnsRegex(
        DeprecationWarning,
        "^CausalConv1D is deprecated, please use Conv1D with padding=CAUSAL"):
      snt.CausalConv1D(2, 3, name="first")
    with self.assertWarnsRegex(DeprecationWarning,
                               "non-causal padding type for CausalConv1D"):
      conv = snt.CausalConv1D(2, 3, padding=snt.VALID)
    self.assertEqual(conv.padding, snt.CAUSAL)


if __name__ == "__main__":
  test_utils.main()
