"""Tests for snt.wrap_with_spectral_norm."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _top_singular_value(weight):
  return np.linalg.svd(weight.reshape([-1, weight.shape[-1]]),
                       compute_uv=False)[0]


class SpectralNormTest(test_utils.TestCase):

  def _run_connections(self, module, inputs, steps):
    """Connects `steps` times (eager) or runs one connection `steps` times."""
    if self.eager:
      for _ in range(steps):
        y = module(inputs)
      return y
    y = module(inputs)
    self.init()
    for _ in range(steps - 1):
      self.evaluate(y)
    return y

  @test_utils.in_all_modes
  def test_linear_top_singular_value_is_one(self):
    w_init = np.random.RandomState(0).randn(6, 5).astype(np.float32)
    sn_linear = snt.wrap_with_spectral_norm(snt.Linear)
    linear = sn_linear(5, initializers={"w": tf1.constant_initializer(w_init)})
    x = np.random.RandomState(1).randn(3, 6).astype(np.float32)
    y = self._run_connections(linear, tf.constant(x), 60)
    self.assertVariableShapes(linear.variables, {
        "linear/w": [6, 5], "linear/b": [5], "linear/w/u": [5]})
    self.assertVariableNames(linear.trainable_variables,
                             ["linear/w", "linear/b"])
    variables = {v.name: v for v in linear.variables}
    w, w_bar, y, b = self.evaluate([variables["linear/w:0"], linear.w, y,
                                    linear.b])
    self.assertAllEqual(w, w_init)  # The variable itself is untouched.
    sigma = _top_singular_value(w_init)
    self.assertAllClose(_top_singular_value(w_bar), 1., rtol=1e-3)
    self.assertAllClose(w_bar, w_init / sigma, rtol=1e-3, atol=1e-4)
    self.assertAllClose(y, x.dot(w_bar) + b, rtol=1e-4, atol=1e-5)

  @test_utils.in_all_modes
  def test_conv_kernel_with_many_iterations(self):
    sn_conv = snt.wrap_with_spectral_norm(snt.Conv2D, {"num_iters": 50})
    # A fixed kernel: power iteration converges at a rate set by the gap
    # between the top two singular values, so a random one could be slow.
    conv = sn_conv(4, 3, name="conv", initializers={
        "w": tf.compat.v1.random_normal_initializer(seed=1)})
    conv(tf.ones([1, 5, 5, 2]))
    self.init()
    kernel = self.evaluate(conv.w)
    self.assertEqual(kernel.shape, (3, 3, 2, 4))
    self.assertAllClose(_top_singular_value(kernel), 1., rtol=1e-3)
    self.assertVariableShapes(conv.variables, {
        "conv/w": [3, 3, 2, 4], "conv/b": [4], "conv/w/u": [4]})

  @test_utils.in_all_modes
  def test_shares_variables(self):
    linear = snt.wrap_with_spectral_norm(snt.Linear)(3)
    linear(tf.ones([2, 4]))
    linear(tf.ones([5, 4]))
    self.assertLen(linear.variables, 3)

  @test_utils.in_graph_mode
  def test_pow_iter_collection(self):
    linear = snt.wrap_with_spectral_norm(
        snt.Linear, pow_iter_collection="sn_updates")(3)
    y = linear(tf.ones([2, 4]))
    updates = tf1.get_collection("sn_updates")
    self.assertLen(updates, 1)
    u_var = [v for v in linear.variables if v.name == "linear/w/u:0"][0]
    self.init()
    u0 = self.evaluate(u_var)
    self.evaluate(y)
    self.assertAllEqual(self.evaluate(u_var), u0)  # Output does not update.
    self.evaluate(updates)
    self.assertNotAllClose(self.evaluate(u_var), u0)

  @test_utils.in_all_modes
  def test_gradient_and_user_getter(self):
    calls = []

    def counting(getter, name, *args, **kwargs):
      calls.append(name)
      return getter(name, *args, **kwargs)

    linear = snt.wrap_with_spectral_norm(snt.Linear)(
        3, custom_getter=counting)
    x = tf.ones([2, 4])
    linear(x)
    self.assertEqual(sorted(calls), ["linear/b", "linear/w"])
    w_var = [v for v in linear.variables if v.name == "linear/w:0"][0]
    if self.eager:
      with tf.GradientTape() as tape:
        loss = tf.reduce_sum(linear(x))
      grad = tape.gradient(loss, w_var)
    else:
      grad = tf1.gradients(tf.reduce_sum(linear(x)), [w_var])[0]
    self.init()
    self.assertTrue(np.all(np.isfinite(self.evaluate(grad))))

  def test_errors(self):
    with self.assertRaisesRegex(KeyError, r"unknown sn_kwargs \['iters'\]"):
      snt.wrap_with_spectral_norm(snt.Linear, {"iters": 2})
    with self.assertRaisesRegex(ValueError, "positive integer"):
      snt.wrap_with_spectral_norm(snt.Linear, {"num_iters": 0})
    with self.assertRaisesRegex(TypeError, "takes no custom_getter"):
      snt.wrap_with_spectral_norm(snt.BatchFlatten)
    with self.assertRaisesRegex(TypeError, "needs a module class"):
      snt.wrap_with_spectral_norm(None)
    with self.assertRaisesRegex(TypeError, "custom_getter must be a callable"):
      snt.wrap_with_spectral_norm(snt.Linear)(3, custom_getter={"w": None})

  @test_utils.in_eager_mode
  def test_tf_function(self):
    linear = snt.wrap_with_spectral_norm(snt.Linear, {"num_iters": 30})(4)

    @tf.function
    def f(x):
      linear(x)
      return linear.w

    w_bar = f(tf.ones([1, 3]))
    self.assertAllClose(_top_singular_value(w_bar.numpy()), 1., rtol=1e-3)
    u_var = [v for v in linear.variables if v.name == "linear/w/u:0"][0]
    u1 = u_var.numpy()
    f(tf.ones([1, 3]))
    self.assertAllClose(np.abs(u_var.numpy()), np.abs(u1), rtol=1e-3)


if __name__ == "__main__":
  test_utils.main()
