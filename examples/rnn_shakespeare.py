r"""A deep LSTM that learns to write Shakespeare, one character at a time.

    bazel run //examples:rnn_shakespeare                 # graph mode, ~3 min
    bazel run //examples:rnn_shakespeare -- --mode=eager
    bazel run //examples:rnn_shakespeare -- --num_training_iterations=20000
    bazel run //examples:rnn_shakespeare -- --mode=eager --strategy=mirrored \
        --logical_cpus=2 --export_dir=/tmp/shakespeare_model
    bazel run //examples:sample_shakespeare -- \
        --export_dir=/tmp/shakespeare_model

The model reads characters through `snt.Embed`, runs them through an
`snt.DeepRNN` of `snt.LSTM`s with skip connections (every layer sees the
input, and the output concatenates every layer's output), and predicts the
next character with an `snt.Linear` applied at every time step by
`snt.BatchApply`. It trains on random windows of the training split with
truncated backpropagation through time and gradient clipping by global norm.

Every `--report_interval` steps it prints one line (step, training loss,
validation loss and perplexity, steps per second, time left) and a text
sample; at the end it reports the test loss. Losses are in nats per
character: predicting uniformly over the 65 characters scores ln(65) = 4.17.

Training resumes from the latest checkpoint in `--checkpoint_dir/<mode>`
after an interruption (even `kill -9`); the global step goes on from the
last checkpoint. Graph mode uses `tf.compat.v1.train.MonitoredTrainingSession`
(checkpoints, TensorBoard summaries); `--mode=eager` runs the same model
under `tf.function` with `tf.train.CheckpointManager`.

`--strategy` (with `--mode=eager`) trains under `tf.distribute`: `mirrored`
(the local GPUs, else the CPUs; `--logical_cpus=2` splits the CPU in two),
`multi_worker` (one process per `--task` of `--workers`, or TF_CONFIG) or
`parameter_server` (`--task_type` ps/worker processes serve, the chief
trains). Each step splits the same global batch over the replicas, sums the
gradients, clips them and applies Adam on every replica alike: the losses
are those of one device. `--export_dir` writes a SavedModel whose `sample`
signature `sample_shakespeare.py` runs without Sonnet. docs/examples.md has
the commands for two local workers.

At the start it prints the `tensorboard --logdir ...` command that shows the
losses; at the end it draws them into `--checkpoint_dir/<mode>/curves.png`.
TensorFlow's own log lines are hidden; `--verbose` shows them.
"""

import collections
import os
import sys
import time

if __name__ == "__main__":
  # Before TensorFlow is imported: hide its start-up lines (see console.py).
  from examples import console
  console.quiet_tensorflow(sys.argv)

# pylint: disable=wrong-import-position,ungrouped-imports
from absl import app
from absl import flags
import numpy as np
import sonnet as snt
import tensorflow as tf

from examples import console
from examples import curves
from examples import shakespeare_data
# pylint: enable=wrong-import-position,ungrouped-imports

tf1 = tf.compat.v1

FLAGS = flags.FLAGS

flags.DEFINE_enum(
    "mode", "graph", ["graph", "eager"],
    "graph: tf.compat.v1 graph and MonitoredTrainingSession; "
    "eager: tf.function and tf.train.CheckpointManager.")
flags.DEFINE_integer("num_training_iterations", 1500,
                     "Train until the global step reaches this.")
flags.DEFINE_integer("report_interval", 250,
                     "Steps between progress lines, evaluations and samples.")
flags.DEFINE_integer("checkpoint_interval", 250, "Steps between checkpoints.")
flags.DEFINE_integer(
    "reduce_learning_rate_interval", 1000,
    "Multiply the learning rate by --learning_rate_decay "
    "every this many steps.")
flags.DEFINE_float("learning_rate", 3e-3, "Initial Adam learning rate.")
flags.DEFINE_float("learning_rate_decay", 0.3, "See the interval above.")
flags.DEFINE_float("max_grad_norm", 5.0, "Clip gradients to this global norm.")
flags.DEFINE_integer("lstm_depth", 2, "Number of stacked LSTMs.")
flags.DEFINE_integer("hidden_size", 128, "Units in each LSTM.")
flags.DEFINE_integer("embedding_size", 32, "Size of character embeddings.")
flags.DEFINE_integer("batch_size", 32, "Windows per training batch.")
flags.DEFINE_integer("truncation_length", 64,
                     "Characters per window (backprop through time length).")
