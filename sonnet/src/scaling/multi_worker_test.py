"""Sonnet modules under `tf.distribute.MultiWorkerMirroredStrategy`.

Two worker processes, each told its part of the cluster by TF_CONFIG, train
one MLP on their halves of a batch. They must end with identical weights,
equal to those of one-device training on the whole batch. The strategy is
TF2-only (eager, steps in a `tf.function`).
"""

import os

import numpy as np
from sonnet.src import test_utils
from sonnet.src.scaling import scaling_test_utils as scaling

_STEPS = 3
_LEARNING_RATE = 0.1

# One worker: argv is (output file, steps, learning rate).
_WORKER = """
import json
import os
import sys
import numpy as np
import sonnet as snt
from sonnet.src.scaling import scaling_test_utils as scaling
import tensorflow as tf

output_path, steps, learning_rate = sys.argv[1], int(sys.argv[2]), float(
    sys.argv[3])
task = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
strategy = tf.distribute.MultiWorkerMirroredStrategy()
inputs, targets = scaling.regression_batch()
share = len(inputs) // strategy.num_replicas_in_sync
x = tf.constant(inputs[task * share:(task + 1) * share])
y = tf.constant(targets[task * share:(task + 1) * share])
with strategy.scope():
  mlp = snt.nets.MLP([8, targets.shape[1]])
  mlp(x)
  optimizer = tf.compat.v1.train.GradientDescentOptimizer(learning_rate)
variables = mlp.trainable_variables
initial = [v.numpy() for v in variables]

def replica_step():
  loss = tf.reduce_sum(tf.square(mlp(x) - y)) / targets.size
  grads = tf.gradients(loss, variables)
  return optimizer.apply_gradients(zip(grads, variables))  # Sums replicas.

@tf.function
def step():
  strategy.run(replica_step)

for _ in range(steps):
  step()
np.savez(output_path, names=[v.name for v in variables],
         replicas=strategy.num_replicas_in_sync,
         initial=np.array(initial, dtype=object),
         trained=np.array([v.numpy() for v in variables], dtype=object))
print("worker %d done" % task)
"""


class MultiWorkerMirroredStrategyTest(test_utils.TestCase):

  @test_utils.in_eager_mode
  def test_two_workers_end_identical_and_as_one_device(self):
    cluster = scaling.cluster_dict(worker=2)
    outputs = [
        os.path.join(self.get_temp_dir(), "worker_%d.npz" % i) for i in range(2)
    ]
    workers = [
        scaling.run_python(
            _WORKER, env={"TF_CONFIG": scaling.tf_config(cluster, "worker", i)},
            args=(outputs[i], str(_STEPS), str(_LEARNING_RATE)))
        for i in range(2)]
    for worker in workers:
      returncode, output = scaling.finish(worker)
      self.assertEqual(returncode, 0, output)
    results = []
    for path in outputs:
      with np.load(path, allow_pickle=True) as result:
        results.append({k: result[k] for k in result.files})
    first, second = results[0], results[1]
    self.assertEqual(first["replicas"], 2)
    self.assertEqual(list(first["names"]), [
        "mlp/linear_0/b:0", "mlp/linear_0/w:0", "mlp/linear_1/b:0",
        "mlp/linear_1/w:0"])
    for a, b in zip(first["initial"], second["initial"]):
      self.assertAllEqual(a, b)  # The chief's initial values, broadcast.
    for a, b in zip(first["trained"], second["trained"]):
      self.assertAllEqual(a, b)
    b0, w0, b1, w1 = first["initial"]
    inputs, targets = scaling.regression_batch()
    expected = scaling.train_mlp_reference([(w0, b0), (w1, b1)], inputs,
                                           targets, _STEPS, _LEARNING_RATE)
    (w0, b0), (w1, b1) = expected
    for got, want in zip(first["trained"], [b0, w0, b1, w1]):
      self.assertAllClose(got, want, rtol=1e-5, atol=1e-6)
    self.assertNotAllClose(first["trained"][1], first["initial"][1])


if __name__ == "__main__":
  test_utils.main()
