"""The workloads `all_benchmarks.py` and `sonnet2_rows.py` both time.

Each workload builds the hand-written contenders itself (twice: the second
copy, "A/A", is the noise floor) and times them interleaved with the
contenders it is given, so that every library is measured against the same
hand-written network in the same way. Nothing here imports a Sonnet: Sonnet
2 runs these in an interpreter of its own.
"""

import time

import tensorflow as tf

from hand_networks import hand_deep_rnn
from hand_networks import HandMLP
from hand_networks import mlp_batch
from hand_networks import sgd_step
from hand_networks import variable_stack
from timing import interleaved
from timing import repeated
from timing import timed

HAND, AA = "hand", "hand (A/A)"
# The eager call's hand-written twin through `tf.raw_ops`.
RAW_OPS = "hand, tf.raw_ops"
WIDTH = 64


def trace(make_stacks, depth, connect_first, rounds):
  """Tracing a fresh `tf.function` that connects a stack of layers twice.

  Args:
    make_stacks: a dict from label to `make(depth, width)` returning a
      callable stack of `depth` Linear + relu layers.
    depth: the number of layers.
    connect_first: whether the stack is connected eagerly before the trace
      (its variables then exist); otherwise the trace makes them.
    rounds: the interleaved rounds.

  Returns:
    A dict from label (and HAND, AA) to the quiet time of one trace.
  """
  spec = tf.TensorSpec([None, WIDTH])

  def contender(make):

    def prepare():
      network = make(depth, WIDTH)
      if connect_first:
        network(tf.zeros([1, WIDTH]))
      return tf.function(lambda x: network(network(x)), autograph=False)

    return timed(prepare, lambda fn: fn.get_concrete_function(spec))

  stacks = {HAND: variable_stack, AA: variable_stack, **make_stacks}
  return interleaved({label: contender(make) for label, make in stacks.items()},
                     rounds)


def trace_deep_rnn(make_unrolls, rounds, layers=8, hidden=64, steps=20):
  """Tracing the unroll of stacked LSTMs whose variables exist.

  Args:
    make_unrolls: a dict from label to `make(layers, hidden)` returning
      `unroll(inputs)` of time-major inputs.
    rounds: the interleaved rounds.
    layers: the number of LSTMs.
    hidden: their size (and the input size).
    steps: the unrolled steps.

  Returns:
    A dict from label (and HAND, AA) to the quiet time of one trace.
  """
  spec = tf.TensorSpec([steps, None, hidden])

  def contender(make):

    def prepare():
      unroll = make(layers, hidden)
      unroll(tf.zeros([steps, 1, hidden]))
      return tf.function(unroll, autograph=False)

    return timed(prepare, lambda fn: fn.get_concrete_function(spec))

  unrolls = {HAND: hand_deep_rnn, AA: hand_deep_rnn, **make_unrolls}
  contenders = {label: contender(make) for label, make in unrolls.items()}
  return interleaved(contenders, rounds)


def linear_call(make_calls, in_function, rounds, number=300):
  """Per-call time of a `Linear(32)` on a batch of 8, eager or traced.

  Eagerly, the hand-written call is also timed through `tf.raw_ops`
  (RAW_OPS): the same two kernels without the public wrappers' dispatch.

  Args:
    make_calls: `make_calls(x)` returns a dict from label to a call of a
      connected `Linear(32)` layer on `x`.
    in_function: whether the calls run inside `tf.function`.
    rounds: the interleaved rounds (three times this many are run).
    number: calls per round.

  Returns:
    A dict from label (and HAND, AA, eagerly RAW_OPS) to the quiet time of
    one call.
  """
  x = tf.ones([8, 32])
  w = tf.Variable(tf.random.normal([32, 32]))
  b = tf.Variable(tf.zeros([32]))
  calls = {
      HAND: lambda: tf.matmul(x, w) + b, AA: lambda: tf.matmul(x, w) + b,
      **make_calls(x)}
  if in_function:
    calls = {
        label: tf.function(fn, autograph=False) for label, fn in calls.items()}
  else:
    calls[RAW_OPS] = lambda: tf.raw_ops.AddV2(x=tf.raw_ops.MatMul(a=x, b=w), y=b
                                             )
  for fn in calls.values():
    fn()
  return interleaved(
      {label: repeated(fn, number) for label, fn in calls.items()}, 3 * rounds)


def mlp_step(make_models, rounds, batch=64, number=20):
  """An SGD step of a 784-1024-1024-10 MLP in `tf.function` (wall time).

  Args:
    make_models: a dict from label to `make()` returning `(model,
      variables)`: the model and a callable returning its variables.
    rounds: the interleaved rounds.
    batch: the batch size.
    number: steps per round.

  Returns:
    A dict from label (and HAND, AA) to the quiet time of one step.
  """
  x, y = mlp_batch(batch)
  hand_a, hand_b = HandMLP(), HandMLP()
  steps = {
      HAND: sgd_step(hand_a, hand_a.variables, x, y),
      AA: sgd_step(hand_b, hand_b.variables, x, y)}
  for label, make in make_models.items():
    steps[label] = sgd_step(*make(), x, y)
  return interleaved(
      {label: repeated(step, number) for label, step in steps.items()}, rounds,
      clock=time.perf_counter)
