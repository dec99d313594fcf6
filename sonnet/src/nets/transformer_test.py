"""Tests for snt.nets.TransformerTower and its blocks."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules.nets import transformer as deep_transformer
from sonnet.src import numpy_reference
from sonnet.src import test_utils
from sonnet.src.nets import attention_layers
from sonnet.src.nets import attention_test_utils as ref
from sonnet.src.nets import transformer
import tensorflow as tf

tf1 = tf.compat.v1


def _tower_variable_names(prefix, num_layers, output_size):
  names = []
  for i in range(num_layers):
    layer = "%s/layer_%d/" % (prefix, i)
    names += [
        layer + "multihead_attention/" + n
        for n in ("query/linear/w", "key/linear/w", "value/linear/w",
                  "r_w_bias", "relative_keys/linear/w", "r_r_bias", "linear/w",
                  "linear/b")]
    names += [
        layer + "mlp/linear_%d/%s" % (j, v)
        for j in range(2)
        for v in ("w", "b")]
    names += [
        layer + "residual_dropout_wrapper%s/layer_norm/%s" % (s, v)
        for s in ("", "_1")
        for v in ("gamma", "beta")]
  if output_size:
    names.append(prefix + "/linear/w")
  return names


class TransformerTowerTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      ("defaults", {}, False, False), ("memory", {}, True, False),
      ("condition", {"output_size": 5}, False, True),
      ("output_norm", {"layer_norm": "output"}, True, False),
      ("both_norms_not_causal", {"layer_norm": "both", "causal": False}, True,
       False), ("equal_window_clamped", {
           "same_attention_length": True, "clamp_time_range": 2}, True, False),
      ("absolute_positions", {"use_relative_positions": False}, True, False),
      ("shared_attention", {"shared_attention": True}, True, False))
  @test_utils.in_all_modes
  def test_matches_numpy(self, overrides, with_memory, with_condition):
    config = dict(value_size=3, num_heads=2, num_layers=2, key_size=2,
                  mlp_hidden_sizes=(7,), dropout_rate=0.5)
    config.update(overrides)
    rng = np.random.RandomState(2)
    x = rng.randn(2, 4, 6 - 2 * with_condition).astype(np.float32)
    condition = rng.randn(2, 2).astype(np.float32)
    memory = [rng.randn(2, 3, 6).astype(np.float32) for _ in range(2)]
    tower = snt.nets.TransformerTower(**config)
    kwargs = dict(
        state=[tf.constant(m) for m in memory] if with_memory else None,
        condition=tf.constant(condition) if with_condition else None,
        is_training=False)
    tower(tf.constant(x), **kwargs)
    self.init()
    p = ref.randomize(self, tower)
    y, states = self.evaluate(tower(tf.constant(x), **kwargs))
    if with_condition:
      x = np.concatenate([x, np.tile(condition[:, None], [1, 4, 1])], -1)
    expected, attended = ref.tower(x, p, config,
                                   memory if with_memory else None)
    self.assertAllClose(y, expected, atol=1e-4, rtol=1e-4)
    for state, inputs in zip(states, attended):
      self.assertAllClose(state.embeddings, inputs, atol=1e-4)

  @test_utils.in_all_modes
  def test_compressed_memory_matches_numpy(self):
    config = dict(value_size=2, num_heads=2, num_layers=2,
                  mlp_hidden_sizes=(3,))
    rng = np.random.RandomState(3)
    x = rng.randn(2, 3, 4).astype(np.float32)
    episodic = [rng.randn(2, 4, 4).astype(np.float32) for _ in range(2)]
    compressed = [rng.randn(2, 2, 4).astype(np.float32) for _ in range(2)]
    state = [
        attention_layers.CompressedMemoryState(episodic_memory=tf.constant(e),
                                               compressed_memory=tf.constant(c),
                                               index=tf.zeros([2, 1]))
        for e, c in zip(episodic, compressed)]
    tower = snt.nets.TransformerTower(**config)
    tower(tf.constant(x), state=state, is_training=False)
    self.init()
    p = ref.randomize(self, tower)
    y, _ = tower(tf.constant(x), state=state, is_training=False)
    expected, _ = ref.tower(x, p, config, episodic, compressed)
    self.assertAllClose(self.evaluate(y), expected, atol=1e-4, rtol=1e-4)

  @test_utils.in_all_modes
  def test_variable_names(self):
    tower = snt.nets.TransformerTower(value_size=3, num_heads=2, num_layers=2,
                                      mlp_hidden_sizes=(5,), output_size=7)
    y, states = tower(tf.ones([4, 6, 6]), is_training=True)
    tower(tf.ones([1, 2, 6]), is_training=False)  # Shares the variables.
    self.assertEqual(y.shape.as_list(), [4, 6, 7])
    self.assertLen(states, 2)
    self.assertIsInstance(states[0], attention_layers.AttentionState)
    self.assertVariableNames(
        tower.get_variables(),
        _tower_variable_names("transformer_tower", 2, output_size=7))
    shapes = {v.name: v.shape.as_list() for v in tower.get_variables()}
    for name, shape in (("layer_1/multihead_attention/r_r_bias", [1, 2, 1, 3]),
                        ("layer_1/multihead_attention/linear/w",
                         [6, 6]), ("layer_1/mlp/linear_0/w", [6, 5]),
                        ("layer_1/mlp/linear_1/w", [5, 6]), ("linear/w", [6,
                                                                          7])):
      self.assertEqual(shapes["transformer_tower/%s:0" % name], shape)
    self.assertEqual(
        tower.attention_module(1).scope_name,
        "transformer_tower/layer_1/multihead_attention")

  @test_utils.in_all_modes
  def test_shared_attention_variables(self):
    tower = snt.nets.TransformerTower(value_size=2, num_heads=2, num_layers=2,
                                      mlp_hidden_sizes=(3,),
                                      shared_attention=True)
    tower(tf.ones([1, 2, 4]), is_training=False)
    names = [v.name for v in tower.get_variables()]
    self.assertLen([n for n in names if "multihead_attention" in n], 8)
    self.assertIn(
        "transformer_tower/layer_1/residual_dropout_wrapper/"
        "layer_norm/gamma:0", names)
    self.assertIs(tower.attention_module(0), tower.attention_module(1))

  @test_utils.in_all_modes
  def test_get_sublayers_makes_another_block(self):
    for shared in (False, True):
      tower = snt.nets.TransformerTower(value_size=2, num_heads=2, num_layers=1,
                                        mlp_hidden_sizes=(3,),
                                        shared_attention=shared)
      attention, mlp = tower.get_sublayers(is_training=True)
      wrapper = snt.nets.transformer.ResidualDropoutWrapper
      self.assertIsInstance(attention, wrapper)
      self.assertIsInstance(mlp, wrapper)
      self.assertEqual(
          tower.attention_module(1) is tower.attention_module(0), shared)
      outputs = mlp(tf.ones([1, 2, 4]), is_training=False)
      self.assertEqual(outputs.shape.as_list(), [1, 2, 4])

  @test_utils.in_all_modes
  def test_dropout_only_while_training(self):
    tower = snt.nets.TransformerTower(value_size=2, num_heads=2, num_layers=1,
                                      mlp_hidden_sizes=(8,), dropout_rate=0.5)
    x = tf.constant(np.random.RandomState(4).randn(4, 6, 4), tf.float32)
    train = [tower(x, is_training=True)[0] for _ in range(2)]
    test = [tower(x, is_training=False)[0] for _ in range(2)]
    no_dropout = snt.nets.TransformerTower(value_size=2, num_heads=2,
                                           num_layers=1, mlp_hidden_sizes=(8,),
                                           dropout_rate=0., name="no_dropout")
    no_train, no_test = (no_dropout(x, is_training=t)[0] for t in (True, False))
    self.init()
    train, test, no_train, no_test = self.evaluate([
        train, test, no_train, no_test])
    self.assertAllClose(test[0], test[1])
    self.assertNotAllClose(train[0], train[1])
    self.assertNotAllClose(train[0], test[0])
    self.assertAllClose(no_train, no_test, atol=1e-5)

  @test_utils.in_all_modes
  def test_causal_by_gradient(self):
    tower = snt.nets.TransformerTower(value_size=2, num_heads=2, num_layers=2,
                                      mlp_hidden_sizes=(4,))
    x = tf.constant(np.random.RandomState(5).randn(1, 4, 4), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
      tape.watch(x)
      y, _ = tower(x, is_training=False)
      rows = [tf.reduce_sum(y[0, t]) for t in range(4)]
    grads = [
        tf.reduce_sum(tf.abs(tape.gradient(r, x)), axis=[0, 2]) for r in rows]
    self.init()
    for t, grad in enumerate(self.evaluate(grads)):
      self.assertAllEqual(grad[t + 1:], np.zeros(3 - t))
      self.assertTrue((grad[:t + 1] > 0).all())

  @parameterized.parameters(5, 3)
  def test_input_width_must_be_value_size_times_heads(self, width):
    with tf.Graph().as_default():
      tower = snt.nets.TransformerTower(value_size=2, num_heads=2, num_layers=1,
                                        mlp_hidden_sizes=(4,),
                                        use_relative_positions=False)
      with self.assertRaises(ValueError):
        tower(tf1.placeholder(tf.float32, [2, 3, width]))

  @test_utils.in_eager_mode
  def test_first_connection_inside_tf_function(self):
    tower = snt.nets.TransformerTower(value_size=2, num_heads=2, num_layers=2,
                                      mlp_hidden_sizes=(4,), output_size=3)
    x = tf.random.normal([2, 5, 4])
    step = tf.function(lambda x: tower(x, is_training=False)[0])
    self.assertAllClose(step(x), tower(x, is_training=False)[0])

  def test_deep_path(self):
    self.assertIs(deep_transformer.TransformerTower, snt.nets.TransformerTower)
    self.assertIs(deep_transformer.ResidualDropoutWrapper,
                  transformer.ResidualDropoutWrapper)
    self.assertIs(deep_transformer.default_mlp, transformer.default_mlp)


class ResidualDropoutWrapperTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters("input", "output", "both", "none")
  @test_utils.in_all_modes
  def test_matches_numpy(self, layer_norm):
    x = np.random.RandomState(6).randn(2, 3, 4).astype(np.float32)
    block = transformer.ResidualDropoutWrapper(
        lambda h, is_training: (2. * h, "state"), 0.5, layer_norm=layer_norm)
    y, state = block(tf.constant(x), is_training=False)
    self.init()
    p = ref.randomize(self, block)
    y, _ = block(tf.constant(x), is_training=False)
    names = iter(["layer_norm", "layer_norm_1"])
    normed = x
    if layer_norm in ("input", "both"):
      name = next(names)
      normed = numpy_reference.layer_norm(x, p[name + "/gamma"],
                                          p[name + "/beta"])
    expected = x + 2. * normed
    if layer_norm in ("output", "both"):
      name = next(names)
      expected = numpy_reference.layer_norm(expected, p[name + "/gamma"],
                                            p[name + "/beta"])
    self.assertEqual(state, "state")
    self.assertAllClose(self.evaluate(y), expected, atol=1e-5)

  def test_is_training_is_required(self):
    with tf.Graph().as_default():
      block = transformer.ResidualDropoutWrapper(tf.identity, 0.1)
      with self.assertRaisesRegex(KeyError, "is_training"):
        block(tf.ones([2, 3]))

  @test_utils.in_all_modes
  def test_default_mlp(self):
    with tf1.variable_scope("scope"):
      mlp = transformer.default_mlp([4, 3], init_std=1.)
    x = np.random.RandomState(7).randn(2, 5, 6).astype(np.float32)
    y = mlp(tf.constant(x), is_training=False)
    self.init()
    p = ref.randomize(self, mlp, scope="scope")
    y = mlp(tf.constant(x), is_training=False)
    self.assertAllClose(self.evaluate(y), ref.mlp(x, ref.sub_params(p, "mlp"),
                                                  2), atol=1e-5)
    self.assertVariableNames(mlp.get_all_variables(), [
        "scope/mlp/linear_0/w", "scope/mlp/linear_0/b", "scope/mlp/linear_1/w",
        "scope/mlp/linear_1/b"])


if __name__ == "__main__":
  test_utils.main()
