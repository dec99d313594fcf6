"""The rows of `all_benchmarks.py` that Sonnet 2 can run, as one JSON line.

Sonnet 2 (`dm-sonnet==2.*`) installs the same `sonnet` import name as this
project, so it runs in its own interpreter: `all_benchmarks.py
--sonnet2_python=PATH` runs this script under PATH and prints a "sonnet 2"
column from its output. It times Sonnet 2 against the same hand-written
networks (`hand_networks.py`) with the same timing (`timing.py`), interleaved,
with an A/A copy of the reference, and prints
`{row label: {"sonnet 2": ratio, "A/A": ratio}}`, the ratios to this run's
hand-written reference.

The rows are the workloads Sonnet 2 expresses with the same network: the
traces in `tf.function`, the deep RNN (`snt.DeepRNN` of `snt.LSTM`s, which
has no skip connections in Sonnet 2, under `snt.dynamic_unroll`, time-major
as ours), the `Linear(32)` calls and the MLP step. Graph-mode construction
is not one: Sonnet 2 modules require eager execution.

Run (see `all_benchmarks.py`):
  /path/to/sonnet2-venv/bin/python benchmarks/sonnet2_rows.py --rounds=5
"""

import json
import time

from absl import app
from absl import flags
import sonnet as snt
import tensorflow as tf

from hand_networks import hand_deep_rnn
from hand_networks import HandMLP
from hand_networks import mlp_batch
from hand_networks import sgd_step
from hand_networks import variable_stack
from timing import interleaved
from timing import repeated
from timing import timed

FLAGS = flags.FLAGS
flags.DEFINE_integer("rounds", 7, "Interleaved rounds per workload.")

_WIDTH = 64
_HAND, _AA, _SNT2 = "hand", "hand (A/A)", "sonnet 2"


def snt2_stack(depth, width):
  """`depth` Sonnet 2 `snt.Linear(width)` + relu layers, as one module."""
  layers = []
  for _ in range(depth):
    layers += [snt.Linear(width), tf.nn.relu]
  return snt.Sequential(layers)


def snt2_deep_rnn(layers, hidden):
  """Returns `unroll(inputs)`: Sonnet 2 LSTMs, `snt.dynamic_unroll`."""
  core = snt.DeepRNN([snt.LSTM(hidden) for _ in range(layers)])

  def unroll(inputs):
    batch = tf.shape(inputs)[1]
    outputs, _ = snt.dynamic_unroll(core, inputs, core.initial_state(batch))
    return outputs

  return unroll


def trace(depth, connect_first):
  """Tracing a fresh `tf.function` that connects the stack twice."""
  spec = tf.TensorSpec([None, _WIDTH])

  def contender(make):

    def prepare():
      network = make(depth, _WIDTH)
      if connect_first:
        network(tf.zeros([1, _WIDTH]))
      return tf.function(lambda x: network(network(x)), autograph=False)

    return timed(prepare, lambda fn: fn.get_concrete_function(spec))

  return interleaved(
      {
          _HAND: contender(variable_stack), _AA: contender(variable_stack),
          _SNT2: contender(snt2_stack)}, FLAGS.rounds)


def trace_deep_rnn(layers=8, hidden=64, steps=20):
  """Tracing the unroll of 8 stacked LSTMs, variables already made."""
  spec = tf.TensorSpec([steps, None, hidden])

  def contender(make):

    def prepare():
      unroll = make(layers, hidden)
      unroll(tf.zeros([steps, 1, hidden]))
      return tf.function(unroll, autograph=False)

    return timed(prepare, lambda fn: fn.get_concrete_function(spec))

  return interleaved(
      {
          _HAND: contender(hand_deep_rnn), _AA: contender(hand_deep_rnn),
          _SNT2: contender(snt2_deep_rnn)}, FLAGS.rounds)


def linear_call(in_function, number=300):
  """Per-call time of one `Linear(32)`, eager or in `tf.function`."""
  x = tf.ones([8, 32])
  linear = snt.Linear(32)
  linear(x)
  w = tf.Variable(tf.random.normal([32, 32]))
  b = tf.Variable(tf.zeros([32]))
  calls = {
      _HAND: lambda: tf.matmul(x, w) + b, _AA: lambda: tf.matmul(x, w) + b,
      _SNT2: lambda: linear(x)}
  if in_function:
    calls = {
        label: tf.function(fn, autograph=False) for label, fn in calls.items()}
  for fn in calls.values():
    fn()
  return interleaved(
      {label: repeated(fn, number) for label, fn in calls.items()},
      3 * FLAGS.rounds)


def mlp_step(batch=64, number=20):
  """An SGD step of a 784-1024-1024-10 MLP in `tf.function`."""
  x, y = mlp_batch(batch)
  hand_a, hand_b = HandMLP(), HandMLP()
  mlp = snt.nets.MLP([1024, 1024, 10])
  steps = {
      _HAND: sgd_step(hand_a, hand_a.variables, x,
                      y), _AA: sgd_step(hand_b, hand_b.variables, x, y),
      _SNT2: sgd_step(mlp, lambda: mlp.trainable_variables, x, y)}
  return interleaved(
      {label: repeated(step, number) for label, step in steps.items()},
      FLAGS.rounds, clock=time.perf_counter)


def ratios(times):
  """Sonnet 2's and the A/A copy's times over the hand-written one's."""
  return {
      "sonnet 2": times[_SNT2] / times[_HAND], "A/A": times[_AA] / times[_HAND]}


def main(argv):
  del argv
  if not snt.__version__.startswith("2."):
    raise SystemExit("sonnet2_rows.py times Sonnet 2, but `import sonnet` "
                     "found %s at %s" % (snt.__version__, snt.__file__))
  # The labels are all_benchmarks.py's, which matches its rows by them.
  rows = {
      "trace, 200 connected Linear x2 (tf.function)": trace(
          200,
          connect_first=True), "trace, creating 50 Linear x2 (tf.function)":
              trace(50, connect_first=False),
      "trace, deep RNN 8 LSTM(64) x 20 steps": trace_deep_rnn(),
      "eager Linear(32) call, batch 8": linear_call(False),
      "tf.function Linear(32) call, batch 8": linear_call(True),
      "MLP 784-1024-1024-10 SGD step (tf.function)": mlp_step()}
  print(json.dumps({label: ratios(times) for label, times in rows.items()}))


if __name__ == "__main__":
  app.run(main)
