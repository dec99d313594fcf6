"""Runs the `>>>` examples in every docstring of the library, eagerly."""

import doctest
import importlib
import inspect
import pkgutil

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet import src
from sonnet.src import test_utils
import tensorflow as tf


def _library_modules():
  names = []
  for info in pkgutil.walk_packages(src.__path__, prefix="sonnet.src."):
    # The conformance kit's generator scripts run against Sonnet 1.36.
    script = info.name.startswith("sonnet.src.conformance.make_")
    if (not info.name.endswith("_test") and "test_utils" not in info.name and
        not script):
      names.append(info.name)
  return sorted(names)


class DoctestTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(*_library_modules())
  @test_utils.in_eager_mode  # The examples are eager programs.
  def test_docstring_examples(self, module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(
        module, extraglobs={"snt": snt, "tf": tf, "np": np},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False)
    if ">>>" in inspect.getsource(module):
      self.assertGreater(result.attempted, 0)
    self.assertEqual(
        result.failed, 0,
        "%d docstring example(s) failed in %s (see log above)." %
        (result.failed, module_name))


if __name__ == "__main__":
  test_utils.main()
