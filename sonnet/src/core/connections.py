"""Bookkeeping of module connections: who is connecting now, and observers.

Modules push themselves on a per-thread stack while they connect. Variables
fetched during a connection are reported to every module on the stack, which
is how a module learns about the variables of modules it calls but did not
build (see `AbstractModule.get_all_variables`).
"""

import collections
import contextlib
import threading

ConnectedSubGraph = collections.namedtuple(
    "ConnectedSubGraph", ["module", "name_scope", "inputs", "outputs"])
ConnectedSubGraph.__doc__ = """One connection of a module.

Attributes:
  module: the module that was connected.
  name_scope: the name scope its ops were created in ("" in eager mode).
  inputs: an `OrderedDict` from `_build` argument names to the values passed.
  outputs: what `_build` returned.
"""


class _ThreadState(threading.local):

  def __init__(self):
    super().__init__()
    self.connecting = []
    self.observers = []


_STATE = _ThreadState()

CALL = "call"
METHOD = "method"
SCOPE = "scope"  # Inside `_enter_variable_scope`.
REPLAY = "replay"  # A later eager connection of a `leaf_build`.


def connecting_modules():
  """Returns the modules now connecting on this thread, outermost first."""
  return [module for module, _ in _STATE.connecting]


def get_module_stack():
  """Sonnet 1's name for `connecting_modules()` (a new list each call)."""
  return connecting_modules()


def get_connection_stack():
  """The observers active on this thread, innermost last (Sonnet 1's name).

  Returns:
    The live list `observe_connections` pushes to.
  """
  return _STATE.observers


def innermost_connection_kind(module):
  """How `module` is connecting now: CALL, METHOD, SCOPE, REPLAY or None."""
  for other, kind in reversed(_STATE.connecting):
    if other is module:
      return kind
  return None


def is_replaying(module):
  """Whether `module` is in a later eager connection of its `leaf_build`.

  Such a connection is the innermost: a leaf connects no other module.
  """
  stack = _STATE.connecting
  return bool(stack) and stack[-1] == (module, REPLAY)


class connecting:  # pylint: disable=invalid-name
  """Marks `module` as connecting for the duration of a `with` block.

  A class rather than a generator: it is entered on every connection.

  Args:
    module: the module.
    kind: CALL for `__call__`, METHOD for a `reuse_variables` method,
      SCOPE for `_enter_variable_scope`, REPLAY for the fast path of a
      `leaf_build`.
  """

  __slots__ = ("_entry",)

  def __init__(self, module, kind=CALL):
    self._entry = (module, kind)

  def __enter__(self):
    _STATE.connecting.append(self._entry)

  def __exit__(self, *unused_exc_info):
    _STATE.connecting.pop()


def has_observers():
  """Whether any observer is active on this thread."""
  return bool(_STATE.observers)


def notify_observers(subgraph):
  """Calls every active observer with a new `ConnectedSubGraph`."""
  for observer in _STATE.observers:
    observer(subgraph)


@contextlib.contextmanager
def observe_connections(observer):
  """Calls `observer` with each module connection made inside the block.

  Args:
    observer: a callable taking one `ConnectedSubGraph`.

  Yields:
    None.

  >>> seen = []
  >>> with observe_connections(seen.append):
  ...   _ = snt.Linear(2)(tf.ones([1, 3]))
  >>> [type(subgraph.module).__name__ for subgraph in seen]
  ['Linear']
  """
  _STATE.observers.append(observer)
  try:
    yield
  finally:
    _STATE.observers.remove(observer)
