"""The eager fast path gives what the full path gives, for every golden.

Later connections of eager modules (eagerly or inside `tf.function`) replay
`_build` with the first connection's variables (`AbstractModule._replay`).
This differential test connects each conformance golden three times with
the fast path on and three times with it off (`base.EAGER_REPLAY`), from
the same random seed, and compares the outputs and the variables, and for
connections traced in a `tf.function` the traced ops' names and types, so
the fast path can never drift.
"""

import re
from unittest import mock

from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.conformance import goldens
from sonnet.src.core import base
import tensorflow as tf

_CASES = tuple((g.name, g) for g in goldens.GOLDENS)


def _connect_three_times(golden, replay):
  """Outputs of three connections (batch 2, 3, 2) and the variables."""
  with mock.patch.object(base, "EAGER_REPLAY", replay):
    tf.compat.v1.reset_default_graph()  # The same names both times.
    tf.random.set_seed(7)
    module = golden.make_module()
    outputs = [goldens.connect(golden, module, batch) for batch in (2, 3, 2)]
    replayed = module._record.replay_scope is not None  # pylint: disable=protected-access
    return outputs, module.variables, replayed


def _trace_twice(golden, replay):
  """The ops and outputs of two connections traced after an eager one."""
  with mock.patch.object(base, "EAGER_REPLAY", replay):
    tf.compat.v1.reset_default_graph()
    tf.random.set_seed(7)
    module = golden.make_module()
    goldens.connect(golden, module, 2)
    inputs = [golden.make_inputs(batch, module) for batch in (2, 3)]
    kwargs = golden.call_kwargs or {}

    @tf.function  # With AutoGraph, as users trace.
    def twice():
      return [module(*args, **kwargs) for args in inputs]

    outputs = twice()
    graph = twice.get_concrete_function().graph
    # Captured eager tensors are named by their ids: "mlp/46" reads "mlp/#".
    ops = [(re.sub(r"(?<![^/])\d+(?![^/])", "#", op.name), op.type)
           for op in graph.get_operations()]
    names = [v.name for v in module.variables]
    return outputs, ops, names


class ReplayTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(*_CASES)
  @test_utils.in_eager_mode
  def test_fast_path_matches_full_path(self, golden):
    fast, fast_variables, replayed = _connect_three_times(golden, True)
    full, full_variables, full_replayed = _connect_three_times(golden, False)
    self.assertFalse(full_replayed)
    self.assertEqual([v.name for v in fast_variables],
                     [v.name for v in full_variables])
    for fast_value, full_value in zip(fast_variables, full_variables):
      self.assertAllEqual(fast_value, full_value)
    for fast_out, full_out in zip(fast, full):
      tf.nest.map_structure(self.assertAllEqual, fast_out, full_out)
    del replayed  # Modules with custom getters take the full path anyway.

  @parameterized.named_parameters(*_CASES)
  @test_utils.in_eager_mode
  def test_fast_path_traces_what_the_full_path_traces(self, golden):
    fast, fast_ops, fast_names = _trace_twice(golden, True)
    full, full_ops, full_names = _trace_twice(golden, False)
    self.assertEqual(fast_names, full_names)
    self.assertEqual(fast_ops, full_ops)
    tf.nest.map_structure(self.assertAllEqual, fast, full)

  @test_utils.in_eager_mode
  def test_linear_takes_the_fast_path(self):
    linear = snt.Linear(2)
    linear(tf.ones([1, 3]))
    self.assertIsNotNone(linear._record.replay_scope)  # pylint: disable=protected-access
    with mock.patch.object(base, "EAGER_REPLAY", False):
      other = snt.Linear(2)
      other(tf.ones([1, 3]))
    self.assertIsNone(other._record.replay_scope)  # pylint: disable=protected-access


if __name__ == "__main__":
  test_utils.main()
