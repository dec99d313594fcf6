"""A Griffe extension: public classes show what their private bases give.

Sonnet keeps code that several public modules share in bases that are not
part of the API (`conv.ConvND`, `conv_properties.ConvBase`,
`variable_options.PublicVariableOptions`, `rnn_core.HiddenStateCore`, ...).
With `inherited_members: false` a reader of `snt.Conv2D` would not see its
`output_channels` or `w`, because they are written on such a base. This
extension makes each public class own the members it inherits from bases
that are not public themselves; members of public bases (`AbstractModule`,
`RNNCore`, ...) stay documented once, on those bases.
"""

import griffe

# Namespaces whose classes are the public API.
PUBLIC_NAMESPACES = ("sonnet", "sonnet.nets", "sonnet.custom_getters")


def _public_classes(pkg):
  """Paths of the classes exported by the public namespaces."""
  paths = set()
  for namespace in PUBLIC_NAMESPACES:
    module = pkg.modules_collection[namespace]
    for member in module.members.values():
      try:
        target = member.final_target if member.is_alias else member
      except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        continue
      if target.is_class:
        paths.add(target.path)
  return paths


class PrivateBaseMembers(griffe.Extension):
  """Copies members inherited from private bases onto public classes."""

  def on_package(self, *, pkg, loader, **kwargs):
    del loader, kwargs  # Unused.
    if pkg.path != "sonnet":
      return
    public = _public_classes(pkg)
    for path in sorted(public):
      cls = pkg.modules_collection[path]
      for name, alias in cls.inherited_members.items():
        if name.startswith("_"):
          continue
        owner = alias.target.parent
        if owner.path not in public:
          cls.set_member(name, griffe.Alias(name, alias.target, parent=cls))