flags.DEFINE_integer("eval_length", 256, "Characters per evaluation window.")
flags.DEFINE_integer(
    "max_eval_chars", 30000,
    "Evaluate on at most this many characters of valid at "
    "each report (0: all); the final test uses all.")
flags.DEFINE_integer("sample_length", 300, "Characters per text sample.")
flags.DEFINE_float("sample_temperature", 0.5,
                   "Softmax temperature for sampling; 0 samples greedily.")
flags.DEFINE_string("sample_prime", "ROMEO:\n",
                    "Text the model reads before it starts sampling.")
flags.DEFINE_string("checkpoint_dir", "/tmp/sonnet_examples/rnn_shakespeare",
                    "Checkpoints and TensorBoard logs go to <this>/<mode>.")
flags.DEFINE_string(
    "data_dir", "", "Folder with ts.{train,valid,test}.txt.bz2; empty means "
    "the copy shipped in examples/data/shakespeare.")
flags.DEFINE_integer("seed", 0, "Random seed for data order and weights.")
flags.DEFINE_enum("strategy", "none",
                  ["none", "mirrored", "multi_worker", "parameter_server"],
                  "tf.distribute strategy (with --mode=eager).")
flags.DEFINE_integer(
    "logical_cpus", 0, "Split the CPU into this many logical devices (for "
    "--strategy=mirrored without GPUs); 0 leaves it whole.")
flags.DEFINE_list(
    "workers", [], "multi_worker, parameter_server: the workers' host:port "
    "list (empty: read TF_CONFIG).")
flags.DEFINE_list("ps", [], "parameter_server: the ps tasks' host:port list.")
flags.DEFINE_string("chief", "",
                    "parameter_server: the chief's host:port (it trains).")
flags.DEFINE_enum(
    "task_type", "worker", ["chief", "worker", "ps"],
    "This process's job (parameter_server; multi_worker "
    "processes are all workers).")
flags.DEFINE_integer("task", 0, "This process's index in its job.")
flags.DEFINE_string(
    "export_dir", "", "After training, write a SavedModel here (see "
    "sample_shakespeare.py).")

Config = collections.namedtuple("Config", [
    "mode", "num_training_iterations", "report_interval", "checkpoint_interval",
    "reduce_learning_rate_interval", "learning_rate", "learning_rate_decay",
    "max_grad_norm", "lstm_depth", "hidden_size", "embedding_size",
    "batch_size", "truncation_length", "eval_length", "max_eval_chars",
    "sample_length", "sample_temperature", "sample_prime", "checkpoint_dir",
    "seed", "strategy", "workers", "ps", "chief", "task_type", "task",
    "export_dir"], defaults=("none", (), (), "", "worker", 0, ""))

# What `train` returns. `history` holds one `Report` per report interval.
Result = collections.namedtuple("Result", [
    "start_step", "final_step", "history", "test_loss", "sample", "curves_path"
])
Report = collections.namedtuple(
    "Report", ["step", "train_loss", "valid_loss", "steps_per_second"])


