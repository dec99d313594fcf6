"""The `snt.Error` family: what can go wrong when a module is used."""


class Error(Exception):
  """Base class for every error Sonnet raises about module usage."""


class NotConnectedError(Error):
  """A module was asked for something that exists only after connection.

  For example its variables, or a shape that is inferred from the inputs.
  """


class ParentNotBuiltError(Error):
  """A module derived from another (e.g. by `transpose()`) was connected first.

  Connect the original module before the derived one.
  """


class IncompatibleShapeError(Error):
  """An input's shape differs from what the module expects or was built with."""


class UnderspecifiedError(Error):
  """The module needs information (e.g. a dimension) that is not available."""


class NotSupportedError(Error):
  """The requested operation is not supported by this module."""


class NotInitializedError(Error):
  """The module's `__init__` did not call the `AbstractModule` constructor."""


class DifferentGraphError(Error):
  """A module was connected to a graph other than the one it was built in."""


class ModuleInfoError(Error):
  """The module information in a MetaGraph could not be read or written."""
