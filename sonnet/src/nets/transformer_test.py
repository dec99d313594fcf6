"""Tests for snt.nets.TransformerTower."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.nets import attention_test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def np_layer_norm(x, p, prefix):
  mean = x.mean(-1, keepdims=True)
  var = x.var(-1, keepdims=True)
  return ((x - mean) / np.sqrt(var + 1e-5) * p[prefix + "/gamma"] +
          p[prefix + "/beta"])


def np_mlp(x, p, prefix, num_layers):
  for i in range(num_layers):
    x = x @ p["%s/linear_%d/w" % (prefix, i)] + p["%s/linear_%d/b" % (prefix,
                                                                      i)]
    if i < num_layers - 1:
      x = np.maximum(x, 0.)
  return x


def tower_params(tower, evaluate):
  variables = tower.get_variables()
  prefix = tower.scope_name + "/"
  return {v.name[len(prefix):].split(":")[0]: value
          for v, value in zip(variables, evaluate(list(variables)))}


class TransformerTowerTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters("input", "output", "none")
  @test_utils.in_all_modes
  def test_matches_numpy(self, layer_norm):
    rng = np.random.RandomState(2)
    x = rng.randn(2, 4, 3).astype(np.float32)
    memory = [rng.randn(2, 2, 6).astype(np.float32) for _ in range(2)]
    condition = rng.randn(2, 2).astype(np.float32)
    tower = snt.nets.TransformerTower(
        value_size=3, num_heads=2, num_layers=2, key_size=2, output_size=5,
        mlp_hidden_sizes=(7,), dropout_rate=0.5,
        use_relative_positions=True, layer_norm=layer_norm)
    y, layer_inputs = tower(tf.constant(x), [tf.constant(m) for m in memory],
                            condition=tf.constant(condition),
                            is_training=False)
    self.init()
    p = tower_params(tower, self.evaluate)
    y, layer_inputs = self.evaluate([y, layer_inputs])

    hidden = x @ p["input_projection/w"] + p["input_projection/b"]
    for i in range(2):
      self.assertAllClose(layer_inputs[i], hidden, atol=1e-4)
      layer = "layer_%d" % i
      attention = {k[len(layer) + 11:]: v for k, v in p.items()
                   if k.startswith(layer + "/attention/")}
      norm = lambda v, name, layer=layer: np_layer_norm(v, p, layer + name)
      pre = layer_norm == "input"

      def attend(h, m, attention=attention):
        return attention_test_utils.np_attention(
            h, m, attention, 2, 2, 3, relative=True)
      if pre:
        hidden = hidden + attend(norm(hidden, "/attention_layer_norm"),
                                 norm(memory[i], "/attention_layer_norm"))
      else:
        hidden = hidden + attend(hidden, memory[i])
        if layer_norm == "output":
          hidden = norm(hidden, "/attention_layer_norm")
      mlp_in = norm(hidden, "/mlp_layer_norm") if pre else hidden
      mlp_in = np.concatenate(
          [mlp_in, np.repeat(condition[:, None], 4, axis=1)], axis=2)
      hidden = hidden + np_mlp(mlp_in, p, layer + "/mlp", 2)
      if layer_norm == "output":
        hidden = norm(hidden, "/mlp_layer_norm")
    expected = hidden @ p["output_projection/w"] + p["output_projection/b"]
    self.assertAllClose(y, expected, atol=1e-4, rtol=1e-4)

  @test_utils.in_all_modes
  def test_variable_names_and_sharing(self):
    tower = snt.nets.TransformerTower(2, 2, 2, mlp_hidden_sizes=(8,))
    tower(tf.ones([1, 3, 4]))
    tower(tf.ones([2, 5, 4]), [tf.ones([2, 2, 4])] * 2, is_training=False)
    expected = {}
    for i in range(2):
      layer = "transformer_tower/layer_%d/" % i
      expected.update({
          layer + "attention/query/w": [4, 4],
          layer + "attention/key/w": [4, 4],
          layer + "attention/value/w": [4, 4],
          layer + "attention/output/w": [4, 4],
          layer + "attention/relative_position/w": [4, 4],
          layer + "attention/content_bias": [2, 2],
          layer + "attention/position_bias": [2, 2],
          layer + "attention_layer_norm/gamma": [4],
          layer + "attention_layer_norm/beta": [4],
          layer + "mlp/linear_0/w": [4, 8],
          layer + "mlp/linear_0/b": [8],
          layer + "mlp/linear_1/w": [8, 4],
          layer + "mlp/linear_1/b": [4],
          layer + "mlp_layer_norm/gamma": [4],
          layer + "mlp_layer_norm/beta": [4]})
    self.assertVariableShapes(tower.get_variables(), expected)
    self.assertLen(tower.get_variables(), 30)
    if not self.eager:
      self.assertLen(tf1.global_variables(), 30)

  @test_utils.in_all_modes
  def test_shared_attention_without_norm(self):
    tower = snt.nets.TransformerTower(
        2, 1, 3, shared_attention=True, use_relative_positions=False,
        layer_norm="none", mlp_hidden_sizes=())
    tower(tf.ones([1, 3, 2]))
    self.assertIs(tower.attention_module(0), tower.attention_module(2))
    self.assertVariableNames(tower.get_variables(), [
        "transformer_tower/attention/query/w",
        "transformer_tower/attention/key/w",
        "transformer_tower/attention/value/w",
        "transformer_tower/attention/output/w",
        "transformer_tower/layer_0/mlp/linear_0/w",
        "transformer_tower/layer_0/mlp/linear_0/b",
        "transformer_tower/layer_1/mlp/linear_0/w",
        "transformer_tower/layer_1/mlp/linear_0/b",
        "transformer_tower/layer_2/mlp/linear_0/w",
        "transformer_tower/layer_2/mlp/linear_0/b"])

  @parameterized.parameters(0, 3)
  @test_utils.in_all_modes
  def test_causal(self, memory_size):
    rng = np.random.RandomState(3)
    x = rng.randn(1, 6, 4).astype(np.float32)
    changed = x.copy()
    changed[:, 3:] += rng.randn(1, 3, 4)
    state = None
    if memory_size:
      state = [tf.constant(rng.randn(1, memory_size, 4), tf.float32)] * 2
    tower = snt.nets.TransformerTower(2, 2, 2, mlp_hidden_sizes=(8,))
    both = [tower(tf.constant(v), state, is_training=False)[0]
            for v in (x, changed)]
    self.init()
    before, after = self.evaluate(both)
    self.assertAllClose(before[:, :3], after[:, :3], atol=1e-6)
    self.assertTrue((np.abs(before[:, 3:] - after[:, 3:]) > 1e-4).all())

  @test_utils.in_all_modes
  def test_not_causal_sees_the_future(self):
    rng = np.random.RandomState(3)
    x = rng.randn(1, 4, 4).astype(np.float32)
    changed = x.copy()
    changed[:, 3] += rng.randn(4)  # Not a constant: layer norm hides those.
    tower = snt.nets.TransformerTower(2, 2, 1, causal=False)
    both = [tower(tf.constant(v), is_training=False)[0] for v in (x, changed)]
    self.init()
    before, after = self.evaluate(both)
    self.assertTrue((np.abs(before[:, 0] - after[:, 0]) > 1e-5).any())

  @test_utils.in_all_modes
  def test_dropout(self):
    tower = snt.nets.TransformerTower(4, 2, 2, dropout_rate=0.5,
                                      mlp_hidden_sizes=(16,))
    x = tf.constant(np.random.RandomState(4).randn(2, 5, 8), tf.float32)
    test1 = tower(x, is_training=False)[0]
    self.init()
    if self.eager:
      test2 = tower(x, is_training=False)[0]
      train1 = tower(x, is_training=True)[0]
      train2 = tower(x, is_training=True)[0]
    else:
      test2 = test1
      train1 = train2 = tower(x, is_training=True)[0]
    test1, test2 = self.evaluate(test1), self.evaluate(test2)
    train1, train2 = self.evaluate(train1), self.evaluate(train2)
    self.assertAllEqual(test1, test2)
    self.assertNotAllClose(train1, train2)
    self.assertNotAllClose(train1, test1)

  @test_utils.in_graph_mode
  def test_dropout_flag_tensor(self):
    tower = snt.nets.TransformerTower(2, 2, 1, dropout_rate=0.5)
    flag = tf1.placeholder(tf.bool, [])
    x = tf.constant(np.random.RandomState(4).randn(2, 5, 4), tf.float32)
    y = tower(x, is_training=flag)[0]
    reference = tower(x, is_training=False)[0]
    self.init()
    session = tf1.get_default_session()
    self.assertAllClose(session.run(y, {flag: False}),
                        session.run(reference))
    self.assertNotAllClose(session.run(y, {flag: True}),
                           session.run(reference))

  @test_utils.in_all_modes
  def test_get_sublayers(self):
    tower = snt.nets.TransformerTower(2, 2, 2, mlp_hidden_sizes=(8,))
    x = tf.constant(np.random.RandomState(5).randn(2, 3, 4), tf.float32)
    y = tower(x, is_training=False)[0]
    hidden = x
    sublayers = tower.get_sublayers(is_training=False)
    self.assertLen(sublayers, 2)
    for attend, transform in sublayers:
      hidden = transform(attend(hidden))
    self.init()
    self.assertAllClose(*self.evaluate([y, hidden]))
    self.assertLen(tower.get_variables(), 30)  # No new variables.

  @test_utils.in_all_modes
  def test_errors(self):
    tower = snt.nets.TransformerTower(2, 2, 2)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "transformer_tower: inputs must have rank 3"):
      tower(tf.ones([2, 4]))
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "state must be a list of 2 memories"):
      tower(tf.ones([2, 3, 4]), [tf.ones([2, 1, 4])])
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                r"memory_size, 4\] with a known"):
      tower(tf.ones([2, 3, 4]), [tf.ones([2, 1, 5])] * 2)
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "condition must have shape"):
      tower(tf.ones([2, 3, 4]), condition=tf.ones([2, 3, 4]))
    self.assertFalse(tower.is_connected)
    if not self.eager:
      self.assertEmpty(tf1.global_variables())
    tower(tf.ones([2, 3, 4]))
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "built for no condition"):
      tower(tf.ones([2, 3, 4]), condition=tf.ones([2, 3]))
    with self.assertRaisesRegex(ValueError, "has layers 0 to 1"):
      tower.attention_module(2)

  def test_bad_constructor_arguments(self):
    with self.assertRaisesRegex(ValueError, "layer_norm must be one of"):
      snt.nets.TransformerTower(2, 2, 2, layer_norm="pre")
    with self.assertRaisesRegex(ValueError, "dropout_rate"):
      snt.nets.TransformerTower(2, 2, 2, dropout_rate=1.)
    with self.assertRaisesRegex(ValueError, "num_layers must be a positive"):
      snt.nets.TransformerTower(2, 2, 0)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    tower = snt.nets.TransformerTower(2, 2, 2, output_size=3)
    x = tf.constant(np.random.RandomState(6).randn(2, 3, 4), tf.float32)
    memory = [tf.ones([2, 2, 4])] * 2
    eager = tower(x, memory, is_training=False)[0]
    traced = tf.function(
        lambda x, m: tower(x, m, is_training=False)[0])(x, memory)
    self.assertAllClose(eager, traced)
    self.assertLen(tower.get_variables(), 32)


if __name__ == "__main__":
  test_utils.main()