class TextModel(snt.AbstractModule):
  """A character language model: Embed -> DeepRNN of LSTMs -> Linear.

  Connecting it to time-major ids `[T, B]` returns logits `[T, B, vocab]`
  and the final recurrent state. `xent` gives the per-character loss and
  `sample` generates text; all share the same variables.
  """

  def __init__(self, vocab_size, embedding_size, hidden_size, depth,
               name="text_model"):
    super().__init__(name=name)
    with self._enter_variable_scope():
      self._embed = snt.Embed(vocab_size, embedding_size)
      self._core = snt.DeepRNN(
          [snt.LSTM(hidden_size, name="lstm_%d" % i) for i in range(depth)],
          skip_connections=True, name="deep_lstm")
      self._output_linear = snt.Linear(vocab_size, name="output_linear")
      self._output = snt.BatchApply(self._output_linear)

  def _build(self, ids, initial_state=None):
    """Runs the model over `ids` `[T, B]`; returns (logits, final_state)."""
    if initial_state is None:
      initial_state = self._core.initial_state(tf.shape(ids)[1])
    outputs, final_state = tf1.nn.dynamic_rnn(self._core, self._embed(ids),
                                              initial_state=initial_state,
                                              time_major=True)
    return self._output(outputs), final_state

  def xent(self, window):
    """Cross-entropy `[T, B]` (nats) of predicting `window[1:]`."""
    logits, _ = self(window[:-1])
    return tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=window[1:], logits=logits)

  def sample(self, prime, num_steps, temperature):
    """Generates `num_steps` ids after reading the non-empty `prime` `[P]`.

    Args:
      prime: int32 tensor `[P]`, P >= 1.
      num_steps: Python int.
      temperature: Python float; 0 picks the most likely character.

    Returns:
      int32 tensor `[num_steps]`.
    """
    logits, state = self(prime[:, None])

    def pick(logits):
      if temperature > 0:
        return tf.random.categorical(logits / temperature, 1, dtype=tf.int32)[:,
                                                                              0]
      return tf.argmax(logits, axis=-1, output_type=tf.int32)

    def body(i, ids, logits, state):
      next_id = pick(logits)
      ids = ids.write(i, next_id[0])
      output, state = self._core(self._embed(next_id), state)
      return i + 1, ids, self._output_linear(output), state

    ids = tf.TensorArray(tf.int32, size=num_steps)
    _, ids, _, _ = tf.while_loop(lambda i, *_: i < num_steps, body,
                                 (0, ids, logits[-1], state))
    return ids.stack()

  def stateless_sample(self, prime, num_steps, temperature, seed):
    """`sample` with tensor arguments and a seed: the same seed, the same text.

    Args:
      prime: int32 tensor `[P]`, P >= 1.
      num_steps: int32 scalar tensor.
      temperature: float32 scalar tensor; <= 0 picks the most likely.
      seed: int64 scalar tensor.

    Returns:
      int32 tensor `[num_steps]`.
    """
    logits, state = self(prime[:, None])

    def pick(i, logits):
      scaled = logits / tf.maximum(temperature, 1e-6)
      drawn = tf.random.stateless_categorical(
          scaled, 1, seed=tf.stack([seed, tf.cast(i, tf.int64)]),
          dtype=tf.int32)[:, 0]
      greedy = tf.argmax(logits, axis=-1, output_type=tf.int32)
      return tf.where(temperature > 0, drawn, greedy)

    def body(i, ids, logits, state):
      next_id = pick(i, logits)
      ids = ids.write(i, next_id[0])
      output, state = self._core(self._embed(next_id), state)
      return i + 1, ids, self._output_linear(output), state

    ids = tf.TensorArray(tf.int32, size=num_steps)
    _, ids, _, _ = tf.while_loop(lambda i, *_: i < num_steps, body,
                                 (0, ids, logits[-1], state))
    return ids.stack()


class Exported(tf.Module):
  """What `--export_dir` saves: the model behind a text-to-text signature.

  `sample(prime, num_steps, temperature, seed)` takes and returns strings;
  the vocabulary travels with it, so loading needs TensorFlow only.
  """

  def __init__(self, model, vocab):
    super().__init__(name="shakespeare")
    self.model = model
    self.vocab = tf.constant(list(vocab))

  @tf.function(input_signature=[
      tf.TensorSpec([], tf.string),
      tf.TensorSpec([], tf.int32),
      tf.TensorSpec([], tf.float32),
      tf.TensorSpec([], tf.int64)])
  def sample(self, prime, num_steps, temperature, seed):
    """Text after `prime` (characters of the vocabulary, at least one)."""
    chars = tf.strings.bytes_split(prime)
    ids = tf.argmax(
        tf.cast(tf.equal(chars[:, None], self.vocab[None, :]), tf.int32),
        axis=1, output_type=tf.int32)
    sampled = self.model.stateless_sample(ids, num_steps, temperature, seed)
    return tf.strings.reduce_join(tf.gather(self.vocab, sampled))


