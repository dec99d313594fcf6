"""Modules whose Sonnet 1.36 checkpoints are in `testdata/checkpoints/`.

Each case builds a module with the Sonnet 1 API and makes fixed float32
NumPy inputs for it, so that `make_checkpoints.py` (run against the original
Sonnet 1.36) and `checkpoint_compat_test.py` (run against this package) build
the same thing. Like `goldens.py`, this file must stay importable by path.
"""

import collections
import os

import numpy as np
import sonnet as snt
import tensorflow as tf

CHECKPOINT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "testdata", "checkpoints")

BATCH_SIZE = 2

Case = collections.namedtuple(
    "Case", ["name", "make_module", "make_inputs", "call_kwargs"])
Case.__new__.__defaults__ = (None,)
Case.__doc__ = """A module and its inputs for a checkpoint written by 1.36.

Attributes:
  name: the case's name (and its folder under `testdata/checkpoints`).
  make_module: a callable building the module; those of modules with
    `initializers` pass keyword arguments on to the constructor.
  make_inputs: a callable from the module and a `np.random.RandomState` to
    the positional `__call__` arguments: nests of float32 or int32 arrays.
  call_kwargs: keyword arguments of `__call__`, or None.
"""


def _uniform(rng, shape):
  return rng.uniform(-1, 1, size=shape).astype(np.float32)


def _features(*shape):
  return lambda module, rng: (_uniform(rng, (BATCH_SIZE,) + shape),)


def _step(input_size):
  """An input step and a random state shaped like the core's state."""

  def make_inputs(core, rng):
    step = _uniform(rng, (BATCH_SIZE, input_size))
    state = tf.nest.map_structure(
        lambda size: _uniform(rng, [BATCH_SIZE] + tf.TensorShape(size).as_list(
        )), core.state_size)
    return step, state

  return make_inputs


CASES = (
    Case("linear", lambda **kwargs: snt.Linear(3, **kwargs), _features(4)),
    Case("conv_2d",
         lambda **kwargs: snt.Conv2D(3, [3, 2], stride=[1, 2], **kwargs),
         _features(5, 5, 2)),
    Case("lstm_peepholes",
         lambda **kwargs: snt.LSTM(3, use_peepholes=True, **kwargs), _step(4)),
    Case("gru", lambda **kwargs: snt.GRU(3, **kwargs), _step(4)),
    Case("batch_norm_v2_inference", lambda: snt.BatchNormV2(scale=True),
         lambda module, rng: (_uniform(rng, (BATCH_SIZE, 3, 3, 2)), False)),
    Case(
        "conv_net_2d_batch_norm", lambda: snt.nets.ConvNet2D([3, 2], [3], [
            1, 2], ["SAME"], use_batch_norm=True, activate_final=True),
        _features(4, 4, 2), {"is_training": False, "test_local_stats": False}),
    Case(
        "embed", lambda: snt.Embed(vocab_size=6, embed_dim=3),
        lambda module, rng:
        (rng.randint(0, 6, size=(BATCH_SIZE, 4)).astype(np.int32),)),
    Case("vector_quantizer_ema",
         lambda: snt.nets.VectorQuantizerEMA(3, 5, 0.25, decay=0.9),
         lambda module, rng: (_uniform(rng, (BATCH_SIZE, 4, 3)), False)),
    Case("deep_rnn", lambda: snt.DeepRNN([snt.LSTM(3), snt.GRU(2)]), _step(4)),
)


def inputs(case, module):
  """The case's inputs: the same arrays on every run."""
  return case.make_inputs(module, np.random.RandomState(1234))


def arrays(args):
  """The NumPy arrays among the leaves of `args`, in `tf.nest` order."""
  return [x for x in tf.nest.flatten(args) if isinstance(x, np.ndarray)]


def to_tensors(args):
  """`args` with each NumPy array made a constant tensor."""
  return tf.nest.map_structure(
      lambda x: tf.constant(x) if isinstance(x, np.ndarray) else x, args)


def prefix(case):
  """The checkpoint prefix of a case (for `Saver.restore` and readers)."""
  return os.path.join(CHECKPOINT_DIR, case.name, "model")


def data_path(case):
  """The `.npz` with the case's inputs and Sonnet 1.36's outputs."""
  return os.path.join(CHECKPOINT_DIR, case.name, "data.npz")
