"""The eager fast path gives what the full path gives, for every golden.

Later eager connections replay `_build` with the first connection's
variables (`AbstractModule._replay`). This differential test connects each
conformance golden three times with the fast path on and three times with
it off (`base.EAGER_REPLAY`), from the same random seed, and compares the
outputs and the variables, so the fast path can never drift.
"""

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
