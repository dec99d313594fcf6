"""Tests for spectral normalization (snt.wrap_with_spectral_norm)."""

import functools

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules import spectral_normalization
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1
spectral_norm = spectral_normalization.spectral_norm
SpectralNormWrapper = spectral_normalization.SpectralNormWrapper


def numpy_spectral_norm(weight, u0, num_iters=1, eps=1e-4):
  """Sonnet 1.36's power iteration; returns w_bar, sigma and the new u0."""
  matrix = weight.reshape([-1, weight.shape[-1]]).astype(np.float64)
  normalize = lambda t: t / np.sqrt(np.sum(t**2) + eps)
  u = u0.astype(np.float64)
  for _ in range(num_iters):
    v = normalize(u.dot(matrix.T))
    u = normalize(v.dot(matrix))
  sigma = v.dot(matrix).dot(u.T)[0, 0]
  return (matrix / sigma).reshape(weight.shape), sigma, u


def _top_singular_value(weight):
  return np.linalg.svd(weight.reshape([-1, weight.shape[-1]]),
                       compute_uv=False)[0]


def _connected_linear():
  """A spectrally normalized Linear(3) connected to ones [2, 4].

  Returns:
    The module, its inputs and its variables by name.
  """
  linear = snt.wrap_with_spectral_norm(snt.Linear)(3)
  x = tf.ones([2, 4])
  linear(x)
  variables = linear.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES)
  return linear, x, test_utils.variables_by_name(variables)


class SpectralNormTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((1, 1e-4), (3, 1e-2))
  @test_utils.in_all_modes
  def test_matches_numpy(self, num_iters, eps):
    weight = np.random.RandomState(0).randn(2, 3, 5).astype(np.float32)
    u0 = np.arange(1., 6., dtype=np.float32)[None]
    # A module gives the eager variable a home; in graph mode a plain
    # variable scope would do.
    normalize = snt.Module(
        functools.partial(spectral_norm, num_iters=num_iters, eps=eps),
        name="scope")
    out = normalize(tf.constant(weight))
    u0_var, = normalize.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES)
    self.assertEqual(u0_var.name, "scope/u0:0")
    self.assertEqual(u0_var.shape.as_list(), [1, 5])
    self.assertFalse(u0_var.trainable)
    self.assertEqual(sorted(out), ["sigma", "u0", "w_bar"])
    self.init()
    self.evaluate(u0_var.assign(u0))
    if self.eager:  # The first update already ran; run it again.
      out = normalize(tf.constant(weight))
    w_bar, sigma = self.evaluate([out["w_bar"], out["sigma"]])
    expected_w_bar, expected_sigma, expected_u = numpy_spectral_norm(
        weight, u0, num_iters, eps)
    self.assertEqual(w_bar.shape, (2, 3, 5))
    self.assertAllClose(sigma, expected_sigma, rtol=1e-5)
    self.assertAllClose(w_bar, expected_w_bar, rtol=1e-5, atol=1e-6)
    self.assertAllClose(self.evaluate(u0_var), expected_u, rtol=1e-5)

  @test_utils.in_graph_mode
  def test_converges_and_defers_updates_to_a_collection(self):
    weight = 4. * np.eye(8, dtype=np.float32)
    out = spectral_norm(tf.constant(weight), update_collection="updates")
    u0_var, = tf1.global_variables()
    self.assertEqual(u0_var.name, "u0:0")
    self.init()
    u0 = self.evaluate(u0_var)
    self.assertAllClose(self.evaluate(out["sigma"]), 4., rtol=1e-4)
    self.assertAllEqual(self.evaluate(u0_var), u0)  # Not updated.
    self.evaluate(tf1.get_collection("updates"))
    self.assertAllClose(self.evaluate(u0_var),
                        numpy_spectral_norm(weight, u0)[2], rtol=1e-5)

  @parameterized.parameters(tf.bfloat16, tf.float64)
  @test_utils.in_all_modes
  def test_dtypes(self, dtype):
    normalize = snt.Module(spectral_norm)
    out = normalize(tf.constant(4. * np.eye(8), dtype=dtype))
    self.assertEqual(out["w_bar"].dtype, dtype)
    self.assertEqual(out["sigma"].dtype, dtype)
    self.assertEqual(out["u0"].dtype, dtype)
    u0_var, = normalize.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES)
    self.assertEqual(u0_var.dtype.base_dtype, tf.float32)
    self.init()
    self.assertAllClose(float(self.evaluate(out["sigma"])), 4., rtol=1e-2)

  def test_num_iters_must_be_positive(self):
    with self.assertRaisesRegex(
        ValueError, "^num_iters must be a positive integer. 0 given.$"):
      spectral_norm(tf.ones([2, 2]), num_iters=0)


class SpectralNormWrapperTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_linear_variables_and_values(self):
    w_init = np.random.RandomState(0).randn(6, 5).astype(np.float32)
    sn_linear = snt.wrap_with_spectral_norm(snt.Linear,
                                            {"num_iters": 2, "eps": 1e-3})
    self.assertIsInstance(sn_linear, functools.partial)
    linear = sn_linear(5, initializers={"w": tf1.constant_initializer(w_init)})
    self.assertIsInstance(linear, SpectralNormWrapper)
    self.assertEqual(linear.module_name, "sn_wrapper")
    x = np.random.RandomState(1).randn(3, 6).astype(np.float32)
    linear(tf.constant(x))
    variables = linear.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES)
    self.assertVariableShapes(
        variables, {
            "sn_wrapper/linear/w": [6, 5], "sn_wrapper/linear/b": [5],
            "sn_wrapper/linear/u0": [1, 5]})
    self.assertVariableNames(linear.get_variables(),
                             ["sn_wrapper/linear/w", "sn_wrapper/linear/b"])
    by_name = test_utils.variables_by_name(variables)
    u0_var = by_name["sn_wrapper/linear/u0"]
    self.init()
    u0 = np.ones([1, 5], np.float32)
    self.evaluate(u0_var.assign(u0))
    y = linear(tf.constant(x))
    w_bar, _, u1 = numpy_spectral_norm(w_init, u0, 2, 1e-3)
    b = self.evaluate(by_name["sn_wrapper/linear/b"])
    self.assertAllClose(self.evaluate(y),
                        x.dot(w_bar) + b, rtol=1e-5, atol=1e-5)
    self.assertAllClose(self.evaluate(u0_var), u1, rtol=1e-5)
    self.assertAllEqual(self.evaluate(by_name["sn_wrapper/linear/w"]), w_init)

  @test_utils.in_all_modes
  def test_conv_kernel_converges(self):
    sn_conv = snt.wrap_with_spectral_norm(snt.Conv2D, {"num_iters": 50})
    # A fixed kernel: power iteration converges at a rate set by the gap
    # between the top two singular values, so a random one could be slow.
    kernel = np.random.RandomState(1).randn(3, 3, 2, 4).astype(np.float32)
    conv = sn_conv(4, 3, name="conv",
                   initializers={"w": tf1.constant_initializer(kernel)})
    self.assertEqual(conv.module_name, "conv_wrapper")
    x = tf.ones([1, 5, 5, 2])
    y = conv(x)
    variables = conv.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES)
    self.assertVariableShapes(
        variables, {
            "conv_wrapper/conv/w": [3, 3, 2, 4], "conv_wrapper/conv/b": [4],
            "conv_wrapper/conv/u0": [1, 4]})
    sigma = _top_singular_value(kernel)
    plain = snt.Conv2D(
        4, 3, name="plain",
        initializers={"w": tf1.constant_initializer(kernel / sigma)})
    expected = plain(x)
    self.init()
    self.assertAllClose(self.evaluate(y), self.evaluate(expected), rtol=1e-3,
                        atol=1e-4)

  @test_utils.in_graph_mode
  def test_power_iteration_can_be_deferred(self):
    linear = SpectralNormWrapper(snt.Linear, {}, "updates", 3, name="lin")
    self.assertEqual(linear.pow_iter_collection, "updates")
    x = tf.ones([2, 4])
    y_update = linear(x)
    y_deferred = linear(x, enable_power_iteration=False)
    updates = tf1.get_collection("updates")
    self.assertLen(updates, 1)
    u0_var = test_utils.variables_by_name(
        tf1.global_variables())["lin_wrapper/lin/u0"]
    self.init()
    u0 = self.evaluate(u0_var)
    self.evaluate(y_deferred)
    self.assertAllEqual(self.evaluate(u0_var), u0)
    updated = self.evaluate(y_update)
    u1 = self.evaluate(u0_var)
    self.assertNotAllClose(u1, u0)
    self.evaluate(u0_var.assign(u0))
    deferred, _ = self.evaluate([y_deferred, updates])
    self.assertAllEqual(deferred, updated)
    self.assertAllClose(self.evaluate(u0_var), u1)

  @test_utils.in_all_modes
  def test_without_collection_disabled_iteration_still_updates(self):
    linear, x, variables = _connected_linear()
    u0_var = variables["sn_wrapper/linear/u0"]
    self.init()
    u0 = self.evaluate(u0_var)
    self.evaluate(linear(x, enable_power_iteration=False))
    self.assertNotAllClose(self.evaluate(u0_var), u0)

  @test_utils.in_all_modes
  def test_names_do_not_clash(self):
    sn_linear = snt.wrap_with_spectral_norm(snt.Linear)

    def build(x):
      return sn_linear(2)(x), sn_linear(2)(x)

    snt.Module(build, name="outer")(tf.zeros([4, 3]))
    self.assertVariableNames(tf1.global_variables(), [
        "outer/sn_wrapper/linear/w", "outer/sn_wrapper/linear/b",
        "outer/sn_wrapper/linear/u0", "outer/sn_wrapper_1/linear/w",
        "outer/sn_wrapper_1/linear/b", "outer/sn_wrapper_1/linear/u0"])

  @test_utils.in_all_modes
  def test_gradient_reaches_the_weight(self):
    linear, x, variables = _connected_linear()
    w_var = variables["sn_wrapper/linear/w"]
    grad = test_utils.gradients(lambda: tf.reduce_sum(linear(x)), w_var)
    self.init()
    grad = self.evaluate(grad)
    self.assertTrue(np.all(np.isfinite(grad)))
    self.assertGreater(np.abs(grad).sum(), 0.)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    linear = snt.wrap_with_spectral_norm(snt.Linear, {"num_iters": 30})(4)
    f = tf.function(linear)
    f(tf.ones([1, 3]))
    u0_var = test_utils.variables_by_name(
        linear.get_variables(
            tf1.GraphKeys.GLOBAL_VARIABLES))["sn_wrapper/linear/u0"]
    u1 = u0_var.numpy()
    f(tf.ones([1, 3]))
    self.assertAllClose(np.abs(u0_var.numpy()), np.abs(u1), rtol=1e-3)
    self.assertNotAllClose(linear(tf.ones([1, 3])), tf.zeros([1, 4]))


if __name__ == "__main__":
  test_utils.main()
