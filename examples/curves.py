"""Training curves: TensorBoard's logs, the command to view them, a PNG.

Each example writes its scalars (losses, accuracies) as TensorBoard event
files under its `--checkpoint_dir`, prints at the start the exact command
that shows them:

    TensorBoard: .venv/bin/tensorboard --logdir /tmp/sonnet_examples/vae

and, for rnn_shakespeare and vae, draws them into a PNG at the end, read back
from those event files, so that a resumed run's picture shows the whole run
(matplotlib, Agg backend: no display needed).
"""

import glob
import itertools
import os
import shlex
import shutil
import socket
import sys
import time

import tensorflow as tf

tf1 = tf.compat.v1

# Width and height in pixels of the PNG `plot` writes.
PNG_SIZE = (800, 450)
_DPI = 100


def tensorboard_command(logdir):
  """The shell command that shows `logdir` in TensorBoard, or None.

  The `tensorboard` next to this Python (the one ./configure installs into
  .venv from examples/requirements.txt) is named by its full path, unless it
  is what `tensorboard` on PATH runs; None when TensorBoard is not installed.
  """
  here = os.path.join(os.path.dirname(sys.executable), "tensorboard")
  on_path = shutil.which("tensorboard")
  if os.access(here, os.X_OK):
    if on_path and os.path.realpath(on_path) == os.path.realpath(here):
      program = "tensorboard"
    else:
      program = here
  elif on_path:
    program = "tensorboard"
  else:
    return None
  return "%s --logdir %s" % (shlex.quote(program),
                             shlex.quote(os.path.abspath(logdir)))


def tensorboard_line(logdir):
  """`TensorBoard: <command>`, or where the logs go and how to view them."""
  command = tensorboard_command(logdir)
  if command:
    return "TensorBoard: %s" % command
  return ("TensorBoard logs go to %s (TensorBoard is not installed: pip "
          "install -r examples/requirements.txt, then: tensorboard --logdir "
          "%s)" %
          (os.path.abspath(logdir), shlex.quote(os.path.abspath(logdir))))


def print_tensorboard_command(logdir, out=None):
  """Prints `tensorboard_line(logdir)`."""
  out = out or sys.stdout
  out.write(tensorboard_line(logdir) + "\n")
  out.flush()


class ScalarLog:
  """Writes scalars to a TensorBoard event file, in graph or eager mode.

  >>> log = ScalarLog(logdir)                          # doctest: +SKIP
  >>> log.write(100, {"loss/train": 0.5, "loss/test": 0.6})  # doctest: +SKIP

  The file is a TFRecord file of `tf.compat.v1.Event`s, as a summary writer
  makes it, written without ops (so no graph or session is needed).
  """

  _count = itertools.count()

  def __init__(self, logdir):
    os.makedirs(logdir, exist_ok=True)
    name = "events.out.tfevents.%d.%s.%d.%d.scalars" % (int(
        time.time()), socket.gethostname(), os.getpid(), next(ScalarLog._count))
    self.path = os.path.join(logdir, name)
    self._writer = tf.io.TFRecordWriter(self.path)
    self._write(tf1.Event(wall_time=time.time(), file_version="brain.Event:2"))

  def _write(self, event):
    self._writer.write(event.SerializeToString())
    self._writer.flush()

  def write(self, step, values):
    """Writes `{tag: value}` at `step`."""
    self._write(
        tf1.Event(
            wall_time=time.time(), step=int(step), summary=tf1.Summary(value=[
                tf1.Summary.Value(tag=tag, simple_value=float(value))
                for tag, value in values.items()])))

  def close(self):
    self._writer.close()


def _scalar(value):
  kind = value.WhichOneof("value")
  if kind == "simple_value":
    return float(value.simple_value)
  if kind == "tensor":
    array = tf.make_ndarray(value.tensor)
    if array.size == 1:
      return float(array.reshape([]))
  return None


def read_scalars(logdir):
  """Every scalar in the event files of `logdir` (not its subfolders).

  Returns:
    `{tag: (steps, values)}`, steps increasing. Where a step was written more
    than once (a run resumed from an earlier checkpoint), the latest wins.
  """
  records = []
  for path in sorted(glob.glob(os.path.join(logdir, "*tfevents*"))):
    for event in tf1.train.summary_iterator(path):
      for value in event.summary.value:
        scalar = _scalar(value)
        if scalar is not None:
          records.append((event.wall_time, event.step, value.tag, scalar))
  latest = {}
  for _, step, tag, scalar in sorted(records, key=lambda r: r[0]):
    latest[(tag, step)] = scalar
  series = {}
  for (tag, step), scalar in sorted(latest.items()):
    steps, values = series.setdefault(tag, ([], []))
    steps.append(step)
    values.append(scalar)
  return series


def plot(path, title, lines, ylabel, points=(), baseline=None):
  """Draws curves into a PNG of `PNG_SIZE` pixels; returns `path`, or None.

  Args:
    path: the PNG to write.
    title: the figure's title.
    lines: `(label, steps, values)` curves.
    ylabel: the y axis' label.
    points: `(label, step, value)` single points (a final test loss).
    baseline: optional `(label, value)`: a dashed horizontal line.

  Returns:
    `path`, or None if matplotlib is not installed (a warning says so).
  """
  try:
    # The object API with the Agg canvas: no display, no pyplot state.
    from matplotlib.backends import backend_agg  # pylint: disable=import-outside-toplevel
    from matplotlib import figure  # pylint: disable=import-outside-toplevel
  except ImportError:
    sys.stderr.write("Warning: matplotlib is not installed, so no %s (pip "
                     "install -r examples/requirements.txt).\n" % path)
    return None
  fig = figure.Figure(figsize=(PNG_SIZE[0] / _DPI, PNG_SIZE[1] / _DPI),
                      dpi=_DPI)
  backend_agg.FigureCanvasAgg(fig)
  ax = fig.add_subplot(1, 1, 1)
  for label, steps, values in lines:
    ax.plot(steps, values, label=label, marker="." if len(steps) < 30 else None)
  for label, step, value in points:
    ax.plot([step], [value], marker="*", markersize=12, linestyle="none",
            label="%s %.3f" % (label, value))
  if baseline is not None:
    ax.axhline(baseline[1], color="grey", linestyle="--", linewidth=1,
               label=baseline[0])
  ax.set_title(title)
  ax.set_xlabel("training step")
  ax.set_ylabel(ylabel)
  ax.grid(True, alpha=0.3)
  ax.legend()
  fig.tight_layout()
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  fig.savefig(path, dpi=_DPI)
  return path
