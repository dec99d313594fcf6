"""Properties every module must have, checked over `goldens.GOLDENS`.

`tf.function` retraces without new variables and gives the eager numbers,
classes are documented and modules refuse to be pickled. (Checkpoint round
trips are in `round_trip_test.py`.)
"""

import inspect
import pickle

from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.conformance import goldens
import tensorflow as tf

CASES = tuple((g.name, g) for g in goldens.GOLDENS)


class ModulePropertiesTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(*CASES)
  @test_utils.in_eager_mode
  def test_tf_function_retrace_matches_eager(self, golden):
    module = golden.make_module()
    call = tf.function(module)
    first = goldens.connect(golden, module, 2, call=call)
    count = len(module.variables)
    goldens.connect(golden, module, 5, call=call)  # Retraces: new batch size.
    self.assertLen(module.variables, count)
    self.assertAllClose(goldens.connect(golden, module, 2), first)

  @parameterized.named_parameters(*CASES)
  def test_documented(self, golden):
    with tf.Graph().as_default():
      module_class = type(golden.make_module())
    self.assertTrue(inspect.getdoc(module_class))
    self.assertTrue(inspect.getdoc(module_class.__init__))
    self.assertTrue(inspect.getdoc(module_class._build))  # pylint: disable=protected-access

  @parameterized.named_parameters(*CASES)
  def test_not_picklable(self, golden):
    with tf.Graph().as_default():
      module = golden.make_module()
    with self.assertRaises(snt.NotSupportedError):
      pickle.dumps(module)


if __name__ == "__main__":
  test_utils.main()
