"""`AlexNet` and its full and mini variants."""

import tensorflow as tf

from sonnet.src import base
from sonnet.src import batch_norm
from sonnet.src import conv
from sonnet.src import errors
from sonnet.src import linear
from sonnet.src import variable_options

# Per mode: conv layers as (channels, (kernel, stride), (pool size, pool
# stride) or None), then the sizes of the fully connected layers.
_CONFIGS = {
    "FULL": ([(96, (11, 4), (3, 2)), (256, (5, 1), (3, 2)),
              (384, (3, 1), None), (384, (3, 1), None),
              (256, (3, 1), (3, 2))], [4096, 4096]),
    "HALF": ([(48, (11, 4), (3, 2)), (128, (5, 1), (3, 2)),
              (192, (3, 1), None), (192, (3, 1), None),
              (128, (3, 1), (3, 2))], [2048, 2048]),
    "MINI": ([(48, (3, 1), (3, 1)), (128, (3, 1), (3, 1)),
              (192, (3, 1), None), (192, (3, 1), None),
              (128, (3, 1), (3, 1))], [1024, 1024]),
}


class AlexNet(base.AbstractModule, variable_options.VariableOptions):
  """The AlexNet image network (Krizhevsky et al., 2012).

  Five VALID convolutions (`conv_2d_0` ... `conv_2d_4`), some followed by
  max pooling, then ReLU fully connected layers (`linear_0`, `linear_1`).
  `mode` picks the size: "FULL" (both original towers), "HALF" (one tower)
  or "MINI" (small kernels, for small images). Each conv and, with
  `bn_on_fc_layers`, each fully connected layer can be batch normalized
  (`batch_norm_i`, `batch_norm_linear_i`).

  >>> net = snt.nets.AlexNetMini()
  >>> net(tf.ones([1, 17, 17, 3])).shape.as_list()
  [1, 1024]
  """

  FULL = "FULL"
  HALF = "HALF"
  MINI = "MINI"
  POSSIBLE_INITIALIZER_KEYS = {"w", "b"}

  def __init__(self, mode, use_batch_norm=False, batch_norm_config=None,
               initializers=None, partitioners=None, regularizers=None,
               bn_on_fc_layers=True, custom_getter=None, name="alex_net"):
    """Configures the network.

    Args:
      mode: "FULL", "HALF" or "MINI".
      use_batch_norm: whether to batch normalize after each layer.
      batch_norm_config: keyword arguments for `snt.BatchNorm`.
      initializers: optional dict with keys "w" / "b" for every layer.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      bn_on_fc_layers: whether batch norm (when used) also follows the
        fully connected layers.
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: if `mode` is unknown.
      KeyError, TypeError: for bad initializers / partitioners /
        regularizers.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    if mode not in _CONFIGS:
      raise ValueError("mode must be one of %s, got %r."
                       % (sorted(_CONFIGS), mode))
    self._mode = mode
    self._use_batch_norm = use_batch_norm
    self._batch_norm_config = dict(batch_norm_config or {})
    self._bn_on_fc_layers = bn_on_fc_layers
    keys = self.POSSIBLE_INITIALIZER_KEYS
    self._set_variable_options(initializers, partitioners, regularizers,
                               keys)
    self._conv_config, self._fc_sizes = _CONFIGS[mode]
    common = dict(initializers=self._initializers,
                  partitioners=self._partitioners,
                  regularizers=self._regularizers)
    with self._enter_variable_scope():
      self._conv_modules = tuple(
          conv.Conv2D(channels, kernel_shape=k, stride=s, padding="VALID",
                      name="conv_2d_%d" % i, **common)
          for i, (channels, (k, s), _) in enumerate(self._conv_config))
      self._linear_modules = tuple(
          linear.Linear(size, name="linear_%d" % i, **common)
          for i, size in enumerate(self._fc_sizes))
      bn = lambda name: batch_norm.BatchNorm(name=name,
                                             **self._batch_norm_config)
      self._conv_norms = tuple(
          bn("batch_norm_%d" % i) if use_batch_norm else None
          for i in range(len(self._conv_modules)))
      self._linear_norms = tuple(
          bn("batch_norm_linear_%d" % i)
          if use_batch_norm and bn_on_fc_layers else None
          for i in range(len(self._linear_modules)))

  @property
  def min_input_size(self):
    """The smallest height and width the network accepts."""
    size = 1
    for _, (kernel, stride), pool in reversed(self._conv_config):
      if pool is not None:
        size = (size - 1) * pool[1] + pool[0]
      size = (size - 1) * stride + kernel
    return size

  def _build(self, inputs, keep_prob=None, is_training=None,
             test_local_stats=True):
    """Applies the network.

    Args:
      inputs: images `[batch, height, width, channels]`, with height and
        width at least `min_input_size`.
      keep_prob: if given, dropout with this keep probability follows each
        fully connected layer.
      is_training: a bool or boolean tensor; required with batch norm.
      test_local_stats: passed to `snt.BatchNorm`.

    Returns:
      A tensor `[batch, fc_size]` (the last fully connected layer, after
      its ReLU).

    Raises:
      IncompatibleShapeError: if `inputs` is not 4-D or is smaller than
        `min_input_size`.
      UnderspecifiedError: if the height or width is unknown.
      ValueError: if batch norm is used and `is_training` is None.
    """
    inputs = tf.convert_to_tensor(inputs)
    shape = inputs.get_shape()
    if shape.rank != 4:
      raise errors.IncompatibleShapeError(
          "%s: inputs must be 4-D [batch, height, width, channels], got "
          "shape %s." % (self.scope_name, shape))
    height, width = shape.as_list()[1:3]
    if height is None or width is None:
      raise errors.UnderspecifiedError(
          "%s: the input height and width must be known, got shape %s."
          % (self.scope_name, shape))
    min_size = self.min_input_size
    if height < min_size or width < min_size:
      raise errors.IncompatibleShapeError(
          "%s: inputs must be at least %dx%d in %s mode, got %dx%d."
          % (self.scope_name, min_size, min_size, self._mode, height, width))
    if self._use_batch_norm and is_training is None:
      raise ValueError("%s: is_training must be given when batch norm is "
                       "used." % self.scope_name)

    net = inputs
    for i, (module, (_, _, pool)) in enumerate(
        zip(self._conv_modules, self._conv_config)):
      net = module(net)
      if self._conv_norms[i] is not None:
        net = self._conv_norms[i](net, is_training=is_training,
                                  test_local_stats=test_local_stats)
      net = tf.nn.relu(net)
      if pool is not None:
        net = tf.nn.max_pool2d(net, ksize=pool[0], strides=pool[1],
                               padding="VALID")
    net = tf.reshape(net, [-1, int(net.get_shape()[1:].num_elements())])
    for i, module in enumerate(self._linear_modules):
      net = module(net)
      if self._linear_norms[i] is not None:
        net = self._linear_norms[i](net, is_training=is_training,
                                    test_local_stats=test_local_stats)
      net = tf.nn.relu(net)
      if keep_prob is not None:
        net = tf.nn.dropout(net, rate=1. - keep_prob)
    return net

  @property
  def conv_modules(self):
    """The `Conv2D` modules."""
    return self._conv_modules

  @property
  def linear_modules(self):
    """The `Linear` modules."""
    return self._linear_modules


class AlexNetFull(AlexNet):
  """AlexNet in "FULL" mode (both original towers); see `AlexNet`."""

  def __init__(self, use_batch_norm=False, batch_norm_config=None,
               initializers=None, partitioners=None, regularizers=None,
               custom_getter=None, name="alex_net_full"):
    """Configures the network; the arguments are as for `AlexNet`."""
    super().__init__(AlexNet.FULL, use_batch_norm=use_batch_norm,
                     batch_norm_config=batch_norm_config,
                     initializers=initializers, partitioners=partitioners,
                     regularizers=regularizers, custom_getter=custom_getter,
                     name=name)


class AlexNetMini(AlexNet):
  """AlexNet in "MINI" mode (small kernels and images); see `AlexNet`."""

  def __init__(self, use_batch_norm=False, batch_norm_config=None,
               initializers=None, partitioners=None, regularizers=None,
               custom_getter=None, name="alex_net_mini"):
    """Configures the network; the arguments are as for `AlexNet`."""
    super().__init__(AlexNet.MINI, use_batch_norm=use_batch_norm,
                     batch_norm_config=batch_norm_config,
                     initializers=initializers, partitioners=partitioners,
                     regularizers=regularizers, custom_getter=custom_getter,
                     name=name)
