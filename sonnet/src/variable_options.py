"""The per-variable options of modules that create variables."""

import tensorflow as tf

from sonnet.src import arg_checks
from sonnet.src.core import connections


class VariableOptions:
  """Mixin: the `initializers`, `partitioners` and `regularizers` dicts.

  Modules that create variables take these three dicts keyed by variable
  name. `_set_variable_options` checks them (see `snt.check_initializers`)
  and keeps copies; `_get_variable` creates a variable with its options.
  `PublicVariableOptions` adds the properties that show the dicts.
  """

  def _set_variable_options(self, initializers, partitioners, regularizers,
                            keys, partitioner_keys=None, regularizer_keys=None):
    """Checks the three dicts against the valid variable names and keeps them.

    Args:
      initializers: None or a dict of initializers.
      partitioners: None or a dict of partitioners.
      regularizers: None or a dict of regularizers.
      keys: the variable names the module accepts.
      partitioner_keys: the names `partitioners` accepts, if not `keys`.
      regularizer_keys: the names `regularizers` accepts, if not `keys`.

    Raises:
      KeyError: for a key not in `keys` (or the dict's own keys).
      TypeError: for a value that is not callable (nor a dict).
    """
    if partitioner_keys is None:
      partitioner_keys = keys
    if regularizer_keys is None:
      regularizer_keys = keys
    # Plain attributes: these dicts hold no state for checkpoints to track,
    # and tracked dict wrappers would slow every lookup in `_build`.
    object.__setattr__(self, "_initializers",
                       arg_checks.check_initializers(initializers, keys))
    object.__setattr__(
        self, "_partitioners",
        arg_checks.check_partitioners(partitioners, partitioner_keys))
    object.__setattr__(
        self, "_regularizers",
        arg_checks.check_regularizers(regularizers, regularizer_keys))

  def _get_variable(self, name, shape, dtype, default_initializer=None,
                    **kwargs):
    """Creates (or reuses) variable `name` with the module's options.

    As in Sonnet 1, a default initializer joins the `initializers` dict, so
    that later connections, `clone()`s and `transpose()`s use it too.

    Args:
      name: the variable name, e.g. "w".
      shape: its shape.
      dtype: its dtype.
      default_initializer: used when `initializers` has no entry for
        `name`; None leaves the choice to `tf.compat.v1.get_variable`.
      **kwargs: more arguments of `tf.compat.v1.get_variable`, e.g.
        `trainable` or `collections`; an `initializer` here is used in
        place of the dict's.

    Returns:
      The variable (or partitioned variable).

    Raises:
      ValueError: in a later eager connection of a `leaf_build`, for a
        variable its first connection did not fetch.
    """
    if connections.is_replaying(self):
      return self._replayed_variable(name)
    if default_initializer is not None:
      self._initializers.setdefault(name, default_initializer)
    kwargs.setdefault("initializer", self._initializers.get(name))
    return tf.compat.v1.get_variable(name, shape=shape, dtype=dtype,
                                     partitioner=self._partitioners.get(name),
                                     regularizer=self._regularizers.get(name),
                                     **kwargs)


class PublicVariableOptions(VariableOptions):
  """`VariableOptions` with properties returning copies of the three dicts.

  Copies, so that callers cannot change a module's configuration behind its
  back.
  """

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