def _make_model(config, vocab_size):
  return TextModel(vocab_size, config.embedding_size, config.hidden_size,
                   config.lstm_depth)


def _learning_rate(config, global_step):
  return tf1.train.exponential_decay(config.learning_rate, global_step,
                                     config.reduce_learning_rate_interval,
                                     config.learning_rate_decay, staircase=True)


def _format_time(seconds):
  seconds = int(round(seconds))
  if seconds >= 3600:
    return "%dh%02dm" % (seconds // 3600, seconds % 3600 // 60)
  return "%dm%02ds" % (seconds // 60, seconds % 60)


def _eval_chars(config, split):
  if split == "valid" and config.max_eval_chars > 0:
    return config.max_eval_chars
  return None


def _evaluate(data, config, split, sum_xent_fn):
  """Mean nats per character over (the start of) a split."""
  total, count = 0.0, 0
  limit = _eval_chars(config, split)
  for window in data.eval_batches(split, 128, config.eval_length):
    total += float(sum_xent_fn(window))
    count += window[1:].size
    if limit and count >= limit:
      break
  return total / count


class _Progress:
  """Prints one line per report and keeps the history."""

  def __init__(self, config, start_step):
    self._config = config
    self._last_step = start_step
    self._train_time = 0.0
    self._losses = []
    self.history = []

  def add(self, loss, seconds):
    self._losses.append(loss)
    self._train_time += seconds

  def report(self, step, valid_loss):
    """Prints and records the losses and speed since the last report."""
    steps = step - self._last_step
    rate = steps / self._train_time if self._train_time > 0 else float("nan")
    train_loss = float(np.mean(self._losses)) if self._losses else float("nan")
    left = max(self._config.num_training_iterations - step, 0)
    eta = _format_time(left / rate) if rate > 0 else "?"
    print(
        "step %6d/%d  loss %.3f  valid %.3f (ppl %.2f)  %.1f steps/s  "
        "ETA %s" % (step, self._config.num_training_iterations, train_loss,
                    valid_loss, np.exp(valid_loss), rate, eta), flush=True)
    self.history.append(Report(step, train_loss, valid_loss, rate))
    self._last_step, self._train_time, self._losses = step, 0.0, []
    return train_loss


def _print_sample(config, text):
  print(
      "--- sample (temperature %g) ---\n%s%s\n---" %
      (config.sample_temperature, config.sample_prime, text), flush=True)


def _say_resumed(config, start_step, ckpt_dir):
  if start_step > 0:
    print(
        "Resuming from the checkpoint at step %d in %s." %
        (start_step, ckpt_dir), flush=True)
  if start_step >= config.num_training_iterations:
    print(
        "Already trained to step %d: evaluating only. Give a larger "
        "--num_training_iterations to train further, or another "
        "--checkpoint_dir to start afresh." % start_step, flush=True)


def _evaluating_test(data):
  return console.step("Evaluating on the whole test split (%d characters)" %
                      len(data.splits["test"]))


def _plot(config, run_dir):
  """Draws the run's losses (from its event files) into run_dir/curves.png."""
  scalars = curves.read_scalars(run_dir)
  lines = [(label, *scalars[tag])
           for label, tag in (("train", "loss/train"), ("valid", "loss/valid"))
           if tag in scalars]
  points = []
  if "loss/test" in scalars:
    steps, values = scalars["loss/test"]
    points.append(("test", steps[-1], values[-1]))
  path = curves.plot(
      os.path.join(run_dir, "curves.png"),
      "rnn_shakespeare (%s mode): loss per character" % config.mode, lines,
      "nats per character", points=points,
      baseline=("uniform over 65 characters", np.log(65)))
  if path:
    print("Wrote %s: the training and validation losses." % path, flush=True)
  return path


def _train_loop(config, data, rng, ckpt_dir, start_step, run_step, evaluate,
                sample_text, summarize=None, manager=None):
  """The training loop every mode shares: steps, reports, the final test.

  Args:
    config: a Config.
    data: a TinyShakespeare.
    rng: the NumPy generator that draws the training batches.
    ckpt_dir: where the run's checkpoints are (for the resume message and
      the final checkpoint's name).
    start_step: the step restored from a checkpoint (0 for a new run).
    run_step: a function from a batch to the step's training loss.
    evaluate: a function from a split name to its loss.
    sample_text: a function returning a sample of text.
    summarize: None, or a function (step, {tag: value}) writing summaries.
    manager: None, or a `tf.train.CheckpointManager` to save every
      `config.checkpoint_interval` steps and at the end.

  Returns:
    A Result.
  """
  step = start_step
  _say_resumed(config, start_step, ckpt_dir)
  progress = _Progress(config, start_step)
  while step < config.num_training_iterations:
    batch = data.random_batch("train", config.batch_size,
                              config.truncation_length, rng)
    t0 = time.time()
    loss_value = run_step(batch)
    progress.add(loss_value, time.time() - t0)
    step += 1
    if manager is not None and step % config.checkpoint_interval == 0:
      manager.save(checkpoint_number=step)
    if (step % config.report_interval == 0 or
        step == config.num_training_iterations):
      valid_loss = evaluate("valid")
      train_loss = progress.report(step, valid_loss)
      if summarize is not None:
        summarize(step, {"loss/train": train_loss, "loss/valid": valid_loss})
      _print_sample(config, sample_text())
  if (manager is not None and step > start_step and
      manager.latest_checkpoint != os.path.join(ckpt_dir, "ckpt-%d" % step)):
    manager.save(checkpoint_number=step)
  with _evaluating_test(data):
    test_loss = evaluate("test")
  if summarize is not None:
    summarize(step, {"loss/test": test_loss})
  return Result(start_step, step, progress.history, test_loss, sample_text(),
                None)


def train_graph(config, data):
  """Trains in graph mode with MonitoredTrainingSession; returns a Result."""
  ckpt_dir = os.path.join(config.checkpoint_dir, "graph")
  rng = np.random.default_rng(config.seed)
  with tf.Graph().as_default():
    tf1.set_random_seed(config.seed)
    model = _make_model(config, data.vocab_size)
    window = tf1.placeholder(tf.int32, [None, None], name="window")
    xent = model.xent(window)
    loss = tf.reduce_mean(xent)
    sum_xent = tf.reduce_sum(xent)

    global_step = tf1.train.get_or_create_global_step()
    optimizer = tf1.train.AdamOptimizer(_learning_rate(config, global_step))
    variables = model.get_all_variables()
    grads, _ = tf.clip_by_global_norm(tf.gradients(loss, variables),
                                      config.max_grad_norm)
    train_op = optimizer.apply_gradients(zip(grads, variables),
                                         global_step=global_step)
    sample = model.sample(tf.constant(data.encode(config.sample_prime)),
                          config.sample_length, config.sample_temperature)

    # Summaries are written by hand (below), not by a hook, so that
    # evaluation runs never trigger a summary of the training loss.
    with console.step("Starting the session (restoring the latest checkpoint"
                      " in %s, if any)" % ckpt_dir):
      session = tf1.train.MonitoredTrainingSession(
          checkpoint_dir=ckpt_dir,
          save_checkpoint_steps=config.checkpoint_interval,
          save_checkpoint_secs=None, save_summaries_steps=None,
          save_summaries_secs=None, log_step_count_steps=None)
    with session as sess:
      writer = tf1.summary.FileWriterCache.get(ckpt_dir)

      def summarize(step, values):
        writer.add_summary(
            tf1.Summary(value=[
                tf1.Summary.Value(tag=tag, simple_value=value)
                for tag, value in values.items()]), step)
        writer.flush()

      def evaluate(split):
        return _evaluate(data, config, split,
                         lambda w: sess.run(sum_xent, {window: w}))

      return _train_loop(
          config, data, rng, ckpt_dir, int(sess.run(global_step)),
          run_step=lambda batch: sess.run([train_op, loss], {window: batch})[1],
          evaluate=evaluate, sample_text=lambda: data.decode(sess.run(sample)),
          summarize=summarize)


def _traced_evaluation(config, data, model):
  """The traced functions evaluation and sampling call in eager modes.

  Args:
    config: a Config.
    data: a TinyShakespeare.
    model: a TextModel.

  Returns:
    (sum_xent, sample): the summed cross-entropy of a `[time, batch]`
    window of ids, and a sample of ids after `config.sample_prime`.
  """

  @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)])
  def sum_xent(window):
    return tf.reduce_sum(model.xent(window))

  prime = tf.constant(data.encode(config.sample_prime))

  @tf.function
  def sample():
    return model.sample(prime, config.sample_length, config.sample_temperature)

  return sum_xent, sample


