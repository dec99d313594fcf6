"""Spectral normalization (Miyato et al., 2018), as in Sonnet 1.36.

A weight matrix is divided by an estimate of its largest singular value,
found by power iteration with a vector `u0` kept in a non-trainable
variable between connections.
"""

import functools

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import custom_getter_router
from sonnet.src.custom_getters import context

tf1 = tf.compat.v1


def _l2_normalize(t, eps):
  """`t / sqrt(sum(t**2) + eps)`, over all of `t`."""
  return t * tf.math.rsqrt(tf.reduce_sum(tf.square(t)) + eps)


def spectral_norm(weight, num_iters=1, update_collection=None, eps=1e-4):
  """Divides `weight` by its largest singular value, by power iteration.

  The computation is in float32, on the weight read as a matrix
  `[-1, weight.shape[-1]]`. A non-trainable float32 variable `u0` of shape
  `[1, weight.shape[-1]]` (truncated normal initializer) is created with
  `tf.compat.v1.get_variable` in the current variable scope; it keeps the
  power iteration's right singular vector between runs.

  Args:
    weight: a tensor of known shape.
    num_iters: power iterations per connection, at least 1.
    update_collection: None to store the new `u0` whenever `w_bar` is
      computed; otherwise the name of a collection the update op is added
      to, for the caller to run. (In eager mode the update happens at once.)
    eps: added to squared norms before dividing by them.

  Returns:
    A dict: `w_bar` (the normalized weight), `sigma` (the estimated singular
    value) and `u0` (the variable's value), in `weight`'s dtype.

  Raises:
    ValueError: if `num_iters < 1`.
  """
  if num_iters < 1:
    raise ValueError(
        "num_iters must be a positive integer. {} given.".format(num_iters))
  original_dtype = weight.dtype
  weight = tf.cast(weight, tf.float32)
  shape = weight.shape.as_list()
  matrix = tf.reshape(weight, [-1, shape[-1]])
  u0 = tf1.get_variable("u0", [1, shape[-1]],
                        initializer=tf1.truncated_normal_initializer(),
                        trainable=False)
  u = u0
  for _ in range(num_iters):
    v = _l2_normalize(tf.matmul(u, matrix, transpose_b=True), eps)
    u = _l2_normalize(tf.matmul(v, matrix), eps)
  u = tf.stop_gradient(u)
  v = tf.stop_gradient(v)
  sigma = tf.squeeze(tf.matmul(tf.matmul(v, matrix), u, transpose_b=True),
                     axis=[0, 1])
  w_bar = tf.reshape(matrix / sigma, shape)
  update = u0.assign(u)
  if update_collection is None:
    with tf.control_dependencies([update]):
      w_bar = tf.identity(w_bar)
  elif not tf.executing_eagerly():
    tf1.add_to_collection(update_collection, update)
  return {
      "w_bar": tf.cast(w_bar,
                       original_dtype), "sigma": tf.cast(sigma, original_dtype),
      "u0": tf.cast(u0, original_dtype)}


class SpectralNormWrapper(base.AbstractModule):
  """Builds a module whose `.../w` variables are spectrally normalized.

  The wrapper, named `<name>_wrapper` (`name` from the wrapped module's
  arguments, default "sn"), constructs the module inside its own scope, so
  a `Linear` gets variables `sn_wrapper/linear/w`, `sn_wrapper/linear/b`
  and the non-trainable `sn_wrapper/linear/u0` (see `spectral_norm`).

  Connecting it takes the wrapped module's arguments plus
  `enable_power_iteration` (default True): when True, each connection
  stores the new `u0` along with its output; when False, the update op goes
  to `pow_iter_collection` instead (or also runs with the output if that is
  None).
  """

  def __init__(self, module, sn_kwargs, pow_iter_collection, *args, **kwargs):
    """Constructs the wrapped module.

    Args:
      module: a Sonnet module class (or constructor) taking `*args` and
        `**kwargs`.
      sn_kwargs: a dict of keyword arguments for `spectral_norm`
        (`num_iters`, `eps`).
      pow_iter_collection: the collection for deferred `u0` updates, or
        None.
      *args: the module's positional arguments.
      **kwargs: the module's keyword arguments.
    """
    name = kwargs.get("name", "sn") + "_wrapper"
    immediate, deferred = self.sn_getter(sn_kwargs)
    route = lambda g: custom_getter_router.custom_getter_router({".*/w$": g},
                                                                lambda s: s)
    self._context_getter = context.Context(route(immediate),
                                           default_getter=route(deferred))
    self.pow_iter_collection = pow_iter_collection
    super().__init__(name=name, custom_getter=self._context_getter)
    with self._enter_variable_scope():
      self._module = module(*args, **kwargs)

  def _build(self, *args, **kwargs):
    """Connects the wrapped module.

    Args:
      *args: the wrapped module's inputs.
      **kwargs: its keyword arguments, plus `enable_power_iteration`.

    Returns:
      The wrapped module's outputs.
    """
    if kwargs.pop("enable_power_iteration", True):
      with self._context_getter:
        return self._module(*args, **kwargs)
    return self._module(*args, **kwargs)

  def sn_getter(self, spectral_norm_kwargs):
    """Returns custom getters normalizing with immediate / deferred updates.

    Args:
      spectral_norm_kwargs: keyword arguments for `spectral_norm`.

    Returns:
      Two custom getters: the first stores the new `u0` with the weight, the
      second adds the update to `pow_iter_collection` (if not None).
    """

    def getter_immediate_update(getter, *args, **kwargs):
      weight = getter(*args, **kwargs)
      return spectral_norm(weight, update_collection=None,
                           **spectral_norm_kwargs)["w_bar"]

    def getter_deferred_update(getter, *args, **kwargs):
      weight = getter(*args, **kwargs)
      return spectral_norm(weight, update_collection=self.pow_iter_collection,
                           **spectral_norm_kwargs)["w_bar"]

    return getter_immediate_update, getter_deferred_update


def wrap_with_spectral_norm(module_class, sn_kwargs=None,
                            pow_iter_collection=None):
  """Returns a constructor of `module_class` with spectrally normalized weights.

  It is `functools.partial(SpectralNormWrapper, module_class, sn_kwargs,
  pow_iter_collection)`: calling it with `module_class`'s arguments builds a
  `SpectralNormWrapper` whose variables named `.../w` (e.g. the `w` of a
  `Linear` or a convolution, read as `[-1, output_channels]`) are divided by
  their largest singular value on every connection.

  Args:
    module_class: a Sonnet module class (or constructor).
    sn_kwargs: optional dict of keyword arguments for `spectral_norm`:
      `num_iters` (power iterations per connection, default 1) and `eps`
      (default 1e-4).
    pow_iter_collection: the collection `u0` updates go to when the module
      is connected with `enable_power_iteration=False`.

  Returns:
    A constructor of `SpectralNormWrapper`s.

  >>> SNLinear = snt.wrap_with_spectral_norm(snt.Linear, {"num_iters": 20})
  >>> linear = SNLinear(4)
  >>> y = linear(tf.ones([2, 3]))
  >>> sorted(v.name for v in linear.get_variables(
  ...     tf.compat.v1.GraphKeys.GLOBAL_VARIABLES))
  ['sn_wrapper/linear/b:0', 'sn_wrapper/linear/u0:0', 'sn_wrapper/linear/w:0']
  """
  return functools.partial(SpectralNormWrapper, module_class, sn_kwargs or {},
                           pow_iter_collection)
