"""Questions about objects and callables: scopes, keyword arguments, names.

`supports_kwargs` answers with one of three constants, because a signature
with `**kwargs` can neither promise nor refuse an argument.
"""

import functools
import importlib
import inspect
import warnings

from absl import logging

from sonnet.src.core.naming import name_for_callable  # pylint: disable=unused-import
from sonnet.src.core.naming import to_snake_case  # pylint: disable=unused-import

SUPPORTED = "supported"
MAYBE_SUPPORTED = "maybe_supported"
NOT_SUPPORTED = "not_supported"

_ALIASES = (("snt.", "sonnet."), ("tf.", "tensorflow."))
_warned_messages = set()


def has_variable_scope(obj):
  """Whether `obj` has a `variable_scope` attribute (modules, templates).

  The attribute is looked up without being evaluated, so an unconnected
  module counts too.

  Args:
    obj: any object.

  Returns:
    A bool.

  >>> snt.has_variable_scope(snt.Linear(2)), snt.has_variable_scope(len)
  (True, False)
  """
  return "variable_scope" in dir(obj)


def _signature_target(module_or_fn):
  """The callable whose signature decides which kwargs are accepted."""
  build = getattr(module_or_fn, "_build", None)
  if callable(build) and not inspect.isclass(module_or_fn):
    return build
  if not callable(module_or_fn):
    raise TypeError("Expected a module, function or other callable, got %r." %
                    (module_or_fn,))
  return module_or_fn


