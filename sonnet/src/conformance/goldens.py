"""One golden per module: how to build it, an input, the variables it makes.

The variable names and shapes are those Sonnet 1.36 created (see the
variable-name list in the project's API notes); checkpoints restore by them.
"""

import collections

import sonnet as snt
import tensorflow as tf

Golden = collections.namedtuple(
    "Golden", ["name", "make_module", "make_inputs", "variables"])
Golden.__doc__ = """A module example for the conformance tests.

Attributes:
  name: a short test-case name.
  make_module: a no-argument callable building the module.
  make_inputs: a callable from a batch size to the `__call__` arguments (a
    tuple).
  variables: a dict from variable name (without ":0") to shape.
"""


def _features(size):
  return lambda batch: (tf.ones([batch, size]),)


GOLDENS = (
    Golden("linear", lambda: snt.Linear(4), _features(3),
           {"linear/w": [3, 4], "linear/b": [4]}),
    Golden("linear_no_bias", lambda: snt.Linear(4, use_bias=False),
           _features(3), {"linear/w": [3, 4]}),
    Golden("add_bias", snt.AddBias, _features(3), {"add/b": [3]}),
    Golden("sequential",
           lambda: snt.Sequential([snt.Linear(4), tf.nn.relu]),
           _features(3), {}),
)
