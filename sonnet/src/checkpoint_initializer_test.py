"""Tests for snt.restore_initializer."""

import re

import numpy as np
import sonnet as snt
from sonnet.python.ops import initializers
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _write_checkpoint(path, values):
  """Saves {name: array} with a name-based Saver, in a graph of its own."""
  with tf.Graph().as_default():
    variables = {
        name: tf1.get_variable(name, initializer=value)
        for name, value in values.items()}
    saver = tf1.train.Saver(variables)
    with tf1.Session() as sess:
      sess.run(tf1.global_variables_initializer())
      return saver.save(sess, path)


class RestoreInitializerTest(test_utils.TestCase):

  def setUp(self):
    super().setUp()
    rng = np.random.RandomState(0)
    self.w = rng.randn(6, 4).astype(np.float32)
    self.b = rng.randn(4).astype(np.float32)
    self.top_b = rng.randn(4).astype(np.float32)
    self.path = _write_checkpoint(
        self.get_temp_dir() + "/ckpt",
        {"encoder/w": self.w, "agent/linear/b": self.b, "b": self.top_b})

  def test_sonnet1_path(self):
    self.assertIs(initializers.restore_initializer, snt.restore_initializer)

  @test_utils.in_all_modes
  def test_initializes_from_checkpoint(self):
    linear = snt.Linear(
        4, initializers={
            "w": snt.restore_initializer(self.path, "w", scope="encoder"),
            "b": snt.restore_initializer(self.path, "b", scope="")})
    linear(tf.ones([1, 6]))
    self.init()
    self.assertAllClose(self.evaluate(linear.w), self.w)
    self.assertAllClose(self.evaluate(linear.b), self.top_b)

  @test_utils.in_all_modes
  def test_default_scope_is_the_variables_scope(self):
    init = snt.restore_initializer(self.path, "b")

    def build(x):
      return snt.Linear(4, initializers={"b": init})(x)

    module = snt.Module(build, name="agent")
    module(tf.ones([1, 6]))
    b, = [v for v in module.get_variables() if v.name == "agent/linear/b:0"]
    self.init()
    self.assertAllClose(self.evaluate(b), self.b)

  @test_utils.in_all_modes
  def test_callable_scope_maps_the_variables_scope(self):
    scopes = []

    def rename(scope):
      scopes.append(scope)
      return re.sub(r"^[^/]+/", "agent/", scope)

    init = snt.restore_initializer(self.path, "b", rename)

    def build(x):
      return snt.Linear(4, initializers={"b": init})(x)

    module = snt.Module(build, name="elsewhere")
    module(tf.ones([1, 6]))
    b, = [v for v in module.get_variables() if v.name == "elsewhere/linear/b:0"]
    self.init()
    self.assertAllClose(self.evaluate(b), self.b)
    self.assertEqual(scopes[0], "elsewhere/linear")

  @test_utils.in_graph_mode
  def test_partitioned_variable_reads_its_slices(self):
    linear = snt.Linear(
        4, initializers={
            "w": snt.restore_initializer(self.path, "encoder/w", scope="")},
        partitioners={"w": tf1.fixed_size_partitioner(3)})
    linear(tf.ones([1, 6]))
    self.init()
    self.assertAllClose(self.evaluate(tf.concat(list(linear.w), 0)), self.w)

  @test_utils.in_all_modes
  def test_missing_tensor_fails(self):
    init = snt.restore_initializer(self.path, "nope")
    with self.assertRaisesRegex(tf.errors.NotFoundError, "nope"):
      linear = snt.Linear(4, initializers={"w": init})
      linear(tf.ones([1, 6]))
      self.init()


if __name__ == "__main__":
  test_utils.main()
