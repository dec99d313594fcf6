"""Writes sonnet1_deep_names.txt: Sonnet 1.36's deep modules and their names.

compat_paths_test.py checks that every `sonnet.python...` module Sonnet 1.36
had exists here with every public name it had. Run this against the
original Sonnet 1.36, from the repository root, with the conformance kit:

  ORIGINAL_SONNET=/path/to/sonnet-1.36 ../shared/conformance/oracle.sh \\
      sonnet/src/testdata/list_sonnet1_deep_names.py \\
      "$PWD/sonnet/src/testdata/sonnet1_deep_names.txt"

A name is listed when it does not start with "_", is not a module or a
`__future__` feature, and, for functions and classes, was defined by
Sonnet (not imported from TensorFlow or the standard library).
"""

import importlib
import inspect
import pkgutil
import sys
import types

_PACKAGES = ("sonnet.python.modules", "sonnet.python.ops",
             "sonnet.python.custom_getters")


def _listed(name, value):
  if name.startswith("_") or isinstance(value, types.ModuleType):
    return False
  if type(value).__name__ == "_Feature":
    return False
  if inspect.isroutine(value) or inspect.isclass(value):
    return getattr(value, "__module__", "").startswith("sonnet")
  return True


def _modules():
  for package_name in _PACKAGES:
    package = importlib.import_module(package_name)
    infos = pkgutil.walk_packages(package.__path__, prefix=package_name + ".")
    for name in sorted(info.name for info in infos):
      if not name.endswith("_test") and ".protos" not in name:
        yield name


def main(path):
  lines = []
  for module_name in _modules():
    module = importlib.import_module(module_name)
    lines.extend("%s %s" % (module_name, name)
                 for name, value in sorted(vars(module).items())
                 if _listed(name, value))
  with open(path, "w", encoding="utf-8") as out:
    out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
  main(sys.argv[1])