def train_eager(config, data):
  """Trains eagerly with tf.function and CheckpointManager; returns a Result."""
  ckpt_dir = os.path.join(config.checkpoint_dir, "eager")
  rng = np.random.default_rng(config.seed)
  tf.random.set_seed(config.seed)
  model = _make_model(config, data.vocab_size)
  global_step = tf.Variable(0, dtype=tf.int64, trainable=False,
                            name="global_step")
  optimizer = tf1.train.AdamOptimizer(_learning_rate(config, global_step))

  window_spec = tf.TensorSpec([None, None], tf.int32)

  @tf.function(input_signature=[window_spec])
  def train_step(window):
    with tf.GradientTape() as tape:
      loss = tf.reduce_mean(model.xent(window))
    variables = model.trainable_variables
    grads, _ = tf.clip_by_global_norm(tape.gradient(loss, variables),
                                      config.max_grad_norm)
    optimizer.apply_gradients(zip(grads, variables), global_step=global_step)
    return loss

  sum_xent, sample = _traced_evaluation(config, data, model)

  # Connect the model once so its variables exist before restoring; Adam's
  # slots are created on the first step and restored then (deferred).
  model(tf.zeros([1, 1], tf.int32))
  checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer,
                                   global_step=global_step)
  manager = tf.train.CheckpointManager(checkpoint, ckpt_dir, max_to_keep=3)
  if manager.latest_checkpoint:
    checkpoint.restore(
        manager.latest_checkpoint).assert_existing_objects_matched()
  writer = tf.summary.create_file_writer(ckpt_dir)

  # tf.summary.scalar needs the tensorboard package; tf.summary.write with
  # the scalars plugin's metadata writes the same event without it.
  metadata = tf1.SummaryMetadata(plugin_data=tf1.SummaryMetadata.PluginData(
      plugin_name="scalars"))

  def summarize(step, values):
    with writer.as_default():
      for tag, value in values.items():
        tf.summary.write(tag, tf.constant(value, tf.float32), step=step,
                         metadata=metadata.SerializeToString())
    writer.flush()

  def evaluate(split):
    return _evaluate(data, config, split, sum_xent)

  return _train_loop(config, data, rng, ckpt_dir, int(global_step.numpy()),
                     run_step=lambda batch: float(train_step(batch)),
                     evaluate=evaluate,
                     sample_text=lambda: data.decode(sample().numpy()),
                     summarize=summarize, manager=manager)


