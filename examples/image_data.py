"""Small image data sets for the examples, all offline.

* `load_digits`: the 1,797 8x8 handwritten digits that scikit-learn ships
  (`sklearn.datasets.load_digits`, no download), split into train and test.
* `load_mnist`: MNIST from IDX files you already have (`--data_dir`).

Images are float32 arrays `[N, H, W]` with values in [0, 1].
"""

import gzip
import os

import numpy as np

_MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),}


class Images:
  """Train and test images (and integer labels) of one data set."""

  def __init__(self, name, train, test, train_labels, test_labels):
    self.name = name
    self.train, self.test = train, test
    self.train_labels, self.test_labels = train_labels, test_labels

  @property
  def image_shape(self):
    return self.train.shape[1:]


def load_digits(num_test=297, seed=0):
  """scikit-learn's 8x8 digits, shuffled with `seed`; the last `num_test` test.

  Args:
    num_test: how many images to hold out.
    seed: seed of the shuffle.

  Returns:
    An `Images` (1,500 training images by default).

  Raises:
    ImportError: if scikit-learn is not installed.
  """
  try:
    from sklearn import datasets  # pylint: disable=import-outside-toplevel
  except ImportError as e:
    raise ImportError(
        "The digits data set comes with scikit-learn, which the examples "
        "need: pip install scikit-learn (pinned in examples/requirements.txt, "
        "which ./configure installs), or pass "
        "--data_dir with MNIST IDX files.") from e
  digits = datasets.load_digits()
  images = (digits.images / 16.0).astype(np.float32)
  labels = digits.target.astype(np.int32)
  order = np.random.default_rng(seed).permutation(len(images))
  images, labels = images[order], labels[order]
  return Images("digits", images[:-num_test], images[-num_test:],
                labels[:-num_test], labels[-num_test:])


def read_idx(path):
  """Reads an IDX file (optionally gzipped) into a NumPy array."""
  opener = gzip.open if path.endswith(".gz") else open
  with opener(path, "rb") as f:
    content = f.read()
  if len(content) < 4 or content[0] != 0 or content[1] != 0:
    raise ValueError("%s is not an IDX file (bad magic number)." % path)
  if content[2] != 0x08:
    raise ValueError("%s holds type 0x%02x; only unsigned bytes (0x08) are "
                     "supported." % (path, content[2]))
  ndim = content[3]
  shape = tuple(int(d) for d in np.frombuffer(content, ">u4", ndim, 4))
  data = np.frombuffer(content, np.uint8, offset=4 + 4 * ndim)
  if data.size != int(np.prod(shape)):
    raise ValueError("%s: header says shape %s (%d values) but holds %d." %
                     (path, shape, int(np.prod(shape)), data.size))
  return data.reshape(shape)


def _find(data_dir, stem):
  for name in (stem, stem + ".gz"):
    path = os.path.join(data_dir, name)
    if os.path.exists(path):
      return path
  raise FileNotFoundError(
      "%s(.gz) not found in %s. The MNIST IDX files are train-images-idx3-"
      "ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-"
      "idx1-ubyte, optionally gzipped." % (stem, data_dir))


def load_mnist(data_dir):
  """MNIST from IDX files in `data_dir` (nothing is downloaded)."""
  arrays = {}
  for split, (images, labels) in _MNIST_FILES.items():
    arrays[split] = ((read_idx(_find(data_dir, images)) / 255.0).astype(
        np.float32), read_idx(_find(data_dir, labels)).astype(np.int32))
  return Images("mnist", arrays["train"][0], arrays["test"][0],
                arrays["train"][1], arrays["test"][1])


def load(data_dir=None):
  """MNIST from `data_dir` if given, else the shipped digits."""
  return load_mnist(data_dir) if data_dir else load_digits()


def binarize(images, rng):
  """Samples each pixel as 1 with probability equal to its grey level."""
  return (rng.random(images.shape) < images).astype(np.float32)


def image_grid(images, columns, scale=1, pad=1):
  """Tiles images `[N, H, W]` in [0, 1] into one uint8 `[H', W', 1]` picture.

  Args:
    images: array `[N, H, W]`; N need not fill the last row.
    columns: images per row.
    scale: each pixel becomes a `scale` x `scale` block.
    pad: grey pixels between tiles.

  Returns:
    uint8 array `[rows * (H * scale + pad) + pad, ..., 1]`.
  """
  images = np.clip(np.asarray(images, np.float32), 0.0, 1.0)
  images = np.kron(images, np.ones((1, scale, scale), np.float32))
  n, h, w = images.shape
  rows = -(-n // columns)
  grid = np.full((rows * (h + pad) + pad, columns * (w + pad) + pad), 0.5,
                 np.float32)
  for i, image in enumerate(images):
    r, c = divmod(i, columns)
    top, left = pad + r * (h + pad), pad + c * (w + pad)
    grid[top:top + h, left:left + w] = image
  return np.round(grid * 255).astype(np.uint8)[:, :, None]
