"""`Dilation`: the context module of Yu & Koltun, with identity kernels.

The module aggregates multi-scale context with exponentially dilated 3x3
convolutions that keep the spatial size. Its kernels start as identities,
so before training the module passes its (non-negative) input through.
"""

from typing import Any, Mapping, Optional

import tensorflow as tf

from sonnet.src.core import base
from sonnet.src import conv
from sonnet.src.core import errors
from sonnet.src import sequential
from sonnet.src import variable_options

# Per layer: (width in multiples of num_output_classes for "large", dilation
# rate, whether a ReLU follows).
_LAYERS = ((2, 1, True), (2, 1, True), (4, 2, True), (8, 4, True),
           (16, 8, True), (32, 16, True), (32, 1, True), (1, 1, False))


def _range_along_dimension(range_dim, shape):
  """A tensor of `shape` whose entries are their index along `range_dim`.

  >>> _range_along_dimension(1, [2, 3]).numpy().tolist()
  [[0, 1, 2], [0, 1, 2]]

  Args:
    range_dim: the dimension to count along.
    shape: the shape, a list of ints.

  Returns:
    An int32 tensor.

  Raises:
    ValueError: if `shape` has no dimension `range_dim`.
  """
  rank = len(shape)
  if range_dim >= rank:
    raise ValueError("Cannot calculate range along non-existent index.")
  column = [1] * rank
  column[range_dim] = shape[range_dim]
  indices = tf.reshape(tf.range(shape[range_dim]), column)
  return tf.broadcast_to(indices, shape)


def _check_kernel_shape(shape, kind):
  """Unpacks a square, odd kernel shape `[h, w, in, out]`.

  Args:
    shape: the requested shape.
    kind: "Identity" or "Noisy identity", for the messages.

  Returns:
    `(height, width, in_channels, out_channels)`.

  Raises:
    ValueError: if the shape is not 4-D, not square or not odd.
  """
  if len(shape) != 4:
    raise ValueError("Convolution kernels must be rank 4.")
  height, width, in_channels, out_channels = shape
  if height != width:
    raise ValueError("%s initializer only works for square filters." % kind)
  if width % 2 != 1:
    raise ValueError("%s initializer requires filters have odd height and "
                     "width." % kind)
  return height, width, in_channels, out_channels


def _centre_mask(shape):
  """True at the centre tap of a square kernel, for every channel pair."""
  middle = shape[0] // 2
  return tf.logical_and(tf.equal(_range_along_dimension(0, shape), middle),
                        tf.equal(_range_along_dimension(1, shape), middle))


def identity_kernel_initializer(shape, dtype=tf.float32, partition_info=None):
  """Initializes a conv kernel so that the convolution is the identity.

  Args:
    shape: `[height, width, channels, channels]`, square and odd.
    dtype: the kernel's dtype.
    partition_info: unused; part of the initializer signature.

  Returns:
    A tensor that is 1 at the centre tap from each channel to itself and 0
    elsewhere.

  Raises:
    ValueError: if the shape is not 4-D, not square, has an even size, or
      maps a different number of channels in and out.

  >>> w = snt.nets.identity_kernel_initializer([3, 3, 2, 2])
  >>> w[1, 1].numpy().tolist()
  [[1.0, 0.0], [0.0, 1.0]]
  """
  del partition_info  # Unused.
  _, _, in_channels, out_channels = _check_kernel_shape(shape, "Identity")
  if in_channels != out_channels:
    raise ValueError("in_channels must equal out_channels in order to "
                     "construct per-channel identities.")
  same_channel = tf.equal(_range_along_dimension(2, shape),
                          _range_along_dimension(3, shape))
  return tf.cast(tf.logical_and(same_channel, _centre_mask(shape)), dtype)


def noisy_identity_kernel_initializer(base_num_channels, stddev=1e-8):
  """Returns an initializer of near-identity kernels between channel groups.

  For a layer mapping `c_in` to `c_out` channels, both multiples of
  `base_num_channels`, input channel `i` and output channel `o` are in the
  same group when `i * base // c_in == o * base // c_out`. The centre tap
  between channels of the same group is `base / c_out`; every other weight
  is truncated normal noise of `stddev` (to break ties). This is how Yu &
  Koltun initialize the wider layers of the large context module.

  Args:
    base_num_channels: the number of channel groups.
    stddev: the standard deviation of the noise.

  Returns:
    An initializer `(shape, dtype=tf.float32, partition_info=None)`.

  >>> init = snt.nets.noisy_identity_kernel_initializer(2, stddev=0.)
  >>> init([1, 1, 2, 4])[0, 0].numpy().tolist()
  [[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]]
  """

  def initializer(shape, dtype=tf.float32, partition_info=None):
    """A noisy identity kernel; raises ValueError for a bad shape."""
    del partition_info  # Unused.
    _, _, in_channels, out_channels = _check_kernel_shape(
        shape, "Noisy identity")
    if (in_channels % base_num_channels or out_channels % base_num_channels):
      raise ValueError("in_channels and out_channels must both be multiples "
                       "of base_num_channels.")
    group = lambda dim, channels: tf.math.floordiv(
        _range_along_dimension(dim, shape) * base_num_channels, channels)
    same_group = tf.equal(group(2, in_channels), group(3, out_channels))
    noise = tf.random.truncated_normal(shape, stddev=stddev, dtype=dtype)
    return tf.where(
        tf.logical_and(same_group, _centre_mask(shape)),
        tf.fill(shape, tf.cast(base_num_channels / out_channels, dtype)), noise)

  return initializer


