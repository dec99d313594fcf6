"""Every row of the performance table, as ratios to hand-written TensorFlow.

One run times each workload's contenders interleaved, round by round (so a
slow spell of the machine hits them all), and reports each contender's
quiet rounds: the median of its fastest half. Every ratio is to the same
network written by hand; a second, identical copy of the hand-written
version ("A/A") gives the noise floor of the run. Keras 3 (bundled with
TensorFlow) is a column where it has the same network. Sonnet 2 is one
with `--sonnet2_python=PATH`, an interpreter that has it: it installs
`sonnet` under our import name, so `sonnet2_rows.py` times it under PATH,
against the same hand-written networks with its own A/A ("-" where Sonnet 2
has no such row).

Workloads:
* build: 200 `snt.Linear(64)` + relu, connected twice, graph mode, against
  `make_template` + `get_variable` layers.
* trace: a fresh `tf.function` connecting those 200 layers twice, traced
  after one eager connection (variables exist); hand-written: `tf.Variable`
  layers. "trace, creating" traces 50 layers that make their variables in
  the trace.
* deep RNN: 8 x `snt.LSTM(64)` in `snt.DeepRNN`, `snt.dynamic_unroll` over
  20 steps, traced in a fresh `tf.function`; hand-written: the same cells
  on `tf.Variable`s in a `tf.while_loop`.
* eager call: one `snt.Linear(32)` on a batch of 8, against `tf.matmul` +
  bias (and, eagerly, against the same two kernels called through
  `tf.raw_ops`, as `snt.Linear` calls them); and the same inside
  `tf.function`.
* MLP step: `snt.nets.MLP([1024, 1024, 10])` on 784 inputs, batch 64, an
  SGD step in `tf.function`.
* per module: graph-mode construction + connection cost per module with
  3000 modules over that with 300 (1.00 = flat), for `snt.Linear(8)` and
  for `make_template` + `get_variable` layers (TensorFlow's own growth).
* rnn_benchmark's rows (the LSTM-family training steps), if it has `rows()`.

Build, trace and call times are the process's CPU time (these are Python
bound); training steps are wall time.

Run: bazel run //benchmarks:all_benchmarks -- --rounds=7 \
  [--sonnet2_python=/path/to/sonnet2-venv/bin/python]
"""

import gc
import importlib
import json
import os
import subprocess

from absl import app
from absl import flags
import keras
import sonnet as snt
import tensorflow as tf

import linear_stacks
from timing import interleaved
from timing import timed
import workloads

tf1 = tf.compat.v1

FLAGS = flags.FLAGS
flags.DEFINE_integer("rounds", 7, "Interleaved rounds per workload.")
flags.DEFINE_bool("rnn_rows", True, "Also print rnn_benchmark's rows.")
flags.DEFINE_string(
    "sonnet2_python", "", "A Python with Sonnet 2 (dm-sonnet 2.*) and "
    "TensorFlow: adds a Sonnet 2 column, timed by sonnet2_rows.py under it.")

_WIDTH = linear_stacks.WIDTH
_HAND, _AA, _RAW_OPS = workloads.HAND, workloads.AA, workloads.RAW_OPS
_SNT, _KERAS = "snt", "keras 3"

# --- the networks ------------------------------------------------------------


def keras_stack(depth, width=_WIDTH):
  return keras.Sequential([
      keras.layers.Dense(width, activation="relu") for _ in range(depth)])


def snt_deep_rnn(layers, hidden):
  core = snt.DeepRNN([snt.LSTM(hidden) for _ in range(layers)],
                     skip_connections=False)

  def unroll(inputs):
    batch = tf.shape(inputs)[1]
    outputs, _ = snt.dynamic_unroll(core, inputs, core.initial_state(batch))
    return outputs

  return unroll


def keras_deep_rnn(layers, hidden):
  model = keras.Sequential([
      keras.layers.LSTM(hidden, return_sequences=True) for _ in range(layers)])

  def unroll(inputs):  # Keras is batch-major.
    return tf.transpose(model(tf.transpose(inputs, [1, 0, 2])), [1, 0, 2])

  return unroll


