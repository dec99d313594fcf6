"""Recurrent training steps: Sonnet cores against hand-written TensorFlow.

A character model (vocab 65, embedding 32, 2 recurrent layers of 128, 50
unrolled steps, batch 32, a 65-way softmax on every step) takes one Adam
training step, in graph mode (a `tf.compat.v1.Session`) and in eager mode
with a `tf.function` step. Every contender is built once and they are timed
interleaved, round after round, so load on the machine hits all alike; each
keeps its fastest round. Ratios are to `ref`, the hand-written model with
one concat-then-matmul per cell and step; `ref (A/A)`, a second copy of it,
gives the noise floor. Contenders:
- `ref`: hand cells (`matmul(concat([x, h]), w)`) stacked in one
  `tf.while_loop` (TensorArrays, parallel_iterations=32).
- `best hand`: the same variables, split into their input and hidden row
  blocks once before the loop; the first layer's input rows multiply all
  time steps in one matmul before the loop, the other matmuls run per step
  (what a careful hand would write for a stacked loop).
- `snt.dynamic_unroll`: `snt.Embed`, `snt.DeepRNN` of two cores (no skip
  connections), `snt.BatchApply(snt.Linear(65))`, unrolled by
  `snt.dynamic_unroll` (parallel_iterations=32).
- `snt + dynamic_rnn` (graph mode): the same model unrolled by
  `tf.compat.v1.nn.dynamic_rnn`.
- `snt.LSTMBlockCell`: the Sonnet model with the fused-kernel cell.
- `tf BlockLSTM` (LSTM only): `ref`'s variables, each layer run over the
  whole sequence by TensorFlow's fused kernel `tf.raw_ops.BlockLSTM`
  (forward and gradient one op each).
- `Keras 3 LSTM` (tf.function): `keras.layers.LSTM(return_sequences=True)`
  twice, with Keras's Adam.
GRU and VanillaRNN get the same model with `ref` their per-step textbook
form (separate input and hidden matmuls in the loop) and `best hand` as
for the LSTM (GRU: its three input and two of its recurrent matrices
concatenated once).

Ratios are of CPU time (the process's, all threads): on a shared, loaded
machine wall time mostly measures the neighbours; the wall-time ratio of
the fastest rounds is in each row's detail.

`rows()` returns `(label, ratio, detail)` tuples for a combined runner.

Run: bazel run //benchmarks:rnn_benchmark -- --steps=10 --repeats=5
"""

import abc
import time

from absl import app
from absl import flags
import numpy as np
import sonnet as snt
import tensorflow as tf

tf1 = tf.compat.v1

FLAGS = flags.FLAGS
flags.DEFINE_integer("steps", 10, "Timed training steps per round.")
flags.DEFINE_integer("repeats", 5, "Interleaved rounds; each contender's "
                     "fastest is kept.")
flags.DEFINE_list("kinds", "LSTM,GRU,VanillaRNN", "Cores to time.")
flags.DEFINE_list("modes", "graph,function", "graph and/or function.")

_VOCAB, _EMBED, _HIDDEN, _LAYERS = 65, 32, 128, 2
_BATCH, _UNROLL = 32, 50
_PARALLEL = 32


def _weight(shape, fan_in, name):
  return tf.Variable(tf.random.truncated_normal(shape, stddev=fan_in**-0.5),
                     name=name)


def _bias(size, name):
  return tf.Variable(tf.zeros([size]), name=name)


def _loop(step, inputs, state):
  """Runs `step(x_t, state) -> (y_t, state)` over time-major `inputs`."""
  steps = inputs.shape[0]
  inputs_ta = tf.TensorArray(inputs.dtype, size=steps).unstack(inputs)
  outputs_ta = tf.TensorArray(inputs.dtype, size=steps)

  def body(t, state, outputs_ta):
    output, state = step(inputs_ta.read(t), state)
    return t + 1, state, outputs_ta.write(t, output)

  _, _, outputs_ta = tf.while_loop(lambda t, *_: t < steps, body,
                                   (tf.constant(0), state, outputs_ta),
                                   parallel_iterations=_PARALLEL)
  return outputs_ta.stack()


