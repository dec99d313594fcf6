"""`float32_master_weights`: low-precision modules with float32 variables."""

import tensorflow as tf

_LOW_PRECISION = (tf.float16, tf.bfloat16)


def float32_master_weights(getter, *args, **kwargs):
  """Stores float16/bfloat16 variables in float32 and casts them on use.

  A module connected to float16 (or bfloat16) inputs asks for variables of
  that type. Through this getter they are created in float32 (initialized
  as a float32 module's would be), and the module computes with a cast
  copy. Optimizers update the float32 variables, so small updates are not
  rounded away. Other types are left alone.

  Args:
    getter: the underlying getter, given by `tf.compat.v1.get_variable`.
    *args: positional arguments of `get_variable`.
    **kwargs: keyword arguments of `get_variable`.

  Returns:
    The variable, or for a low-precision request a tensor of the requested
    type holding the float32 variable's value.

  >>> linear = snt.Linear(
  ...     3, custom_getter=snt.custom_getters.float32_master_weights)
  >>> linear(tf.ones([1, 2], tf.float16)).dtype
  tf.float16
  >>> [v.dtype for v in linear.variables]
  [tf.float32, tf.float32]
  """
  dtype = kwargs.get("dtype")
  if dtype is None or tf.as_dtype(dtype) not in _LOW_PRECISION:
    return getter(*args, **kwargs)
  kwargs["dtype"] = tf.float32
  return tf.cast(getter(*args, **kwargs), dtype)
