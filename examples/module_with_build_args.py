r"""A module whose `_build` takes an extra argument: `is_training`.

    bazel run //examples:module_with_build_args

`Classifier._build(inputs, is_training)` applies batch normalization and
dropout differently in training and in testing. The module is connected
twice, to a training batch with `is_training=True` and to held-out images
with `is_training=False`; both connections use the same weights. Batch
normalization's moving averages are updated by the ops it puts in the
`UPDATE_OPS` collection, which the training op depends on.

It trains on scikit-learn's 8x8 digits (or MNIST with `--data_dir`) in
graph mode with `tf.compat.v1.train.MonitoredTrainingSession`, which saves
checkpoints to `--checkpoint_dir` and resumes from them, and prints the
held-out accuracy every `--report_interval` steps (and writes it, with the
loss, to TensorBoard logs there: it prints the `tensorboard --logdir ...`
command at the start). TensorFlow's own log lines are hidden; `--verbose`
shows them.
"""

import collections
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
from examples import image_data
# pylint: enable=wrong-import-position,ungrouped-imports

tf1 = tf.compat.v1

FLAGS = flags.FLAGS
flags.DEFINE_integer("num_training_iterations", 1500, "Training steps.")
flags.DEFINE_integer("report_interval", 500, "Steps between reports.")
flags.DEFINE_integer("hidden_size", 128, "Units in the hidden layer.")
flags.DEFINE_float("keep_prob", 0.8, "Dropout keep probability in training.")
flags.DEFINE_integer("batch_size", 64, "Images per batch.")
flags.DEFINE_float("learning_rate", 1e-3, "Adam learning rate.")
flags.DEFINE_string("data_dir", "",
                    "MNIST IDX folder; empty means scikit-learn's digits.")
flags.DEFINE_string("checkpoint_dir",
                    "/tmp/sonnet_examples/module_with_build_args",
                    "Where checkpoints go.")

Result = collections.namedtuple(
    "Result", ["start_step", "final_step", "losses", "test_accuracy"])


class Classifier(snt.AbstractModule):
  """Linear -> BatchNorm -> ReLU -> dropout -> Linear, aware of training.

  >>> with tf.Graph().as_default():
  ...   net = Classifier(hidden_size=4, num_classes=3)
  ...   train_logits = net(tf.zeros([2, 5]), is_training=True)
  ...   test_logits = net(tf.zeros([2, 5]), is_training=False)
  ...   len(net.get_variables())    # w, b; beta; w, b (shared by both)
  5
  """

  def __init__(self, hidden_size, num_classes, keep_prob=0.8,
               name="classifier"):
    super().__init__(name=name)
    self._hidden_size = hidden_size
    self._num_classes = num_classes
    self._keep_prob = keep_prob

  def _build(self, inputs, is_training):
    """Logits `[N, num_classes]` for inputs `[N, ...]`.

    Args:
      inputs: a batch of examples; all but the first axis are flattened.
      is_training: Python bool (or boolean tensor). True: normalize with the
        batch's statistics, update the moving averages, and apply dropout.
        False: normalize with the moving averages, no dropout.

    Returns:
      float32 logits.
    """
    h = snt.BatchFlatten()(inputs)
    h = snt.Linear(self._hidden_size, name="hidden")(h)
    h = snt.BatchNorm()(h, is_training=is_training, test_local_stats=False)
    h = tf.nn.relu(h)
    if is_training:
      h = tf.nn.dropout(h, rate=1.0 - self._keep_prob)
    return snt.Linear(self._num_classes, name="logits")(h)


def train(data, num_training_iterations, checkpoint_dir, hidden_size=128,
          keep_prob=0.8, batch_size=64, learning_rate=1e-3, report_interval=500,
          seed=0):
  """Trains (or resumes) on `data`; returns a Result."""
  num_classes = int(max(data.train_labels.max(), data.test_labels.max())) + 1
  shape = list(data.image_shape)
  curves.print_tensorboard_command(checkpoint_dir)
  with tf.Graph().as_default():
    tf1.set_random_seed(seed)
    net = Classifier(hidden_size, num_classes, keep_prob)
    images = tf1.placeholder(tf.float32, [None] + shape)
    labels = tf1.placeholder(tf.int32, [None])
    test_images = tf1.placeholder(tf.float32, [None] + shape)

    train_logits = net(images, is_training=True)
    test_logits = net(test_images, is_training=False)  # same weights

    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                       logits=train_logits))
    global_step = tf1.train.get_or_create_global_step()
    with tf.control_dependencies(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)):
      train_op = tf1.train.AdamOptimizer(learning_rate).minimize(
          loss, global_step=global_step)
    predictions = tf.argmax(test_logits, axis=-1, output_type=tf.int32)

    with tf1.train.MonitoredTrainingSession(
        checkpoint_dir=checkpoint_dir, save_checkpoint_steps=report_interval,
        save_checkpoint_secs=None, save_summaries_steps=None,
        save_summaries_secs=None, log_step_count_steps=None) as sess:

      def accuracy():
        got = sess.run(predictions, {test_images: data.test})
        return float(np.mean(got == data.test_labels))

      step = start = int(sess.run(global_step))
      if start:
        print("Resuming from step %d (%s)." % (start, checkpoint_dir))
      rng = np.random.default_rng(seed + start)
      log = curves.ScalarLog(checkpoint_dir)
      losses, t0, last = [], time.time(), step
      while step < num_training_iterations:
        idx = rng.integers(0, len(data.train), batch_size)
        _, value = sess.run(
            [train_op, loss],
            {images: data.train[idx], labels: data.train_labels[idx]})
        losses.append(float(value))
        step += 1
        if step % report_interval == 0 or step == num_training_iterations:
          mean_loss, held_out = np.mean(losses[last - step:]), accuracy()
          print(
              "step %5d/%d  loss %.3f  held-out accuracy %.3f  %.0f "
              "steps/s" % (step, num_training_iterations, mean_loss, held_out,
                           (step - last) / (time.time() - t0)), flush=True)
          log.write(step, {"loss/train": mean_loss, "accuracy/test": held_out})
          t0, last = time.time(), step
      log.close()
      test_accuracy = accuracy()
  print("Held-out accuracy %.3f at step %d." % (test_accuracy, step))
  return Result(start, step, losses, test_accuracy)


def main(argv):
  del argv  # Unused.
  console.set_log_levels()
  train(image_data.load(FLAGS.data_dir or None), FLAGS.num_training_iterations,
        FLAGS.checkpoint_dir, hidden_size=FLAGS.hidden_size,
        keep_prob=FLAGS.keep_prob, batch_size=FLAGS.batch_size,
        learning_rate=FLAGS.learning_rate,
        report_interval=FLAGS.report_interval)


if __name__ == "__main__":
  app.run(main)
