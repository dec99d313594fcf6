"""console: TensorFlow imported without its log lines; --verbose; steps."""

import io
import os
import subprocess
import sys

from absl.testing import absltest

from examples import console

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A program that imports TensorFlow the way the examples do, then runs an op
# (TensorFlow logs more at its first op).
_PROGRAM = """
import sys
from examples import console
print("quieted:", console.quiet_tensorflow(sys.argv))
import tensorflow as tf
print("result:", int(tf.constant(2) + 3))
"""


def _run(*args):
  env = dict(os.environ)
  env.pop("TF_CPP_MIN_LOG_LEVEL", None)
  env["PYTHONPATH"] = os.pathsep.join(
      [ROOT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
  proc = subprocess.run([sys.executable, "-c", _PROGRAM] + list(args), env=env,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        text=True, timeout=240, check=False)
  return proc.returncode, proc.stdout.splitlines()


class ConsoleTest(absltest.TestCase):

  def test_verbose_in(self):
    self.assertFalse(console.verbose_in(["prog"]))
    self.assertTrue(console.verbose_in(["prog", "--verbose"]))
    self.assertTrue(console.verbose_in(["prog", "--x=1", "--verbose=true"]))
    self.assertFalse(console.verbose_in(["prog", "--verbose=false"]))
    self.assertFalse(console.verbose_in(["prog", "--verbose", "--noverbose"]))
    self.assertFalse(console.verbose_in(["prog", "--", "--verbose"]))

  def test_step(self):
    out = io.StringIO()
    with console.step("Reading the data", out=out):
      pass
    self.assertRegex(out.getvalue(),
                     r"^Reading the data\.\.\. done \(\d+\.\d s\)\n$")
    out = io.StringIO()
    with self.assertRaises(ValueError):
      with console.step("Failing", out=out):
        raise ValueError()
    self.assertEqual(out.getvalue(), "Failing... failed\n")

  def test_log_line_pattern(self):
    for line in [
        "I0000 00:00:1795993147.192936   13052 port.cc:153] oneDNN custom",
        "W1129 22:59:09.959828 140638456548224 deep_rnn.py:69] The `skip",
        "2025-01-01 10:00:00.000001: I tensorflow/core/util/port.cc:113] x",
        "WARNING:tensorflow:From a.py:1: dynamic_rnn is deprecated",
        "WARNING: All log messages before absl::InitializeLog() is called",
        "To enable the following instructions: AVX2 FMA, in other operations",]:
      self.assertRegex(line, console.TF_LOG_LINE)
    for line in [
        "step    250/1500  loss 2.220  valid 1.924 (ppl 6.84)",
        "Importing TensorFlow... done (3.1 s)",
        "TensorBoard: tensorboard --logdir /tmp/x"]:
      self.assertNotRegex(line, console.TF_LOG_LINE)

  def test_quiet_import_hides_tensorflow_lines(self):
    status, lines = _run()
    self.assertEqual(status, 0, "\n".join(lines))
    self.assertRegex(lines[0],
                     r"^Importing TensorFlow\.\.\. done \(\d+\.\d s\)$")
    self.assertIn("quieted: True", lines)
    self.assertIn("result: 5", lines)
    self.assertEmpty([l for l in lines if console.TF_LOG_LINE.match(l)],
                     "\n".join(lines))
    self.assertLen(lines, 3, "\n".join(lines))

  def test_verbose_shows_them(self):
    status, lines = _run("--verbose")
    self.assertEqual(status, 0, "\n".join(lines))
    self.assertIn("quieted: False", lines)
    self.assertIn("result: 5", lines)
    # TensorFlow 2.21 on this CPU says at least that oneDNN is on.
    self.assertNotEmpty([l for l in lines if console.TF_LOG_LINE.match(l)],
                        "\n".join(lines))


if __name__ == "__main__":
  absltest.main()
