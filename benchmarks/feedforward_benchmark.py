"""`snt.nets` feed-forward networks against hand-written TensorFlow.

Training-step time of two networks, each built once with `snt.nets` and
once by hand (`tf.compat.v1.get_variable` in a `make_template`, with
`tf.nn.conv2d` / `tf.matmul`), in one run:
1. ConvNet2D: 4 conv layers (32, 32, 64, 64 channels, 3x3, strides 1, 2, 1,
   2), ReLU, spatial mean and a 10-way linear head, on 32x32x3 inputs.
2. MLP([1024, 1024, 10]) on 784-wide inputs.
Each is timed as a Session step in graph mode and as a `tf.function` step in
eager mode, with plain SGD. The ratio is Sonnet time / hand-written time.

Run: bazel run //benchmarks:feedforward_benchmark -- --steps=50
"""

import time

from absl import app
from absl import flags
import numpy as np
import sonnet as snt
import tensorflow as tf

tf1 = tf.compat.v1

FLAGS = flags.FLAGS
flags.DEFINE_integer("batch", 64, "Batch size.")
flags.DEFINE_integer("steps", 20, "Timed training steps per repeat.")
flags.DEFINE_integer("repeats", 5, "Repeats; the best one is reported.")

_CHANNELS = (32, 32, 64, 64)
_STRIDES = (1, 2, 1, 2)
_LR = 0.01


def snt_convnet():
  net = snt.nets.ConvNet2D(list(_CHANNELS), kernel_shapes=[3],
                           strides=list(_STRIDES), paddings=[snt.SAME],
                           activate_final=True)
  head = snt.Linear(10)
  return lambda x: head(tf.reduce_mean(net(x), axis=[1, 2]))


def hand_convnet():
  """The same network as `snt_convnet`, written with get_variable."""

  def network(x):
    for i, (channels, stride) in enumerate(zip(_CHANNELS, _STRIDES)):
      fan_in = 9 * int(x.shape[-1])
      w = tf1.get_variable(
          "w%d" % i, [3, 3, x.shape[-1], channels],
          initializer=tf1.truncated_normal_initializer(stddev=fan_in**-0.5))
      b = tf1.get_variable("b%d" % i, [channels],
                           initializer=tf1.zeros_initializer())
      x = tf.nn.relu(
          tf.nn.bias_add(tf.nn.conv2d(x, w, strides=stride, padding="SAME"), b))
    x = tf.reduce_mean(x, axis=[1, 2])
    w = tf1.get_variable(
        "head_w", [x.shape[-1], 10],
        initializer=tf1.truncated_normal_initializer(
            stddev=int(x.shape[-1])**-0.5))
    b = tf1.get_variable("head_b", [10], initializer=tf1.zeros_initializer())
    return tf.matmul(x, w) + b

  return tf1.make_template("hand_convnet", network)


def snt_mlp():
  return snt.nets.MLP([1024, 1024, 10])


def hand_mlp():
  """`MLP([1024, 1024, 10])` written with get_variable."""

  def network(x):
    for i, size in enumerate((1024, 1024, 10)):
      w = tf1.get_variable(
          "w%d" % i, [x.shape[-1], size],
          initializer=tf1.truncated_normal_initializer(
              stddev=int(x.shape[-1])**-0.5))
      b = tf1.get_variable("b%d" % i, [size],
                           initializer=tf1.zeros_initializer())
      x = tf.matmul(x, w) + b
      if i < 2:
        x = tf.nn.relu(x)
    return x

  return tf1.make_template("hand_mlp", network)


def _loss(model, x, labels):
  return tf.reduce_mean(
      tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                     logits=model(x)))


def _best_times(runners):
  """Best seconds per step of each runner, timed in alternation.

  Alternating the runners within each repeat keeps a slow phase of the
  machine (other processes, frequency changes) from favouring either.

  Args:
    runners: callables `run_steps(n)`.

  Returns:
    A list of seconds per step, one per runner.
  """
  for run_steps in runners:
    run_steps(3)  # Warm up (and trace).
  best = [float("inf")] * len(runners)
  for _ in range(FLAGS.repeats):
    for i, run_steps in enumerate(runners):
      start = time.perf_counter()
      run_steps(FLAGS.steps)
      best[i] = min(best[i], (time.perf_counter() - start) / FLAGS.steps)
  return best


def graph_runner(make_model, x, labels):
  """An SGD step in a Session of its own graph, as `run_steps(n)`."""
  graph = tf.Graph()
  with graph.as_default():
    loss = _loss(make_model(), tf.constant(x), tf.constant(labels))
    train = tf1.train.GradientDescentOptimizer(_LR).minimize(loss)
    init = tf1.global_variables_initializer()
  session = tf1.Session(graph=graph)
  session.run(init)

  def run_steps(n):
    for _ in range(n):
      session.run(train)

  return run_steps


def eager_runner(make_model, x, labels):
  """An SGD step as a `tf.function` in eager mode, as `run_steps(n)`."""
  model = make_model()
  x = tf.constant(x)
  labels = tf.constant(labels)
  _loss(model, x, labels)  # Creates the variables.

  @tf.function
  def step():
    with tf.GradientTape() as tape:
      loss = _loss(model, x, labels)
    watched = tape.watched_variables()
    for v, g in zip(watched, tape.gradient(loss, watched)):
      v.assign_sub(_LR * g)
    return loss

  def run_steps(n):
    for _ in range(n):
      loss = step()
    loss.numpy()

  return run_steps


def main(argv):
  del argv
  rng = np.random.RandomState(0)
  batch = FLAGS.batch
  images = rng.randn(batch, 32, 32, 3).astype(np.float32)
  vectors = rng.randn(batch, 784).astype(np.float32)
  labels = rng.randint(0, 10, size=batch).astype(np.int32)
  cases = [
      ("ConvNet2D 4x3x3 (32-64 ch), 32x32", snt_convnet, hand_convnet, images),
      ("MLP([1024, 1024, 10]), 784 in", snt_mlp, hand_mlp, vectors)]
  print("Training step, batch %d, best of %d x %d steps (ms/step)" %
        (batch, FLAGS.repeats, FLAGS.steps))
  print("%-36s %-7s %9s %9s %7s" %
        ("network", "mode", "sonnet", "by hand", "ratio"))
  for name, make_snt, make_hand, x in cases:
    for mode, runner in (("graph", graph_runner), ("eager", eager_runner)):
      t_snt, t_hand = _best_times([
          runner(make_snt, x, labels),
          runner(make_hand, x, labels)])
      print("%-36s %-7s %9.3f %9.3f %7.3f" %
            (name, mode, t_snt * 1e3, t_hand * 1e3, t_snt / t_hand))


if __name__ == "__main__":
  app.run(main)