def _project(inputs, w, b):
  """`inputs @ w + b` for `[B, n]` or `[T, B, n]` inputs, as one matmul."""
  if inputs.shape.rank == 2:
    return tf.matmul(inputs, w) + b
  flat = tf.matmul(tf.reshape(inputs, [-1, inputs.shape[-1]]), w) + b
  return tf.reshape(flat, inputs.shape[:2] + [w.shape[-1]])


class _HandStack(abc.ABC):
  """Two hand-written layers stacked in one loop.

  `ref` runs `_step` on the variables; `best hand` makes each layer's
  weights once before the loop (`_weights`: `(w_x, b, recurrent...)`),
  multiplies the first layer's inputs for all steps at once, and runs
  `_projected_step` on the projected inputs.
  """

  def __init__(self, best):
    self._best = best
    self._params = []
    n_in = _EMBED
    for i in range(_LAYERS):
      self._params.append(self._variables(n_in, str(i)))
      n_in = _HIDDEN

  def __call__(self, x):
    batch = x.shape[1]
    state = tuple(self._zero_state(batch) for _ in range(_LAYERS))
    if not self._best:
      return _loop(
          lambda x, state: self._stack(self._step, x, state, self._params), x,
          state)
    weights = [self._weights(p) for p in self._params]
    x = _project(x, weights[0][0], weights[0][1])

    def step(projected, state):
      return self._stack(self._projected_step, projected, state, weights,
                         first_projected=True)

    return _loop(step, x, state)

  def _stack(self, step, x, state, params, first_projected=False):
    new_state = []
    for i, (p, s) in enumerate(zip(params, state)):
      if first_projected and i > 0:
        x = _project(x, p[0], p[1])
      x, s = step(x, s, p)
      new_state.append(s)
    return x, tuple(new_state)

  def _zero_state(self, batch):
    return tf.zeros([batch, _HIDDEN])

  @abc.abstractmethod
  def _variables(self, n_in, suffix):
    """One layer's variables, names ending in `suffix`."""

  @abc.abstractmethod
  def _step(self, x, state, params):
    """`ref`'s step of one layer: `(output, state)`."""

  @abc.abstractmethod
  def _weights(self, params):
    """One layer's weights made before the loop: `(w_x, b, ...)`."""

  @abc.abstractmethod
  def _projected_step(self, projected, state, weights):
    """`best hand`'s step of one layer from its projected inputs."""


class _HandLSTM(_HandStack):
  """LSTM layers on `w [n_in + H, 4H]`, `b [4H]` (gates i, j, f, o)."""

  def _variables(self, n_in, suffix):
    fan_in = n_in + _HIDDEN
    return (n_in, _weight([fan_in, 4 * _HIDDEN], fan_in,
                          "w" + suffix), _bias(4 * _HIDDEN, "b" + suffix))

  def _zero_state(self, batch):
    return (tf.zeros([batch, _HIDDEN]),) * 2

  def _step(self, x, state, params):
    _, w, b = params
    h, c = state
    return self._update(tf.matmul(tf.concat([x, h], 1), w) + b, c)

  def _weights(self, params):
    n_in, w, b = params
    w_x, w_h = tf.split(tf.convert_to_tensor(w), [n_in, _HIDDEN])
    return w_x, b, w_h

  def _projected_step(self, projected, state, weights):
    h, c = state
    return self._update(projected + tf.matmul(h, weights[2]), c)

  def _update(self, gates, c):
    i, j, f, o = tf.split(gates, 4, axis=1)
    c = tf.sigmoid(f + 1.) * c + tf.sigmoid(i) * tf.tanh(j)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, (h, c)


