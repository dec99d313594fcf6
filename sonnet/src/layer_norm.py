"""`LayerNorm`: normalizes each example over its features."""

import numbers

import tensorflow as tf

from sonnet.src import base
from sonnet.src import errors
from sonnet.src import variable_options

tf1 = tf.compat.v1


class LayerNorm(base.AbstractModule, variable_options.VariableOptions):
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

  def __init__(self, axis=None, offset=True, scale=True, eps=1e-5,
               initializers=None, partitioners=None, regularizers=None,
               name="layer_norm"):
    """Configures the normalization.

    Args:
      axis: the dimension(s) to compute the statistics over: an int or a
        list of ints. None means every dimension except the first (batch).
      offset: whether to add the learned offset `beta` (initially zeros).
      scale: whether to multiply by the learned scale `gamma` (initially
        ones).
      eps: added to the variance for numerical stability.
      initializers: optional dict with keys "gamma" / "beta".
      partitioners: optional dict with keys "gamma" / "beta".
      regularizers: optional dict with keys "gamma" / "beta".
      name: the module's name.

    Raises:
      ValueError: if `axis` is not None, an int or a list of ints.
      KeyError: if a dict has a key other than "gamma" / "beta".
      TypeError: if a dict value is not callable.
    """
    super().__init__(name=name)
    if axis is not None:
      if isinstance(axis, numbers.Integral):
        axis = (axis,)
      try:
        axis = tuple(axis)
      except TypeError:
        axis = None
      if not axis or not all(isinstance(a, numbers.Integral) and
                             not isinstance(a, bool) for a in axis):
        raise ValueError("LayerNorm's axis must be None, an int or a list of "
                         "ints, got %r." % (axis,))
      axis = tuple(int(a) for a in axis)
    self._axis = axis
    self._offset = offset
    self._scale = scale
    self._eps = eps
    keys = self.POSSIBLE_INITIALIZER_KEYS
    self._set_variable_options(initializers, partitioners, regularizers,
                               keys)
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
      IncompatibleShapeError: if `axis` names a dimension `inputs` lacks.
      UnderspecifiedError: if the last dimension is unknown.
    """
    inputs = tf.convert_to_tensor(inputs)
    rank = inputs.get_shape().ndims
    if rank is None or rank < 2:
      raise errors.NotSupportedError(
          "%s: layer normalization needs inputs of rank >= 2, got shape %s."
          % (self.scope_name, inputs.get_shape()))
    axis = self._axis if self._axis is not None else tuple(range(1, rank))
    if any(a >= rank or a < -rank for a in axis):
      raise errors.IncompatibleShapeError(
          "%s: axis %s is out of range for inputs of shape %s."
          % (self.scope_name, list(axis), inputs.get_shape()))
    num_features = inputs.get_shape().as_list()[-1]
    if num_features is None:
      raise errors.UnderspecifiedError(
          "%s: the last input dimension must be known, got shape %s."
          % (self.scope_name, inputs.get_shape()))
    original_dtype = inputs.dtype
    if original_dtype in (tf.float16, tf.bfloat16):
      inputs = tf.cast(inputs, tf.float32)
    gamma = beta = None
    if self._scale:
      self._gamma = gamma = self._variable(
          "gamma", num_features, inputs.dtype, tf1.ones_initializer())
    if self._offset:
      self._beta = beta = self._variable(
          "beta", num_features, inputs.dtype, tf1.zeros_initializer())
    mean, variance = tf1.nn.moments(inputs, list(axis), keep_dims=True)
    outputs = tf.nn.batch_normalization(
        inputs, mean, variance, offset=beta, scale=gamma,
        variance_epsilon=self._eps)
    return tf.cast(outputs, original_dtype)

  def _variable(self, name, size, dtype, default):
    return tf1.get_variable(
        name, shape=[size], dtype=dtype,
        initializer=self._initializers.get(name, default),
        partitioner=self._partitioners.get(name),
        regularizer=self._regularizers.get(name))

  @property
  def gamma(self):
    """The scale variable.

    Raises:
      NotConnectedError: before the first connection.
      AttributeError: if the module was built with `scale=False`.
    """
    self._ensure_is_connected()
    if not self._scale:
      raise AttributeError("%s has no gamma: it was built with scale=False."
                           % self.scope_name)
    return self._gamma

  @property
  def beta(self):
    """The offset variable.

    Raises:
      NotConnectedError: before the first connection.
      AttributeError: if the module was built with `offset=False`.
    """
    self._ensure_is_connected()
    if not self._offset:
      raise AttributeError("%s has no beta: it was built with offset=False."
                           % self.scope_name)
    return self._beta

