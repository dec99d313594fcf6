"""Tests for snt.LayerNorm."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules import layer_norm as compat_layer_norm
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class LayerNormTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((None, (1, 2)), (-1, (2,)), ([1], (1,)),
                            ((1, 2), (1, 2)), (np.int64(2), (2,)),
                            (range(1, 3), (1, 2)))
  @test_utils.in_all_modes
  def test_matches_numpy(self, axis, np_axis):
    rng = np.random.RandomState(0)
    x = rng.randn(2, 3, 4).astype(np.float32) * 3 + 1
    norm = snt.LayerNorm(
        axis=axis, initializers={
            "gamma": tf1.random_normal_initializer(seed=1),
            "beta": tf1.random_normal_initializer(seed=2)})
    y = norm(tf.constant(x))
    self.init()
    gamma, beta, y = self.evaluate([norm.gamma, norm.beta, y])
    self.assertAllClose(y, refs.layer_norm(x, gamma, beta, np_axis), atol=1e-5)

  @test_utils.in_all_modes
  def test_variable_names_shapes_and_sharing(self):
    norm = snt.LayerNorm()
    norm(tf.ones([2, 3]))
    norm(tf.ones([5, 3]))
    self.assertVariableShapes(norm.get_variables(),
                              {"layer_norm/gamma": [3], "layer_norm/beta": [3]})

  @test_utils.in_all_modes
  def test_default_is_unit_scale_zero_offset(self):
    x = np.random.RandomState(1).randn(4, 6).astype(np.float32)
    y = snt.LayerNorm(eps=0.1)(tf.constant(x))
    self.init()
    self.assertAllClose(self.evaluate(y), refs.layer_norm(x, 1.0, 0.0, 1, 0.1),
                        atol=1e-5)

  @parameterized.parameters((False, True, ["layer_norm/beta"], "gamma"),
                            (True, False, ["layer_norm/gamma"], "beta"),
                            (False, False, [], "gamma"))
  @test_utils.in_all_modes
  def test_without_scale_or_offset(self, scale, offset, names, missing):
    norm = snt.LayerNorm(scale=scale, offset=offset)
    x = np.random.RandomState(2).randn(3, 5).astype(np.float32)
    y = norm(tf.constant(x))
    self.assertVariableNames(norm.get_variables(), names)
    self.assertIsNone(getattr(norm, missing))
    self.init()
    self.assertAllClose(self.evaluate(y), refs.layer_norm(x, 1, 0, 1),
                        atol=1e-5)

  @test_utils.in_all_modes
  def test_half_precision(self):
    x = np.random.RandomState(3).randn(2, 8).astype(np.float16)
    norm = snt.LayerNorm()
    y = norm(tf.constant(x))
    self.assertEqual(y.dtype, tf.float16)
    self.assertEqual(norm.gamma.dtype.base_dtype, tf.float32)
    self.init()
    self.assertAllClose(self.evaluate(y),
                        refs.layer_norm(x.astype(np.float32), 1, 0, 1),
                        atol=1e-2)

  @test_utils.in_all_modes
  def test_regularizers(self):
    norm = snt.LayerNorm(regularizers={"gamma": snt.regularizers.l1(2.0)})
    norm(tf.ones([1, 3]))
    self.init()
    self.assertAllClose(self.evaluate(norm.get_regularization_losses()), [6.0])
    self.assertEqual(list(norm.regularizers), ["gamma"])

  @test_utils.in_all_modes
  def test_low_rank_raises_and_creates_nothing(self):
    norm = snt.LayerNorm()
    with self.assertRaisesRegex(
        snt.NotSupportedError,
        "^Layer normalization expects inputs of at least rank 2. Got inputs "
        "of rank 1."):
      norm(tf.ones([3]))
    self.assertFalse(norm.is_connected)

  @test_utils.in_graph_mode
  def test_axis_out_of_range_raises(self):
    with self.assertRaisesRegex(ValueError, "Invalid reduction dimension 2"):
      snt.LayerNorm(axis=2)(tf.ones([2, 3]))

  @test_utils.in_graph_mode
  def test_unknown_features(self):
    with self.assertRaisesRegex(
        ValueError, r"^layer_norm: the last input dimension \(the size of "
        r"gamma and beta\) must be known, got shape \[None, None\]."):
      snt.LayerNorm()(tf1.placeholder(tf.float32, [None, None]))
    # Without variables the size does not matter.
    norm = snt.LayerNorm(scale=False, offset=False)
    x = tf1.placeholder(tf.float32, [None, None])
    value = np.random.RandomState(4).randn(2, 3)
    got = tf1.get_default_session().run(norm(x), {x: value})
    self.assertAllClose(got, refs.layer_norm(value, 1, 0, 1), atol=1e-5)

  @parameterized.parameters((True,), (False,), (4.0,), ([2, "b"],),
                            ([np.float32(1)],))
  def test_bad_axis(self, axis):
    with self.assertRaisesRegex(
        ValueError, "^axis should be an int or an iterable of ints$"):
      snt.LayerNorm(axis=axis)

  @test_utils.in_all_modes
  def test_empty_axis_list_normalizes_nothing(self):
    x = np.random.RandomState(5).randn(2, 3).astype(np.float32)
    y = snt.LayerNorm(axis=[], offset=False, scale=False)(tf.constant(x))
    self.assertAllClose(self.evaluate(y), np.zeros_like(x))

  @test_utils.in_all_modes
  def test_default_initializers_are_kept_after_connection(self):
    norm = snt.LayerNorm(offset=False)
    self.assertEqual(norm.initializers, {})
    norm(tf.ones([2, 3]))
    self.assertEqual(list(norm.initializers), ["gamma"])

  def test_sonnet1_default_initializers(self):
    self.assertAllEqual(compat_layer_norm.create_gamma_initializer()([2]),
                        [1., 1.])
    self.assertAllEqual(compat_layer_norm.create_beta_initializer()([2]),
                        [0., 0.])

  def test_bad_key_and_not_connected(self):
    with self.assertRaisesRegex(KeyError, r"Invalid initializer keys 'w'"):
      snt.LayerNorm(initializers={"w": tf.zeros})
    with self.assertRaises(snt.NotConnectedError):
      _ = snt.LayerNorm().gamma

  @test_utils.in_eager_mode
  def test_tf_function_gradients(self):
    norm = snt.LayerNorm()
    x = tf.constant(np.random.RandomState(4).randn(3, 4).astype(np.float32))

    @tf.function
    def grads():
      with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(norm(x) * tf.range(4.))
      return tape.gradient(loss, [x, norm.beta])

    dx, dbeta = grads()
    self.assertAllClose(dbeta, [0., 3., 6., 9.])
    # Normalized outputs do not change when the inputs shift.
    self.assertAllClose(tf.reduce_sum(dx, axis=1), [0., 0., 0.], atol=1e-4)


if __name__ == "__main__":
  test_utils.main()
