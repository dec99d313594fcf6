"""Tests for snt.nets.MLP."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _relu(x):
  return np.maximum(x, 0.)


class MLPTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(False, True)
  @test_utils.in_all_modes
  def test_matches_numpy(self, activate_final):
    x = np.random.RandomState(0).randn(4, 3).astype(np.float32)
    mlp = snt.nets.MLP([5, 6, 2], activate_final=activate_final,
                       initializers={"b": tf1.random_normal_initializer()})
    y = mlp(tf.constant(x))
    self.init()
    y, params = self.evaluate([y, [(l.w, l.b) for l in mlp.layers]])
    expected = x
    for i, (w, b) in enumerate(params):
      expected = expected.dot(w) + b
      if i < 2 or activate_final:
        expected = _relu(expected)
    self.assertAllClose(y, expected, atol=1e-5, rtol=1e-5)

  @test_utils.in_all_modes
  def test_variable_names_and_sharing(self):
    mlp = snt.nets.MLP([4, 5])
    mlp(tf.ones([2, 3]))
    mlp(tf.ones([7, 3]))
    self.assertVariableShapes(
        mlp.get_variables(), {
            "mlp/linear_0/w": [3, 4], "mlp/linear_0/b": [4], "mlp/linear_1/w": [
                4, 5], "mlp/linear_1/b": [5]})
    self.assertEqual(mlp.input_shape, (7, 3))
    self.assertEqual(mlp.output_size, 5)
    no_bias = snt.nets.MLP([4], use_bias=False, name="nb")
    no_bias(tf.ones([2, 3]))
    self.assertVariableNames(no_bias.get_variables(), ["nb/linear_0/w"])

  @test_utils.in_all_modes
  def test_dropout(self):
    mlp = snt.nets.MLP([400, 400], use_dropout=True, activation=tf.identity,
                       use_bias=False,
                       initializers={"w": tf1.ones_initializer()})
    x = tf.ones([50, 1])
    train = mlp(x, is_training=True, dropout_keep_prob=0.25)
    test = mlp(x, is_training=False, dropout_keep_prob=0.25)
    self.init()
    train, test = self.evaluate([train, test])
    self.assertAllClose(test, np.full([50, 400], 400.))
    # First layer outputs are 1 kept with p=0.25 and scaled by 4: the second
    # layer sums 400 of them, mean 400, stddev 4 * sqrt(400 * .25 * .75).
    self.assertAllClose(train.mean(), 400., rtol=0.05)
    self.assertGreater(train.std(), 10.)

  @test_utils.in_graph_mode
  def test_dropout_flag_tensor(self):
    mlp = snt.nets.MLP([300, 1], use_dropout=True, use_bias=False,
                       initializers={"w": tf1.ones_initializer()})
    flag = tf1.placeholder(tf.bool, [])
    y = mlp(tf.ones([1, 1]), is_training=flag, dropout_keep_prob=0.5)
    self.init()
    session = tf1.get_default_session()
    self.assertAllClose(session.run(y, {flag: False}), [[300.]])
    # Training doubles the units kept, each with p=0.5: y is 300 only when
    # exactly 150 of 300 are kept (p=0.046 per run), so look at ten runs.
    trained = [session.run(y, {flag: True})[0, 0] for _ in range(10)]
    self.assertNotAllClose(trained, [300.] * 10)
    self.assertEqual({value % 2 for value in trained}, {0.})

  @test_utils.in_all_modes
  def test_transpose(self):
    mlp = snt.nets.MLP([4, 5], name="enc")
    dec = mlp.transpose()
    self.assertEqual(dec.module_name, "enc_transpose")
    y = dec(mlp(tf.ones([2, 3])))
    self.assertEqual(y.shape.as_list(), [2, 3])
    self.assertEqual(dec.output_sizes, (4, 3))
    self.assertVariableShapes(
        dec.get_variables(), {
            "enc_transpose/linear_0/w": [5, 4], "enc_transpose/linear_0/b": [4],
            "enc_transpose/linear_1/w": [4, 3], "enc_transpose/linear_1/b": [3
                                                                            ]})
    self.assertTrue(mlp.transpose(activate_final=True).activate_final)

  @test_utils.in_all_modes
  def test_clone(self):
    mlp = snt.nets.MLP([4, 5], use_bias=False)
    clone = mlp.clone()
    clone(tf.ones([1, 2]))
    self.assertVariableNames(clone.get_variables(),
                             ["mlp_clone/linear_0/w", "mlp_clone/linear_1/w"])

  @test_utils.in_all_modes
  def test_custom_getter_reaches_layers(self):

    def zero_getter(getter, *args, **kwargs):
      return 0. * getter(*args, **kwargs)

    mlp = snt.nets.MLP([3], custom_getter=zero_getter, activate_final=False)
    y = mlp(tf.ones([1, 2]))
    self.init()
    self.assertAllClose(self.evaluate(y), np.zeros([1, 3]))

  @test_utils.in_all_modes
  def test_regularizers(self):
    mlp = snt.nets.MLP([2, 2], initializers={"w": tf1.ones_initializer()},
                       regularizers={"w": snt.regularizers.l1(1.)})
    mlp(tf.ones([1, 3]))
    self.init()
    self.assertAllClose(sorted(self.evaluate(mlp.get_regularization_losses())),
                        [4., 6.])

  @test_utils.in_all_modes
  def test_bad_inputs(self):
    mlp = snt.nets.MLP([2])
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "mlp/linear_0: rank of shape must be 2 not: 3"):
      mlp(tf.ones([2, 3, 4]))
    self.assertFalse(mlp.is_connected)
    mlp(tf.ones([2, 3]))
    with self.assertRaises(snt.IncompatibleShapeError):
      mlp(tf.ones([2, 4]))

  @parameterized.parameters(
      ({"output_sizes": []}, ValueError, "^output_sizes must not be empty$"),
      ({"output_sizes": 3}, TypeError, "^output_sizes must be iterable$"),
      ({"output_sizes": [3], "activation": 1
       }, TypeError, "^Input 'activation' must be callable$"),
      ({
          "output_sizes": [3], "use_bias": False, "initializers": {
              "b": tf.zeros}}, KeyError, "Invalid initializer"),
      # As in Sonnet 1.36, the dicts are checked before the activation.
      ({"output_sizes": [3], "activation": 1, "regularizers": {"v": tf.abs}
       }, KeyError, "Invalid regularizer"))
  def test_bad_constructor_args(self, kwargs, error, message):
    with self.assertRaisesRegex(error, message):
      snt.nets.MLP(**kwargs)

  @parameterized.parameters(True, 1, np.bool_(True), 1.0)
  @test_utils.in_all_modes
  def test_dropout_flag_values_that_mean_true(self, flag):
    mlp = snt.nets.MLP([1000, 1], use_dropout=True, use_bias=False,
                       activation=tf.identity)
    x = tf.ones([1, 1])
    y = mlp(x, is_training=flag, dropout_keep_prob=0.5)
    y_without_dropout = mlp(x, is_training=False)
    self.init()
    # Random weights: dropping and doubling half of the 1000 hidden units
    # cannot give back the sum of all of them (equal ones could: 500 kept).
    y, y_without_dropout = self.evaluate([y, y_without_dropout])
    self.assertNotAllClose(y, y_without_dropout)

  @parameterized.parameters(False, 0, np.bool_(False))
  @test_utils.in_all_modes
  def test_dropout_flag_values_that_mean_false(self, flag):
    mlp = snt.nets.MLP([1000, 1], use_dropout=True, use_bias=False,
                       activation=tf.identity,
                       initializers={"w": tf1.ones_initializer()})
    y = mlp(tf.ones([1, 1]), is_training=flag, dropout_keep_prob=0.5)
    self.init()
    self.assertEqual(self.evaluate(y)[0, 0], 1000.)

  @test_utils.in_all_modes
  def test_dropout_flag_of_another_type(self):
    mlp = snt.nets.MLP([2, 1], use_dropout=True)
    with self.assertRaisesRegex(
        TypeError, "must be a Tensor, or a Python "
        "bool, or 1 or 0"):
      mlp(tf.ones([1, 1]), is_training="yes")
    # Without dropout the flag is not looked at (as in Sonnet 1.36).
    snt.nets.MLP([2, 1])(tf.ones([1, 1]), is_training="yes")

  @test_utils.in_all_modes
  def test_dropout_flag_variable(self):
    mlp = snt.nets.MLP([1000, 1], use_dropout=True, use_bias=False,
                       activation=tf.identity,
                       initializers={"w": tf1.ones_initializer()})
    flag = tf1.get_variable("flag", initializer=False, use_resource=True)
    y = mlp(tf.ones([1, 1]), is_training=flag, dropout_keep_prob=0.5)
    self.init()
    self.assertEqual(self.evaluate(y)[0, 0], 1000.)

  @test_utils.in_all_modes
  def test_transpose_before_connection(self):
    mlp = snt.nets.MLP([4, 5])
    dec = mlp.transpose()
    with self.assertRaisesRegex(
        snt.NotConnectedError, "Variables in mlp/linear_1 not instantiated "
        "yet, __call__ the module first."):
      dec(tf.ones([2, 5]))

  @test_utils.in_all_modes
  def test_transpose_and_clone_drop_the_custom_getter(self):

    def zero_getter(getter, *args, **kwargs):
      return 0. * getter(*args, **kwargs)

    mlp = snt.nets.MLP([3], custom_getter=zero_getter, use_bias=False,
                       initializers={"w": tf1.ones_initializer()})
    dec = mlp.transpose()
    clone = mlp.clone()
    x = tf.ones([1, 2])
    y = mlp(x)
    z = dec(y + 1.)
    c = clone(x)
    self.init()
    self.assertAllClose(self.evaluate(y), [[0., 0., 0.]])
    self.assertAllClose(self.evaluate(z), [[3., 3.]])
    self.assertAllClose(self.evaluate(c), [[2., 2., 2.]])

  @test_utils.in_all_modes
  def test_properties(self):
    mlp = snt.nets.MLP([4, 5], use_bias=False, use_dropout=True,
                       activate_final=True, activation=tf.tanh,
                       initializers={"w": tf1.ones_initializer()})
    self.assertEqual(mlp.possible_keys, {"w"})
    self.assertEqual(type(mlp.layers), list)
    self.assertLen(mlp.layers, 2)
    self.assertEqual(mlp.output_sizes, (4, 5))
    self.assertEqual(mlp.output_size, 5)
    self.assertIs(mlp.activation, tf.tanh)
    self.assertTrue(mlp.activate_final)
    self.assertFalse(mlp.use_bias)
    self.assertTrue(mlp.use_dropout)
    self.assertEqual(list(mlp.initializers), ["w"])
    with self.assertRaises(snt.NotConnectedError):
      _ = mlp.input_shape
    mlp(tf.ones([2, 3]))
    clone = mlp.clone()
    self.assertEqual(clone.module_name, "mlp_clone")
    self.assertEqual(mlp.transpose().output_sizes, (4, 3))
    self.assertEqual(clone.output_sizes, (4, 5))

  def test_possible_keys(self):
    self.assertEqual(snt.nets.MLP.get_possible_initializer_keys(), {"w", "b"})
    self.assertEqual(snt.nets.MLP.get_possible_initializer_keys(use_bias=False),
                     {"w"})


def _classification_data(n=256, seed=0):
  rng = np.random.RandomState(seed)
  x = rng.randn(n, 2).astype(np.float32)
  labels = ((x[:, 0] * x[:, 1]) > 0).astype(np.int32)  # XOR of signs.
  return x, labels


class MLPTrainingTest(test_utils.TestCase):

  @test_utils.in_graph_mode
  def test_learns_in_graph_mode(self):
    x, labels = _classification_data()
    mlp = snt.nets.MLP([32, 32, 2])
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=mlp(tf.constant(x))))
    train = tf1.train.AdamOptimizer(0.02).minimize(loss)
    self.init()
    first = self.evaluate(loss)
    for _ in range(150):
      self.evaluate(train)
    self.assertLess(self.evaluate(loss), first / 3)

  @test_utils.in_eager_mode
  def test_learns_in_eager_tf_function(self):
    x, labels = _classification_data()
    mlp = snt.nets.MLP([32, 32, 2])
    optimizer = tf.keras.optimizers.Adam(0.02)

    @tf.function
    def step():
      with tf.GradientTape() as tape:
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=labels, logits=mlp(x)))
      variables = mlp.trainable_variables
      optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
      return loss

    first = float(step())
    for _ in range(150):
      last = float(step())
    self.assertLess(last, first / 3)


if __name__ == "__main__":
  test_utils.main()
