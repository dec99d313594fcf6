"""Character-level LSTM training step: Sonnet cores against hand-written TF.

One graph-mode run times a training step (Adam) of a character model: vocab
65, embedding 32, 2 LSTM layers of 128, 50 unrolled steps, batch 32, a
65-way softmax on every step. Variants, all in one process:
1. hand: embedding, LSTM cells and head written with
   `tf.compat.v1.get_variable` (one fused gate matmul per cell) in a
   duck-typed cell unrolled by `tf.compat.v1.nn.dynamic_rnn`.
2. snt: `snt.Embed`, `snt.DeepRNN([snt.LSTM(128)] * 2)` (no skips),
   `snt.BatchApply(snt.Linear(65))`, unrolled by `dynamic_rnn`.
3. snt_unroll: the same Sonnet model unrolled by `snt.dynamic_unroll`
   (parallel_iterations=32, as dynamic_rnn's default).
4. block: `snt.LSTMBlockCell`s (fused kernel) in the Sonnet model.
Ratios are against the hand-written model.

Run: bazel run //benchmarks:rnn_benchmark -- --steps=30
"""

import time

from absl import app
from absl import flags
import numpy as np
import sonnet as snt
import tensorflow as tf

tf1 = tf.compat.v1

FLAGS = flags.FLAGS
flags.DEFINE_integer("batch", 32, "Batch size.")
flags.DEFINE_integer("unroll", 50, "Unrolled time steps.")
flags.DEFINE_integer("steps", 20, "Timed training steps per repeat.")
flags.DEFINE_integer("repeats", 3, "Repeats; the best one is reported.")

_VOCAB, _EMBED, _HIDDEN, _LAYERS = 65, 32, 128, 2


class _HandLSTMCell:
  """An LSTM cell for dynamic_rnn: get_variable and one fused matmul."""

  def __init__(self, hidden, name):
    self._hidden, self._name = hidden, name

  @property
  def state_size(self):
    return (self._hidden, self._hidden)

  @property
  def output_size(self):
    return self._hidden

  def zero_state(self, batch_size, dtype):
    return (tf.zeros([batch_size, self._hidden], dtype),
            tf.zeros([batch_size, self._hidden], dtype))

  def __call__(self, inputs, state):
    h, c = state
    with tf1.variable_scope(self._name, reuse=tf1.AUTO_REUSE):
      fan_in = int(inputs.shape[-1]) + self._hidden
      w = tf1.get_variable(
          "w", [fan_in, 4 * self._hidden],
          initializer=tf1.truncated_normal_initializer(stddev=fan_in**-0.5))
      b = tf1.get_variable("b", [4 * self._hidden],
                           initializer=tf1.zeros_initializer())
    gates = tf.matmul(tf.concat([inputs, h], axis=1), w) + b
    i, j, f, o = tf.split(gates, 4, axis=1)
    c = tf.sigmoid(f + 1.) * c + tf.sigmoid(i) * tf.tanh(j)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, (h, c)


class _HandStack:
  """Two hand-written cells stacked, for dynamic_rnn."""

  def __init__(self, cells):
    self._cells = cells

  @property
  def state_size(self):
    return tuple(c.state_size for c in self._cells)

  @property
  def output_size(self):
    return self._cells[-1].output_size

  def zero_state(self, batch_size, dtype):
    return tuple(c.zero_state(batch_size, dtype) for c in self._cells)

  def __call__(self, inputs, state):
    new_state = []
    for cell, s in zip(self._cells, state):
      inputs, s = cell(inputs, s)
      new_state.append(s)
    return inputs, tuple(new_state)


def hand_model(tokens):
  """Logits `[batch, time, vocab]`, everything by hand."""
  with tf1.variable_scope("hand"):
    embeddings = tf1.get_variable(
        "embeddings", [_VOCAB, _EMBED],
        initializer=tf1.truncated_normal_initializer(stddev=1.))
    x = tf.nn.embedding_lookup(embeddings, tokens)
    stack = _HandStack([_HandLSTMCell(_HIDDEN, "lstm%d" % i)
                        for i in range(_LAYERS)])
    outputs, _ = tf1.nn.dynamic_rnn(stack, x, dtype=tf.float32)
    w = tf1.get_variable(
        "head_w", [_HIDDEN, _VOCAB],
        initializer=tf1.truncated_normal_initializer(stddev=_HIDDEN**-0.5))
    b = tf1.get_variable("head_b", [_VOCAB],
                         initializer=tf1.zeros_initializer())
    return tf.tensordot(outputs, w, axes=[[2], [0]]) + b


