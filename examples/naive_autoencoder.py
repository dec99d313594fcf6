r"""The user guide's NaiveAutoEncoder, trained eagerly on 8x8 digits.

    bazel run //examples:naive_autoencoder
    bazel run //examples:naive_autoencoder -- --n_latent=16

A minimal example of `@snt.reuse_variables`: `encode` owns `w_enc`/`b_enc`,
`decode` owns `w_dec`/`b_dec`, and connecting the module (`_build`) runs one
after the other on the same variables. Training runs in eager mode: the step
is a `tf.function`, and `tf.train.CheckpointManager` saves to
`--checkpoint_dir`, from which a later run resumes. It prints the held-out
mean squared reconstruction error next to that of always answering the mean
training image, writes both to TensorBoard logs in `--checkpoint_dir` and
prints the `tensorboard --logdir ...` command that shows them. TensorFlow's
own log lines are hidden; `--verbose` shows them.
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
flags.DEFINE_integer("num_training_iterations", 2000, "Training steps.")
flags.DEFINE_integer("report_interval", 500, "Steps between reports.")
flags.DEFINE_integer("n_latent", 16, "Size of the code.")
flags.DEFINE_integer("batch_size", 64, "Images per batch.")
flags.DEFINE_float("learning_rate", 1e-2, "Adam learning rate.")
flags.DEFINE_string("data_dir", "",
                    "MNIST IDX folder; empty means scikit-learn's digits.")
flags.DEFINE_string("checkpoint_dir", "/tmp/sonnet_examples/naive_autoencoder",
                    "Where checkpoints and TensorBoard logs go.")

Result = collections.namedtuple(
    "Result",
    ["start_step", "final_step", "losses", "test_mse", "baseline_mse"])


class NaiveAutoEncoder(snt.AbstractModule):
  """The guide's autoencoder: two methods, each owning its variables.

  >>> ae = NaiveAutoEncoder(n_latent=3, n_out=5)
  >>> ae(tf.zeros([2, 5])).shape.as_list()
  [2, 5]
  >>> sorted(v.name for v in ae.get_variables())
  ['naive_auto_encoder/b_dec:0', 'naive_auto_encoder/b_enc:0', \
'naive_auto_encoder/w_dec:0', 'naive_auto_encoder/w_enc:0']
  """

  def __init__(self, n_latent, n_out, name="naive_auto_encoder"):
    super().__init__(name=name)
    self._n_latent = n_latent
    self._n_out = n_out

  @snt.reuse_variables
  def encode(self, inputs):
    """Inputs `[N, n_out]` -> codes `[N, n_latent]` in (0, 1)."""
    w_enc = tf1.get_variable("w_enc", shape=[self._n_out, self._n_latent])
    b_enc = tf1.get_variable("b_enc", shape=[self._n_latent],
                             initializer=tf.zeros_initializer())
    return tf.sigmoid(tf.matmul(inputs, w_enc) + b_enc)

  @snt.reuse_variables
  def decode(self, latents):
    """Codes `[N, n_latent]` -> reconstructions `[N, n_out]` in (0, 1)."""
    w_dec = tf1.get_variable("w_dec", shape=[self._n_latent, self._n_out])
    b_dec = tf1.get_variable("b_dec", shape=[self._n_out],
                             initializer=tf.zeros_initializer())
    return tf.sigmoid(tf.matmul(latents, w_dec) + b_dec)

  def _build(self, inputs):
    return self.decode(self.encode(inputs))


def train(data, num_training_iterations, checkpoint_dir, n_latent=16,
          batch_size=64, learning_rate=1e-2, report_interval=500, seed=0):
  """Trains (or resumes) on `data` (an `image_data.Images`); returns Result."""
  n_out = int(np.prod(data.image_shape))
  train_x = data.train.reshape([-1, n_out])
  test_x = data.test.reshape([-1, n_out])
  baseline = float(np.mean((test_x - train_x.mean(axis=0))**2))

  model = NaiveAutoEncoder(n_latent=n_latent, n_out=n_out)
  step_var = tf.Variable(0, dtype=tf.int64, trainable=False)
  optimizer = tf1.train.AdamOptimizer(learning_rate)

  def mse(x):
    return tf.reduce_mean(tf.square(model(x) - x))

  @tf.function(input_signature=[tf.TensorSpec([None, n_out], tf.float32)])
  def train_step(x):
    with tf.GradientTape() as tape:
      loss = mse(x)
    variables = model.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables),
                              global_step=step_var)
    return loss

  curves.print_tensorboard_command(checkpoint_dir)
  model(tf.zeros([1, n_out]))  # Create the variables before restoring.
  checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer,
                                   step=step_var)
  manager = tf.train.CheckpointManager(checkpoint, checkpoint_dir,
                                       max_to_keep=2)
  if manager.latest_checkpoint:
    checkpoint.restore(
        manager.latest_checkpoint).assert_existing_objects_matched()
  start = step = int(step_var.numpy())
  if start:
    print("Resuming from step %d (%s)." % (start, checkpoint_dir))

  rng = np.random.default_rng(seed + start)
  log = curves.ScalarLog(checkpoint_dir)
  losses, t0, last = [], time.time(), step
  while step < num_training_iterations:
    batch = train_x[rng.integers(0, len(train_x), batch_size)]
    losses.append(float(train_step(batch)))
    step += 1
    if step % report_interval == 0 or step == num_training_iterations:
      rate = (step - last) / (time.time() - t0)
      train_mse, test_mse = np.mean(losses[last - step:]), float(mse(test_x))
      print(
          "step %5d/%d  train MSE %.4f  held-out MSE %.4f (mean image: "
          "%.4f)  %.0f steps/s" %
          (step, num_training_iterations, train_mse, test_mse, baseline, rate),
          flush=True)
      log.write(step, {"mse/train": train_mse, "mse/test": test_mse})
      manager.save(checkpoint_number=step)
      t0, last = time.time(), step
  log.close()
  test_mse = float(mse(test_x))
  print("Held-out reconstruction MSE %.4f (mean image %.4f) at step %d." %
        (test_mse, baseline, step))
  return Result(start, step, losses, test_mse, baseline)


def main(argv):
  del argv  # Unused.
  console.set_log_levels()
  train(image_data.load(FLAGS.data_dir or None), FLAGS.num_training_iterations,
        FLAGS.checkpoint_dir, n_latent=FLAGS.n_latent,
        batch_size=FLAGS.batch_size, learning_rate=FLAGS.learning_rate,
        report_interval=FLAGS.report_interval)


if __name__ == "__main__":
  app.run(main)
