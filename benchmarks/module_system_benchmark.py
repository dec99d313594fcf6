"""Sonnet's module system against hand-written TensorFlow, in one run.

Three comparisons, each printed with its ratio (Sonnet / hand-written):
1. Graph construction: a stack of `snt.Linear(64)` + relu layers connected
   twice, against the same network written with `make_template` and
   `get_variable`.
2. Training-step time of that network in a Session (the guide promises no
   runtime overhead: the graphs are the same ops).
3. Eager per-call time of one `snt.Linear` against `tf.matmul` + bias on
   `tf.Variable`s, and the same inside `tf.function`.

Run: bazel run //benchmarks:module_system_benchmark -- --layers=200
"""

import time
import timeit

from absl import app
from absl import flags
import numpy as np
import sonnet as snt
import tensorflow as tf

import linear_stacks

tf1 = tf.compat.v1

FLAGS = flags.FLAGS
flags.DEFINE_integer("layers", 200, "Depth of the Linear stack.")
flags.DEFINE_integer("width", 64, "Width of every layer.")
flags.DEFINE_integer("batch", 32, "Batch size of the training step.")
flags.DEFINE_integer("steps", 200, "Timed training steps per round.")
flags.DEFINE_integer("repeats", 15, "Rounds; the best one is reported.")


def build_twice(make_network):
  """Builds a graph with the network connected twice; returns the time."""
  with tf.Graph().as_default():
    start = time.perf_counter()
    network = make_network(FLAGS.layers, FLAGS.width)
    x = tf1.placeholder(tf.float32, [None, FLAGS.width])
    network(x)
    network(x)
    return time.perf_counter() - start


def training_step(make_network):
  """A Session and a callable running one SGD step of the network."""
  graph = tf.Graph()
  with graph.as_default():
    tf1.set_random_seed(0)
    network = make_network(FLAGS.layers, FLAGS.width)
    x = tf1.placeholder(tf.float32, [FLAGS.batch, FLAGS.width])
    loss = tf.reduce_mean(tf.square(network(x)))
    train = tf1.train.GradientDescentOptimizer(1e-3).minimize(loss)
    sess = tf1.Session(graph=graph)
    sess.run(tf1.global_variables_initializer())
  feed = {
      x: np.random.RandomState(0).randn(FLAGS.batch,
                                        FLAGS.width).astype(np.float32)}
  return sess, lambda: sess.run(train, feed)


def step_times(*make_networks):
  """Best time per step of each network, timed in alternating rounds.

  Alternating (A, B, A, B, ...) rather than timing A then B keeps slow
  drifts of the machine (frequency, other processes) out of the ratio.

  Args:
    *make_networks: network builders.

  Returns:
    A list of seconds per step, one per builder.
  """
  steps = [training_step(make) for make in make_networks]
  for _, step in steps:
    for _ in range(10):
      step()
  best = [float("inf")] * len(steps)
  for _ in range(FLAGS.repeats):
    for i, (_, step) in enumerate(steps):
      best[i] = min(best[i], timeit.timeit(step, number=FLAGS.steps))
  for sess, _ in steps:
    sess.close()
  return [t / FLAGS.steps for t in best]


def eager_call_times():
  """Per-call times of snt.Linear and raw ops, eager and in tf.function."""
  x = tf.ones([8, FLAGS.width])
  linear = snt.Linear(FLAGS.width)
  linear(x)
  w = tf.Variable(tf.ones([FLAGS.width, FLAGS.width]))
  b = tf.Variable(tf.zeros([FLAGS.width]))
  raw = lambda: tf.matmul(x, w) + b
  snt_fn = tf.function(lambda: linear(x))
  raw_fn = tf.function(raw)
  results = {}
  for name, fn in [("eager raw", raw), ("eager snt", lambda: linear(x)),
                   ("tf.function raw", raw_fn), ("tf.function snt", snt_fn)]:
    fn()
    results[name] = min(timeit.repeat(fn, number=500, repeat=5)) / 500
  return results


def report(label, snt_value, raw_value, unit_scale, unit, goal=None):
  ratio = snt_value / raw_value
  verdict = ""
  if goal is not None:
    verdict = "  (goal <= %.2f: %s)" % (goal,
                                        "met" if ratio <= goal else "NOT met")
  print("%-34s snt %9.2f %s   hand-written %9.2f %s   ratio %.3f%s" %
        (label, snt_value * unit_scale, unit, raw_value * unit_scale, unit,
         ratio, verdict))


def main(argv):
  del argv
  builds = [(build_twice(linear_stacks.snt_stack),
             build_twice(linear_stacks.template_stack))
            for _ in range(3)]  # Alternating, as for the training steps.
  build_snt = min(snt_time for snt_time, _ in builds)
  build_raw = min(raw_time for _, raw_time in builds)
  report("graph construction (%d layers x2)" % FLAGS.layers, build_snt,
         build_raw, 1e3, "ms", goal=1.25)
  step_snt, step_raw = step_times(linear_stacks.snt_stack,
                                  linear_stacks.template_stack)
  report("training step (Session)", step_snt, step_raw, 1e3, "ms", goal=1.02)
  times = eager_call_times()
  report("eager Linear call", times["eager snt"], times["eager raw"], 1e6, "us")
  report("tf.function Linear call", times["tf.function snt"],
         times["tf.function raw"], 1e6, "us")
  print("eager module overhead per call: %.1f us" %
        ((times["eager snt"] - times["eager raw"]) * 1e6))


if __name__ == "__main__":
  app.run(main)
