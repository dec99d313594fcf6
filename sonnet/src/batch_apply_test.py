"""Tests for snt.BatchApply."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class BatchApplyTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(1, 2, 3)
  @test_utils.in_all_modes
  def test_linear_matches_numpy(self, n_dims):
    shape = {1: (24, 5), 2: (6, 4, 5), 3: (2, 3, 4, 5)}[n_dims]
    x = np.random.RandomState(0).randn(*shape).astype(np.float32)
    linear = snt.Linear(6)
    batch = snt.BatchApply(linear, n_dims=n_dims)
    y = batch(tf.constant(x))
    self.assertEqual(y.shape.as_list(), list(x.shape[:-1]) + [6])
    self.init()
    w, b, y = self.evaluate([linear.w, linear.b, y])
    self.assertAllClose(y, x.dot(w) + b, atol=1e-5)
    self.assertEqual(batch.get_variables(), ())
    self.assertVariableNames(batch.get_all_variables(),
                             ["linear/w", "linear/b"])

  @test_utils.in_all_modes
  def test_shares_variables_across_connections(self):
    linear = snt.Linear(2)
    batch = snt.BatchApply(linear)
    batch(tf.ones([3, 4, 5]))
    batch(tf.ones([1, 7, 5]))
    self.assertVariableNames(linear.get_variables(), ["linear/w", "linear/b"])
    self.assertEqual(linear.input_shape, (7, 5))

  @test_utils.in_all_modes
  def test_nested_inputs_kwargs_and_outputs(self):
    rng = np.random.RandomState(1)
    a = rng.randn(2, 3, 4).astype(np.float32)
    b = rng.randn(2, 3).astype(np.float32)
    seen = {}

    def op(pair, scale, offset=None, flag=None):
      seen["shapes"] = (pair[0].shape.as_list(), pair[1].shape.as_list())
      seen["flag"] = flag
      seen["scale"] = scale
      total = pair[0] * scale + pair[1][:, None] + offset
      return {
          "sum": total, "mean": tf.reduce_mean(total, axis=1), "none": None,
          "label": "x"}

    out = snt.BatchApply(op)((tf.constant(a), tf.constant(b)), 2.0,
                             offset=tf.constant(1.0), flag="yes")
    self.assertEqual(seen["shapes"], ([6, 4], [6]))
    self.assertEqual(seen["flag"], "yes")
    self.assertEqual(seen["scale"], 2.0)
    self.assertIsNone(out["none"])
    self.assertEqual(out["label"], "x")
    expected = a * 2.0 + b[..., None] + 1.0
    got = self.evaluate({"sum": out["sum"], "mean": out["mean"]})
    self.assertAllClose(got["sum"], expected)
    self.assertAllClose(got["mean"], expected.mean(axis=-1))

  @test_utils.in_all_modes
  def test_numpy_inputs(self):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    y = snt.BatchApply(lambda t: t * 2)(x)
    self.assertAllEqual(self.evaluate(y), x * 2)

  @test_utils.in_graph_mode
  def test_input_example_index_with_unknown_dims(self):
    scalar_flag = tf.constant(3.0)
    x = tf1.placeholder(tf.float32, [None, None, 4])
    batch = snt.BatchApply(lambda s, t: tf.reduce_sum(t, -1) * s,
                           input_example_index=1)
    y = batch(scalar_flag, x)
    self.assertEqual(y.shape.as_list(), [None, None])
    value = np.random.RandomState(2).randn(3, 5, 4)
    got = tf1.get_default_session().run(y, feed_dict={x: value})
    self.assertAllClose(got, value.sum(-1) * 3.0, atol=1e-5)

  @test_utils.in_all_modes
  def test_example_index_picks_the_leading_dims(self):
    # The inputs need not share leading dimensions; the outputs take the
    # example's.
    a = np.arange(15.).reshape(3, 5)
    b = np.arange(27.).reshape(3, 9)
    pick_b = lambda u, v: v * 2.
    for index in (1, -1):
      y = snt.BatchApply(pick_b, input_example_index=index)(tf.constant(a),
                                                            tf.constant(b))
      self.assertAllEqual(self.evaluate(y), b * 2.)

  @test_utils.in_all_modes
  def test_low_rank_example_uses_its_dims(self):
    y = snt.BatchApply(lambda s, t: t)(tf.ones([6]), tf.ones([2, 3, 4]))
    self.assertEqual(y.shape.as_list(), [6, 4])

  @test_utils.in_all_modes
  def test_example_index_out_of_range_raises_before_module_runs(self):
    linear = snt.Linear(2)
    with self.assertRaisesRegex(
        IndexError,
        r"batch_apply: input_example_index=3, but there are only 1"):
      snt.BatchApply(linear, input_example_index=3)(tf.ones([2, 3, 3]))
    self.assertFalse(linear.is_connected)

  @test_utils.in_graph_mode
  def test_output_that_does_not_fit_raises(self):
    with self.assertRaisesRegex(ValueError, "Cannot reshape"):
      snt.BatchApply(tf.reduce_sum)(tf.ones([2, 3]))
    with self.assertRaisesRegex(ValueError, "Cannot reshape"):
      snt.BatchApply(lambda u, v: v)(tf.ones([3, 5]), tf.ones([3, 9]))

  @test_utils.in_eager_mode
  def test_output_that_does_not_fit_raises_eagerly(self):
    with self.assertRaises(tf.errors.InvalidArgumentError):
      snt.BatchApply(lambda u, v: v)(tf.ones([3, 5]), tf.ones([3, 9]))

  @parameterized.parameters(
      (0, ValueError, "^n_dims should be greater than zero.$"),
      (2.0, TypeError,
       "^n_dims should be an integer, it is a <class 'float'> instead.$"))
  def test_bad_n_dims(self, n_dims, error, message):
    with self.assertRaisesRegex(error, message):
      snt.BatchApply(tf.identity, n_dims=n_dims)

  @test_utils.in_eager_mode
  def test_tf_function_and_gradients(self):
    linear = snt.Linear(1)
    batch = snt.BatchApply(linear)

    @tf.function
    def loss(x):
      with tf.GradientTape() as tape:
        value = tf.reduce_sum(batch(x))
      return value, tape.gradient(value, [linear.w, linear.b])

    x = np.random.RandomState(3).randn(2, 3, 4).astype(np.float32)
    _, (grad_w, grad_b) = loss(tf.constant(x))
    self.assertAllClose(grad_w, x.reshape(6, 4).sum(0)[:, None], atol=1e-5)
    self.assertAllClose(grad_b, [6.0])


if __name__ == "__main__":
  test_utils.main()
