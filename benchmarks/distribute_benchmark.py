"""Data-parallel training: MirroredStrategy over 2 logical CPUs vs one device.

One training step (an MLP with a `BatchNorm`, whose statistics are then
those of the global batch, softmax cross-entropy, SGD) on the same global
batch, as a `tf.function`:
- `one_device`: no strategy; `one_device_again` is the same again, an A/A
  pair whose ratio is the noise floor of the loaded machine;
- `mirrored`: `tf.distribute.MirroredStrategy` over two logical CPU
  devices, half the batch each, gradients summed across replicas.
The contenders run in interleaved rounds; each round times `--steps` steps;
the median round is reported, and the ratios to `one_device`.

Both logical devices share the same physical cores, so the ratio measures
what replication costs (per-replica graphs, the all-reduces), not a
speed-up from more hardware.

Run: bazel run //benchmarks:distribute_benchmark -- --rounds=7
"""

import statistics
import time

from absl import app
from absl import flags
import numpy as np
import tensorflow as tf

flags.DEFINE_integer("batch", 256, "Global batch size.")
flags.DEFINE_integer("hidden", 512, "Width of the MLP's two hidden layers.")
flags.DEFINE_integer("steps", 20, "Timed training steps per round.")
flags.DEFINE_integer("rounds", 7, "Interleaved rounds; the median is shown.")
FLAGS = flags.FLAGS

_INPUTS = 784
_CLASSES = 10
_LR = 0.01


def _model(snt):
  """The network (MLP, BatchNorm, linear head) and its modules."""
  mlp = snt.nets.MLP([FLAGS.hidden, FLAGS.hidden], activate_final=True)
  bn = snt.BatchNorm()
  head = snt.Linear(_CLASSES)
  return lambda x: head(bn(mlp(x), is_training=True)), (mlp, bn, head)


def make_step(snt, strategy, images, labels):
  """A compiled training step under `strategy` (the default one for none).

  Args:
    snt: the sonnet module.
    strategy: a `tf.distribute.Strategy`.
    images: the global batch of inputs (NumPy).
    labels: its labels (NumPy).

  Returns:
    A function running one step and returning the loss.
  """
  per_replica = len(images) // strategy.num_replicas_in_sync
  tf.random.set_seed(0)  # The same initial weights for every contender.
  with strategy.scope():
    model, modules = _model(snt)

  def shard(array):
    return strategy.experimental_distribute_values_from_function(
        lambda ctx: tf.constant(
            array[ctx.replica_id_in_sync_group * per_replica:
                  (ctx.replica_id_in_sync_group + 1) * per_replica]))

  x, y = shard(images), shard(labels)
  # The first connection creates the variables, outside any tf.function.
  strategy.run(model, args=(x,))
  variables = [v for m in modules for v in m.get_variables()]

  def replica_grads(x, y):
    with tf.GradientTape() as tape:
      loss = tf.reduce_sum(
          tf.nn.sparse_softmax_cross_entropy_with_logits(
              labels=y, logits=model(x))) / len(images)
    return loss, tape.gradient(loss, variables)

  @tf.function
  def step():
    loss, grads = strategy.reduce(tf.distribute.ReduceOp.SUM,
                                  strategy.run(replica_grads, args=(x, y)),
                                  axis=None)
    for variable, grad in zip(variables, grads):
      variable.assign_sub(_LR * grad)
    return loss

  return step


def main(argv):
  del argv
  tf.get_logger().setLevel("ERROR")
  cpu = tf.config.list_physical_devices("CPU")[0]
  tf.config.set_logical_device_configuration(
      cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
  import sonnet as snt  # pylint: disable=import-outside-toplevel
  rng = np.random.RandomState(0)
  images = rng.randn(FLAGS.batch, _INPUTS).astype(np.float32)
  labels = rng.randint(_CLASSES, size=FLAGS.batch).astype(np.int32)
  mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
  contenders = {
      "one_device": make_step(snt, tf.distribute.get_strategy(), images,
                              labels),
      "one_device_again": make_step(snt, tf.distribute.get_strategy(), images,
                                    labels),
      "mirrored": make_step(snt, mirrored, images, labels),}
  # The first step traces; its losses must agree (same data, same start).
  print("first losses: " + ", ".join(
      "%s %.6f" % (name, step()) for name, step in contenders.items()))
  times = {name: [] for name in contenders}
  for _ in range(FLAGS.rounds):
    for name, step in contenders.items():
      start = time.perf_counter()
      for _ in range(FLAGS.steps):
        step()
      times[name].append((time.perf_counter() - start) / FLAGS.steps)
  base = statistics.median(times["one_device"])
  print("global batch %d, MLP %dx2 + BatchNorm, %d steps x %d rounds" %
        (FLAGS.batch, FLAGS.hidden, FLAGS.steps, FLAGS.rounds))
  for name, rounds in times.items():
    median = statistics.median(rounds)
    print("%-17s %8.2f ms/step  ratio %.2f" %
          (name, median * 1e3, median / base))


if __name__ == "__main__":
  app.run(main)
