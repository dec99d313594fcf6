"""Helpers for the scripts that run against the original Sonnet 1.36.

`make_goldens.py` and `make_checkpoints.py` run under the conformance kit's
`oracle.sh`, where `import sonnet` is the original. They load this
directory's case lists by path, and they give TF 2.21's resource variables
back the TF1 `initialized_value` that the original VectorQuantizerEMA calls
(TF 2.21 raises NotImplementedError for it; only VectorQuantizerEMA uses it,
for the initial value of `ema_dw`).
"""

import importlib.util
import os

import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name):
  """Imports `<name>.py` from this directory by path and returns it."""
  spec = importlib.util.spec_from_file_location(
      name, os.path.join(HERE, name + ".py"))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def _initialized_value(variable):
  """TF1's meaning: the value once initialized, else the initial value."""
  with tf.init_scope():
    return tf.cond(tf.compat.v1.is_variable_initialized(variable),
                   variable.read_value, lambda: variable.initial_value)


def restore_initialized_value():
  """Makes `initialized_value()` work for every `tf.Variable` again."""
  tf.Variable.initialized_value = _initialized_value
