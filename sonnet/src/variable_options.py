"""The per-variable options of modules that create variables."""

from sonnet.src import arg_checks


class VariableOptions:
  """Mixin: `initializers`, `partitioners` and `regularizers` dicts.

  Modules that create variables take these three dicts keyed by variable
  name. `_set_variable_options` checks them (see `snt.check_initializers`)
  and keeps copies; the properties return copies again, so callers cannot
  change a module's configuration behind its back.
  """

  def _set_variable_options(self, initializers, partitioners, regularizers,
                            keys):
    """Checks the three dicts against the valid variable names and keeps them.

    Args:
      initializers: None or a dict of initializers.
      partitioners: None or a dict of partitioners.
      regularizers: None or a dict of regularizers.
      keys: the variable names the module accepts.

    Raises:
      KeyError: for a key not in `keys`.
      TypeError: for a value that is not callable (nor a dict).
    """
    # Plain attributes: these dicts hold no state for checkpoints to track,
    # and tracked dict wrappers would slow every lookup in `_build`.
    object.__setattr__(self, "_initializers",
                       arg_checks.check_initializers(initializers, keys))
    object.__setattr__(self, "_partitioners",
                       arg_checks.check_partitioners(partitioners, keys))
    object.__setattr__(self, "_regularizers",
                       arg_checks.check_regularizers(regularizers, keys))

  @property
  def initializers(self):
    """The initializers dict: those given, plus defaults once connected.

    As in Sonnet 1, a module adds the default initializers it used to this
    dict on its first connection, so `clone()` and `transpose()` start from
    the same values.
    """
    return dict(self._initializers)

  @property
  def partitioners(self):
    """The partitioners dict given at construction."""
    return dict(self._partitioners)

  @property
  def regularizers(self):
    """The regularizers dict given at construction."""
    return dict(self._regularizers)
