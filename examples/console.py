"""What an example prints: its own progress, not TensorFlow's log lines.

TensorFlow writes C++ log lines to stderr as it starts (the oneDNN notice,
twice, before absl's logging is initialized, which no setting turns off;
the CPU feature guard) and while it runs (MLIR passes, rendezvous notices),
and Python warnings (deprecations) through the `tensorflow` logger. An
example run as a program hides them, keeps TensorFlow's errors, and says
what it is doing during the long steps; `--verbose` brings everything back:

    if __name__ == "__main__":
      # Before TensorFlow is imported.
      from examples import console
      console.quiet_tensorflow(sys.argv)
    import tensorflow as tf
    ...
    def main(argv):
      console.set_log_levels()

Imported as a library (by the tests), an example leaves logging alone.
"""

import contextlib
import os
import re
import sys
import tempfile
import time

from absl import flags
from absl import logging

flags.DEFINE_bool(
    "verbose", False,
    "Show TensorFlow's own log lines (C++ INFO and WARNING lines, Python "
    "deprecation warnings), which the example hides by default.")

FLAGS = flags.FLAGS

# TensorFlow's C++ log level while quiet: 2 hides INFO and WARNING lines and
# keeps ERROR and FATAL ones.
QUIET_CPP_LEVEL = "2"

# A line of TensorFlow's logging, from C++ or (through absl) Python:
#   I0000 00:00:1795993147.192936   13052 port.cc:153] oneDNN custom ...
#   2025-01-01 10:00:00.000000: I tensorflow/core/util/port.cc:113] ...
#   WARNING:tensorflow:From ...: dynamic_rnn (from ...) is deprecated ...
# and the lines that come with them.
TF_LOG_LINE = re.compile(
    r"^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\]"
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] \S+:\d+\]"
    r"|(?:INFO|WARNING|ERROR):tensorflow:"
    r"|WARNING: All log messages before absl::InitializeLog"
    r"|To enable the following instructions:)")


def verbose_in(argv):
  """Whether `argv` turns on --verbose (read before absl parses flags)."""
  verbose = False
  for arg in argv[1:]:
    if arg == "--":
      break
    if arg in ("--verbose", "-verbose"):
      verbose = True
    elif arg in ("--noverbose", "-noverbose"):
      verbose = False
    elif arg.startswith(("--verbose=", "-verbose=")):
      verbose = arg.split("=", 1)[1].lower() in ("1", "true", "t", "yes", "y")
  return verbose


def quiet_tensorflow(argv=None, out=None):
  """Imports TensorFlow without its start-up lines, unless --verbose.

  Sets TF_CPP_MIN_LOG_LEVEL=2 (unless the environment already sets it), then
  imports TensorFlow with stderr (file descriptor 2) sent to a temporary
  file: what TensorFlow printed is dropped, or shown if the import fails.
  Prints "Importing TensorFlow... done (N s)", since it takes a while.

  Args:
    argv: the command line (default sys.argv); `--verbose` in it leaves
      TensorFlow as it is.
    out: where the progress goes (default sys.stdout).

  Returns:
    Whether TensorFlow was quieted.
  """
  argv = sys.argv if argv is None else argv
  out = out or sys.stdout
  if verbose_in(argv):
    return False
  os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", QUIET_CPP_LEVEL)
  if "tensorflow" in sys.modules:
    return True
  with step("Importing TensorFlow", out=out):
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
      os.dup2(captured.fileno(), 2)
      try:
        import tensorflow  # pylint: disable=import-outside-toplevel,unused-import
      except BaseException:
        sys.stderr.flush()
        os.dup2(saved, 2)
        captured.seek(0)
        sys.stderr.write(captured.read().decode("utf-8", "replace"))
        raise
      finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
  return True


def set_log_levels():
  """After flags are parsed: Python-side TensorFlow and absl log levels.

  Quiet (the default): only errors from the `tensorflow` logger, warnings
  and up from absl. With --verbose: INFO from both.
  """
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  if FLAGS.is_parsed() and FLAGS.verbose:
    tf.get_logger().setLevel("INFO")
    logging.set_verbosity(logging.INFO)
  else:
    tf.get_logger().setLevel("ERROR")
    logging.set_verbosity(logging.WARNING)


@contextlib.contextmanager
def step(what, out=None):
  """Prints "<what>... done (N s)" around a long step."""
  out = out or sys.stdout
  out.write("%s... " % what)
  out.flush()
  start = time.time()
  try:
    yield
  except BaseException:
    out.write("failed\n")
    out.flush()
    raise
  out.write("done (%.1f s)\n" % (time.time() - start))
  out.flush()
