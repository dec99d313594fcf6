"""Every example run as a program, as `bazel run` runs it, on tiny sizes.

What a user sees and gets:

* no TensorFlow log lines (C++ or Python) by default, and the
  "Importing TensorFlow... done" line; with --verbose, TensorFlow's lines;
* at the start, `TensorBoard: <program> --logdir <dir>`, where <dir> is the
  example's --checkpoint_dir and the program exists; after the run, <dir>
  holds event files with the example's scalars at its report steps;
* rnn_shakespeare and vae: curves.png (800x450) and the vae's samples.png.
"""

import os
import shlex
import subprocess
import sys

import numpy as np
import tensorflow as tf

from examples import console
from examples import curves

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_example(script, *flags_):
  """Runs examples/<script> with Python, as Bazel's py_binary does."""
  env = dict(os.environ)
  env.pop("TF_CPP_MIN_LOG_LEVEL", None)
  env.pop("SONNET_TEST_TF1_BEHAVIOR", None)
  env["PYTHONPATH"] = os.pathsep.join(
      [ROOT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
  env.setdefault(
      "MPLCONFIGDIR",
      os.path.join(os.environ.get("TEST_TMPDIR", "/tmp"), "matplotlib"))
  proc = subprocess.run(
      [sys.executable, os.path.join(ROOT, "examples", script)] + list(flags_),
      env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
      timeout=280, check=False)
  return proc.returncode, proc.stdout


class ProgramsTest(tf.test.TestCase):

  def check_output(self, script, expected_tags, scalar_dir=None, *flags_):  # pylint: disable=keyword-arg-before-vararg
    """Runs a script quietly; checks its lines and its TensorBoard logs."""
    logdir = os.path.join(self.create_tempdir().full_path, "run")
    status, output = run_example(script, "--checkpoint_dir=" + logdir, *flags_)
    lines = output.splitlines()
    self.assertEqual(status, 0, output[-5000:])

    # Quiet: no TensorFlow log lines at all.
    self.assertEmpty([l for l in lines if console.TF_LOG_LINE.match(l)],
                     output[-5000:])
    self.assertRegex(lines[0], r"^Importing TensorFlow\.\.\. done \(")

    # The TensorBoard command names the real folder and a real program.
    commands = [l for l in lines if l.startswith("TensorBoard: ")]
    self.assertLen(commands, 1, output)
    words = shlex.split(commands[0][len("TensorBoard: "):])
    self.assertEqual(words[1:], ["--logdir", logdir])
    if os.sep in words[0]:
      self.assertTrue(os.access(words[0], os.X_OK), words[0])
    else:
      self.assertEqual(words[0], "tensorboard")
    scalars = curves.read_scalars(os.path.join(logdir, scalar_dir or ""))
    for tag, steps in expected_tags.items():
      self.assertIn(tag, scalars)
      self.assertEqual(scalars[tag][0], steps, tag)
      self.assertTrue(np.all(np.isfinite(scalars[tag][1])), tag)
    return logdir, lines

  def check_png(self, path, size):
    self.assertTrue(os.path.exists(path), path)
    with open(path, "rb") as f:
      data = f.read()
    self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
    pixels = self.evaluate(tf.io.decode_png(data))
    self.assertEqual(pixels.shape[:2], (size[1], size[0]))
    self.assertGreater(
        len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)), 2)

  def test_rnn_shakespeare(self):
    logdir, lines = self.check_output(
        "rnn_shakespeare.py",
        {"loss/train": [10, 20], "loss/valid": [10, 20], "loss/test": [20]},
        "graph", "--num_training_iterations=20", "--report_interval=10",
        "--checkpoint_interval=10", "--lstm_depth=1", "--hidden_size=16",
        "--embedding_size=8", "--batch_size=8", "--truncation_length=16",
        "--max_eval_chars=1000", "--sample_length=20")
    # The long steps say what they do, in order.
    said = [l.split("... ")[0] for l in lines if "... done (" in l]
    self.assertEqual(said, [
        "Importing TensorFlow", "Reading Tiny Shakespeare",
        "Starting the session (restoring the latest checkpoint in %s/graph, "
        "if any)" % logdir,
        "Evaluating on the whole test split (111540 characters)"])
    png = os.path.join(logdir, "graph", "curves.png")
    self.assertIn("Wrote %s: the training and validation losses." % png, lines)
    self.check_png(png, curves.PNG_SIZE)
    self.assertRegex(lines[-2], r"^Test loss \d\.\d{3} nats/char")

    # --verbose brings TensorFlow's lines back (here on a finished run,
    # which only evaluates).
    status, output = run_example("rnn_shakespeare.py",
                                 "--checkpoint_dir=" + logdir, "--verbose",
                                 "--num_training_iterations=20",
                                 "--lstm_depth=1", "--hidden_size=16",
                                 "--embedding_size=8", "--max_eval_chars=1000",
                                 "--sample_length=20")
    self.assertEqual(status, 0, output[-5000:])
    self.assertIn("Already trained to step 20", output)
    self.assertNotEmpty(
        [l for l in output.splitlines() if console.TF_LOG_LINE.match(l)],
        output[-5000:])

  def test_vae(self):
    logdir, lines = self.check_output(
        "vae.py", {"elbo/train": [50, 100], "elbo/test": [50, 100]}, None,
        "--num_training_iterations=100", "--report_interval=50",
        "--checkpoint_interval=50", "--hidden_sizes=16",
        "--num_importance_samples=5")
    said = [l.split("... ")[0] for l in lines if "... done (" in l]
    self.assertEqual(
        said[:2], ["Importing TensorFlow", "Loading scikit-learn's 8x8 digits"])
    self.assertIn(
        "Estimating log p(x) of the 297 held-out images (5 "
        "importance samples each)", said)
    self.check_png(os.path.join(logdir, "curves.png"), curves.PNG_SIZE)
    self.check_png(os.path.join(logdir, "samples.png"),
                   (10 * 33 + 1, 10 * 33 + 1))
    self.assertIn(
        "Wrote %s: the training and held-out ELBO." %
        os.path.join(logdir, "curves.png"), lines)

  def test_naive_autoencoder(self):
    self.check_output("naive_autoencoder.py",
                      {"mse/train": [20, 40], "mse/test": [20, 40]}, None,
                      "--num_training_iterations=40", "--report_interval=20")

  def test_module_with_build_args(self):
    self.check_output("module_with_build_args.py",
                      {"loss/train": [20, 40], "accuracy/test": [20, 40]}, None,
                      "--num_training_iterations=40", "--report_interval=20")

  def test_my_mlp(self):
    self.check_output("my_mlp.py",
                      {"mse/train": [20, 40], "mse/test": [20, 40]}, None,
                      "--num_training_iterations=40", "--report_interval=20")

  def test_dnc(self):
    self.check_output(os.path.join("dnc", "train.py"),
                      {"loss/train": [5, 10], "wrong_bits/train": [5, 10]},
                      "graph", "--num_training_iterations=10",
                      "--report_interval=5", "--memory_size=4", "--word_size=4",
                      "--hidden_size=8")


if __name__ == "__main__":
  tf.test.main()
