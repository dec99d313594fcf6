"""`restore_initializer`: initialize a variable from a checkpoint's tensor."""

import tensorflow as tf

from sonnet.src import tf_shim


class restore_initializer(tf_shim.InitializerV1):  # pylint: disable=invalid-name
  """An initializer that reads the initial value from a checkpoint.

  The value is read when the initializer runs (at variable creation in eager
  mode, when the initializer op runs in graph mode), with the `RestoreV2`
  op. Partitioned variables read just their slice.

  >>> init = snt.restore_initializer("/tmp/ckpt", "w", scope="encoder")
  >>> linear = snt.Linear(4, initializers={"w": init})

  Args:
    filename: the checkpoint's path prefix.
    var_name: the tensor's name in the checkpoint.
    scope: an optional scope prepended to `var_name` ("scope/var_name").
  """

  def __init__(self, filename, var_name, scope=None):
    self._filename = filename
    self._tensor_name = scope + "/" + var_name if scope else var_name

  def __call__(self, shape, dtype=tf.float32, partition_info=None):
    """Returns the checkpoint's value (or slice) as a tensor of `shape`.

    Args:
      shape: the variable's (or partition's) shape.
      dtype: the variable's dtype.
      partition_info: for a partitioned variable, which slice to read.

    Returns:
      A tensor.
    """
    dtype = tf.as_dtype(dtype or tf.float32)
    slice_spec = ""
    if partition_info is not None:
      full_shape = partition_info.full_shape
      offsets = partition_info.var_offset
      slice_spec = "%s %s" % (
          " ".join(str(d) for d in full_shape),
          ":".join("%d,%d" % (offset, size)
                   for offset, size in zip(offsets, shape)))
    value, = tf.raw_ops.RestoreV2(
        prefix=self._filename, tensor_names=[self._tensor_name],
        shape_and_slices=[slice_spec], dtypes=[dtype])
    return tf.reshape(value, shape)

  def get_config(self):
    """The constructor arguments, as a dict."""
    return {"filename": self._filename, "var_name": self._tensor_name}
