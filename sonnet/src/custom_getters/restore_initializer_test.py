"""Tests for snt.custom_getters.restore_initializer."""

import os

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _write_checkpoint(directory, values):
  """Saves {name: array} as a TF1 checkpoint; returns its prefix."""
  with tf.Graph().as_default() as graph:
    variables = [
        tf1.Variable(value, name=name) for name, value in values.items()]
    saver = tf1.train.Saver(variables)
    with tf1.Session(graph=graph) as session:
      session.run(tf1.global_variables_initializer())
      return saver.save(session, os.path.join(directory, "model.ckpt"))


class RestoreInitializerTest(test_utils.TestCase):

  def setUp(self):
    super().setUp()
    rng = np.random.RandomState(0)
    self.w = rng.randn(3, 4).astype(np.float32)
    self.b = rng.randn(4).astype(np.float32)
    self.directory = self.get_temp_dir()
    self.prefix = _write_checkpoint(
        self.directory, {
            "linear/w": self.w, "linear/b": self.b, "old/weights": 2 * self.w,
            "old/b": self.b.astype(np.float64)})

  @test_utils.in_all_modes
  def test_restores_by_name(self):
    getter = snt.custom_getters.restore_initializer(self.prefix)
    linear = snt.Linear(4, custom_getter=getter)
    x = np.ones([2, 3], np.float32)
    y = linear(tf.constant(x))
    self.init()
    self.assertAllEqual(self.evaluate(linear.w), self.w)
    self.assertAllEqual(self.evaluate(linear.b), self.b)
    self.assertAllClose(self.evaluate(y), x.dot(self.w) + self.b)
    self.assertVariableNames(linear.get_variables(), ["linear/w", "linear/b"])
    linear(tf.constant(x))  # Shares; no new variables.
    self.assertLen(linear.variables, 2)

  @test_utils.in_all_modes
  def test_name_fn_directory_and_cast(self):
    names = {"new/w": "old/weights", "new/b": "old/b"}
    getter = snt.custom_getters.restore_initializer(self.directory,
                                                    name_fn=names.get)
    linear = snt.Linear(4, custom_getter=getter, name="new")
    linear(tf.ones([1, 3]))
    self.init()
    self.assertAllEqual(self.evaluate(linear.w), 2 * self.w)
    self.assertAllClose(self.evaluate(linear.b), self.b)  # float64 saved.

  @test_utils.in_all_modes
  def test_collection_filter(self):
    getter = snt.custom_getters.restore_initializer(
        self.prefix, collection="no_such_collection")
    linear = snt.Linear(4, custom_getter=getter,
                        initializers={"w": tf1.ones_initializer()})
    linear(tf.ones([1, 3]))
    self.init()
    self.assertAllEqual(self.evaluate(linear.w), np.ones([3, 4]))

    frozen = snt.custom_getters.override_args(trainable=False)
    restore_trainable = snt.custom_getters.restore_initializer(
        self.prefix, collection=tf1.GraphKeys.TRAINABLE_VARIABLES,
        name_fn=lambda name: "linear/" + name.split("/")[-1])
    linear2 = snt.Linear(4, custom_getter={"w": restore_trainable, "b": frozen})
    linear2(tf.ones([1, 3]))
    self.init()
    self.assertAllEqual(self.evaluate(linear2.w), self.w)
    self.assertAllEqual(self.evaluate(linear2.b), np.zeros([4]))

  @test_utils.in_graph_mode
  def test_partitioned_variable(self):
    getter = snt.custom_getters.restore_initializer(self.prefix)
    linear = snt.Linear(
        4, custom_getter=getter,
        partitioners={"w": tf1.fixed_size_partitioner(2, axis=1)})
    linear(tf.ones([1, 3]))
    self.init()
    self.assertAllEqual(self.evaluate(tf.convert_to_tensor(linear.w)), self.w)

  @test_utils.in_all_modes
  def test_errors(self):
    getter = snt.custom_getters.restore_initializer(
        self.prefix, name_fn=lambda name: "missing/" + name)
    with self.assertRaisesRegex(ValueError,
                                "'linear/w' is looked up as 'missing/linear"):
      snt.Linear(4, custom_getter=getter)(tf.ones([1, 3]))
    getter = snt.custom_getters.restore_initializer(
        self.prefix, name_fn=lambda name: "linear/" + name.split("/")[-1])
    with self.assertRaisesRegex(ValueError, r"shape \[5, 4\] but"):
      snt.Linear(4, custom_getter=getter)(tf.ones([1, 5]))
    getter = snt.custom_getters.restore_initializer(
        os.path.join(self.directory, "nothing_here"))
    with self.assertRaisesRegex(ValueError, "cannot read checkpoint"):
      snt.Linear(4, custom_getter=getter)(tf.ones([1, 3]))
    getter = snt.custom_getters.restore_initializer(self.get_temp_dir() + "/e")
    os.makedirs(self.get_temp_dir() + "/e", exist_ok=True)
    with self.assertRaisesRegex(ValueError, "no checkpoint found"):
      snt.Linear(4, custom_getter=getter)(tf.ones([1, 3]))

  @test_utils.in_eager_mode
  def test_tf_function(self):
    getter = snt.custom_getters.restore_initializer(self.prefix)
    linear = snt.Linear(4, custom_getter=getter)
    y = tf.function(linear)(tf.ones([1, 3]))
    self.assertAllClose(y, self.w.sum(axis=0, keepdims=True) + self.b)


if __name__ == "__main__":
  test_utils.main()
