"""The rows of `all_benchmarks.py` that Sonnet 2 can run, as one JSON line.

Sonnet 2 (`dm-sonnet==2.*`) installs the same `sonnet` import name as this
project, so it runs in its own interpreter: `all_benchmarks.py
--sonnet2_python=PATH` runs this script under PATH and prints a "sonnet 2"
column from its output. It times Sonnet 2 against the same hand-written
networks in the same workloads (`workloads.py`), interleaved, with an A/A
copy of the reference, and prints
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

from absl import app
from absl import flags
import sonnet as snt
import tensorflow as tf

import workloads

FLAGS = flags.FLAGS
flags.DEFINE_integer("rounds", 7, "Interleaved rounds per workload.")

_HAND, _AA, _SNT2 = workloads.HAND, workloads.AA, "sonnet 2"


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


def linear_calls(x):
  """Calls of a connected Sonnet 2 `snt.Linear(32)` on `x`."""
  linear = snt.Linear(32)
  linear(x)
  return {_SNT2: lambda: linear(x)}


def snt2_mlp():
  mlp = snt.nets.MLP([1024, 1024, 10])
  return mlp, lambda: mlp.trainable_variables


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
  rounds = FLAGS.rounds
  rows = {
      "trace, 200 connected Linear x2 (tf.function)": workloads.trace(
          {_SNT2: snt2_stack}, 200, True, rounds),
      "trace, creating 50 Linear x2 (tf.function)": workloads.trace(
          {_SNT2: snt2_stack}, 50, False, rounds),
      "trace, deep RNN 8 LSTM(64) x 20 steps": workloads.trace_deep_rnn(
          {_SNT2: snt2_deep_rnn},
          rounds), "eager Linear(32) call, batch 8": workloads.linear_call(
              linear_calls, False, rounds),
      "tf.function Linear(32) call, batch 8": workloads.linear_call(
          linear_calls, True, rounds),
      "MLP 784-1024-1024-10 SGD step (tf.function)": workloads.mlp_step(
          {_SNT2: snt2_mlp}, rounds)}
  print(json.dumps({label: ratios(times) for label, times in rows.items()}))


if __name__ == "__main__":
  app.run(main)
