"""A Griffe extension: docstrings Sonnet gives by assignment.

Griffe reads the sources without running them, so it would not see two
ways Sonnet documents names:

* namedtuples (`snt.LSTMState`, `snt.ModuleInfo`, `snt.ConnectedSubGraph`)
  documented by `X.__doc__ = "..."` after they are made: each such
  module-level name gets the assigned string as its docstring;
* read-only properties declared as `w = connected_property("_w", "...")`
  in a class body: each gets the string as its docstring and is shown as a
  property.
"""

import ast
import inspect

import griffe


def _docstring(value, parent, agent):
  return griffe.Docstring(inspect.cleandoc(value.value), lineno=value.lineno,
                          endlineno=value.end_lineno, parent=parent,
                          parser=agent.docstring_parser,
                          parser_options=agent.docstring_options)


def _connected_property_doc(node):
  """The docstring argument of a `connected_property(...)` call, or None."""
  if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
    return None
  function = node.value.func
  name = getattr(function, "attr", getattr(function, "id", None))
  args = node.value.args
  if (name == "connected_property" and len(args) == 2 and
      isinstance(args[1], ast.Constant) and isinstance(args[1].value, str)):
    return args[1]
  return None


class DocAssignments(griffe.Extension):
  """Docstrings from `X.__doc__ = "..."` and `connected_property` calls."""

  def on_attribute_instance(self, *, node, attr, agent, **kwargs):
    del kwargs  # Unused.
    doc = _connected_property_doc(node)
    if doc is not None:
      attr.docstring = _docstring(doc, attr, agent)
      attr.labels.difference_update({"class-attribute", "instance-attribute"})
      attr.labels.add("property")
      attr.value = None  # Not a value a reader needs.

  def on_module_members(self, *, node, mod, agent, **kwargs):
    del kwargs  # Unused.
    if not isinstance(node, ast.Module):
      return
    for statement in node.body:
      if not (isinstance(statement, ast.Assign) and
              len(statement.targets) == 1):
        continue
      target, value = statement.targets[0], statement.value
      if (isinstance(target, ast.Attribute) and target.attr == "__doc__" and
          isinstance(target.value, ast.Name) and
          isinstance(value, ast.Constant) and isinstance(value.value, str)):
        member = mod.members.get(target.value.id)
        if member is None or member.is_alias:
          continue
        member.docstring = _docstring(value, member, agent)
