"""Tests for snt.Linear."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules import basic as compat_basic
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class LinearTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_output_matches_numpy(self):
    x = np.random.RandomState(0).randn(5, 3).astype(np.float32)
    linear = snt.Linear(
        4, initializers={"b": tf1.random_normal_initializer(seed=1)})
    y = linear(tf.constant(x))
    self.init()
    w, b, y = self.evaluate([linear.w, linear.b, y])
    self.assertAllClose(y, x.dot(w) + b, rtol=1e-5, atol=1e-5)

  @test_utils.in_all_modes
  def test_variable_names_shapes_and_sharing(self):
    linear = snt.Linear(4)
    linear(tf.ones([2, 3]))
    linear(tf.ones([7, 3]))
    self.assertVariableShapes(linear.get_variables(),
                              {"linear/w": [3, 4], "linear/b": [4]})
    self.assertEqual(linear.input_shape, (7, 3))

  @test_utils.in_all_modes
  def test_no_bias(self):
    linear = snt.Linear(4, use_bias=False)
    linear(tf.ones([2, 3]))
    self.assertVariableNames(linear.get_variables(), ["linear/w"])
    self.assertFalse(linear.has_bias)
    with self.assertRaisesRegex(
        AttributeError,
        "^No bias Variable in Linear Module when `use_bias=False`.$"):
      _ = linear.b

  @test_utils.in_all_modes
  def test_default_initializer_scale(self):
    linear = snt.Linear(2000, use_bias=False)
    linear(tf.ones([1, 400]))
    self.init()
    w = self.evaluate(linear.w)
    # Truncated normal, stddev 1/sqrt(400) before truncation at 2 stddevs.
    self.assertLess(np.abs(w).max(), 2 / 20 + 1e-6)
    self.assertAllClose(w.std(), 0.88 / 20, rtol=0.05)

  @test_utils.in_all_modes
  def test_many_batch_dims(self):
    x = np.random.RandomState(1).randn(2, 3, 37).astype(np.float32)
    linear = snt.Linear(4, allow_many_batch_dims=True)
    y = linear(tf.constant(x))
    self.init()
    w, b, y = self.evaluate([linear.w, linear.b, y])
    self.assertAllClose(y, np.einsum("abi,io->abo", x, w) + b, atol=1e-5)
    with self.assertRaisesRegex(
        ValueError, "^linear_1: Shape must be rank 2 but is rank 1"):
      snt.Linear(4, allow_many_batch_dims=True)(tf.ones([37]))
    # Sonnet 1's broadcasting batch matmul, to the bit (a tensordot, i.e. a
    # reshape to 2-D, rounds differently).
    self.assertAllEqual(y, self.evaluate(tf.matmul(tf.constant(x), w) + b))

  @test_utils.in_all_modes
  def test_wrong_rank_raises_and_creates_nothing(self):
    linear = snt.Linear(4)
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        "^linear: rank of shape must be 2 not: 3. To apply a batched linear "
        "over higher-dimensional inputs, set `allow_many_batch_dims=True`"):
      linear(tf.ones([2, 3, 5]))
    self.assertFalse(linear.is_connected)
    linear(tf.ones([2, 3]))
    self.assertVariableNames(linear.get_variables(), ["linear/w", "linear/b"])

  @test_utils.in_all_modes
  def test_changed_input_size_raises(self):
    linear = snt.Linear(4)
    linear(tf.ones([2, 3]))
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^linear: Input shape must be \[B, 3\] not \[B, 5\]"):
      linear(tf.ones([2, 5]))
    many = snt.Linear(4, allow_many_batch_dims=True, name="many")
    many(tf.ones([2, 6, 3]))
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        r"^many: Input shape must be \[\.\.\., 3\] not: \[\.\.\., 5\]"):
      many(tf.ones([2, 6, 5]))

  @test_utils.in_graph_mode
  def test_unknown_input_size_raises(self):
    linear = snt.Linear(4)
    with self.assertRaisesRegex(
        snt.IncompatibleShapeError,
        "^linear: Input size must be specified at module build time"):
      linear(tf1.placeholder(tf.float32, [None, None]))
    self.assertFalse(linear.is_connected)

  @test_utils.in_all_modes
  def test_integer_input_needs_an_initializer(self):
    linear = snt.Linear(4)
    with self.assertRaisesRegex(
        ValueError, "^Expected floating point type, got <dtype: 'int32'>."):
      linear(tf.ones([2, 3], tf.int32))
    self.assertFalse(linear.is_connected)
    linear(tf.ones([2, 3]))
    self.assertVariableNames(linear.get_variables(), ["linear/w", "linear/b"])

  @test_utils.in_all_modes
  def test_integer_input_with_weight_initializer(self):
    linear = snt.Linear(2, initializers={"w": tf1.ones_initializer()})
    y = linear(tf.constant([[1, 2, 3]]))
    self.assertEqual(linear.w.dtype.base_dtype, tf.int32)
    self.assertEqual(linear.b.dtype.base_dtype, tf.int32)
    self.init()
    self.assertAllEqual(self.evaluate(y), [[6, 6]])

  @parameterized.parameters(
      ({"x": tf.ones}, KeyError, r"Invalid initializer keys 'x'"),
      ({"w": 3.0}, TypeError, "Initializer for 'w' is not a callable function"))
  def test_bad_initializers(self, initializers, error, message):
    with self.assertRaisesRegex(error, message):
      snt.Linear(4, initializers=initializers)

  def test_bias_key_rejected_without_bias(self):
    with self.assertRaisesRegex(KeyError, r"only be provided for 'w'"):
      snt.Linear(4, use_bias=False, regularizers={"b": snt.regularizers.l1(1.)})

  def test_properties_need_connection(self):
    linear = snt.Linear(4)
    for name in ("w", "b", "input_shape"):
      with self.assertRaises(snt.NotConnectedError):
        getattr(linear, name)

  @test_utils.in_all_modes
  def test_transpose_maps_back(self):
    linear = snt.Linear(4, name="encoder")
    transposed = linear.transpose()  # Made before `linear` is connected.
    self.assertEqual(transposed.module_name, "encoder_transpose")
    y = transposed(linear(tf.ones([2, 3])))
    self.assertEqual(y.shape.as_list(), [2, 3])
    self.assertEqual(transposed.w.shape.as_list(), [4, 3])
    self.assertEqual(transposed.transpose().output_size, 4)

  @test_utils.in_all_modes
  def test_default_initializers_are_kept_after_connection(self):
    linear = snt.Linear(10)
    early = linear.transpose()
    self.assertEqual(linear.initializers, {})
    linear(tf.ones([1, 400]))
    self.assertEqual(sorted(linear.initializers), ["b", "w"])
    self.assertAllClose(linear.initializers["w"].get_config()["stddev"],
                        1 / 20.)
    # As in Sonnet 1: a transpose made now reuses those defaults, one made
    # before the connection picks its own.
    late = linear.transpose()
    for module in (late, early):
      module(tf.ones([1, 10]))
    self.assertAllClose(late.initializers["w"].get_config()["stddev"], 1 / 20.)
    self.assertAllClose(early.initializers["w"].get_config()["stddev"],
                        1 / np.sqrt(10.))

  @test_utils.in_all_modes
  def test_transpose_before_parent_connected_raises(self):
    linear = snt.Linear(4)
    transposed = linear.transpose()
    with self.assertRaisesRegex(
        snt.NotConnectedError,
        "^Variables in linear not instantiated yet, __call__ the module "
        "first."):
      transposed(tf.ones([2, 4]))
    self.assertFalse(transposed.is_connected)
    # Once the original is connected, the same transposed module works.
    linear(tf.ones([2, 3]))
    self.assertEqual(transposed(tf.ones([2, 4])).shape.as_list(), [2, 3])

  @test_utils.in_all_modes
  def test_clone_has_own_variables(self):
    linear = snt.Linear(4, use_bias=False)
    clone = linear.clone()
    self.assertEqual(clone.module_name, "linear_clone")
    linear(tf.ones([2, 3]))
    clone(tf.ones([2, 3]))
    self.assertVariableNames(clone.get_variables(), ["linear_clone/w"])
    self.assertFalse(clone.has_bias)

  @test_utils.in_graph_mode
  def test_clone_and_transpose_drop_the_custom_getter(self):
    seen = []

    def getter(getter, name, *args, **kwargs):
      seen.append(name)
      return getter(name, *args, **kwargs)

    linear = snt.Linear(
        3, custom_getter=getter,
        partitioners={"w": tf1.fixed_size_partitioner(num_shards=2)})
    linear(tf.ones([2, 4]))
    transposed, clone = linear.transpose(), linear.clone()
    transposed(tf.ones([2, 3]))
    clone(tf.ones([2, 4]))
    self.assertEqual(seen, ["linear/w", "linear/b"])
    for module in (transposed, clone):  # The partitioners are kept.
      self.assertLen(list(module.w), 2)

  def test_sonnet1_create_linear_initializer(self):
    initializer = compat_basic.create_linear_initializer(400, tf.float64)
    self.assertAllClose(initializer.get_config()["stddev"], 0.05)
    self.assertEqual(initializer.dtype, tf.float64)
    with self.assertRaisesRegex(
        ValueError, "^Expected floating point type, got <dtype: 'int32'>."):
      compat_basic.create_linear_initializer(4, tf.int32)

  @test_utils.in_all_modes
  def test_callable_output_size(self):
    linear = snt.Linear(lambda: 6)
    self.assertEqual(linear(tf.ones([1, 2])).shape.as_list(), [1, 6])
    self.assertEqual(linear.output_size, 6)

  @test_utils.in_all_modes
  def test_regularizers(self):
    linear = snt.Linear(
        2, initializers={"w": tf1.ones_initializer()}, regularizers={
            "w": snt.regularizers.l1(0.5), "b": snt.regularizers.l2(0.5)})
    linear(tf.ones([1, 3]))
    self.init()
    losses = linear.get_regularization_losses()
    self.assertLen(losses, 2)
    self.assertAllClose(sorted(self.evaluate(losses)), [0., 3.])
    if not self.eager:
      self.assertLen(tf1.get_collection(tf1.GraphKeys.REGULARIZATION_LOSSES), 2)

  @test_utils.in_graph_mode
  def test_partitioned_weights(self):
    linear = snt.Linear(
        4, partitioners={"w": tf1.fixed_size_partitioner(num_shards=2)})
    x = np.ones([2, 6], np.float32)
    y = linear(tf.constant(x))
    self.init()
    w = self.evaluate(tf.concat(list(linear.w), axis=0))
    self.assertEqual(len(list(linear.w)), 2)
    self.assertAllClose(self.evaluate(y), x.dot(w), atol=1e-5)

  @test_utils.in_eager_mode
  def test_eager_calls_compute_exactly_what_tf_matmul_does(self):
    x = tf.constant(np.random.RandomState(0).randn(5, 3).astype(np.float32))
    linear = snt.Linear(
        4, initializers={"b": tf1.random_normal_initializer(seed=1)})
    for _ in range(2):  # The first connection, then a later one.
      with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = linear(x)
        expected = tf.matmul(x, linear.w) + linear.b
        loss, expected_loss = tf.reduce_sum(tf.sin(y)), tf.reduce_sum(
            tf.sin(expected))
      self.assertAllEqual(y, expected)
      for source in (x, linear.w, linear.b):
        self.assertAllEqual(tape.gradient(loss, source),
                            tape.gradient(expected_loss, source))

  @test_utils.in_eager_mode
  def test_eager_call_with_another_dtype_fails_as_matmul_does(self):
    linear = snt.Linear(4)
    linear(tf.ones([2, 3]))
    with self.assertRaisesRegex(
        tf.errors.InvalidArgumentError,
        r"cannot compute MatMul as input #1\(zero-based\) was expected to "
        r"be a double tensor but is a float tensor"):
      linear(tf.ones([2, 3], tf.float64))

  @test_utils.in_eager_mode
  def test_tf_function_and_gradient_tape(self):
    linear = snt.Linear(1)
    x = tf.constant([[1., 2.], [3., 4.]])
    target = tf.constant([[1.], [2.]])

    @tf.function
    def step():
      with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(linear(x) - target))
      grads = tape.gradient(loss, linear.trainable_variables)
      for v, g in zip(linear.trainable_variables, grads):
        v.assign_sub(0.05 * g)
      return loss

    first = float(step())
    for _ in range(200):
      last = float(step())
    self.assertLess(last, first / 10)
    step.get_concrete_function()  # No retrace-time variable creation.
    self.assertLen(linear.trainable_variables, 2)


if __name__ == "__main__":
  test_utils.main()
