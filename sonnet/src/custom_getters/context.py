"""`Context`: a custom getter that applies only inside a `with` block."""

from typing import Any, Callable, Optional

import tensorflow as tf


class Context:
  """A custom getter that is switched on by entering it as a context manager.

  Give the `Context` to a module as its `custom_getter`; variables fetched
  while the context is entered go through `getter`, the others through
  `default_getter` (or unchanged). This lets one module be connected twice,
  e.g. once with gradients to its variables and once without.

  Contexts may be re-entered and nested; the getter applies until the
  outermost `with` block ends.

  >>> ctx = snt.custom_getters.Context(snt.custom_getters.stop_gradient)
  >>> linear = snt.Linear(3, custom_getter=ctx)
  >>> y_train = linear(tf.ones([1, 2]))
  >>> with ctx:
  ...   y_frozen = linear(tf.ones([1, 2]))  # No gradient to w and b.
  """

  def __init__(self, getter: Callable[..., Any], verbose: bool = False,
               default_getter: Optional[Callable[..., Any]] = None):
    """Configures the context.

    Args:
      getter: the custom getter used inside the context.
      verbose: whether to log the name of each variable fetched through
        `getter`.
      default_getter: the custom getter used outside the context; None
        fetches variables unchanged.

    Raises:
      TypeError: if `getter` or `default_getter` is not callable.
    """
    if not callable(getter):
      raise TypeError("Context's getter must be a callable custom getter, "
                      "got %r." % (getter,))
    if default_getter is not None and not callable(default_getter):
      raise TypeError("Context's default_getter must be None or a callable "
                      "custom getter, got %r." % (default_getter,))
    self._getter = getter
    self._verbose = verbose
    self._default_getter = default_getter
    self._depth = 0

  @property
  def active(self):
    """Whether the context is currently entered."""
    return self._depth > 0

  def __enter__(self):
    self._depth += 1
    return self

  def __exit__(self, exc_type, exc_value, traceback):
    self._depth -= 1

  def __call__(self, getter, name, *args, **kwargs):
    if self._depth > 0:
      if self._verbose:
        tf.compat.v1.logging.info("Custom getter %r applied to %s.",
                                  self._getter, name)
      return self._getter(getter, name, *args, **kwargs)
    if self._default_getter is not None:
      return self._default_getter(getter, name, *args, **kwargs)
    return getter(name, *args, **kwargs)
