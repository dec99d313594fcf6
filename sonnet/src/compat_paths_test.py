"""Sonnet 1's deep import paths re-export the very objects `snt` exposes."""

import importlib
import inspect
import pkgutil

from absl.testing import parameterized
import sonnet as snt
from sonnet import python as compat_root
from sonnet.src import test_utils


def _compat_modules():
  return sorted(info.name for info in pkgutil.walk_packages(
      compat_root.__path__, prefix="sonnet.python."))


class CompatPathsTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(*_compat_modules())
  def test_names_are_the_public_objects(self, module_name):
    module = importlib.import_module(module_name)
    public = [n for n, v in vars(module).items()
              if not n.startswith("_") and not inspect.ismodule(v)]
    for name in public:
      value = getattr(module, name)
      if hasattr(snt, name):
        self.assertIs(value, getattr(snt, name), "%s.%s" % (module_name, name))
      elif hasattr(snt, "nets") and hasattr(snt.nets, name):
        self.assertIs(value, getattr(snt.nets, name))

  @parameterized.parameters(
      ("sonnet.python.modules.base", "AbstractModule"),
      ("sonnet.python.modules.base", "Transposable"),
      ("sonnet.python.modules.base_errors", "NotConnectedError"),
      ("sonnet.python.modules.base_info", "SONNET_COLLECTION_NAME"),
      ("sonnet.python.modules.basic", "Linear"),
      ("sonnet.python.modules.basic", "AddBias"),
      ("sonnet.python.modules.sequential", "Sequential"))
  def test_sonnet1_paths_exist(self, module_name, name):
    module = importlib.import_module(module_name)
    self.assertIs(getattr(module, name), getattr(snt, name))


if __name__ == "__main__":
  test_utils.main()
