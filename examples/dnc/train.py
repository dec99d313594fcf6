r"""Trains a DNC on the repeat-copy task.

    bazel run //examples/dnc:train                  # graph mode, ~3 min
    bazel run //examples/dnc:train -- --mode=eager  # tf.function
    python -m examples.dnc.train --num_training_iterations=20000

Graph mode (the default) unrolls the core with `tf.compat.v1.nn.dynamic_rnn`
and trains in a `tf.compat.v1.train.MonitoredTrainingSession`, which saves
checkpoints to `--checkpoint_dir/graph`; `--mode=eager` runs the same model
in a `tf.function` and checkpoints with `tf.train.CheckpointManager` to
`--checkpoint_dir/eager`. Either way a second run resumes from the latest
checkpoint, the global step going on from where it stopped.

Every `--report_interval` steps it prints the mean loss (nats per sequence,
on the output phase only) and the mean number of wrong bits per sequence
over the interval, and writes both to TensorBoard logs in the run's folder
(it prints the `tensorboard --logdir ...` command at the start).
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
import tensorflow as tf

from examples import console
from examples import curves
from examples.dnc import dnc
from examples.dnc import repeat_copy
# pylint: enable=wrong-import-position,ungrouped-imports

tf1 = tf.compat.v1

FLAGS = flags.FLAGS

flags.DEFINE_enum(
    "mode", "graph", ["graph", "eager"],
    "graph: dynamic_rnn and MonitoredTrainingSession; eager: "
    "tf.function and tf.train.CheckpointManager.")
flags.DEFINE_integer("num_training_iterations", 3000,
                     "Train until the global step reaches this.")
flags.DEFINE_integer("report_interval", 250, "Steps between progress lines.")
flags.DEFINE_integer("checkpoint_interval", 500, "Steps between checkpoints.")
flags.DEFINE_string("checkpoint_dir", "/tmp/sonnet_examples/dnc",
                    "Checkpoints go to <this>/<mode>.")
flags.DEFINE_integer("memory_size", 16, "Memory rows.")
flags.DEFINE_integer("word_size", 16, "Width of a memory row.")
flags.DEFINE_integer("num_read_heads", 2, "Read heads.")
flags.DEFINE_integer("num_write_heads", 1, "Write heads.")
flags.DEFINE_integer("hidden_size", 64, "LSTM controller units.")
flags.DEFINE_float("clip_value", 20.0, "Clip controller and DNC outputs.")
flags.DEFINE_float("learning_rate", 3e-3, "Adam learning rate.")
flags.DEFINE_float("max_grad_norm", 10.0, "Clip gradients to this norm.")
flags.DEFINE_integer("batch_size", 16, "Sequences per batch.")
flags.DEFINE_integer("num_bits", 4, "Bits per pattern step.")
flags.DEFINE_integer("min_length", 1, "Shortest pattern.")
flags.DEFINE_integer("max_length", 3, "Longest pattern.")
flags.DEFINE_integer("min_repeats", 1, "Fewest repeats.")
flags.DEFINE_integer("max_repeats", 2, "Most repeats.")
flags.DEFINE_integer("seed", 0, "Seed for the data and the weights.")

Config = collections.namedtuple("Config", [
    "mode", "num_training_iterations", "report_interval", "checkpoint_interval",
    "checkpoint_dir", "memory_size", "word_size", "num_read_heads",
    "num_write_heads", "hidden_size", "clip_value", "learning_rate",
    "max_grad_norm", "batch_size", "num_bits", "min_length", "max_length",
    "min_repeats", "max_repeats", "seed"])


def config_from_flags():
  return Config(**{name: getattr(FLAGS, name) for name in Config._fields})


def make_task(config):
  return repeat_copy.RepeatCopy(
      num_bits=config.num_bits, batch_size=config.batch_size,
      min_length=config.min_length, max_length=config.max_length,
      min_repeats=config.min_repeats, max_repeats=config.max_repeats,
      seed=config.seed)


def make_core(config, output_size):
  access_config = {
      "memory_size": config.memory_size,
      "word_size": config.word_size,
      "num_reads": config.num_read_heads,
      "num_writes": config.num_write_heads,}
  return dnc.DNC(access_config, {"hidden_size": config.hidden_size},
                 output_size, clip_value=config.clip_value or None)


def unroll(core, observations, batch_size):
  """Runs the core over time-major observations from a zero state."""
  logits, _ = tf1.nn.dynamic_rnn(core, observations,
                                 initial_state=core.initial_state(batch_size),
                                 time_major=True)
  return logits


def clipped_gradients(loss, variables, max_grad_norm, tape=None):
  if tape is None:
    grads = tf1.gradients(loss, variables)
  else:
    grads = tape.gradient(loss, variables)
  grads, _ = tf.clip_by_global_norm(grads, max_grad_norm)
  return list(zip(grads, variables))


class _Reporter:
  """Averages losses over report intervals and prints one line each."""

  def __init__(self, config, log, logdir):
    self._config = config
    self._log = log
    self._scalars = curves.ScalarLog(logdir)
    self._losses, self._errors = [], []
    self._start = time.time()
    self.first_loss = None
    self.history = []

  def add(self, step, loss, errors):
    """Records one training step's loss and bit errors."""
    if self.first_loss is None:
      self.first_loss = float(loss)
    self._losses.append(float(loss))
    self._errors.append(float(errors))
    if step % self._config.report_interval == 0 or (
        step >= self._config.num_training_iterations):
      mean_loss = sum(self._losses) / len(self._losses)
      mean_errors = sum(self._errors) / len(self._errors)
      self.history.append((step, mean_loss, mean_errors))
      self._scalars.write(
          step, {"loss/train": mean_loss, "wrong_bits/train": mean_errors})
      self._log("step %d: loss %.3f nats/seq, %.3f wrong bits/seq "
                "(%.1f s)" %
                (step, mean_loss, mean_errors, time.time() - self._start))
      self._losses, self._errors = [], []


