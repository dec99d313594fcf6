"""TF1 between-graph replication: parameter servers, workers, a restart.

Two parameter servers run in this process (`tf.compat.v1.train.Server`). Two
worker processes each build their own graph under `replica_device_setter`
(a partitioned `Embed` and `Linear`, whose parts go to both servers) and
train with `MonitoredTrainingSession`. Once the chief has written a
checkpoint, both are killed; a fresh cluster and chief then resume from that
checkpoint. Graph mode only, as TF1 distributed training is.
"""

import json
import os
import signal
import time

import numpy as np
from sonnet.src import test_utils
from sonnet.src.scaling import scaling_test_utils as scaling
import tensorflow as tf

_RESUMED_STEPS = 4

# One worker: argv is (cluster json, task, checkpoint dir, output file,
# steps); steps 0 means train until killed.
_WORKER = """
import json
import sys
import numpy as np
from sonnet.src import test_utils  # TF1 behaviour in the TF1 world.
import sonnet as snt
import tensorflow as tf

tf1 = tf.compat.v1
cluster = tf.train.ClusterSpec(json.loads(sys.argv[1]))
task, checkpoint_dir, output_path = int(sys.argv[2]), sys.argv[3], sys.argv[4]
steps = int(sys.argv[5])
server = tf1.train.Server(cluster, job_name="worker", task_index=task)
rng = np.random.RandomState(0)
ids = rng.randint(0, 10, size=[8, 3])
targets = rng.normal(size=[8, 2]).astype(np.float32)
with tf.Graph().as_default():
  with tf1.device(tf1.train.replica_device_setter(
      cluster=cluster, worker_device="/job:worker/task:%d" % task)):
    global_step = tf1.train.get_or_create_global_step()
    embed = snt.Embed(vocab_size=10, embed_dim=4, partitioners={
        "embeddings": tf1.fixed_size_partitioner(2)})
    linear = snt.Linear(2, partitioners={"w": tf1.fixed_size_partitioner(2)})
    features = tf.reshape(embed(tf.constant(ids)), [8, 12])
    loss = tf.reduce_mean(tf.square(linear(features) - targets))
    train_op = tf1.train.GradientDescentOptimizer(0.1).minimize(
        loss, global_step=global_step)
  parts = {v.op.name: v.device for v in embed.get_variables() +
           linear.get_variables()}
  whole = {"embed/embeddings": tf.convert_to_tensor(embed.embeddings),
           "linear/w": tf.convert_to_tensor(linear.w), "linear/b": linear.b}
  config = tf1.ConfigProto(
      device_filters=["/job:ps", "/job:worker/task:%d" % task])
  with tf1.train.MonitoredTrainingSession(
      master=server.target, is_chief=task == 0,
      checkpoint_dir=checkpoint_dir, save_checkpoint_steps=5,
      save_summaries_steps=None, save_summaries_secs=None,
      log_step_count_steps=None, config=config) as sess:
    start = sess.run(global_step)
    values = sess.run(whole)
    first_loss = sess.run(loss)
    while not steps or sess.run(global_step) < start + steps:
      sess.run(train_op)
    result = dict(values, start=start, end=sess.run(global_step),
                  first_loss=first_loss, last_loss=sess.run(loss),
                  parts=json.dumps(parts))
np.savez(output_path, **result)
"""


def _latest_step(checkpoint_dir):
  """The global step of the latest checkpoint (-1 if none)."""
  path = tf.train.latest_checkpoint(checkpoint_dir)
  return -1 if path is None else int(path.rsplit("-", 1)[1])


def _start_worker(cluster, task, checkpoint_dir, output_path, steps):
  return scaling.run_python(
      _WORKER,
      args=(json.dumps(cluster), str(task), checkpoint_dir, output_path,
            str(steps)))


class BetweenGraphTest(test_utils.TestCase):

  def start_cluster(self):
    """Two ps servers here; returns the cluster dict (workers not started)."""
    cluster = scaling.cluster_dict(ps=2, worker=2)
    self.servers = getattr(self, "servers", []) + [
        tf.compat.v1.train.Server(tf.train.ClusterSpec(cluster), job_name="ps",
                                  task_index=i) for i in range(2)]
    return cluster

  def wait_for_checkpoint(self, checkpoint_dir, workers):
    """Waits for a checkpoint after training steps (not the one at step 0)."""
    deadline = time.time() + scaling.SUBPROCESS_TIMEOUT
    while _latest_step(checkpoint_dir) < 5:
      for worker in workers:
        if worker.poll() is not None:
          self.fail("A worker stopped: %s" % scaling.finish(worker)[1])
      self.assertLess(time.time(), deadline, "No checkpoint written.")
      time.sleep(0.2)

  @test_utils.in_graph_mode
  def test_partitioned_training_killed_and_resumed(self):
    checkpoint_dir = os.path.join(self.get_temp_dir(), "train")
    cluster = self.start_cluster()
    workers = [
        _start_worker(cluster, task, checkpoint_dir, "unused", 0)
        for task in range(2)]
    try:
      self.wait_for_checkpoint(checkpoint_dir, workers)
    finally:
      for worker in workers:
        worker.send_signal(signal.SIGKILL)
        scaling.finish(worker)
    checkpoint = tf.train.load_checkpoint(
        tf.train.latest_checkpoint(checkpoint_dir))
    saved_step = checkpoint.get_tensor("global_step")
    self.assertGreaterEqual(saved_step, 5)

    # A fresh cluster: the servers' memory is gone, only the checkpoint is.
    output_path = os.path.join(self.get_temp_dir(), "resumed.npz")
    returncode, output = scaling.finish(
        _start_worker(self.start_cluster(), 0, checkpoint_dir, output_path,
                      _RESUMED_STEPS))
    self.assertEqual(returncode, 0, output)
    with np.load(output_path) as resumed:
      resumed = {k: resumed[k] for k in resumed.files}
    self.assertEqual(resumed["start"], saved_step)
    self.assertEqual(resumed["end"], saved_step + _RESUMED_STEPS)
    for name in ("embed/embeddings", "linear/w", "linear/b"):
      self.assertAllEqual(resumed[name], checkpoint.get_tensor(name))
    self.assertLess(resumed["last_loss"], resumed["first_loss"])
    self.assertEqual(checkpoint.get_variable_to_shape_map()["embed/embeddings"],
                     [10, 4])
    parts = json.loads(str(resumed["parts"]))
    self.assertEqual(sorted(parts), [
        "embed/embeddings/part_0", "embed/embeddings/part_1", "linear/b",
        "linear/w/part_0", "linear/w/part_1"])
    for name in ("embed/embeddings", "linear/w"):
      self.assertCountEqual(
          [parts[name + "/part_%d" % i].split("/")[2] for i in range(2)],
          ["task:0", "task:1"])
      self.assertTrue(
          all(parts[name + "/part_%d" % i].startswith("/job:ps")
              for i in range(2)))
    final = tf.train.load_checkpoint(tf.train.latest_checkpoint(checkpoint_dir))
    self.assertEqual(final.get_tensor("global_step"),
                     saved_step + _RESUMED_STEPS)


if __name__ == "__main__":
  test_utils.main()
