"""Tests for check_build_deps: the tree is clean, and each rule bites."""

import os
import tempfile
import unittest

from tools import check_build_deps


def source_tree():
  """The source tree: this file's real location is tools/ inside it.

  Bazel runs the test from a runfiles tree of links (the target is tagged
  "external", so it runs again whenever asked: the BUILD files it reads are
  not among its inputs).
  """
  return os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


_BUILD = """
load("//tools:build_defs.bzl", "snt_py_library", "snt_py_test")

snt_py_library(name = "init", srcs = ["__init__.py"])
snt_py_library(name = "a", deps = [":init"])
snt_py_library(name = "b", deps = [":a"])
snt_py_library(name = "all", srcs = [], deps = [":a", ":b"])
snt_py_test(name = "b_test", deps = [{deps}])
"""


class CheckBuildDepsTest(unittest.TestCase):

  def test_tree_deps_are_the_imports(self):
    root = source_tree()
    targets = check_build_deps.read_targets(root)
    self.assertIn("//sonnet/src:linear_test", {t.label for t in targets})
    problems = check_build_deps.problems(root, targets)
    self.assertEqual(problems, [], "\n" + "\n".join(problems))

  def _problems(self, test_deps, test_source="from sonnet import b\n"):
    """The problems of a tiny tree whose b_test has `test_deps`."""
    with tempfile.TemporaryDirectory() as root:
      os.makedirs(os.path.join(root, "sonnet"))
      files = {
          "__init__.py": "", "a.py": "", "b.py": "from sonnet import a\n",
          "c.py": "", "b_test.py": test_source,
          "BUILD": _BUILD.format(deps=test_deps)}
      for name, text in files.items():
        with open(os.path.join(root, "sonnet", name), "w",
                  encoding="utf-8") as f:
          f.write(text)
      return check_build_deps.problems(root,
                                       check_build_deps.read_targets(root))

  def test_exact_deps_pass(self):
    self.assertEqual(self._problems('":b"'), [])
    self.assertEqual(self._problems('":b", ":init"'), [])

  def test_missing_dep(self):
    self.assertEqual(
        self._problems('":a"', "from sonnet import a\nimport sonnet.b\n"),
        ["//sonnet:b_test: imports sonnet/b.py, no dep on //sonnet:b"])

  def test_unused_dep(self):
    self.assertEqual(
        self._problems('":a", ":b"'),
        ["//sonnet:b_test: dep //sonnet:a, none of whose files it imports"])

  def test_catch_all_dep_of_a_test(self):
    self.assertEqual(self._problems('":all"'), [
        "//sonnet:b_test: catch-all dep //sonnet:all; depend on what it "
        "imports"])

  def test_file_of_no_library(self):
    self.assertEqual(
        self._problems('":b"', "from sonnet import b\nfrom sonnet import c\n"),
        ["//sonnet:b_test: imports sonnet/c.py, which no library has"])


if __name__ == "__main__":
  unittest.main()
