"""Sonnet 1's deep import paths re-export the very objects `snt` exposes."""

import collections
import importlib
import inspect
import os
import pkgutil

from absl.testing import parameterized
import sonnet as snt
from sonnet import python as compat_root
from sonnet.src import test_utils


def _public_namespaces(module_name):
  """Where the public twins of a compat path's names live, in order."""
  if module_name.startswith("sonnet.python.custom_getters"):
    return (snt.custom_getters, snt.custom_getters.bayes_by_backprop)
  return (snt, snt.nets)


def _compat_modules():
  return sorted(info.name for info in pkgutil.walk_packages(
      compat_root.__path__, prefix="sonnet.python."))


def _sonnet1_deep_names():
  """(module, name) pairs of every public name of Sonnet 1.36's deep paths."""
  path = os.path.join(os.path.dirname(__file__), "testdata",
                      "sonnet1_deep_names.txt")
  names = collections.defaultdict(list)
  with open(path, encoding="utf-8") as listing:
    for line in listing:
      module_name, name = line.split()
      names[module_name].append(name)
  return sorted(names.items())


class CompatPathsTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(*_sonnet1_deep_names())
  def test_every_sonnet1_module_and_name_exists(self, module_name, names):
    module = importlib.import_module(module_name)
    missing = [name for name in names if not hasattr(module, name)]
    self.assertEqual(
        missing, [],
        "%s lacks Sonnet 1.36's %s" % (module_name, ", ".join(missing)))

  @parameterized.parameters(*_compat_modules())
  def test_names_are_the_public_objects(self, module_name):
    module = importlib.import_module(module_name)
    public = [
        n for n, v in vars(module).items()
        if not n.startswith("_") and not inspect.ismodule(v)]
    for name in public:
      for namespace in _public_namespaces(module_name):
        if hasattr(namespace, name):
          self.assertIs(getattr(module, name), getattr(namespace, name),
                        "%s.%s" % (module_name, name))
          break

  @parameterized.parameters(
      ("sonnet.python.modules.base", "AbstractModule", "AbstractModule"),
      ("sonnet.python.modules.base", "Transposable", "Transposable"),
      ("sonnet.python.modules.base_errors", "NotConnectedError",
       "NotConnectedError"),
      ("sonnet.python.modules.base_info", "SONNET_COLLECTION_NAME",
       "SONNET_COLLECTION_NAME"),
      ("sonnet.python.modules.basic", "Linear", "Linear"),
      ("sonnet.python.modules.basic", "AddBias", "AddBias"),
      ("sonnet.python.modules.sequential", "Sequential", "Sequential"),
      ("sonnet.python.modules.gated_rnn", "LSTM", "LSTM"),
      ("sonnet.python.modules.conv", "Conv2D", "Conv2D"),
      ("sonnet.python.modules.nets.mlp", "MLP", "nets.MLP"),
      ("sonnet.python.ops.nest", "flatten", "nest.flatten"),
      ("sonnet.python.custom_getters.stop_gradient", "stop_gradient",
       "custom_getters.stop_gradient"))
  def test_sonnet1_paths_exist(self, module_name, name, public_path):
    public = snt
    for part in public_path.split("."):
      public = getattr(public, part)
    self.assertIs(getattr(importlib.import_module(module_name), name), public)


if __name__ == "__main__":
  test_utils.main()