class _HandGRU(_HandStack):
  """GRU layers with `snt.GRU`'s variables (`w*`, `u*`, `b*` per gate)."""

  def _variables(self, n_in, suffix):

    def make(key):
      if key[0] == "w":
        return _weight([n_in, _HIDDEN], n_in, key + suffix)
      if key[0] == "u":
        return _weight([_HIDDEN, _HIDDEN], _HIDDEN, key + suffix)
      return _bias(_HIDDEN, key + suffix)

    return {
        key: make(key)
        for key in ("wz", "uz", "bz", "wr", "ur", "br", "wh", "uh", "bh")}

  def _step(self, x, state, params):
    h, p = state, params
    z = tf.sigmoid(tf.matmul(x, p["wz"]) + tf.matmul(h, p["uz"]) + p["bz"])
    r = tf.sigmoid(tf.matmul(x, p["wr"]) + tf.matmul(h, p["ur"]) + p["br"])
    candidate = tf.tanh(
        tf.matmul(x, p["wh"]) + tf.matmul(r * h, p["uh"]) + p["bh"])
    h = (1 - z) * h + z * candidate
    return h, h

  def _weights(self, params):
    p = params
    return (tf.concat([p["wz"], p["wr"], p["wh"]],
                      1), tf.concat([p["bz"], p["br"], p["bh"]],
                                    0), tf.concat([p["uz"], p["ur"]],
                                                  1), p["uh"])

  def _projected_step(self, projected, state, weights):
    _, _, u_zr, u_h = weights
    x_zr, x_h = tf.split(projected, [2 * _HIDDEN, _HIDDEN], 1)
    z, r = tf.split(tf.sigmoid(x_zr + tf.matmul(state, u_zr)), 2, 1)
    h = (1 - z) * state + z * tf.tanh(x_h + tf.matmul(r * state, u_h))
    return h, h


class _HandVanilla(_HandStack):
  """Tanh RNN layers: `tanh((x w_x + b_x) + (h w_h + b_h))`."""

  def _variables(self, n_in, suffix):
    return (_weight([n_in, _HIDDEN], n_in,
                    "wx" + suffix), _bias(_HIDDEN, "bx" + suffix),
            _weight([_HIDDEN, _HIDDEN], _HIDDEN,
                    "wh" + suffix), _bias(_HIDDEN, "bh" + suffix))

  def _step(self, x, state, params):
    w_x, b_x, _, _ = params
    return self._projected_step(tf.matmul(x, w_x) + b_x, state, params)

  def _weights(self, params):
    return params

  def _projected_step(self, projected, state, weights):
    _, _, w_h, b_h = weights
    h = tf.tanh(projected + (tf.matmul(state, w_h) + b_h))
    return h, h


_HAND = {"LSTM": _HandLSTM, "GRU": _HandGRU, "VanillaRNN": _HandVanilla}
_SNT_CORES = {
    "LSTM": snt.LSTM, "GRU": snt.GRU, "VanillaRNN": snt.VanillaRNN,
    "LSTMBlockCell": snt.LSTMBlockCell}


def hand_model(kind, best=False):
  """A hand-written model: `tokens [T, B] -> logits [T, B, vocab]`."""
  embeddings = tf.Variable(tf.random.truncated_normal([_VOCAB, _EMBED]),
                           name="embeddings")
  rnn = _HAND[kind](best)
  head_w = _weight([_HIDDEN, _VOCAB], _HIDDEN, "head_w")
  head_b = _bias(_VOCAB, "head_b")
  return lambda tokens: _project(
      rnn(tf.nn.embedding_lookup(embeddings, tokens)), head_w, head_b)


