"""curves: the TensorBoard command, scalar logs read back, the PNG."""

import os
import shlex
import stat
import sys
from unittest import mock

import numpy as np
from sonnet.src import test_utils
import tensorflow as tf

from examples import curves

tf1 = tf.compat.v1


def _decode_png(test, path):
  with open(path, "rb") as f:
    data = f.read()
  test.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
  return data, test.evaluate(tf.io.decode_png(data, channels=3))


class TensorBoardCommandTest(tf.test.TestCase):

  def make_bin(self, *names):
    folder = self.create_tempdir().full_path
    for name in names:
      path = os.path.join(folder, name)
      with open(path, "w", encoding="utf-8") as f:
        f.write("#!/bin/sh\n")
      os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return folder

  def test_names_the_tensorboard_next_to_python(self):
    folder = self.make_bin("python", "tensorboard")
    with mock.patch.object(sys, "executable", os.path.join(folder, "python")), \
        mock.patch.dict(os.environ, {"PATH": "/nonexistent"}):
      command = curves.tensorboard_command("/tmp/some dir/run")
    self.assertEqual(
        shlex.split(command),
        [os.path.join(folder, "tensorboard"), "--logdir", "/tmp/some dir/run"])

  def test_plain_tensorboard_when_path_finds_the_same(self):
    folder = self.make_bin("python", "tensorboard")
    with mock.patch.object(sys, "executable", os.path.join(folder, "python")), \
        mock.patch.dict(os.environ, {"PATH": folder}):
      self.assertEqual(curves.tensorboard_command("/tmp/run"),
                       "tensorboard --logdir /tmp/run")
      self.assertEqual(curves.tensorboard_line("/tmp/run"),
                       "TensorBoard: tensorboard --logdir /tmp/run")

  def test_without_tensorboard(self):
    folder = self.make_bin("python")
    with mock.patch.object(sys, "executable", os.path.join(folder, "python")), \
        mock.patch.dict(os.environ, {"PATH": "/nonexistent"}):
      self.assertIsNone(curves.tensorboard_command("/tmp/run"))
      line = curves.tensorboard_line("/tmp/run")
    self.assertStartsWith(line, "TensorBoard logs go to /tmp/run (")
    self.assertIn("examples/requirements.txt", line)

  def test_this_python_has_tensorboard(self):
    # ./configure installs examples/requirements.txt next to TensorFlow.
    command = curves.tensorboard_command(self.get_temp_dir())
    self.assertIsNotNone(command)
    program = shlex.split(command)[0]
    if os.sep in program:
      self.assertTrue(os.access(program, os.X_OK), program)


class ScalarsTest(test_utils.TestCase):

  def test_write_and_read_back(self):
    logdir = self.get_temp_dir()
    log = curves.ScalarLog(logdir)
    log.write(10, {"loss/train": 2.5, "loss/valid": 3.0})
    log.write(20, {"loss/train": 1.5})
    log.close()
    self.assertIn("tfevents", os.path.basename(log.path))
    self.assertEqual(
        curves.read_scalars(logdir),
        {"loss/train": ([10, 20], [2.5, 1.5]), "loss/valid": ([10], [3.0])})

  def test_a_resumed_run_overwrites_its_steps(self):
    logdir = self.get_temp_dir()
    first = curves.ScalarLog(logdir)
    first.write(10, {"loss": 3.0})
    first.write(20, {"loss": 2.0})  # Written, then the run died before its
    first.close()  # checkpoint at 20: resumed from 10.
    second = curves.ScalarLog(logdir)
    second.write(20, {"loss": 2.2})
    second.write(30, {"loss": 1.0})
    second.close()
    steps, values = curves.read_scalars(logdir)["loss"]
    self.assertEqual(steps, [10, 20, 30])
    np.testing.assert_allclose(values, [3.0, 2.2, 1.0])

  @test_utils.in_eager_mode
  def test_reads_tensor_summaries(self):
    logdir = self.get_temp_dir()
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
      tf.summary.write("loss/test", tf.constant(0.25), step=7)
    writer.flush()
    self.assertEqual(curves.read_scalars(logdir), {"loss/test": ([7], [0.25])})

  def test_plot(self):
    path = os.path.join(self.get_temp_dir(), "sub", "curves.png")
    got = curves.plot(path, "a title", [("train", [1, 2, 3], [3.0, 2.0, 1.5]),
                                        ("valid", [1, 2, 3], [3.1, 2.4, 2.0])],
                      "nats", points=[
                          ("test", 3, 2.1)], baseline=("uniform", 4.17))
    self.assertEqual(got, path)
    data, pixels = _decode_png(self, path)
    self.assertGreater(len(data), 10000)
    width, height = curves.PNG_SIZE
    self.assertEqual(pixels.shape, (height, width, 3))
    self.assertGreater(len(np.unique(pixels.reshape(-1, 3), axis=0)), 20)

  def test_plot_without_matplotlib_warns(self):
    path = os.path.join(self.get_temp_dir(), "none.png")
    with mock.patch.dict(sys.modules, {"matplotlib": None}):
      self.assertIsNone(curves.plot(path, "t", [("a", [1], [1.0])], "y"))
    self.assertFalse(os.path.exists(path))


if __name__ == "__main__":
  test_utils.main()