def snt_model(core_fn, use_snt_unroll=False):
  """A Sonnet model: Embed, DeepRNN of `core_fn()`s, BatchApply(Linear)."""
  embed = snt.Embed(vocab_size=_VOCAB, embed_dim=_EMBED)
  deep = snt.DeepRNN([core_fn() for _ in range(_LAYERS)],
                     skip_connections=False)
  head = snt.BatchApply(snt.Linear(_VOCAB))

  def model(tokens):
    x = embed(tokens)
    batch = tokens.shape[0]
    if use_snt_unroll:
      outputs, _ = snt.dynamic_unroll(deep, tf.transpose(x, [1, 0, 2]),
                                      deep.initial_state(batch),
                                      parallel_iterations=32)
      outputs = tf.transpose(outputs, [1, 0, 2])
    else:
      outputs, _ = tf1.nn.dynamic_rnn(deep, x,
                                      initial_state=deep.initial_state(batch))
    return head(outputs)

  return model


def build_variant(model_fn, data):
  """A session ready to run one training step of `model_fn`'s model."""
  graph = tf.Graph()
  with graph.as_default():
    tokens = tf1.placeholder(tf.int32, [FLAGS.batch, FLAGS.unroll + 1])
    logits = model_fn(tokens[:, :-1])
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tokens[:, 1:], logits=logits))
    train = tf1.train.AdamOptimizer(1e-3).minimize(loss)
    num_params = sum(np.prod(v.shape.as_list())
                     for v in tf1.trainable_variables())
    sess = tf1.Session(graph=graph)
    sess.run(tf1.global_variables_initializer())
  feed = {tokens: data}
  for _ in range(3):
    sess.run(train, feed)
  return lambda: sess.run(train, feed), num_params


def time_step(step):
  start = time.perf_counter()
  for _ in range(FLAGS.steps):
    step()
  return (time.perf_counter() - start) / FLAGS.steps


def main(argv):
  del argv
  data = np.random.RandomState(0).randint(
      0, _VOCAB, size=[FLAGS.batch, FLAGS.unroll + 1]).astype(np.int32)
  variants = [
      ("hand", hand_model),
      ("snt", lambda t: snt_model(lambda: snt.LSTM(_HIDDEN))(t)),  # pylint: disable=unnecessary-lambda
      ("snt_unroll", lambda t: snt_model(lambda: snt.LSTM(_HIDDEN),  # pylint: disable=unnecessary-lambda
                                         use_snt_unroll=True)(t)),
      ("block", lambda t: snt_model(lambda: snt.LSTMBlockCell(_HIDDEN))(t)),  # pylint: disable=unnecessary-lambda
  ]
  print("char LSTM training step, graph mode: batch %d, %d steps, %d x LSTM"
        "(%d), vocab %d, embedding %d; %s"
        % (FLAGS.batch, FLAGS.unroll, _LAYERS, _HIDDEN, _VOCAB, _EMBED,
           tf.config.list_physical_devices()[-1].device_type))
  built = {name: build_variant(fn, data) for name, fn in variants}
  best = {name: float("inf") for name in built}
  for _ in range(FLAGS.repeats):  # Interleaved, so load affects all alike.
    for name, (step, _) in built.items():
      best[name] = min(best[name], time_step(step))
  results = {name: (best[name], built[name][1]) for name in built}
  base = results["hand"][0]
  for name, (seconds, params) in results.items():
    print("%-11s %8.2f ms/step  %7d params  ratio to hand %.2f"
          % (name, seconds * 1e3, params, seconds / base))
  print("block / snt: %.2f" % (results["block"][0] / results["snt"][0]))


if __name__ == "__main__":
  app.run(main)
