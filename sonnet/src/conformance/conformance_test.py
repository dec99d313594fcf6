"""Properties every module must have, checked over `goldens.GOLDENS`."""

import inspect
import pickle

from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.conformance import goldens
import tensorflow as tf

_CASES = tuple((g.name, g) for g in goldens.GOLDENS)


class ConformanceTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(*_CASES)
  @test_utils.in_all_modes
  def test_variables_and_sharing(self, golden):
    module = golden.make_module()
    module(*golden.make_inputs(2, module))
    self.assertVariableShapes(
        module.get_variables(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES),
        golden.variables)
    count = len(module.get_all_variables(
        tf.compat.v1.GraphKeys.GLOBAL_VARIABLES))
    module(*golden.make_inputs(3, module))
    self.assertLen(module.get_all_variables(
        tf.compat.v1.GraphKeys.GLOBAL_VARIABLES), count)
    if not self.eager:
      self.assertLen(tf.compat.v1.global_variables(), count)

  @parameterized.named_parameters(*_CASES)
  @test_utils.in_eager_mode
  def test_tf_function_retrace_matches_eager(self, golden):
    module = golden.make_module()
    call = tf.function(module)
    first = call(*golden.make_inputs(2, module))
    count = len(module.variables)
    call(*golden.make_inputs(5, module))  # Retraces for the new batch size.
    self.assertLen(module.variables, count)
    self.assertAllClose(module(*golden.make_inputs(2, module)), first)

  @parameterized.named_parameters(*_CASES)
  @test_utils.in_eager_mode
  def test_checkpoint_round_trip(self, golden):
    module = golden.make_module()
    inputs = golden.make_inputs(2, module)
    module(*inputs)
    for variable in module.variables:
      variable.assign(tf.random.normal(variable.shape, seed=7))
    expected = module(*inputs)
    path = tf.train.Checkpoint(module=module).save(
        self.get_temp_dir() + "/" + golden.name)
    twin = golden.make_module()
    twin(*inputs)
    tf.train.Checkpoint(module=twin).restore(path).assert_consumed()
    self.assertAllClose(twin(*inputs), expected)

  @parameterized.named_parameters(*_CASES)
  def test_documented(self, golden):
    with tf.Graph().as_default():
      module_class = type(golden.make_module())
    self.assertTrue(inspect.getdoc(module_class))
    self.assertTrue(inspect.getdoc(module_class.__init__))
    self.assertTrue(inspect.getdoc(module_class._build))  # pylint: disable=protected-access

  @parameterized.named_parameters(*_CASES)
  def test_not_picklable(self, golden):
    with tf.Graph().as_default():
      module = golden.make_module()
    with self.assertRaises(snt.NotSupportedError):
      pickle.dumps(module)

  @parameterized.named_parameters(*_CASES)
  @test_utils.in_graph_mode
  def test_saver_round_trip(self, golden):
    module = golden.make_module()
    inputs = golden.make_inputs(2, module)
    output = module(*inputs)
    self.init()
    variables = module.get_all_variables(
        tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)
    if not variables:
      self.skipTest("No variables to save.")
    self.evaluate([tf.compat.v1.assign(v, tf.random.normal(v.shape, seed=3))
                   for v in variables])
    saver = tf.compat.v1.train.Saver(variables)
    expected = self.evaluate(output)
    path = saver.save(tf.compat.v1.get_default_session(),
                      self.get_temp_dir() + "/saver_" + golden.name)
    self.init()
    self.assertNotAllClose(self.evaluate(output), expected)
    saver.restore(tf.compat.v1.get_default_session(), path)
    self.assertAllClose(self.evaluate(output), expected)


if __name__ == "__main__":
  test_utils.main()
