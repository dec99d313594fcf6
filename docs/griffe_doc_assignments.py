"""A Griffe extension: docstrings given by `Name.__doc__ = "..."`.

Sonnet documents its namedtuples (`snt.LSTMState`, `snt.ModuleInfo`,
`snt.ConnectedSubGraph`) by assigning `__doc__` after creating them, which
Griffe, reading the sources without running them, would not see. This gives
each such module-level name the assigned string as its docstring.
"""

import ast
import inspect

import griffe


class DocAssignments(griffe.Extension):
  """Sets `X`'s docstring from a module-level `X.__doc__ = "..."`."""

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
        member.docstring = griffe.Docstring(
            inspect.cleandoc(value.value),
            lineno=value.lineno, endlineno=value.end_lineno, parent=member,
            parser=agent.docstring_parser,
            parser_options=agent.docstring_options)
