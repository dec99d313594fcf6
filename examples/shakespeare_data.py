"""Tiny Shakespeare: the corpus, a character vocabulary, and batches of it.

The corpus (about 1.1 million characters of Shakespeare's plays, split into
train, valid and test) ships with the examples, bzip2-compressed, in
`examples/data/shakespeare/`. It is read with Python's `bz2` module; nothing is
downloaded.

Batches are time-major int32 arrays of shape `[length + 1, batch_size]`: row
`t` is the input at time `t` and row `t + 1` its target, so a model reads
`batch[:-1]` and predicts `batch[1:]`.
"""

import bz2
import os

import numpy as np

SPLITS = ("train", "valid", "test")
_FILE_PATTERN = "ts.%s.txt.bz2"


def default_data_dir():
  """The corpus folder next to this file (also inside Bazel's runfiles)."""
  return os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                      "shakespeare")


def read_split(data_dir, split):
  """Returns the text of one split ("train", "valid" or "test")."""
  if split not in SPLITS:
    raise ValueError("split must be one of %s, got %r." % (SPLITS, split))
  path = os.path.join(data_dir, _FILE_PATTERN % split)
  if not os.path.exists(path):
    raise FileNotFoundError(
        "No Tiny Shakespeare file at %s. The corpus ships in "
        "examples/data/shakespeare/; pass --data_dir to use another copy." %
        path)
  with bz2.open(path, "rt", encoding="utf-8") as f:
    return f.read()


class TinyShakespeare:
  """The three splits as integer ids over the training set's characters.

  Attributes:
    vocab: the sorted distinct characters of the training split; character
      `vocab[i]` has id `i`.
    splits: dict from split name to a 1-D int32 array of ids.
  """

  def __init__(self, data_dir=None, max_chars=None):
    """Reads and encodes the corpus.

    Args:
      data_dir: folder holding `ts.{train,valid,test}.txt.bz2`; None means the
        copy shipped with the examples.
      max_chars: if set, keep only the first `max_chars` characters of each
        split (for tests and quick runs). The vocabulary is always taken from
        the whole training split.

    Raises:
      ValueError: if valid or test hold a character the training split lacks.
    """
    data_dir = data_dir or default_data_dir()
    texts = {split: read_split(data_dir, split) for split in SPLITS}
    self.vocab = "".join(sorted(set(texts["train"])))
    self._ids = {c: i for i, c in enumerate(self.vocab)}
    self.splits = {}
    for split, text in texts.items():
      if max_chars is not None:
        text = text[:max_chars]
      self.splits[split] = self.encode(text)

  @property
  def vocab_size(self):
    return len(self.vocab)

  def encode(self, text):
    """Maps a string to an int32 array of ids; unknown characters raise."""
    try:
      return np.array([self._ids[c] for c in text], dtype=np.int32)
    except KeyError as e:
      raise ValueError("Character %r is not in the vocabulary %r." %
                       (e.args[0], self.vocab)) from None

  def decode(self, ids):
    """Maps a sequence of ids back to a string."""
    return "".join(self.vocab[int(i)] for i in ids)

  def random_batch(self, split, batch_size, length, rng):
    """Random windows of a split, time-major.

    Args:
      split: "train", "valid" or "test".
      batch_size: number of windows.
      length: number of input steps; each window holds `length + 1` ids.
      rng: a `np.random.Generator`.

    Returns:
      int32 array `[length + 1, batch_size]`.
    """
    data = self.splits[split]
    if len(data) < length + 1:
      raise ValueError("The %s split has %d characters, fewer than a window of "
                       "%d." % (split, len(data), length + 1))
    starts = rng.integers(0, len(data) - length, size=batch_size)
    return data[starts[None, :] + np.arange(length + 1)[:, None]]

  def eval_batches(self, split, batch_size, length):
    """Consecutive windows covering a split once, for evaluation.

    Windows overlap by one id (the last target of one window is the first
    input of the next), so every character after the first is predicted
    exactly once. The last batch may hold fewer windows; a tail shorter than
    a full window is left out.

    Args:
      split: "train", "valid" or "test".
      batch_size: windows per batch.
      length: input steps per window.

    Yields:
      int32 arrays `[length + 1, n]` with `n <= batch_size`.
    """
    data = self.splits[split]
    num_windows = (len(data) - 1) // length
    starts = np.arange(num_windows) * length
    for i in range(0, num_windows, batch_size):
      chunk = starts[i:i + batch_size]
      yield data[chunk[None, :] + np.arange(length + 1)[:, None]]