def make_strategy(config):
  """The `tf.distribute` strategy `config.strategy` names.

  Args:
    config: a Config; `workers`, `ps`, `chief`, `task_type` and `task`
      describe the cluster (empty `workers`: TF_CONFIG does).

  Returns:
    A `tf.distribute.Strategy`.
  """
  if config.strategy == "mirrored":
    devices = (tf.config.list_logical_devices("GPU") or
               tf.config.list_logical_devices("CPU"))
    return tf.distribute.MirroredStrategy([d.name for d in devices])
  resolver = _cluster_resolver(config)
  if config.strategy == "multi_worker":
    return tf.distribute.MultiWorkerMirroredStrategy(cluster_resolver=resolver)
  return tf.distribute.ParameterServerStrategy(resolver)


def _cluster_resolver(config):
  """The cluster of the flags, or TF_CONFIG's when `workers` is empty."""
  if not config.workers:
    return tf.distribute.cluster_resolver.TFConfigClusterResolver()
  jobs = {"worker": list(config.workers)}
  if config.ps:
    jobs["ps"] = list(config.ps)
  if config.chief:
    jobs["chief"] = [config.chief]
  task_type = ("worker"
               if config.strategy == "multi_worker" else config.task_type)
  return tf.distribute.cluster_resolver.SimpleClusterResolver(
      tf.train.ClusterSpec(jobs), task_type=task_type, task_id=config.task,
      rpc_layer="grpc")


