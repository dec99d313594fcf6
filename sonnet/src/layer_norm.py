"""`LayerNorm`: normalizes each example over its features."""

import collections
import numbers
from typing import Any, Mapping, Optional, Sequence

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src.core import errors
from sonnet.src import variable_options

tf1 = tf.compat.v1


class LayerNorm(base.AbstractModule, variable_options.PublicVariableOptions):
  """Layer normalization (Ba et al., 2016).

  Each example is normalized to zero mean and unit variance over `axis`,
  then scaled by `gamma` and shifted by `beta`, both of shape
  `[num_features]` (the last input dimension). Half-precision inputs are
  normalized in float32 and the result cast back.

  >>> norm = snt.LayerNorm()
  >>> norm(tf.constant([[1., 2., 3.]])).shape.as_list()
  [1, 3]
  >>> sorted(v.name for v in norm.get_variables())
  ['layer_norm/beta:0', 'layer_norm/gamma:0']
  """

  POSSIBLE_INITIALIZER_KEYS = {"gamma", "beta"}

  def __init__(self, axis: Optional[Sequence[int]] = None, offset: bool = True,
               scale: bool = True, eps: float = 1e-5,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               name: str = "layer_norm"):
    """Configures the normalization.

    Args:
      axis: the dimension(s) to compute the statistics over: an int or an
        iterable of ints (bools are not ints here). None means every
        dimension except the first (batch).
      offset: whether to add the learned offset `beta` (initially zeros).
      scale: whether to multiply by the learned scale `gamma` (initially
        ones).
      eps: added to the variance for numerical stability.
      initializers: optional dict with keys "gamma" / "beta".
      partitioners: optional dict with keys "gamma" / "beta".
      regularizers: optional dict with keys "gamma" / "beta".
      name: the module's name.

    Raises:
      ValueError: if `axis` is not None, an int or an iterable of ints.
      KeyError: if a dict has a key other than "gamma" / "beta".
      TypeError: if a dict value is not callable.
    """
    super().__init__(name=name)
    if axis is not None:
      if _is_int(axis):
        axis = [axis]
      if (not isinstance(axis, collections.abc.Iterable) or
          not all(_is_int(a) for a in axis)):
        raise ValueError("axis should be an int or an iterable of ints")
    self._axis = axis
    self._offset = offset
    self._scale = scale
    self._eps = eps
    keys = self.POSSIBLE_INITIALIZER_KEYS
    self._set_variable_options(initializers, partitioners, regularizers, keys)
    self._gamma = None
    self._beta = None

  def _build(self, inputs):
    """Normalizes `inputs`.

    Args:
      inputs: a float tensor of rank >= 2 with a known last dimension.

    Returns:
      A tensor of the same shape and dtype.

    Raises:
      NotSupportedError: if `inputs` has rank < 2.
      ValueError: if the last dimension is unknown (with `scale` or
        `offset`), or in graph mode if `axis` names a dimension `inputs`
        lacks; eager mode raises `tf.errors.InvalidArgumentError` for that.
    """
    inputs = tf.convert_to_tensor(inputs)
    rank = inputs.get_shape().ndims
    if rank is None or rank < 2:
      raise errors.NotSupportedError(
          "Layer normalization expects inputs of at least rank 2. Got inputs "
          "of rank {}.".format(rank))
    axis = list(range(1, rank)) if self._axis is None else list(self._axis)
    num_features = inputs.get_shape().as_list()[-1]
    if num_features is None and (self._scale or self._offset):
      raise ValueError(
          "%s: the last input dimension (the size of gamma and beta) must be "
          "known, got shape %s." %
          (self.scope_name, inputs.get_shape().as_list()))
    original_dtype = inputs.dtype
    if original_dtype in (tf.float16, tf.bfloat16):
      inputs = tf.cast(inputs, tf.float32)
    gamma = beta = None
    if self._scale:
      self._gamma = gamma = self._get_variable("gamma", [num_features],
                                               inputs.dtype,
                                               create_gamma_initializer())
    if self._offset:
      self._beta = beta = self._get_variable("beta", [num_features],
                                             inputs.dtype,
                                             create_beta_initializer())
    mean, variance = tf1.nn.moments(inputs, axis, keep_dims=True)
    outputs = tf.nn.batch_normalization(inputs, mean, variance, offset=beta,
                                        scale=gamma, variance_epsilon=self._eps)
    return tf.cast(outputs, original_dtype)

  gamma = connected_property.connected_property(
      "_gamma", """The scale variable (None with `scale=False`).

      Raises:
        NotConnectedError: before the first connection.
      """)

  beta = connected_property.connected_property(
      "_beta", """The offset variable (None with `offset=False`).

      Raises:
        NotConnectedError: before the first connection.
      """)


def create_beta_initializer():
  """The default initializer of `beta`: zeros (Sonnet 1's name for it)."""
  return tf1.zeros_initializer()


def create_gamma_initializer():
  """The default initializer of `gamma`: ones (Sonnet 1's name for it)."""
  return tf1.ones_initializer()


def _is_int(value):
  return isinstance(value, numbers.Integral) and not isinstance(value, bool)