def linear_calls(x):
  """Calls of a connected `snt.Linear(32)` and Keras `Dense(32)` on `x`."""
  linear = snt.Linear(32)
  linear(x)
  dense = keras.layers.Dense(32)
  dense(x)
  return {_SNT: lambda: linear(x), _KERAS: lambda: dense(x)}


def mlp_models():
  """`snt.nets.MLP` and Keras makers of the 784-1024-1024-10 MLP."""

  def snt_mlp():
    mlp = snt.nets.MLP([1024, 1024, 10])
    return mlp, lambda: mlp.trainable_variables

  def keras_mlp():
    model = keras.Sequential([
        keras.layers.Dense(1024, activation="relu"),
        keras.layers.Dense(1024, activation="relu"),
        keras.layers.Dense(10)])
    return model, lambda: model.trainable_variables

  return {_SNT: snt_mlp, _KERAS: keras_mlp}


# --- the workloads -----------------------------------------------------------


def build_graph(depth=200):
  """Graph construction, the stack connected twice."""

  def contender(make):

    def act(_):
      with tf.Graph().as_default():
        network = make(depth)
        x = tf1.placeholder(tf.float32, [None, _WIDTH])
        network(x)
        network(x)

    return timed(lambda: None, act)

  return interleaved(
      {
          _HAND: contender(linear_stacks.template_stack), _AA: contender(
              linear_stacks.template_stack), _SNT: contender(
                  linear_stacks.snt_stack), _KERAS: contender(keras_stack)},
      FLAGS.rounds)


