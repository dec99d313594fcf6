"""What the scaling tests share: ports, clusters, subprocesses, references.

Every server listens on 127.0.0.1 on a port the system picked at run time,
and every subprocess runs under a time limit, so the tests can run side by
side on a loaded machine and cannot hang.
"""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import tensorflow as tf

# The longest a test's subprocess may run, in seconds.
SUBPROCESS_TIMEOUT = 120


def free_port():
  """A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0)."""
  with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    return s.getsockname()[1]


def cluster_dict(**tasks):
  """A cluster of local tasks, e.g. `cluster_dict(worker=2, ps=1)`.

  Args:
    **tasks: the number of tasks of each job.

  Returns:
    `{job: ["127.0.0.1:port", ...]}` with a fresh port per task.
  """
  return {
      job: ["127.0.0.1:%d" % free_port() for _ in range(count)]
      for job, count in tasks.items()}


def start_servers(cluster, jobs):
  """Starts in-process `tf.distribute.Server`s for every task of `jobs`.

  Args:
    cluster: a dict from `cluster_dict`.
    jobs: the job names to serve here (e.g. `("worker", "ps")`).

  Returns:
    The servers (keep them referenced while they are needed).
  """
  spec = tf.train.ClusterSpec(cluster)
  return [
      tf.distribute.Server(spec, job_name=job, task_index=index,
                           protocol="grpc", start=True)
      for job in jobs
      for index in range(len(cluster[job]))]


def run_python(source, env=None, args=(), timeout=SUBPROCESS_TIMEOUT):
  """Starts `python -c source` with this process's path and `env` added.

  Args:
    source: Python source text.
    env: extra environment variables.
    args: command line arguments (`sys.argv[1:]` of the child).
    timeout: seconds after which `communicate` gives up (see `finish`).

  Returns:
    The `subprocess.Popen`, with its `timeout` set as an attribute.
  """
  child_env = dict(os.environ)
  child_env["PYTHONPATH"] = os.pathsep.join(
      p for p in sys.path if p) + os.pathsep + child_env.get("PYTHONPATH", "")
  child_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
  child_env.update(env or {})
  proc = subprocess.Popen([sys.executable, "-c", source] + list(args),
                          env=child_env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
  proc.timeout = timeout
  return proc


def finish(proc):
  """Waits for a `run_python` child; kills it after its timeout.

  Args:
    proc: what `run_python` returned.

  Returns:
    `(returncode, output)`; the return code is None if it was killed.
  """
  try:
    output, _ = proc.communicate(timeout=proc.timeout)
    return proc.returncode, output
  except subprocess.TimeoutExpired:
    proc.kill()
    output, _ = proc.communicate()
    return None, output


def tf_config(cluster, job, index):
  """The TF_CONFIG environment value of one task."""
  return json.dumps({"cluster": cluster, "task": {"type": job, "index": index}})


def train_mlp_reference(initial, inputs, targets, steps, learning_rate):
  """Plain SGD on one device for a ReLU MLP, from given values (eager).

  The loss is the mean squared error over the whole batch, as the
  distributed tests compute it from their replicas' shares.

  Args:
    initial: `[(w, b), ...]` NumPy values of each layer.
    inputs: `[batch, input]` float32 inputs.
    targets: `[batch, output]` float32 targets.
    steps: how many steps to take.
    learning_rate: the SGD learning rate.

  Returns:
    The trained `[(w, b), ...]` as NumPy arrays.
  """
  params = [(tf.Variable(w), tf.Variable(b)) for w, b in initial]
  flat = [v for pair in params for v in pair]

  def forward(x):
    for i, (w, b) in enumerate(params):
      x = tf.matmul(x, w) + b
      if i < len(params) - 1:
        x = tf.nn.relu(x)
    return x

  for _ in range(steps):
    with tf.GradientTape() as tape:
      loss = tf.reduce_mean(tf.square(forward(inputs) - targets))
    for variable, grad in zip(flat, tape.gradient(loss, flat)):
      variable.assign_sub(learning_rate * grad)
  return [(w.numpy(), b.numpy()) for w, b in params]


def regression_batch(batch_size=8, input_size=6, output_size=3, seed=0):
  """A fixed float32 `(inputs, targets)` pair."""
  rng = np.random.RandomState(seed)
  return (rng.normal(size=[batch_size, input_size]).astype(np.float32),
          rng.normal(size=[batch_size, output_size]).astype(np.float32))