def _is_chief(config, strategy):
  """Whether this process writes the run's checkpoints and exports."""
  resolver = getattr(strategy, "cluster_resolver", None)
  if resolver is None or config.strategy == "parameter_server":
    return True
  return resolver.task_type in ("chief", None) or (
      resolver.task_type == "worker" and resolver.task_id == 0 and
      "chief" not in resolver.cluster_spec().as_dict())


def train_distributed(config, data, strategy):
  """Trains with tf.function under `strategy`; returns a Result.

  The global batch (the same on every worker: same seed) is split along
  its batch axis over the replicas; each replica's loss is its share of
  the global mean, the gradients are summed over replicas, clipped by
  their global norm and applied by Adam on every replica alike.
  Checkpoints go to `<checkpoint_dir>/eager` from the chief, and to
  `<checkpoint_dir>/eager/worker_<task>` from the other workers.

  Args:
    config: a Config.
    data: a TinyShakespeare.
    strategy: a `tf.distribute.Strategy`.

  Returns:
    A Result.
  """
  ckpt_dir = os.path.join(config.checkpoint_dir, "eager")
  chief = _is_chief(config, strategy)
  if not chief:
    ckpt_dir = os.path.join(ckpt_dir, "worker_%d" % config.task)
  rng = np.random.default_rng(config.seed)
  tf.random.set_seed(config.seed)
  coordinator = None
  if config.strategy == "parameter_server":
    coordinator = tf.distribute.coordinator.ClusterCoordinator(strategy)
  with strategy.scope():
    model = _make_model(config, data.vocab_size)
    # The model's variables, mirrored, before a step is traced.
    model(tf.zeros([1, 1], tf.int32))
    global_step = tf.Variable(0, dtype=tf.int64, trainable=False,
                              name="global_step")
    optimizer = tf1.train.AdamOptimizer(_learning_rate(config, global_step))
  replicas = strategy.num_replicas_in_sync
  global_chars = config.batch_size * config.truncation_length

  def replica_step(window):
    with tf.GradientTape() as tape:
      loss = tf.reduce_sum(model.xent(window)) / global_chars
    variables = model.trainable_variables
    context = tf.distribute.get_replica_context()
    grads = context.all_reduce(tf.distribute.ReduceOp.SUM,
                               tape.gradient(loss, variables))
    grads, _ = tf.clip_by_global_norm(grads, config.max_grad_norm)
    # apply_gradients sums over replicas again: give it 1/N each.
    optimizer.apply_gradients([
        (_scaled(g, 1. / replicas), v) for g, v in zip(grads, variables)],
                              global_step=global_step)
    return loss

  @tf.function
  def train_step(window):
    local = window
    if coordinator is None:
      per_replica = config.batch_size // replicas
      local = strategy.experimental_distribute_values_from_function(
          lambda ctx: window[:, ctx.replica_id_in_sync_group * per_replica:
                             (ctx.replica_id_in_sync_group + 1) * per_replica])
    losses = strategy.run(replica_step, args=(local,))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

  sum_xent, sample = _traced_evaluation(config, data, model)

  checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer,
                                   global_step=global_step)
  manager = tf.train.CheckpointManager(checkpoint, ckpt_dir, max_to_keep=3)
  restore_from = tf.train.latest_checkpoint(
      os.path.join(config.checkpoint_dir, "eager"))
  if restore_from:
    checkpoint.restore(restore_from)

  def run_step(batch):
    if coordinator is None:
      return float(train_step(batch))
    result = coordinator.schedule(train_step, args=(batch,))
    coordinator.join()
    return float(result.fetch())

  def evaluate(split):
    return _evaluate(data, config, split, sum_xent)

  return _train_loop(config, data, rng, ckpt_dir, int(global_step.numpy()),
                     run_step=run_step, evaluate=evaluate,
                     sample_text=lambda: data.decode(sample().numpy()),
                     manager=manager)


def _scaled(grad, factor):
  """`grad * factor` for a dense or `IndexedSlices` gradient."""
  if isinstance(grad, tf.IndexedSlices):
    return tf.IndexedSlices(grad.values * factor, grad.indices,
                            grad.dense_shape)
  return grad * factor


