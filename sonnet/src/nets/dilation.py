"""`Dilation`: the context module of Yu & Koltun, with identity kernels.

The module aggregates multi-scale context with exponentially dilated 3x3
convolutions that keep the spatial size. Its kernels start as identities,
so before training the module passes its input through unchanged.
"""

import numpy as np
import tensorflow as tf

from sonnet.src import arg_checks
from sonnet.src import base
from sonnet.src import conv
from sonnet.src import errors

# Dilation rates of the eight layers; "large" also widens the inner ones.
_RATES = (1, 1, 2, 4, 8, 16, 1, 1)
_LARGE_WIDTHS = (2, 2, 4, 8, 16, 32, 32, 1)


def _check_kernel_shape(shape):
  shape = [int(d) for d in shape]
  if len(shape) != 4:
    raise ValueError("An identity kernel needs a 4-D shape [height, width, "
                     "in_channels, out_channels], got %s." % (shape,))
  if shape[0] % 2 == 0 or shape[1] % 2 == 0:
    raise ValueError("An identity kernel needs odd height and width (it "
                     "has a centre), got %s." % (shape,))
  return shape


def identity_kernel_initializer(shape, dtype=tf.float32, partition_info=None):
  """Initializes a conv kernel so that the convolution is the identity.

  Args:
    shape: `[height, width, channels, channels]`, height and width odd.
    dtype: the kernel's dtype.
    partition_info: unused; part of the initializer signature.

  Returns:
    A tensor that is 1 at the centre tap from each channel to itself and 0
    elsewhere.

  Raises:
    ValueError: if the shape is not 4-D, has an even spatial size, or maps
      a different number of channels in and out.

  >>> w = snt.nets.identity_kernel_initializer([3, 3, 2, 2])
  >>> w[1, 1].numpy().tolist()
  [[1.0, 0.0], [0.0, 1.0]]
  """
  del partition_info  # Unused.
  shape = _check_kernel_shape(shape)
  if shape[2] != shape[3]:
    raise ValueError("An identity kernel needs as many input as output "
                     "channels, got %s." % (shape,))
  kernel = np.zeros(shape, np.float64)
  kernel[shape[0] // 2, shape[1] // 2] = np.eye(shape[2])
  return tf.constant(kernel, dtype=dtype)


def noisy_identity_kernel_initializer(base_num_channels, stddev=1e-8):
  """Returns an initializer of near-identity kernels between channel groups.

  For a layer mapping `c_in` to `c_out` channels, both multiples of
  `base_num_channels`, channels fall into `base_num_channels` groups (of
  `c_in / base` inputs and `c_out / base` outputs); the centre tap from an
  input to an output of the same group is `base / c_out`, every other
  weight is 0, and Gaussian noise of `stddev` is added everywhere. This is
  how Yu & Koltun initialize the wider layers of the large context module.

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
    del partition_info  # Unused.
    shape = _check_kernel_shape(shape)
    c_in, c_out = shape[2], shape[3]
    if c_in % base_num_channels or c_out % base_num_channels:
      raise ValueError(
          "Channels %d -> %d must both be multiples of base_num_channels=%d."
          % (c_in, c_out, base_num_channels))
    group_in = np.arange(c_in) // (c_in // base_num_channels)
    group_out = np.arange(c_out) // (c_out // base_num_channels)
    centre = (group_in[:, None] == group_out[None, :]).astype(np.float64)
    kernel = np.zeros(shape, np.float64)
    kernel[shape[0] // 2, shape[1] // 2] = centre * base_num_channels / c_out
    noise = tf.random.normal(shape, stddev=stddev, dtype=dtype)
    return tf.constant(kernel, dtype=dtype) + noise

  return initializer


class Dilation(base.AbstractModule):
  """The dilated-convolution context module (Yu & Koltun, 2016).

  Eight 3x3 SAME convolutions with dilation rates 1, 1, 2, 4, 8, 16, 1, 1,
  ReLU between them (not after the last), each named
  `dilated_conv_conv1` ... `dilated_conv_conv8`. The "basic" model keeps
  `num_output_classes` channels throughout, with identity kernels; the
  "large" model widens the inner layers (2, 2, 4, 8, 16, 32, 32 times the
  classes) with noisy identity kernels. Inputs `[batch, height, width,
  num_output_classes]` (e.g. class scores) map to the same shape.

  >>> net = snt.nets.Dilation(num_output_classes=3)
  >>> x = tf.random.uniform([1, 8, 8, 3])
  >>> bool(tf.reduce_all(tf.abs(net(x) - x) < 1e-6))  # Identity at init.
  True
  """

  POSSIBLE_INITIALIZER_KEYS = {"w", "b"}
  BASIC = "basic"
  LARGE = "large"

  def __init__(self, num_output_classes, initializers=None, regularizers=None,
               model_size="basic", name="dilation"):
    """Configures the module.

    Args:
      num_output_classes: the number of input and output channels.
      initializers: optional dict with keys "w" / "b"; the defaults are
        identity (basic) or noisy identity (large) kernels and zero biases.
      regularizers: optional dict with keys "w" / "b".
      model_size: "basic" or "large".
      name: the module's name.

    Raises:
      ValueError: if `model_size` is unknown.
      KeyError, TypeError: for bad initializers / regularizers.
    """
    super().__init__(name=name)
    if model_size not in (self.BASIC, self.LARGE):
      raise ValueError("model_size must be 'basic' or 'large', got %r."
                       % (model_size,))
    keys = self.POSSIBLE_INITIALIZER_KEYS
    initializers = arg_checks.check_initializers(initializers, keys)
    self._regularizers = arg_checks.check_regularizers(regularizers, keys)
    self._num_output_classes = num_output_classes
    self._model_size = model_size
    if "w" not in initializers:
      initializers["w"] = (
          identity_kernel_initializer if model_size == self.BASIC else
          noisy_identity_kernel_initializer(num_output_classes))
    if "b" not in initializers:
      initializers["b"] = tf.compat.v1.zeros_initializer()
    self._initializers = initializers
    widths = ((1,) * 8 if model_size == self.BASIC else _LARGE_WIDTHS)
    with self._enter_variable_scope():
      self._conv_modules = tuple(
          conv.Conv2D(num_output_classes * width, kernel_shape=3, rate=rate,
                      padding="SAME", initializers=self._initializers,
                      regularizers=self._regularizers,
                      name="dilated_conv_conv%d" % (i + 1))
          for i, (width, rate) in enumerate(zip(widths, _RATES)))

  def _build(self, images):
    """Applies the module.

    Args:
      images: a tensor `[batch, height, width, num_output_classes]`.

    Returns:
      A tensor of the same shape.

    Raises:
      IncompatibleShapeError: if `images` is not 4-D with
        `num_output_classes` channels.
    """
    images = tf.convert_to_tensor(images)
    shape = images.get_shape()
    if shape.rank != 4 or shape.as_list()[-1] != self._num_output_classes:
      raise errors.IncompatibleShapeError(
          "%s: inputs must be [batch, height, width, %d], got shape %s."
          % (self.scope_name, self._num_output_classes, shape))
    net = images
    last = len(self._conv_modules) - 1
    for i, module in enumerate(self._conv_modules):
      net = module(net)
      if i != last:
        net = tf.nn.relu(net)
    return net

  @property
  def conv_modules(self):
    """The eight `Conv2D` modules."""
    return self._conv_modules
