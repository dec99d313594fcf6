"""Checks that each Bazel target depends on exactly what its files import.

    python3 tools/check_build_deps.py        # from the source tree's root

Reads the BUILD files below `PACKAGE_ROOTS` (running them with stand-ins for
the rules they use), gives each Python file to the library that has it in its
srcs, and compares every target's `deps` with the imports of its sources:

- a dep on a target that no BUILD file below `PACKAGE_ROOTS` makes fails;
- an import of a file of another target with no dep on that target fails
  (Bazel would find it only at run time, or never notice when some other dep
  happens to bring the file in);
- a dep none of whose files the target imports fails (it hides a missing dep
  somewhere else; a program a test runs rather than imports belongs in its
  `data`), unless it holds only the `__init__.py` of a package the target's
  files are in or import from (Python runs those first); so does a test's
  dep on a library with no sources of its own (a catch-all such as
  //sonnet/src:all_modules: a test depends on the modules it imports). A
  library may depend on such an aggregate, which then stands for all it
  depends on.

Prints one line per problem and exits with status 1 when there is any.
"""

import ast
import collections
import glob
import os
import sys

# The folders whose BUILD files are read; they are also the import roots.
PACKAGE_ROOTS = ("docs", "examples", "sonnet", "tools")

Target = collections.namedtuple("Target", "label kind srcs deps")


def absolute_label(package, label):
  """The full form of a label of `package`: ":c" in a/b is "//a/b:c"."""
  if label.startswith(":"):
    label = "//%s%s" % (package, label)
  if ":" not in label:
    label += ":" + label.rsplit("/", 1)[-1]
  return label


class _Rules(dict):
  """The names a BUILD file sees: rules that record targets; others ignored."""

  def __init__(self, root, package, targets):
    super().__init__()
    self._root = root
    self._package = package
    for rule, kind, name_is_file in (("snt_py_library", "library",
                                      True), ("py_library", "library", False),
                                     ("snt_py_test", "test",
                                      True), ("py_test", "test", False),
                                     ("py_binary", "binary", False)):
      self[rule] = self._rule(kind, name_is_file, targets)
    self["glob"] = self._glob

  def __missing__(self, unused_name):
    return lambda *unused_args, **unused_kwargs: None

  def _rule(self, kind, name_is_file, targets):
    """A stand-in for one rule, which records a `Target`."""

    def record(name, srcs=None, deps=(), **unused_kwargs):
      if srcs is None:
        srcs = [name + ".py"] if name_is_file else []
      targets.append(
          Target("//%s:%s" % (self._package, name), kind, [
              os.path.join(self._package, s) for s in srcs if s.endswith(".py")
          ], [absolute_label(self._package, d) for d in deps]))

    return record

  def _glob(self, patterns, exclude=()):
    base = os.path.join(self._root, self._package)
    found = set()
    for pattern in patterns:
      found.update(
          os.path.relpath(p, base)
          for p in glob.glob(os.path.join(base, pattern), recursive=True))
    for pattern in exclude:
      found -= set(self._glob([pattern]))
    return sorted(found)


def read_targets(root):
  """Every Python target of the BUILD files below `PACKAGE_ROOTS`.

  Args:
    root: the source tree.

  Returns:
    A list of `Target`s with full labels and root-relative srcs.
  """
  targets = []
  for top in PACKAGE_ROOTS:
    for path in sorted(
        glob.glob(os.path.join(root, top, "**", "BUILD"), recursive=True)):
      package = os.path.relpath(os.path.dirname(path), root)
      with open(path, encoding="utf-8") as f:
        code = compile(f.read(), path, "exec")
      exec(code, {}, _Rules(root, package, targets))  # pylint: disable=exec-used
  return targets


def module_file(root, module):
  """The file of a dotted module name ("a/b.py" or "a/b/__init__.py")."""
  base = module.replace(".", "/")
  for path in (base + ".py", os.path.join(base, "__init__.py")):
    if os.path.exists(os.path.join(root, path)):
      return path
  return None


def imported_files(root, path):
  """The files below `PACKAGE_ROOTS` that the Python file `path` imports.

  `from a.b import c` names a/b/c.py when that exists (a module), else the
  module a.b; `import a.b` names a/b.

  Args:
    root: the source tree.
    path: the file, relative to `root`.

  Returns:
    A set of root-relative paths.
  """
  with open(os.path.join(root, path), encoding="utf-8") as f:
    tree = ast.parse(f.read(), path)
  files = set()
  for node in ast.walk(tree):
    if isinstance(node, ast.Import):
      candidates = [[alias.name] for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
      candidates = [
          [node.module + "." + alias.name, node.module] for alias in node.names]
    else:
      continue
    for names in candidates:
      if names[0].split(".")[0] not in PACKAGE_ROOTS:
        continue
      found = [f for f in (module_file(root, m) for m in names) if f]
      if found:
        files.add(found[0])
  return files


def package_inits(path):
  """The `__init__.py` files Python runs before the module file `path`."""
  parts = path.split("/")[:-1]
  return [
      os.path.join(*parts[:n], "__init__.py") for n in range(1,
                                                             len(parts) + 1)]


def problems(root, targets):
  """What is wrong with each target's deps.

  Args:
    root: the source tree.
    targets: every `Target`.

  Returns:
    A sorted list of lines such as
    "//sonnet/src:linear_test: imports sonnet/src/linear.py, no dep on
    //sonnet/src:linear".
  """
  by_label = {t.label: t for t in targets}
  owner = {}
  for target in targets:
    if target.kind == "library":
      for src in target.srcs:
        owner.setdefault(src, target.label)

  def covered(label):
    """The labels a dep stands for: an aggregate's, recursively."""
    target = by_label.get(label)
    if target is None or target.srcs or not target.deps:
      return {label}
    return set().union(*[covered(d) for d in target.deps])

  found = []
  for target in targets:
    # A binary of a library's file is checked as that library.
    if target.kind == "binary" and all(
        owner.get(s) in target.deps for s in target.srcs):
      continue
    needed = {}
    for src in target.srcs:
      for imported in imported_files(root, src):
        if imported in target.srcs:
          continue
        if imported not in owner:
          found.append("%s: imports %s, which no library has" %
                       (target.label, imported))
        else:
          needed.setdefault(owner[imported], imported)
    has = set()
    for dep in target.deps:
      has |= covered(dep)
    for label, imported in sorted(needed.items()):
      if label not in has:
        found.append("%s: imports %s, no dep on %s" %
                     (target.label, imported, label))
    packages = {
        owner.get(init)
        for path in set(target.srcs) | set(needed.values())
        for init in package_inits(path)}
    for dep in target.deps:
      if dep not in by_label:
        found.append("%s: dep %s, which no BUILD file makes" %
                     (target.label, dep))
      elif dep in packages and all(
          src.endswith("/__init__.py") for src in by_label[dep].srcs):
        pass  # The __init__.py of a package it uses.
      elif target.kind == "test" and covered(dep) != {dep}:
        found.append("%s: catch-all dep %s; depend on what it imports" %
                     (target.label, dep))
      elif target.srcs and not covered(dep) & set(needed):
        found.append("%s: dep %s, none of whose files it imports" %
                     (target.label, dep))
  return sorted(found)


def main(argv):
  root = argv[1] if len(argv) > 1 else os.getcwd()
  found = problems(root, read_targets(root))
  for line in found:
    print(line)
  return 1 if found else 0


if __name__ == "__main__":
  sys.exit(main(sys.argv))