def block_lstm_model():
  """`ref`'s LSTM layers, each over the sequence by one `BlockLSTM` op."""
  embeddings = tf.Variable(tf.random.truncated_normal([_VOCAB, _EMBED]),
                           name="embeddings")
  layers = []
  for i in range(_LAYERS):
    fan_in = (_HIDDEN if i else _EMBED) + _HIDDEN
    layers.append((_weight([fan_in, 4 * _HIDDEN], fan_in,
                           "w%d" % i), _bias(4 * _HIDDEN, "b%d" % i)))
  head_w = _weight([_HIDDEN, _VOCAB], _HIDDEN, "head_w")
  head_b = _bias(_VOCAB, "head_b")

  def model(tokens):
    x = tf.nn.embedding_lookup(embeddings, tokens)
    zeros = tf.zeros([tokens.shape[1], _HIDDEN])
    no_peepholes = tf.zeros([_HIDDEN])
    for w, b in layers:
      x = tf.raw_ops.BlockLSTM(
          seq_len_max=tf.constant(tokens.shape[0],
                                  tf.int64), x=x, cs_prev=zeros, h_prev=zeros,
          w=w, wci=no_peepholes, wcf=no_peepholes, wco=no_peepholes, b=b,
          forget_bias=1., cell_clip=-1., use_peephole=False).h
    return _project(x, head_w, head_b)

  return model


def snt_model(kind, use_dynamic_rnn=False):
  """The Sonnet model, unrolled by `snt.dynamic_unroll` or `dynamic_rnn`."""
  embed = snt.Embed(vocab_size=_VOCAB, embed_dim=_EMBED)
  deep = snt.DeepRNN([_SNT_CORES[kind](_HIDDEN) for _ in range(_LAYERS)],
                     skip_connections=False)
  head = snt.BatchApply(snt.Linear(_VOCAB))

  def model(tokens):
    x = embed(tokens)
    state = deep.initial_state(tokens.shape[1])
    if use_dynamic_rnn:
      outputs, _ = tf1.nn.dynamic_rnn(deep, x, initial_state=state,
                                      time_major=True)
    else:
      outputs, _ = snt.dynamic_unroll(deep, x, state,
                                      parallel_iterations=_PARALLEL)
    return head(outputs)

  return model


def keras_model():
  """Keras 3 layers, batch-major inside (`[T, B]` tokens in and out)."""
  keras = tf.keras
  layers = [keras.layers.Embedding(_VOCAB, _EMBED)]
  layers += [
      keras.layers.LSTM(_HIDDEN, return_sequences=True) for _ in range(_LAYERS)]
  layers.append(keras.layers.Dense(_VOCAB))
  model = keras.Sequential(layers)
  return lambda tokens: tf.transpose(model(tf.transpose(tokens)), [1, 0, 2])


def _loss(model, tokens):
  """Mean next-token cross entropy; `tokens [T + 1, B]`."""
  logits = model(tokens[:-1])
  return tf.reduce_mean(
      tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tokens[1:],
                                                     logits=logits))


def graph_step(make_model, data):
  """One Adam step of a new model in its own graph and session."""
  graph = tf.Graph()
  with graph.as_default():
    tokens = tf1.placeholder(tf.int32, data.shape)
    loss = _loss(make_model(), tokens)
    train = tf1.train.AdamOptimizer(1e-3).minimize(loss)
    session = tf1.Session(graph=graph)
    session.run(tf1.global_variables_initializer())
  feed = {tokens: data}
  return lambda: session.run(train, feed)


def function_step(make_model, data):
  """One Adam step in a `tf.function`, every variable made beforehand."""
  model = make_model()
  tokens = tf.constant(data)
  with tf.GradientTape() as tape:
    _loss(model, tokens)
  variables = tape.watched_variables()
  optimizer = tf.keras.optimizers.Adam(1e-3)
  optimizer.build(variables)

  @tf.function
  def step():
    with tf.GradientTape() as tape:
      loss = _loss(model, tokens)
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))

  return lambda: step()  # pylint: disable=unnecessary-lambda


