"""The public surface against Sonnet 1.36's: names, signatures, docstrings.

testdata/sonnet1_signatures.txt lists every public name of Sonnet 1.36 with
its signature, members and constants' values. Each name must exist here with
the same parameters, defaults and members, and a docstring.
"""

import inspect
import os
import re

from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils

_ENTRY = re.compile(r"^(class|def) (snt[\w.]*)\((.*)\)(  # bases: .*)?$")
_MEMBER = re.compile(r"^  (classmethod )?\.(\w+)(  \(property\)|\((.*)\))$")
_CONSTANT = re.compile(r"^(snt[\w.]*) = (.*)$")


def _parse_signatures():
  """Returns {dotted name: (kind, params, [(member, params or None)])}."""
  path = os.path.join(os.path.dirname(__file__), "testdata",
                      "sonnet1_signatures.txt")
  entries, current = {}, None
  with open(path, encoding="utf-8") as f:
    for line in f:
      line = line.rstrip("\n")
      entry, member = _ENTRY.match(line), _MEMBER.match(line)
      constant = _CONSTANT.match(line)
      if entry:
        current = entry.group(2)
        entries[current] = (entry.group(1), entry.group(3), [])
      elif member and current:
        params = None if member.group(3).endswith("(property)") else (
            member.group(4))
        entries[current][2].append((member.group(2), params))
      elif constant:
        entries[constant.group(1)] = ("constant", constant.group(2), [])
  return entries


_ENTRIES = _parse_signatures()


def _resolve(dotted_name):
  obj = snt
  for part in dotted_name.split(".")[1:]:
    obj = getattr(obj, part)
  return obj


def _normalized(signature_text):
  """Signature text with function defaults shown by name, as the list does."""
  text = re.sub(r"<function (\w+) at 0x[0-9a-f]+>", r"\1", signature_text)
  text = re.sub(r"<class '[\w.]*\.(\w+)'>", r"\1", text)
  return re.sub(r"\s+", " ", text)


def _signature_text(obj):
  """Parameter names, kinds and defaults; type hints are ours, not compared."""
  signature = inspect.signature(obj)
  bare = signature.replace(
      parameters=[
          p.replace(annotation=p.empty) for p in signature.parameters.values()],
      return_annotation=signature.empty)
  return _normalized(str(bare)[1:-1])


def _without_receiver(params_text):
  """Drops a leading `self` or `cls` parameter from signature text."""
  head, _, rest = params_text.partition(", ")
  return rest if head in ("self", "cls") else ("" if params_text in (
      "self", "cls") else params_text)


def _member_signature_text(attribute):
  if isinstance(attribute, (classmethod, staticmethod)):
    attribute = attribute.__func__
  return _without_receiver(_signature_text(attribute))


class ApiSurfaceTest(test_utils.TestCase, parameterized.TestCase):

  def test_list_covers_the_whole_surface(self):
    self.assertLen(_ENTRIES, 139)  # 130 classes and functions, 9 constants.

  @parameterized.parameters(*sorted(_ENTRIES))
  def test_name(self, name):
    kind, params, members = _ENTRIES[name]
    obj = _resolve(name)
    if kind == "constant":
      self.assertEqual(repr(obj), params)
      return
    self.assertTrue(inspect.getdoc(obj), "%s has no docstring" % name)
    if "/" not in params:  # Exceptions show the builtin signature.
      self.assertEqual(_signature_text(obj), _normalized(params), name)
    for member, member_params in members:
      attribute = inspect.getattr_static(obj, member, None)
      self.assertIsNotNone(attribute, "%s.%s is missing" % (name, member))
      if member_params is None:
        self.assertIsInstance(attribute, property, "%s.%s" % (name, member))
      elif not member_params.startswith("/"):
        self.assertEqual(_member_signature_text(attribute),
                         _without_receiver(_normalized(member_params)),
                         "%s.%s" % (name, member))


if __name__ == "__main__":
  test_utils.main()
