r"""The user guide's MyMLP, fitting a curve with a plain Session and Saver.

    bazel run //examples:my_mlp
    bazel run //examples:my_mlp -- --nonlinearity=relu

`MyMLP` constructs its two `snt.Linear`s inside `_build` (named "x_to_h" and
"h_to_o", so its variables are `my_mlp/x_to_h/w` and so on); the training and
the evaluation connection share them. The task is made up on the spot:
learn y = sin(3x) from noisy samples with x in [-1, 1]. It is the oldest
style of TensorFlow program: a graph, a `tf.compat.v1.Session`, and a
`tf.compat.v1.train.Saver` that checkpoints to `--checkpoint_dir` and from
which a later run resumes. The errors also go to TensorBoard logs there (it
prints the `tensorboard --logdir ...` command at the start). TensorFlow's
own log lines are hidden; `--verbose` shows them.
"""

import collections
import os
import sys

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
# pylint: enable=wrong-import-position,ungrouped-imports

tf1 = tf.compat.v1

FLAGS = flags.FLAGS
flags.DEFINE_integer("num_training_iterations", 2000, "Training steps.")
flags.DEFINE_integer("report_interval", 500, "Steps between reports.")
flags.DEFINE_integer("hidden_size", 32, "Hidden units.")
flags.DEFINE_enum("nonlinearity", "tanh", ["tanh", "relu", "sigmoid"],
                  "The hidden layer's nonlinearity.")
flags.DEFINE_float("learning_rate", 1e-2, "Adam learning rate.")
flags.DEFINE_string("checkpoint_dir", "/tmp/sonnet_examples/my_mlp",
                    "Where checkpoints go.")

Result = collections.namedtuple(
    "Result",
    ["start_step", "final_step", "losses", "test_mse", "baseline_mse"])

_NONLINEARITIES = {"tanh": tf.tanh, "relu": tf.nn.relu, "sigmoid": tf.sigmoid}


class MyMLP(snt.AbstractModule):
  """The guide's two-layer MLP; submodules are made in `_build`.

  >>> mlp = MyMLP(hidden_size=4, output_size=1)
  >>> mlp(tf.zeros([2, 3])).shape.as_list()
  [2, 1]
  >>> sorted(v.name for v in mlp.get_variables())
  ['my_mlp/h_to_o/b:0', 'my_mlp/h_to_o/w:0', 'my_mlp/x_to_h/b:0', \
'my_mlp/x_to_h/w:0']
  """

  def __init__(self, hidden_size, output_size, nonlinearity=tf.tanh,
               name="my_mlp"):
    super().__init__(name=name)
    self._hidden_size = hidden_size
    self._output_size = output_size
    self._nonlinearity = nonlinearity

  def _build(self, inputs):
    lin_x_to_h = snt.Linear(output_size=self._hidden_size, name="x_to_h")
    lin_h_to_o = snt.Linear(output_size=self._output_size, name="h_to_o")
    return lin_h_to_o(self._nonlinearity(lin_x_to_h(inputs)))


def target(x):
  return np.sin(3.0 * x)


def train(num_training_iterations, checkpoint_dir, hidden_size=32,
          nonlinearity="tanh", learning_rate=1e-2, report_interval=500,
          batch_size=32, seed=0):
  """Trains (or resumes) MyMLP on the curve; returns a Result."""
  test_x = np.linspace(-1, 1, 201, dtype=np.float32)[:, None]
  test_y = target(test_x)
  baseline = float(np.mean((test_y - test_y.mean())**2))
  curves.print_tensorboard_command(checkpoint_dir)
  with tf.Graph().as_default():
    tf1.set_random_seed(seed)
    mlp = MyMLP(hidden_size, 1, _NONLINEARITIES[nonlinearity])
    x = tf1.placeholder(tf.float32, [None, 1])
    y = tf1.placeholder(tf.float32, [None, 1])
    loss = tf.reduce_mean(tf.square(mlp(x) - y))
    test_loss = tf.reduce_mean(  # A second connection: same weights.
        tf.square(mlp(tf.constant(test_x)) - test_y))
    global_step = tf1.train.get_or_create_global_step()
    train_op = tf1.train.AdamOptimizer(learning_rate).minimize(
        loss, global_step=global_step)
    saver = tf1.train.Saver(max_to_keep=2)
    prefix = os.path.join(checkpoint_dir, "model.ckpt")
    os.makedirs(checkpoint_dir, exist_ok=True)

    with tf1.Session() as sess:
      latest = tf1.train.latest_checkpoint(checkpoint_dir)
      if latest:
        saver.restore(sess, latest)
      else:
        sess.run(tf1.global_variables_initializer())
      step = start = int(sess.run(global_step))
      if start:
        print("Resuming from step %d (%s)." % (start, latest))
      rng = np.random.default_rng(seed + start)
      log = curves.ScalarLog(checkpoint_dir)
      losses = []
      while step < num_training_iterations:
        bx = rng.uniform(-1, 1, [batch_size, 1]).astype(np.float32)
        by = target(bx) + 0.05 * rng.normal(size=bx.shape)
        _, value = sess.run([train_op, loss], {x: bx, y: by})
        losses.append(float(value))
        step += 1
        if step % report_interval == 0 or step == num_training_iterations:
          train_mse = np.mean(losses[-report_interval:])
          step_test_mse = float(sess.run(test_loss))
          print(
              "step %5d/%d  train MSE %.4f  test MSE %.5f (a constant: "
              "%.3f)" % (step, num_training_iterations, train_mse,
                         step_test_mse, baseline), flush=True)
          log.write(step, {"mse/train": train_mse, "mse/test": step_test_mse})
          saver.save(sess, prefix, global_step=step)
      log.close()
      test_mse = float(sess.run(test_loss))
  print("Test MSE %.5f at step %d." % (test_mse, step))
  return Result(start, step, losses, test_mse, baseline)


def main(argv):
  del argv  # Unused.
  console.set_log_levels()
  train(FLAGS.num_training_iterations, FLAGS.checkpoint_dir,
        hidden_size=FLAGS.hidden_size, nonlinearity=FLAGS.nonlinearity,
        learning_rate=FLAGS.learning_rate,
        report_interval=FLAGS.report_interval)


if __name__ == "__main__":
  app.run(main)
