"""`restore_initializer`: initialize a variable from a checkpoint's tensor."""

from typing import Any, Callable, Optional, Union

import tensorflow as tf

from sonnet.src.core import tf_shim


class restore_initializer(tf_shim.InitializerV1):  # pylint: disable=invalid-name
  """An initializer that reads the initial value from a checkpoint.

  The checkpoint's tensor `<scope>/<var_name>` is read with the `RestoreV2`
  op when the initializer runs (at variable creation in eager mode, when
  the initializer op runs in graph mode); partitioned variables read just
  their slice. As in Sonnet 1.36, `<scope>` is, where the initializer is
  called (i.e. in the variable's scope):

  * the current variable scope's name if `scope` is None,
  * `scope(current variable scope's name)` if `scope` is callable,
  * `scope` itself otherwise,

  and an empty scope leaves just `var_name`.

  >>> init = snt.restore_initializer("/tmp/ckpt", "w", scope="encoder")
  >>> linear = snt.Linear(4, initializers={"w": init})

  Args:
    filename: the checkpoint's path prefix.
    var_name: the tensor's name in the checkpoint, after the scope.
    scope: None, a callable or a string, as above.
  """

  def __init__(self, filename: str, var_name: str,
               scope: Optional[Union[str, Callable[..., Any]]] = None):
    self._filename = filename
    self._var_name = var_name
    self._scope = scope

  def _tensor_name(self):
    """The checkpoint's name of the tensor to read, from the current scope."""
    if self._scope is None:
      scope = tf.compat.v1.get_variable_scope().name
    elif callable(self._scope):
      scope = self._scope(tf.compat.v1.get_variable_scope().name)
    else:
      scope = self._scope
    return "%s/%s" % (scope, self._var_name) if scope else self._var_name

  def __call__(self, shape, dtype=None, partition_info=None):
    """Returns the checkpoint's value (or slice) as a tensor of `shape`.

    Args:
      shape: the variable's (or partition's) shape.
      dtype: the variable's dtype.
      partition_info: for a partitioned variable, which slice to read.

    Returns:
      A tensor.
    """
    slice_spec = ""
    if partition_info is not None:
      slice_spec = tf.Variable.SaveSliceInfo(
          full_name=self._var_name, full_shape=partition_info.full_shape,
          var_offset=partition_info.var_offset, var_shape=shape).spec
    value, = tf.raw_ops.RestoreV2(prefix=self._filename,
                                  tensor_names=[self._tensor_name()],
                                  shape_and_slices=[slice_spec],
                                  dtypes=[tf.as_dtype(dtype or tf.float32)])
    value.set_shape(shape)
    return value

  def get_config(self):
    """The constructor arguments, as a dict."""
    return {
        "filename": self._filename, "var_name": self._var_name,
        "scope": self._scope}