class Dilation(base.AbstractModule, variable_options.VariableOptions):
  """The dilated-convolution context module (Yu & Koltun, 2016).

  Eight 3x3 SAME convolutions with dilation rates 1, 1, 2, 4, 8, 16, 1, 1,
  ReLU after each but the last. Layer `N` is an `snt.Sequential` named
  "convN" holding an `snt.Conv2D` named "dilated_conv_convN" (variables
  `dilation/dilated_conv_conv1/w`, ...) and its ReLU. The "basic" model
  keeps `num_output_classes` channels throughout, with identity kernels;
  the "large" model widens the inner layers (2, 2, 4, 8, 16, 32, 32 times
  the classes) with noisy identity kernels. An unknown `model_size` is
  refused when the module is connected, as in Sonnet 1.36.

  >>> net = snt.nets.Dilation(num_output_classes=3)
  >>> x = tf.random.uniform([1, 8, 8, 3])
  >>> bool(tf.reduce_all(tf.abs(net(x) - x) < 1e-6))  # Identity at init.
  True
  """

  BASIC = "basic"
  LARGE = "large"
  WEIGHTS = "w"
  BIASES = "b"
  POSSIBLE_INITIALIZER_KEYS = {WEIGHTS, BIASES}

  def __init__(self, num_output_classes: int,
               initializers: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               model_size: str = "basic", name: str = "dilation"):
    """Configures the module.

    Args:
      num_output_classes: the number of output channels (and, with the
        default initializers, of input channels: a multiple of it for
        "large").
      initializers: optional dict with keys "w" / "b"; the defaults are
        identity (basic) or noisy identity (large) kernels and zero biases.
      regularizers: optional dict with keys "w" / "b".
      model_size: "basic" or "large".
      name: the module's name.

    Raises:
      KeyError: if a dict has a key other than "w" / "b".
      TypeError: if a dict value is not callable.
    """
    super().__init__(name=name)
    self._num_output_classes = num_output_classes
    self._model_size = model_size
    self._set_variable_options(initializers, None, regularizers,
                               self.POSSIBLE_INITIALIZER_KEYS)
    self._conv_modules = None
    # Sonnet 1.36 made the layers in each connection; making them once here
    # gives the same names and variables and works when the first
    # connection is traced by tf.function. An unknown model size is still
    # refused only when connecting.
    if model_size in (self.BASIC, self.LARGE):
      with self._enter_variable_scope():
        self._make_layers()

  def _set_default_initializers(self):
    if self.WEIGHTS not in self._initializers:
      self._initializers[self.WEIGHTS] = (
          identity_kernel_initializer if self._model_size == self.BASIC else
          noisy_identity_kernel_initializer(self._num_output_classes))
    if self.BIASES not in self._initializers:
      self._initializers[self.BIASES] = tf.compat.v1.zeros_initializer()

  def _dilated_conv_layer(self, i):
    """Layer `i`: a dilated conv and maybe a ReLU, as an `snt.Sequential`."""
    width, rate, apply_relu = _LAYERS[i]
    if self._model_size == self.BASIC:
      width = 1
    name = "conv%d" % (i + 1)
    layers = [
        conv.Conv2D(width * self._num_output_classes, [3, 3],
                    initializers=self._initializers,
                    regularizers=self._regularizers, rate=rate,
                    name="dilated_conv_" + name)]
    if apply_relu:
      layers.append(lambda net: tf.nn.relu(net, name="relu_" + name))
    return sequential.Sequential(layers, name=name)

  def _build(self, images):
    """Applies the module.

    Args:
      images: a tensor `[batch, height, width, depth]`.

    Returns:
      A tensor `[batch, height, width, num_output_classes]`.

    Raises:
      IncompatibleShapeError: if `images` is not 4-D.
      ValueError: if `model_size` is neither "basic" nor "large".
    """
    images = tf.convert_to_tensor(images)
    if images.get_shape().rank != 4:
      raise errors.IncompatibleShapeError(
          "'images' must have shape [batch_size, height, width, depth].")
    if self._conv_modules is None:
      raise ValueError("Unrecognized model_size: %s" % self._model_size)
    return self._layers(images)

  def _make_layers(self):
    """Creates the eight layers and the `snt.Sequential` applying them."""
    self._set_default_initializers()
    self._conv_modules = [
        self._dilated_conv_layer(i) for i in range(len(_LAYERS))]
    self._layers = sequential.Sequential(self._conv_modules, name="dilation")

  @property
  def conv_modules(self):
    """The eight layers (`snt.Sequential` modules), as a list.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return list(self._conv_modules)