def supports_kwargs(module_or_fn, kwargs_list):
  """Whether a callable (or a module's `_build`) accepts keyword arguments.

  Args:
    module_or_fn: a Sonnet module (its `_build` is inspected), a function,
      a method, a `functools.partial` or any other callable.
    kwargs_list: a keyword name or an iterable of them.

  Returns:
    `NOT_SUPPORTED` ("not_supported") if some name cannot be passed by
    keyword; else `MAYBE_SUPPORTED` ("maybe_supported") if some name would
    only land in a `**kwargs` catch-all, or the signature cannot be
    inspected; else `SUPPORTED` ("supported").

  Raises:
    TypeError: if `module_or_fn` is not callable.
    ValueError: if `kwargs_list` holds a non-string.

  >>> def f(x, is_training=True): return x
  >>> snt.supports_kwargs(f, ["is_training"]), snt.supports_kwargs(f, "y")
  ('supported', 'not_supported')
  """
  if isinstance(kwargs_list, str):
    kwargs_list = [kwargs_list]
  kwargs_list = list(kwargs_list)
  for kwarg in kwargs_list:
    if not isinstance(kwarg, str):
      raise ValueError("kwargs should be strings, instead got {}".format(kwarg))
  target = _signature_target(module_or_fn)
  try:
    parameters = inspect.signature(target).parameters
  except (TypeError, ValueError):
    return MAYBE_SUPPORTED  # E.g. some builtins: no signature to read.
  by_keyword = set(name for name, p in parameters.items()
                   if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
  catch_all = any(p.kind == p.VAR_KEYWORD for p in parameters.values())
  result = SUPPORTED
  for kwarg in kwargs_list:
    if kwarg in by_keyword:
      continue
    if not catch_all:
      return NOT_SUPPORTED
    result = MAYBE_SUPPORTED
  return result


def remove_unsupported_kwargs(module_or_fn, all_kwargs_dict):
  """The entries of a kwargs dict that `module_or_fn` may accept.

  Args:
    module_or_fn: as for `supports_kwargs`.
    all_kwargs_dict: a dict from keyword names to values, or None.

  Returns:
    A new dict without the keywords that are `NOT_SUPPORTED` (those that
    are `MAYBE_SUPPORTED` are kept).

  Raises:
    ValueError: if `all_kwargs_dict` is not a dict.

  >>> def f(x, is_training=True): return x
  >>> snt.remove_unsupported_kwargs(f, {"is_training": False, "seed": 1})
  {'is_training': False}
  """
  if all_kwargs_dict is None:
    return {}
  if not isinstance(all_kwargs_dict, dict):
    raise ValueError("all_kwargs_dict must be a dict from keyword names to "
                     "values, got %r." % (all_kwargs_dict,))
  return {
      name: value
      for name, value in all_kwargs_dict.items()
      if supports_kwargs(module_or_fn, name) != NOT_SUPPORTED}


def parse_string_to_constructor(ctor_string):
  """Finds the object a dotted name refers to, e.g. "snt.Linear".

  "snt." stands for "sonnet." and "tf." for "tensorflow."; a name without
  a dot is looked up in `sonnet`. Modules along the path are imported as
  needed ("tensorflow.nn.relu", "sonnet.nets.MLP", "collections.Counter").

  Args:
    ctor_string: a dotted name.

  Returns:
    The object (usually a class or function).

  Raises:
    TypeError: if `ctor_string` is not a string.
    ImportError: if its first component is not an importable package.
    ValueError: if it is not a dotted name, or the rest of it names
      nothing.

  >>> snt.parse_string_to_constructor("snt.Linear") is snt.Linear
  True
  >>> snt.parse_string_to_constructor("tf.nn.relu") is tf.nn.relu
  True
  """
  if not isinstance(ctor_string, str):
    raise TypeError("Expected a dotted name such as 'snt.Linear', got %r." %
                    (ctor_string,))
  path = ctor_string.strip()
  if "." not in path:
    path = "sonnet." + path
  for alias, full in _ALIASES:
    if path.startswith(alias):
      path = full + path[len(alias):]
  parts = path.split(".")
  if not all(part.isidentifier() for part in parts):
    raise ValueError("could not find `%s`, after normalizing to `%s`: it is "
                     "not a dotted name such as 'snt.Linear' or "
                     "'tensorflow.nn.relu'." % (ctor_string, path))
  obj = importlib.import_module(parts[0])
  for i, part in enumerate(parts[1:], start=2):
    if hasattr(obj, part):
      obj = getattr(obj, part)
      continue
    module_name = ".".join(parts[:i])
    try:
      obj = importlib.import_module(module_name)
    except ImportError as e:
      raise ValueError("could not find `%s`, after normalizing to `%s`: %r "
                       "has no attribute %r and no module %r can be "
                       "imported." % (ctor_string, path, ".".join(
                           parts[:i - 1]), part, module_name)) from e
  return obj


def deprecation_warning(deprecation_message):
  """Warns about a deprecated use, once per distinct message.

  The message is logged (absl, WARNING) and issued as a Python
  `DeprecationWarning` the first time; repeats are silent.

  Args:
    deprecation_message: the text, saying what to use instead.
  """
  if deprecation_message in _warned_messages:
    return
  _warned_messages.add(deprecation_message)
  logging.warning("%s", deprecation_message)
  warnings.warn(deprecation_message, DeprecationWarning, stacklevel=2)


def with_doc(fn_with_doc_to_copy):
  """A decorator for methods that take another function's face.

  The decorated method keeps its own body but shows the name, docstring and
  signature of `fn_with_doc_to_copy`, e.g. a wrapper's `__init__` presenting
  the constructor of the class it wraps.

  Args:
    fn_with_doc_to_copy: the function whose documentation is shown.

  Returns:
    A decorator for a method `(self, *args, **kwargs)`.

  >>> def documented(x, y=2):
  ...   "Adds."
  >>> class Wrapper:
  ...   @with_doc(documented)
  ...   def __init__(self, *args, **kwargs):
  ...     self.args = args
  >>> Wrapper.__init__.__doc__, Wrapper(1).args
  ('Adds.', (1,))
  """

  def decorator(wrapper_method):

    @functools.wraps(fn_with_doc_to_copy)
    def method(instance, *args, **kwargs):
      return wrapper_method(instance, *args, **kwargs)

    return method

  return decorator
