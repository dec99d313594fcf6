"""Checkpoints of every golden module round trip, checked over `GOLDENS`.

Object-based checkpoints (`tf.train.Checkpoint`) in eager mode and name-based
ones (`tf.compat.v1.train.Saver`) in graph mode restore the values saved.
"""

from absl.testing import parameterized
from sonnet.src import test_utils
from sonnet.src.conformance import goldens
import tensorflow as tf

CASES = tuple((g.name, g) for g in goldens.GOLDENS)


def _new_values(variables, seed):
  """Random values in [0.5, 1.5) for the floating-point variables."""
  return [(v,
           tf.random.uniform(v.shape, 0.5, 1.5, dtype=v.dtype.base_dtype,
                             seed=seed))
          for v in variables
          if v.dtype.base_dtype.is_floating]


class RoundTripTest(test_utils.TestCase, parameterized.TestCase):

  def skip_if_heavy(self, golden):
    if golden.heavy:
      self.skipTest("Too many variables to copy in a unit test.")

  @parameterized.named_parameters(*CASES)
  @test_utils.in_eager_mode
  def test_checkpoint_round_trip(self, golden):
    self.skip_if_heavy(golden)
    module = golden.make_module()
    goldens.connect(golden, module, 2)
    for variable, value in _new_values(module.variables, seed=7):
      variable.assign(value)
    path = tf.train.Checkpoint(module=module).save(self.get_temp_dir() + "/" +
                                                   golden.name)
    # After saving: a connection may update state (e.g. MovingAverage).
    expected = goldens.connect(golden, module, 2)
    twin = golden.make_module()
    goldens.connect(golden, twin, 2)
    tf.train.Checkpoint(module=twin).restore(path).assert_consumed()
    self.assertAllClose(goldens.connect(golden, twin, 2), expected)

  @parameterized.named_parameters(*CASES)
  @test_utils.in_graph_mode
  def test_saver_round_trip(self, golden):
    self.skip_if_heavy(golden)
    module = golden.make_module()
    output = goldens.connect(golden, module, 2)
    self.init()
    variables = module.variables
    if not variables:
      self.skipTest("No variables to save.")
    self.evaluate([
        tf.compat.v1.assign(v, value)
        for v, value in _new_values(variables, seed=3)])
    saver = tf.compat.v1.train.Saver(variables)
    path = saver.save(tf.compat.v1.get_default_session(),
                      self.get_temp_dir() + "/saver_" + golden.name,
                      write_meta_graph=False)
    expected = self.evaluate(output)  # May update state: after saving.
    self.init()
    saver.restore(tf.compat.v1.get_default_session(), path)
    self.assertAllClose(self.evaluate(output), expected)


if __name__ == "__main__":
  test_utils.main()
