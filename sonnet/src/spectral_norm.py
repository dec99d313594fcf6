"""`wrap_with_spectral_norm`: modules whose weights have spectral norm 1.

Spectral normalization (Miyato et al., 2018) divides a weight matrix by an
estimate of its largest singular value, found by power iteration with a
vector `u` kept in a non-trainable variable between connections.
"""

import inspect

import tensorflow as tf

tf1 = tf.compat.v1

_SN_KWARGS = frozenset(["num_iters", "eps"])


def _normalize(x, eps):
  return x / (tf.norm(x) + eps)


def _spectral_normalize(weight, u_var, num_iters, eps, pow_iter_collection):
  """Returns `weight / sigma` and the op that stores the new `u`."""
  matrix = tf.reshape(weight, [-1, weight.shape[-1]])
  u = tf.stop_gradient(tf.convert_to_tensor(u_var))
  for _ in range(num_iters):
    v = _normalize(tf.linalg.matvec(matrix, u), eps)
    u = _normalize(tf.linalg.matvec(matrix, v, transpose_a=True), eps)
  u = tf.stop_gradient(u)
  v = tf.stop_gradient(v)
  sigma = tf.tensordot(v, tf.linalg.matvec(matrix, u), axes=1)
  update = u_var.assign(u)
  normalized = weight / sigma
  if pow_iter_collection is not None and not tf.executing_eagerly():
    tf1.add_to_collection(pow_iter_collection, update)
    return normalized
  with tf.control_dependencies([update]):
    return tf.identity(normalized)


def _spectral_norm_getter(num_iters, eps, pow_iter_collection,
                          user_getter=None):
  """A custom getter that normalizes every variable of rank 2 or more.

  Args:
    num_iters: power iterations per connection.
    eps: added to norms.
    pow_iter_collection: where to put the `u` updates (None: run them with
      the output).
    user_getter: an optional custom getter applied to the weights (not to
      `u`) before normalization.

  Returns:
    A custom getter.
  """

  def custom_getter(getter, name, *args, **kwargs):
    if user_getter is None:
      weight = getter(name, *args, **kwargs)
    else:
      weight = user_getter(getter, name, *args, **kwargs)
    shape = tf.TensorShape(kwargs.get("shape"))
    if shape.rank is None or shape.rank < 2:
      return weight
    if shape[-1] is None:
      raise ValueError("Spectral normalization needs the last dimension of "
                       "%r to be known, got shape %s." % (name, shape))
    u_var = getter(
        name + "/u", shape=[shape[-1]], dtype=kwargs.get("dtype"),
        initializer=tf1.random_normal_initializer(), trainable=False)
    with tf1.name_scope(name.split("/")[-1] + "_spectral_norm"):
      return _spectral_normalize(tf.convert_to_tensor(weight), u_var,
                                 num_iters, eps, pow_iter_collection)

  return custom_getter


def wrap_with_spectral_norm(module_class, sn_kwargs=None,
                            pow_iter_collection=None):
  """Returns a constructor of `module_class` with spectrally normalized weights.

  Every variable of rank 2 or more the module creates (e.g. `w` of a
  `Linear`, a convolution kernel reshaped to `[-1, output_channels]`) is
  divided by its largest singular value, estimated by power iteration.
  Lower-rank variables (biases) are left alone. For a variable `w` a
  non-trainable variable `w/u` of shape `[w.shape[-1]]` keeps the power
  iteration's vector between connections, so the estimate sharpens with
  every connection (graph mode: every run).

  Args:
    module_class: a Sonnet module class (or constructor) that accepts a
      `custom_getter` keyword argument.
    sn_kwargs: optional dict with `num_iters` (power iterations per
      connection, default 1) and `eps` (added to norms, default 1e-4).
    pow_iter_collection: in graph mode, a collection name: the `u` updates
      are added to it, to be run by the caller, instead of running with the
      module's output. None runs them with the output. Eager code (and
      `tf.function`) always updates at once.

  Returns:
    A callable taking the arguments of `module_class` and returning the
    module. A `custom_getter` given to it runs before the normalization.

  Raises:
    TypeError: if `module_class` is not callable or takes no
      `custom_getter`.
    KeyError: if `sn_kwargs` has other keys than `num_iters` and `eps`.
    ValueError: if `num_iters` is not a positive integer.

  >>> SNLinear = snt.wrap_with_spectral_norm(snt.Linear, {"num_iters": 20})
  >>> linear = SNLinear(4)
  >>> y = linear(tf.ones([2, 3]))
  >>> sorted(v.name for v in linear.variables)
  ['linear/b:0', 'linear/w/u:0', 'linear/w:0']
  """
  if not callable(module_class):
    raise TypeError("wrap_with_spectral_norm needs a module class, got %r."
                    % (module_class,))
  try:
    parameters = inspect.signature(module_class).parameters
  except (TypeError, ValueError):
    parameters = {"custom_getter": None}
  if "custom_getter" not in parameters and not any(
      p.kind == p.VAR_KEYWORD for p in parameters.values()):
    raise TypeError("wrap_with_spectral_norm: %r takes no custom_getter "
                    "argument, which spectral normalization needs."
                    % (module_class,))
  sn_kwargs = dict(sn_kwargs or {})
  unknown = set(sn_kwargs) - _SN_KWARGS
  if unknown:
    raise KeyError("wrap_with_spectral_norm: unknown sn_kwargs %s; expected "
                   "some of %s." % (sorted(unknown), sorted(_SN_KWARGS)))
  num_iters = sn_kwargs.get("num_iters", 1)
  if not isinstance(num_iters, int) or num_iters < 1:
    raise ValueError("wrap_with_spectral_norm: num_iters must be a positive "
                     "integer, got %r." % (num_iters,))
  eps = sn_kwargs.get("eps", 1e-4)

  def constructor(*args, **kwargs):
    user_getter = kwargs.pop("custom_getter", None)
    if user_getter is not None and not callable(user_getter):
      raise TypeError("wrap_with_spectral_norm: custom_getter must be a "
                      "callable to combine with spectral normalization, got "
                      "%r." % (user_getter,))
    getter = _spectral_norm_getter(num_iters, eps, pow_iter_collection,
                                   user_getter)
    return module_class(*args, custom_getter=getter, **kwargs)

  constructor.__name__ = "SpectralNorm" + getattr(
      module_class, "__name__", "Module")
  constructor.__doc__ = ("%s with spectrally normalized weights; see "
                         "`snt.wrap_with_spectral_norm`."
                         % getattr(module_class, "__name__", module_class))
  return constructor