def export_from_checkpoint(config, data):
  """Exports the latest checkpoint of `config`'s run to `config.export_dir`.

  Args:
    config: a Config.
    data: a TinyShakespeare (for its vocabulary).

  Returns:
    The `Exported` module that was saved.
  """
  model = _make_model(config, data.vocab_size)
  model(tf.zeros([1, 1], tf.int32))
  latest = tf.train.latest_checkpoint(
      os.path.join(config.checkpoint_dir, config.mode))
  if config.mode == "graph":
    # Name-based: the training graph's model was "text_model".
    names = {
        "text_model" + v.name[len(model.scope_name):].split(":")[0]: v
        for v in model.get_all_variables()}
    tf1.train.Saver(names).restore(None, latest)
  else:
    tf.train.Checkpoint(model=model).restore(latest).expect_partial()
  exported = Exported(model, data.vocab)
  tf.saved_model.save(exported, config.export_dir,
                      signatures={"sample": exported.sample})
  print(
      "Wrote a SavedModel to %s: sample it with sample_shakespeare.py "
      "--export_dir=%s" % (config.export_dir, config.export_dir), flush=True)
  return exported


def train(config, data=None):
  """Trains (or resumes training) as `config` says; returns a Result.

  Raises:
    ValueError: if a strategy is asked for in graph mode.
  """
  if data is None:
    data = shakespeare_data.TinyShakespeare()
  if config.strategy != "none" and config.mode != "eager":
    raise ValueError("--strategy=%s trains with tf.function: add "
                     "--mode=eager." % config.strategy)
  print(
      "Tiny Shakespeare: %d training characters, vocabulary of %d "
      "(uniform baseline %.2f nats/char). Mode: %s." %
      (len(data.splits["train"]), data.vocab_size, np.log(
          data.vocab_size), config.mode), flush=True)
  curves.print_tensorboard_command(config.checkpoint_dir)
  if config.strategy != "none":
    strategy = make_strategy(config)
    print(
        "Strategy: %s, %d replicas in sync." %
        (config.strategy, strategy.num_replicas_in_sync), flush=True)
    result = train_distributed(config, data, strategy)
    chief = _is_chief(config, strategy)
  else:
    fn = train_graph if config.mode == "graph" else train_eager
    result = fn(config, data)
    chief = True
  print(
      "Test loss %.3f nats/char (perplexity %.2f) at step %d." %
      (result.test_loss, np.exp(result.test_loss), result.final_step),
      flush=True)
  if config.export_dir and chief:
    export_from_checkpoint(config, data)
  if config.strategy != "none":
    return result
  return result._replace(curves_path=_plot(
      config, os.path.join(config.checkpoint_dir, config.mode)))


def config_from_flags():
  values = {name: FLAGS[name].value for name in Config._fields}
  values.update(workers=tuple(FLAGS.workers), ps=tuple(FLAGS.ps))
  return Config(**values)


def serve(config):
  """A parameter_server ps or worker task: serves until killed."""
  resolver = _cluster_resolver(config)
  print(
      "Serving as %s %d of %s." %
      (resolver.task_type, resolver.task_id, resolver.cluster_spec().as_dict()),
      flush=True)
  tf.distribute.Server(resolver.cluster_spec(), job_name=resolver.task_type,
                       task_index=resolver.task_id, protocol="grpc",
                       start=True).join()


def main(argv):
  del argv  # Unused.
  # TensorFlow logs every checkpoint and deprecation at INFO/WARNING; the
  # example prints its own progress instead (--verbose shows them).
  console.set_log_levels()
  if FLAGS.logical_cpus:
    tf.config.set_logical_device_configuration(
        tf.config.list_physical_devices("CPU")[0],
        [tf.config.LogicalDeviceConfiguration()] * FLAGS.logical_cpus)
  if FLAGS.strategy == "parameter_server" and FLAGS.task_type != "chief":
    serve(config_from_flags())
    return
  with console.step("Reading Tiny Shakespeare"):
    data = shakespeare_data.TinyShakespeare(FLAGS.data_dir or None)
  train(config_from_flags(), data)


if __name__ == "__main__":
  app.run(main)
