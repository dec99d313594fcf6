"""Sonnet modules under `tf.distribute.MirroredStrategy` on two CPUs.

The process's CPU is split into two logical devices. Training under the
strategy (each replica half of the batch, gradients summed across replicas)
must give what training on one device gives with the whole batch.
"""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

_BATCH, _TIME, _INPUT, _OUTPUT = 8, 4, 6, 3
_STEPS = 3

_STRATEGY = []


def setUpModule():
  cpu, = tf.config.list_physical_devices("CPU")
  tf.config.set_logical_device_configuration(
      cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
  # One strategy for every test: two over the same devices in one process
  # share collective keys, and the second's all-reduce may meet the first's.
  _STRATEGY.append(tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]))


class _Mlp:
  """An MLP on `[batch, input]` inputs."""

  def __init__(self, name):
    self.module = snt.nets.MLP([8, _OUTPUT], name=name)

  def __call__(self, x):
    return self.module(x)


class _LstmUnroll:
  """An LSTM unrolled over `[batch, time, input]` inputs, then a Linear."""

  def __init__(self, name):
    self.core = snt.LSTM(5, name=name + "_lstm")
    self.readout = snt.Linear(_OUTPUT, name=name + "_readout")

  def __call__(self, x):
    batch_size = x.shape.as_list()[0]
    outputs, _ = snt.dynamic_unroll(self.core, tf.transpose(x, [1, 0, 2]),
                                    self.core.initial_state(batch_size))
    return self.readout(outputs[-1])

  @property
  def trainable_variables(self):
    return self.core.trainable_variables + self.readout.trainable_variables


_MODELS = {
    "mlp": (_Mlp, [_BATCH, _INPUT]),
    "lstm_unroll": (_LstmUnroll, [_BATCH, _TIME, _INPUT])}


def _trainable(model):
  return getattr(model, "module", model).trainable_variables


class MirroredStrategyTest(test_utils.TestCase, parameterized.TestCase):

  def train(self, strategy, make_model, inputs, targets, initial=None):
    """Trains under `strategy`; returns (model, initial and final values).

    Args:
      strategy: a `tf.distribute.Strategy`.
      make_model: `_Mlp` or `_LstmUnroll`.
      inputs: the whole batch of inputs.
      targets: the whole batch of targets.
      initial: values to start from; None keeps the initializers' values.
    """
    replicas = strategy.num_replicas_in_sync
    local_batch = _BATCH // replicas
    with strategy.scope():
      # In graph mode, names taken inside a strategy's scope are forgotten
      # when it closes (TensorFlow's variable scopes), so each run names its
      # model.
      model = make_model("replicas_%d" % replicas)
      model(inputs[:local_batch])  # Makes the variables under the strategy.
      optimizer = tf.compat.v1.train.GradientDescentOptimizer(0.1)
    variables = _trainable(model)
    if initial is not None:
      self.init()
      self.evaluate([v.assign(value) for v, value in zip(variables, initial)])

    def replica_step():
      replica = tf.distribute.get_replica_context().replica_id_in_sync_group
      x, y = [
          tf.gather(tf.reshape(t, [replicas, local_batch] + t.shape[1:]),
                    replica) for t in (inputs, targets)]
      loss = tf.reduce_sum(tf.square(model(x) - y)) / _BATCH
      # Always in a graph (a tf.function in eager mode); TF1's reference
      # variables have no tape gradients.
      grads = tf.gradients(loss, variables)
      # Updates wait for every gradient: TF1's reference variables are read
      # without a copy, so an early update would change a later gradient.
      with tf.control_dependencies(grads):
        # The optimizer sums the replicas' gradients.
        update = optimizer.apply_gradients(zip(grads, variables))
      with tf.control_dependencies([update]):
        return tf.identity(loss)

    if self.eager:
      step = tf.function(lambda: strategy.run(replica_step))
    else:
      update = strategy.experimental_local_results(strategy.run(replica_step))
      step = lambda: self.evaluate(update)
    if initial is None:
      self.init()
    before = self.evaluate(variables)
    for _ in range(_STEPS):
      step()
    return model, before, self.evaluate(variables)

  @parameterized.named_parameters(*[(name, name) for name in _MODELS])
  @test_utils.in_all_modes
  def test_two_replicas_train_as_one_device(self, name):
    make_model, input_shape = _MODELS[name]
    rng = np.random.RandomState(0)
    inputs = tf.constant(rng.normal(size=input_shape).astype(np.float32))
    targets = tf.constant(rng.normal(size=[_BATCH, _OUTPUT]).astype(np.float32))
    mirrored = _STRATEGY[0]
    model, initial, trained = self.train(mirrored, make_model, inputs, targets)
    for variable in _trainable(model):
      copies = mirrored.experimental_local_results(variable)
      self.assertEqual([c.device.split("/")[-1] for c in copies],
                       ["device:CPU:0", "device:CPU:1"])
      self.assertAllEqual(*self.evaluate(copies))
    _, _, expected = self.train(tf.distribute.get_strategy(), make_model,
                                inputs, targets, initial)
    for got, want, start in zip(trained, expected, initial):
      self.assertAllClose(got, want, rtol=1e-5, atol=1e-6)
      self.assertNotAllClose(got, start)


if __name__ == "__main__":
  test_utils.main()