def per_module_cost(small=300, large=3000):
  """Graph-mode construction + connection cost per module, large / small.

  Sonnet builds `snt.Linear(8)` modules; the hand-written reference builds
  layers of the same shape with `make_template("linear", ...)` and
  `get_variable`. TensorFlow makes the hand-written layers' scope names
  unique by counting up through the names taken ("linear_1", "linear_2",
  ...); Sonnet finds the same names in constant time. Both pay for
  TensorFlow zeroing the counts under each scope it closes (a scan of all
  scope names) and for Python's garbage collector, whose passes grow with
  the graph. Each build starts after a full garbage collection, so none
  pays for the previous one's graph.

  Args:
    small: the module count of the small build.
    large: the module count of the large build.

  Returns:
    A dict from `_SNT` and `_HAND` to the cost per module with `large`
    modules over that with `small` (1.00 = flat).
  """

  def hand_linear(inputs):
    w = tf1.get_variable(
        "w", [inputs.shape[-1], 8],
        initializer=tf1.truncated_normal_initializer(stddev=8**-0.5))
    b = tf1.get_variable("b", [8], initializer=tf1.zeros_initializer())
    return tf.matmul(inputs, w) + b

  makers = {
      _SNT: lambda: snt.Linear(8),
      _HAND: lambda: tf1.make_template("linear", hand_linear)}

  def build(make, count):

    def act(_):
      with tf.Graph().as_default():
        x = tf1.placeholder(tf.float32, [None, 8])
        for _ in range(count):
          make()(x)

    return timed(gc.collect, act)

  times = interleaved(
      {(label, count): build(make, count) for label, make in makers.items()
       for count in (small, large)}, max(2, FLAGS.rounds // 3))
  return {
      label: (times[label, large] / large) / (times[label, small] / small)
      for label in makers}


# --- the report --------------------------------------------------------------


def print_row(label, times, unit_scale=1e3, unit="ms"):
  hand = times[_HAND]
  columns = ["%-48s" % label]
  for name in (_SNT, _KERAS, _AA):
    value = times.get(name)
    columns.append("%10s" % ("%.2f" % (value / hand) if value else "-"))
  if FLAGS.sonnet2_python:
    columns.append("%14s" % sonnet2_cell(label))
  columns.append("   hand %.3g %s" % (hand * unit_scale, unit))
  print(" ".join(columns), flush=True)


# sonnet2_rows.py's ratios by row label, filled by main; rows pop theirs.
_SONNET2 = {}


def sonnet2_rows():
  """Runs sonnet2_rows.py under --sonnet2_python and returns its rows.

  Returns:
    A dict from row label to `{"sonnet 2": ratio, "A/A": ratio}`, the
    ratios to the hand-written network timed in that run.

  Raises:
    subprocess.CalledProcessError: if the script fails (for instance, if
      the interpreter's `sonnet` is not Sonnet 2).
  """
  script = os.path.join(os.path.dirname(__file__), "sonnet2_rows.py")
  # Without PYTHONPATH (Bazel's or the caller's), which would find our
  # `sonnet` before the interpreter's own.
  env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
  output = subprocess.run(
      [FLAGS.sonnet2_python, script,
       "--rounds=%d" % FLAGS.rounds], env=env, stdout=subprocess.PIPE,
      text=True, check=True).stdout
  return json.loads(output.splitlines()[-1])


def sonnet2_cell(label):
  """A row's Sonnet 2 ratio and its run's A/A, as "1.23 (1.01)", or "-"."""
  ratios = _SONNET2.pop(label, None)
  if ratios is None:
    return "-"
  return "%.2f (%.2f)" % (ratios["sonnet 2"], ratios["A/A"])


def print_rnn_rows():
  """Prints rnn_benchmark's `rows()` (the LSTM-family steps), if it has them."""
  try:
    rnn_benchmark = importlib.import_module("benchmarks.rnn_benchmark")
  except ImportError:
    rnn_benchmark = importlib.import_module("rnn_benchmark")
  rows = getattr(rnn_benchmark, "rows", None)
  if rows is None:
    print("(rnn_benchmark has no rows(): its rows are not printed)")
    return
  for label, ratio, detail in rows():
    print("%-48s %10.2f   %s" % (label, ratio, detail), flush=True)


def main(argv):
  del argv
  if FLAGS.sonnet2_python:
    _SONNET2.update(sonnet2_rows())
  print("%-48s %10s %10s %10s" %
        ("ratio to hand-written TF", "snt", "keras 3", "A/A") +
        (" %14s" % "sonnet 2 (A/A)" if FLAGS.sonnet2_python else ""))
  print_row("graph construction, 200 Linear x2", build_graph())
  print_row(
      "trace, 200 connected Linear x2 (tf.function)",
      workloads.trace({_SNT: linear_stacks.snt_stack, _KERAS: keras_stack}, 200,
                      True, FLAGS.rounds))
  print_row(
      "trace, creating 50 Linear x2 (tf.function)",
      workloads.trace({_SNT: linear_stacks.snt_stack}, 50, False, FLAGS.rounds))
  print_row(
      "trace, deep RNN 8 LSTM(64) x 20 steps",
      workloads.trace_deep_rnn({_SNT: snt_deep_rnn, _KERAS: keras_deep_rnn},
                               FLAGS.rounds))
  eager_call = workloads.linear_call(linear_calls, False, FLAGS.rounds)
  print_row("eager Linear(32) call, batch 8", eager_call, 1e6, "us")
  print(
      "%-48s %10.2f   (snt over it: %.2f)" %
      ("  hand-written with tf.raw_ops", eager_call[_RAW_OPS] /
       eager_call[_HAND], eager_call[_SNT] / eager_call[_RAW_OPS]), flush=True)
  print_row("tf.function Linear(32) call, batch 8",
            workloads.linear_call(linear_calls, True, FLAGS.rounds), 1e6, "us")
  print_row("MLP 784-1024-1024-10 SGD step (tf.function)",
            workloads.mlp_step(mlp_models(), FLAGS.rounds))
  per_module = per_module_cost()
  print(
      "%-48s   snt %.2f, hand-written %.2f" %
      ("per-module cost, 3000 modules / 300", per_module[_SNT],
       per_module[_HAND]), flush=True)
  if _SONNET2:
    print("(sonnet 2 rows missing here: %s)" % ", ".join(_SONNET2))
  if FLAGS.rnn_rows:
    print_rnn_rows()


if __name__ == "__main__":
  app.run(main)