def _contenders(kind, mode):
  """`(label, make_model)` pairs, `ref` and its copy first."""
  contenders = [("ref", lambda: hand_model(kind)),
                ("ref (A/A)", lambda: hand_model(kind)),
                ("best hand", lambda: hand_model(kind, best=True)),
                ("snt.dynamic_unroll", lambda: snt_model(kind))]
  if mode == "graph":
    contenders.append(
        ("snt + dynamic_rnn", lambda: snt_model(kind, use_dynamic_rnn=True)))
  if kind == "LSTM":
    contenders.append(("snt.LSTMBlockCell", lambda: snt_model("LSTMBlockCell")))
    contenders.append(("tf BlockLSTM", block_lstm_model))
    if mode == "function":
      contenders.append(("Keras 3 LSTM", keras_model))
  return contenders


def _time(step, steps):
  """`(wall, cpu)` seconds per step over `steps` steps."""
  wall, cpu = time.perf_counter(), time.process_time()
  for _ in range(steps):
    step()
  return ((time.perf_counter() - wall) / steps,
          (time.process_time() - cpu) / steps)


def _measure(kind, mode, steps, repeats, data):
  """Each contender's fastest `(wall, cpu)` per step, timed interleaved."""
  build = graph_step if mode == "graph" else function_step
  built = []
  for label, make_model in _contenders(kind, mode):
    step = build(make_model, data)
    for _ in range(2):  # Warm up (and trace).
      step()
    built.append((label, step))
  best = {label: (float("inf"), float("inf")) for label, _ in built}
  for _ in range(repeats):
    for label, step in built:
      best[label] = tuple(map(min, best[label], _time(step, steps)))
  return best


def _row(label, times, base):
  (wall, cpu), (base_wall, base_cpu) = times, base
  return (label, cpu / base_cpu, "CPU %.1f vs %.1f ms/step; wall ratio %.2f" %
          (cpu * 1e3, base_cpu * 1e3, wall / base_wall))


def rows(steps=10, repeats=5, kinds=("LSTM", "GRU", "VanillaRNN"),
         modes=("graph", "function")):
  """Times every contender; returns `[(label, ratio to ref, detail)]`.

  Args:
    steps: timed training steps per round.
    repeats: interleaved rounds (each contender keeps its fastest).
    kinds: the cores to time.
    modes: "graph" and/or "function" (eager with a `tf.function` step).

  Returns:
    A list of `(label, ratio, detail_str)`, ratios of CPU time; each
    workload's `ref (A/A)` row is its noise floor.
  """
  data = np.random.RandomState(0).randint(0, _VOCAB,
                                          size=[_UNROLL + 1,
                                                _BATCH]).astype(np.int32)
  mode_names = {"graph": "graph mode", "function": "eager + tf.function"}
  results = []
  for kind in kinds:
    for mode in modes:
      best = _measure(kind, mode, steps, repeats, data)
      prefix = "char-%s step, %s: " % (kind, mode_names[mode])
      results += [
          _row(prefix + label + " / ref", times, best["ref"])
          for label, times in best.items()
          if label != "ref"]
      if kind == "LSTM":
        results.append(
            _row(prefix + "snt.LSTMBlockCell / snt.LSTM",
                 best["snt.LSTMBlockCell"], best["snt.dynamic_unroll"]))
  return results


def main(argv):
  del argv
  print("char model training step (Adam): batch %d, %d steps, %d x %d, "
        "vocab %d, embedding %d; %d interleaved rounds of %d steps" %
        (_BATCH, _UNROLL, _LAYERS, _HIDDEN, _VOCAB, _EMBED, FLAGS.repeats,
         FLAGS.steps))
  for label, ratio, detail in rows(FLAGS.steps, FLAGS.repeats, FLAGS.kinds,
                                   FLAGS.modes):
    print("%-64s %5.2f  (%s)" % (label, ratio, detail))


if __name__ == "__main__":
  app.run(main)