def _result(reporter, first_step, step):
  return {
      "first_step": first_step, "final_step": step,
      "first_loss": reporter.first_loss, "history": reporter.history}


def train_graph(config, log=print):
  """Trains in graph mode; returns a dict of steps and losses."""
  task = make_task(config)
  batch, time_steps = config.batch_size, task.max_time()
  with tf.Graph().as_default():
    tf1.set_random_seed(config.seed)
    observations = tf1.placeholder(tf.float32,
                                   [time_steps, batch, task.observation_size])
    target = tf1.placeholder(tf.float32, [time_steps, batch, task.target_size])
    mask = tf1.placeholder(tf.float32, [time_steps, batch])
    core = make_core(config, task.target_size)
    logits = unroll(core, observations, batch)
    loss = repeat_copy.masked_sigmoid_cross_entropy(logits, target, mask)
    errors = repeat_copy.bit_errors(logits, target, mask)
    global_step = tf1.train.get_or_create_global_step()
    optimizer = tf1.train.AdamOptimizer(config.learning_rate)
    train_op = optimizer.apply_gradients(
        clipped_gradients(loss, core.trainable_variables, config.max_grad_norm),
        global_step=global_step)
    with tf.control_dependencies([train_op]):
      step_after = tf.identity(global_step)  # The step this update made.
    reporter = _Reporter(config, log,
                         os.path.join(config.checkpoint_dir, "graph"))
    with tf1.train.MonitoredTrainingSession(
        checkpoint_dir=os.path.join(config.checkpoint_dir, "graph"),
        save_checkpoint_steps=config.checkpoint_interval,
        save_summaries_steps=None, save_summaries_secs=None,
        log_step_count_steps=None) as sess:
      step = first_step = sess.run(global_step)
      if first_step:
        log("Resumed from a checkpoint at step %d." % first_step)
      while step < config.num_training_iterations:
        data = task.sample()
        step, loss_value, errors_value = sess.run([step_after, loss, errors], {
            observations: data.observations, target: data.target,
            mask: data.mask})
        reporter.add(step, loss_value, errors_value)
  return _result(reporter, first_step, step)


def train_eager(config, log=print):
  """Trains eagerly with a `tf.function` step; returns steps and losses."""
  task = make_task(config)
  tf.random.set_seed(config.seed)
  core = make_core(config, task.target_size)
  optimizer = tf.keras.optimizers.Adam(config.learning_rate)
  global_step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")

  @tf.function
  def train_step(observations, target, mask):
    with tf.GradientTape() as tape:
      logits = unroll(core, observations, config.batch_size)
      loss = repeat_copy.masked_sigmoid_cross_entropy(logits, target, mask)
    optimizer.apply_gradients(
        clipped_gradients(loss, core.trainable_variables, config.max_grad_norm,
                          tape=tape))
    global_step.assign_add(1)
    return loss, repeat_copy.bit_errors(logits, target, mask)

  # Make every variable (the core's, then the optimizer's slots) before the
  # step is traced and before restoring: a first trace that makes variables
  # runs inside a `tf.cond`, where the gradient of the unroll's loop now and
  # then summed accumulators of different shapes ("AddN must have the same
  # size and shape").
  first = task.sample()
  unroll(core, tf.constant(first.observations), config.batch_size)
  optimizer.build(core.trainable_variables)
  checkpoint = tf.train.Checkpoint(core=core, optimizer=optimizer,
                                   global_step=global_step)
  manager = tf.train.CheckpointManager(
      checkpoint, os.path.join(config.checkpoint_dir, "eager"), max_to_keep=3)
  if manager.latest_checkpoint:
    checkpoint.restore(manager.latest_checkpoint)
  step = first_step = int(global_step.numpy())
  if first_step:
    log("Resumed from a checkpoint at step %d." % first_step)
  reporter = _Reporter(config, log, os.path.join(config.checkpoint_dir,
                                                 "eager"))
  data = first
  while step < config.num_training_iterations:
    loss_value, errors_value = train_step(*data)
    step = int(global_step.numpy())
    reporter.add(step, loss_value.numpy(), errors_value.numpy())
    if step % config.checkpoint_interval == 0:
      manager.save(checkpoint_number=step)
    data = task.sample()
  manager.save(checkpoint_number=step)
  return _result(reporter, first_step, step)


def train(config, log=print):
  log(curves.tensorboard_line(config.checkpoint_dir))
  if config.mode == "eager":
    return train_eager(config, log)
  return train_graph(config, log)


def main(argv):
  del argv
  console.set_log_levels()
  config = config_from_flags()
  start = time.time()
  result = train(config)
  if result["history"]:
    log_line = ("first loss %.3f, last interval loss %.3f nats/seq, "
                "%.3f wrong bits/seq; %d steps in %.0f s")
    print(log_line % (result["first_loss"], result["history"][-1][1],
                      result["history"][-1][2], result["final_step"] -
                      result["first_step"], time.time() - start))


if __name__ == "__main__":
  app.run(main)
