"""`restore_initializer`: initialize variables from a checkpoint file."""

import tensorflow as tf

tf1 = tf.compat.v1


def _checkpoint_prefix(filename):
  """The checkpoint prefix of a checkpoint file prefix or directory."""
  if tf.io.gfile.isdir(filename):
    prefix = tf.train.latest_checkpoint(filename)
    if prefix is None:
      raise ValueError("restore_initializer: no checkpoint found in directory "
                       "%r." % filename)
    return prefix
  return filename


def _checkpoint_initializer(prefix, tensor_name, saved_dtype):
  """An initializer that reads `tensor_name` from the checkpoint at `prefix`."""

  def initializer(shape, dtype=None, partition_info=None):
    spec = ""
    if partition_info is not None:
      full_shape = list(partition_info.full_shape)
      offsets = list(partition_info.var_offset)
      spec = "%s %s" % (" ".join(str(d) for d in full_shape), ":".join(
          "%d,%d" % (o, n) for o, n in zip(offsets, shape)))
    value, = tf.raw_ops.RestoreV2(prefix=prefix, tensor_names=[tensor_name],
                                  shape_and_slices=[spec], dtypes=[saved_dtype])
    value.set_shape(shape)
    if dtype is not None and tf.as_dtype(dtype).base_dtype != saved_dtype:
      value = tf.cast(value, tf.as_dtype(dtype).base_dtype)
    return value

  return initializer


def restore_initializer(filename, name_fn=None,
                        collection=tf1.GraphKeys.GLOBAL_VARIABLES):
  """Returns a custom getter that initializes variables from a checkpoint.

  Each variable in `collection` created through the getter takes its
  initial value from the checkpoint, where it is looked up under
  `name_fn(name)` (its full name without ":0" by default). The value is read
  when the variable is initialized: at creation in eager mode, when its
  initializer runs in graph mode. Variables that already exist are left
  alone.

  Args:
    filename: a checkpoint prefix (e.g. from `tf.compat.v1.train.Saver.save`)
      or a directory holding checkpoints (the latest one is used).
    name_fn: maps a variable's full name to its name in the checkpoint;
      None keeps the name.
    collection: only variables created for this graph collection are
      restored (`TRAINABLE_VARIABLES` picks trainable ones); None restores
      every variable.

  Returns:
    A custom getter.

  Raises:
    ValueError: when a variable is created, if the checkpoint cannot be
      found or does not hold the variable's name, or the shapes differ.

  >>> getter = snt.custom_getters.restore_initializer(
  ...     "/tmp/model.ckpt", name_fn=lambda name: "old_" + name)
  """
  reader_cache = []

  def reader():
    if not reader_cache:
      prefix = _checkpoint_prefix(filename)
      try:
        reader_cache.append((prefix, tf.train.load_checkpoint(prefix)))
      except (tf.errors.NotFoundError, tf.errors.DataLossError,
              ValueError) as e:
        raise ValueError("restore_initializer: cannot read checkpoint %r: %s" %
                         (filename, e)) from e
    return reader_cache[0]

  def custom_getter(getter, name, *args, **kwargs):
    collections = list(
        kwargs.get("collections") or [tf1.GraphKeys.GLOBAL_VARIABLES])
    trainable = kwargs.get("trainable")
    if trainable or trainable is None:
      collections.append(tf1.GraphKeys.TRAINABLE_VARIABLES)
    if collection is not None and collection not in collections:
      return getter(name, *args, **kwargs)
    saved_name = name_fn(name) if name_fn is not None else name
    prefix, checkpoint = reader()
    if not checkpoint.has_tensor(saved_name):
      raise ValueError(
          "restore_initializer: variable %r is looked up as %r, which "
          "checkpoint %r does not hold. Pass a name_fn that maps variable "
          "names to the checkpoint's names." % (name, saved_name, prefix))
    saved_shape = checkpoint.get_variable_to_shape_map()[saved_name]
    shape = kwargs.get("shape")
    if (shape is not None and
        tf.TensorShape(shape).as_list() != list(saved_shape)):
      raise ValueError(
          "restore_initializer: variable %r has shape %s but %r in the "
          "checkpoint has shape %s." % (name, tf.TensorShape(shape).as_list(),
                                        saved_name, list(saved_shape)))
    saved_dtype = checkpoint.get_variable_to_dtype_map()[saved_name]
    kwargs["initializer"] = _checkpoint_initializer(prefix, saved_name,
                                                    saved_dtype)
    return getter(name, *args, **kwargs)

  return custom_getter
