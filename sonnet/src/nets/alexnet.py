"""`AlexNet` and its full and mini variants (Krizhevsky et al., 2012)."""

from typing import Any, Callable, Mapping, Optional, Union

from absl import logging
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import batch_norm
from sonnet.src import conv
from sonnet.src import conv_padding
from sonnet.src.core import errors
from sonnet.src import linear
from sonnet.src import reshape
from sonnet.src import variable_options


class AlexNet(base.AbstractModule, variable_options.PublicVariableOptions):
  """The AlexNet image network, as Sonnet 1.36 built it.

  Five VALID convolutions `conv_0` ... `conv_4` (each followed by ReLU and
  some by max pooling), a flattening, then two fully connected ReLU layers
  `fc_0`, `fc_1`, each followed by dropout when `keep_prob` is given. With
  `use_batch_norm`, an `snt.BatchNorm` precedes each ReLU of the convs (and,
  with `bn_on_fc_layers`, of the fully connected layers); these are named
  `batch_norm`, `batch_norm_1`, ... in the order they are applied.
  `mode` is `AlexNet.FULL` (both original towers, 4096-wide) or
  `AlexNet.MINI` (3x3 kernels for small images, 1024-wide). As in Sonnet
  1.36, `regularizers` apply to the convolutions only.

  >>> net = snt.nets.AlexNetMini()
  >>> net(tf.ones([1, 17, 17, 3])).shape.as_list()
  [1, 1024]
  """

  FULL = "FULL"
  MINI = "MINI"
  POSSIBLE_INITIALIZER_KEYS = {"w", "b"}

  def __init__(self, mode: str, use_batch_norm: bool = False,
               batch_norm_config: Optional[Mapping[str, Any]] = None,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               bn_on_fc_layers: bool = True,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "alex_net"):
    """Configures the network.

    Args:
      mode: `AlexNet.FULL` ("FULL") or `AlexNet.MINI` ("MINI").
      use_batch_norm: whether to batch normalize before each ReLU.
      batch_norm_config: keyword arguments for each `snt.BatchNorm`.
      initializers: optional dict with keys "w" / "b" for every layer.
      partitioners: optional dict with keys "w" / "b" for every layer.
      regularizers: optional dict with keys "w" / "b" for the convolutions.
      bn_on_fc_layers: deprecated (a warning is logged when true): with
        `use_batch_norm`, also normalize the fully connected layers.
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      snt.Error: if `mode` is neither "FULL" nor "MINI".
      KeyError: if a dict has a key other than "w" / "b".
      TypeError: if a dict value is not callable.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    self._mode = mode
    self._use_batch_norm = use_batch_norm
    self._bn_on_fc_layers = bn_on_fc_layers
    if bn_on_fc_layers:
      logging.warning("Using BatchNorm on the fully connected layers in "
                      "AlexNet is not recommended. 'bn_on_fc_layers' is a "
                      "deprecated option and will likely be removed.")
    self._batch_norm_config = batch_norm_config or {}
    # Conv layers: (channels, (kernel, stride), (pool size, pool stride) or
    # None); then the sizes of the fully connected layers.
    if mode == self.FULL:
      self._conv_layers = [(96, (11, 4), (3, 2)), (256, (5, 1), (3, 2)),
                           (384, (3, 1), None), (384, (3, 1), None),
                           (256, (3, 1), (3, 2))]
      self._fc_layers = [4096, 4096]
    elif mode == self.MINI:
      self._conv_layers = [(48, (3, 1), (3, 1)), (128, (3, 1), (3, 1)),
                           (192, (3, 1), None), (192, (3, 1), None),
                           (128, (3, 1), (3, 1))]
      self._fc_layers = [1024, 1024]
    else:
      raise errors.Error(
          "AlexNet construction mode '{}' not recognised, must be one of: "
          "'{}', '{}'".format(mode, self.FULL, self.MINI))
    self._min_size = self._calc_min_size(self._conv_layers)
    self._set_variable_options(initializers, partitioners, regularizers,
                               self.POSSIBLE_INITIALIZER_KEYS)
    # Sonnet 1.36 made the layers anew in each connection; making them once
    # here gives the same names and variables, works when the first
    # connection is traced by tf.function, and keeps eager calls cheap.
    with self._enter_variable_scope():
      self._make_modules()

  def _make_modules(self):
    """Creates the layers in the order the network applies them.

    The order matters: the batch norms take the default name, made unique
    in turn ("batch_norm", "batch_norm_1", ...).
    """
    make_bn = lambda: batch_norm.BatchNorm(**self._batch_norm_config)
    self._conv_modules = []
    self._conv_norms = []
    for i, (channels, (kernel, stride), _) in enumerate(self._conv_layers):
      self._conv_modules.append(
          conv.Conv2D(output_channels=channels, kernel_shape=kernel,
                      stride=stride, padding=conv_padding.VALID,
                      initializers=self._initializers,
                      partitioners=self._partitioners,
                      regularizers=self._regularizers, name="conv_%d" % i))
      self._conv_norms.append(make_bn() if self._use_batch_norm else None)
    self._flatten = reshape.BatchFlatten(name="flatten")
    self._linear_modules = []
    self._linear_norms = []
    normalize_fc = self._use_batch_norm and self._bn_on_fc_layers
    for i, size in enumerate(self._fc_layers):
      self._linear_modules.append(
          linear.Linear(output_size=size, initializers=self._initializers,
                        partitioners=self._partitioners, name="fc_%d" % i))
      self._linear_norms.append(make_bn() if normalize_fc else None)

  def _calc_min_size(self, conv_layers):
    """The smallest input height and width giving a 1x1 output (VALID).

    Args:
      conv_layers: a list of `(channels, (kernel, stride) or None,
        (pool size, pool stride) or None)`.

    Returns:
      An int.
    """
    size = 1
    for _, conv_params, pooling in reversed(conv_layers):
      for window in (pooling, conv_params):
        if window is not None:
          kernel, stride = window
          size = (size - 1) * stride + kernel
    return size

  def _build(self, inputs, keep_prob=None, is_training=None,
             test_local_stats=True):
    """Applies the network.

    Args:
      inputs: images `[batch, height, width, channels]`, with height and
        width at least `min_input_size`.
      keep_prob: None, or the dropout keep probability (a float or scalar
        tensor) after each fully connected layer. With `is_training` false
        it must be 1: otherwise the output depends on an assertion that
        fails (when run, in graph mode) with `tf.errors.InvalidArgumentError`.
      is_training: a bool or boolean tensor; required with batch norm or
        `keep_prob`. It does not switch dropout off.
      test_local_stats: passed to `snt.BatchNorm`.

    Returns:
      A tensor `[batch, fc_size]` (the last fully connected layer, after its
      ReLU and dropout).

    Raises:
      ValueError: if `is_training` is None while batch norm or `keep_prob`
        is used.
      IncompatibleShapeError: if the height or width is smaller than
        `min_input_size`.
      tf.errors.InvalidArgumentError: in eager mode, if `keep_prob` is not
        1 while `is_training` is false.
    """
    if (self._use_batch_norm or keep_prob is not None) and is_training is None:
      raise ValueError("Boolean is_training flag must be explicitly specified "
                       "when using batch normalization or dropout.")
    inputs = tf.convert_to_tensor(inputs)
    spatial = inputs.get_shape().as_list()[1:3]
    if any(d is not None and d < self._min_size for d in spatial):
      raise errors.IncompatibleShapeError(
          "Image shape too small: ({}, {}) < {:d}".format(*(spatial +
                                                            [self._min_size])))
    net = inputs
    if keep_prob is not None:
      net = _check_no_dropout_at_test(net, keep_prob, is_training)
    for layer, norm, (_, _, pooling) in zip(self._conv_modules,
                                            self._conv_norms,
                                            self._conv_layers):
      net = layer(net)
      if norm is not None:
        net = norm(net, is_training, test_local_stats)
      net = tf.nn.relu(net)
      if pooling is not None:
        size, stride = pooling
        net = tf.compat.v1.nn.max_pool(net, ksize=[1, size, size, 1],
                                       strides=[1, stride, stride,
                                                1], padding=conv_padding.VALID)
    net = self._flatten(net)
    for layer, norm in zip(self._linear_modules, self._linear_norms):
      net = layer(net)
      if norm is not None:
        net = norm(net, is_training, test_local_stats)
      net = tf.nn.relu(net)
      if keep_prob is not None:
        net = tf.nn.dropout(net, rate=1. - keep_prob)
    return net

  @property
  def min_input_size(self):
    """The smallest height and width the network accepts."""
    return self._min_size

  @property
  def conv_modules(self):
    """The `Conv2D` modules, as a list.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return list(self._conv_modules)

  @property
  def linear_modules(self):
    """The `Linear` modules, as a list.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return list(self._linear_modules)


def _check_no_dropout_at_test(net, keep_prob, is_training):
  """`net`, after asserting that `keep_prob` is 1 unless training.

  Args:
    net: a tensor.
    keep_prob: a float or scalar tensor.
    is_training: a bool or boolean tensor.

  Returns:
    `tf.identity(net)`, run after the assertion.

  Raises:
    tf.errors.InvalidArgumentError: in eager mode, if the check fails.
  """
  valid = tf.logical_or(is_training, tf.equal(keep_prob, 1.))
  check = tf.debugging.assert_equal(
      valid, True,
      message="Input `keep_prob` must be None or 1 if `is_training=False`.")
  with tf.control_dependencies([check]):
    return tf.identity(net)


class AlexNetFull(AlexNet):
  """AlexNet in "FULL" mode, with batch norm (if any) on the convs only."""

  def __init__(self, use_batch_norm: bool = False,
               batch_norm_config: Optional[Mapping[str, Any]] = None,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "alex_net_full"):
    """Configures the network; the arguments are as for `AlexNet`."""
    super().__init__(AlexNet.FULL, use_batch_norm=use_batch_norm,
                     batch_norm_config=batch_norm_config,
                     initializers=initializers, partitioners=partitioners,
                     regularizers=regularizers, bn_on_fc_layers=False,
                     custom_getter=custom_getter, name=name)


class AlexNetMini(AlexNet):
  """AlexNet in "MINI" mode, with batch norm (if any) on the convs only."""

  def __init__(self, use_batch_norm: bool = False,
               batch_norm_config: Optional[Mapping[str, Any]] = None,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "alex_net_mini"):
    """Configures the network; the arguments are as for `AlexNet`."""
    super().__init__(AlexNet.MINI, use_batch_norm=use_batch_norm,
                     batch_norm_config=batch_norm_config,
                     initializers=initializers, partitioners=partitioners,
                     regularizers=regularizers, bn_on_fc_layers=False,
                     custom_getter=custom_getter, name=name)
