"""Writes sonnet136_modules.meta: a MetaGraph exported by Sonnet 1.36.

module_info_test.py imports the file to check that Sonnet 1.36's module
records (its `SonnetModule` protobufs in the "sonnet" collection) read back
with this library. Run it against the original Sonnet 1.36 (TF1 behaviour),
from the repository root, with the conformance kit:

  ORIGINAL_SONNET=/path/to/sonnet-1.36 ../shared/conformance/oracle.sh \\
      sonnet/src/core/testdata/make_sonnet136_meta.py \\
      "$PWD/sonnet/src/core/testdata/sonnet136_modules.meta"

The graph: an MLP (with its two inner Linears) and a module of
our own connected twice (the second time under the name scope "outer"),
whose inputs and outputs mix tensors, a tuple, a list, a dict, a
namedtuple, a SparseTensor, a Python object and a dict that contains itself.
"""

import collections
import sys

import sonnet as snt
import tensorflow.compat.v1 as tf

Pair = collections.namedtuple("Pair", ("first", "second"))


class Opaque:
  """A Python object that has no tensor name."""


class Mixer(snt.AbstractModule):
  """Returns its inputs rearranged: a nest of every supported kind."""

  def __init__(self, name="mixer"):
    super().__init__(name=name)

  def _build(self, pair, sparse, extras):
    doubled = tf.multiply(pair.first, 2.0, name="doubled")
    return {
        "pair": Pair(doubled, pair.second),
        "items": [sparse, (doubled, extras["opaque"])], "loop": extras["loop"]}


def main(path):
  x = tf.placeholder(tf.float32, [2, 4], name="x")
  y = tf.placeholder(tf.float32, [2, 3], name="y")
  sparse = tf.SparseTensor(
      indices=tf.placeholder(tf.int64, [None, 2], name="indices"),
      values=tf.placeholder(tf.float32, [None], name="values"),
      dense_shape=tf.placeholder(tf.int64, [2], name="dense_shape"))
  snt.nets.MLP([5, 3], name="mlp")(x)
  mixer = Mixer()
  loop = {"x": x}
  loop["self"] = loop
  extras = {"opaque": Opaque(), "loop": loop}
  mixer(Pair(x, y), sparse, extras)
  with tf.name_scope("outer"):
    mixer(Pair(y, x), sparse, extras)
  tf.train.export_meta_graph(filename=path, clear_devices=True,
                             strip_default_attrs=True)
  print("wrote", path)


if __name__ == "__main__":
  main(sys.argv[1])
