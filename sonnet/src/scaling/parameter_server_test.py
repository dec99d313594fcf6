"""Sonnet modules under `tf.distribute.ParameterServerStrategy`.

Two workers and two parameter servers run in this process as
`tf.distribute.Server`s; the test itself is the chief (the coordinator). The
strategy is TF2-only and its coordinator works eagerly, so these tests run
in TF2 behaviour only.
"""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.scaling import scaling_test_utils as scaling
import tensorflow as tf

_LEARNING_RATE = 0.1
_STEPS = 3


def _partitioner(shards):
  if shards is None:
    return None
  return tf.distribute.experimental.partitioners.FixedShardsPartitioner(shards)


def _sgd_step(module, inputs, targets):
  """One plain SGD step on the squared error; returns the loss."""
  with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.square(module(inputs) - targets))
  variables = module.trainable_variables
  for variable, grad in zip(variables, tape.gradient(loss, variables)):
    variable.assign_sub(_LEARNING_RATE * grad)
  return loss


def _whole(variable):
  """A variable's value (a sharded one's shards joined) as a NumPy array."""
  return tf.convert_to_tensor(variable).numpy()


class ParameterServerStrategyTest(test_utils.TestCase, parameterized.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.cluster = scaling.cluster_dict(chief=1, worker=2, ps=2)
    cls.servers = scaling.start_servers(cls.cluster, ("worker", "ps"))

  def strategy(self, shards=None):
    resolver = tf.distribute.cluster_resolver.SimpleClusterResolver(
        tf.train.ClusterSpec(self.cluster), task_type="chief", task_id=0,
        rpc_layer="grpc")
    return tf.distribute.ParameterServerStrategy(
        resolver, variable_partitioner=_partitioner(shards))

  @test_utils.in_eager_mode
  def test_sharded_linear_is_recorded_and_reconnects(self):
    strategy = self.strategy(shards=2)
    inputs = tf.constant(np.arange(18, dtype=np.float32).reshape([3, 6]) / 10)
    with strategy.scope():
      linear = snt.Linear(4)
      first = linear(inputs)
      second = linear(inputs)
    self.assertIsInstance(linear.w, tf.__internal__.distribute.ShardedVariable)
    self.assertEqual(linear.w.shape.as_list(), [6, 4])
    names = [
        "linear/w/part_0", "linear/w/part_1", "linear/b/part_0",
        "linear/b/part_1"]
    self.assertVariableNames(linear.get_variables(), names)
    self.assertVariableNames(linear.trainable_variables, names)
    self.assertEqual(
        {
            v.name.split(":")[0]: v.device.split("/")[1:3]
            for v in linear.variables}, {
                "linear/w/part_0": ["job:ps", "replica:0"], "linear/w/part_1": [
                    "job:ps", "replica:0"], "linear/b/part_0": [
                        "job:ps", "replica:0"], "linear/b/part_1": [
                            "job:ps", "replica:0"]})
    self.assertEqual(sorted(v.device.split("/")[3] for v in linear.variables),
                     ["task:0", "task:0", "task:1", "task:1"])
    expected = inputs.numpy().dot(_whole(linear.w)) + _whole(linear.b)
    self.assertAllClose(first, expected)
    self.assertAllClose(second, expected)

  @test_utils.in_eager_mode
  def test_sharded_embed_looks_up_rows_of_its_whole_table(self):
    strategy = self.strategy(shards=2)
    table = np.arange(20, dtype=np.float32).reshape([10, 2])
    ids = tf.constant([1, 7, 4, 5])
    with strategy.scope():
      embed = snt.Embed(existing_vocab=table)
      eager = embed(ids)
    coordinator = tf.distribute.experimental.coordinator.ClusterCoordinator(
        strategy)
    scheduled = coordinator.schedule(
        tf.function(lambda: strategy.run(embed, args=(ids,))))
    coordinator.join()
    self.assertIsInstance(embed.embeddings,
                          tf.__internal__.distribute.ShardedVariable)
    self.assertVariableNames(
        embed.variables, ["embed/embeddings/part_0", "embed/embeddings/part_1"])
    self.assertAllEqual(_whole(embed.embeddings), table)
    self.assertAllEqual(eager, table[[1, 7, 4, 5]])
    self.assertAllEqual(scheduled.fetch(), table[[1, 7, 4, 5]])

  @parameterized.named_parameters(("plain", None), ("sharded", 2))
  @test_utils.in_eager_mode
  def test_coordinator_trains_mlp_as_one_device_would(self, shards):
    strategy = self.strategy(shards)
    inputs, targets = map(tf.constant, scaling.regression_batch())
    with strategy.scope():
      mlp = snt.nets.MLP([8, 3])
      mlp(inputs)
    initial = [(_whole(layer.w), _whole(layer.b)) for layer in mlp.layers]
    coordinator = tf.distribute.experimental.coordinator.ClusterCoordinator(
        strategy)

    @tf.function
    def step():
      return strategy.run(_sgd_step, args=(mlp, inputs, targets))

    for _ in range(_STEPS):
      coordinator.schedule(step)
      coordinator.join()  # One step at a time: the result is deterministic.
    trained = [(_whole(layer.w), _whole(layer.b)) for layer in mlp.layers]
    expected = scaling.train_mlp_reference(initial, inputs, targets, _STEPS,
                                           _LEARNING_RATE)
    for (w, b), (w_ref, b_ref) in zip(trained, expected):
      self.assertAllClose(w, w_ref, rtol=1e-5, atol=1e-6)
      self.assertAllClose(b, b_ref, rtol=1e-5, atol=1e-6)
    self.assertNotAllClose(trained[0][0], initial[0][0])
    self.assertLen(mlp.trainable_variables, 4 * (shards or 1))
    self.assertTrue(all(
        "/job:ps/" in v.device for v in mlp.trainable_variables))


if __name__ == "__main__":
  test_utils.main()
