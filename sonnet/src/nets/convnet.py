"""`ConvNet2D` and `ConvNet2DTranspose`: stacks of 2-D convolutions."""

import collections.abc
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from absl import logging
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src import batch_norm
from sonnet.src import batch_norm_v2
from sonnet.src import conv
from sonnet.src import conv_transpose
from sonnet.src import deferred
from sonnet.src import reflection
from sonnet.src import variable_options

DATA_FORMAT_NCHW = "NCHW"
DATA_FORMAT_NHWC = "NHWC"
SUPPORTED_2D_DATA_FORMATS = {DATA_FORMAT_NCHW, DATA_FORMAT_NHWC}

_ALLOWED_FORMATS = "{'NCHW', 'NHWC'}"

# Normalizations whose connection needs an explicit `is_training`.
_BATCH_NORMS = (batch_norm.BatchNorm, batch_norm_v2.BatchNormV2)


def _as_tuple(values, name):
  """`tuple(values)`, refusing what cannot be iterated.

  Args:
    values: the argument.
    name: its name, for the error message.

  Returns:
    A tuple.

  Raises:
    TypeError: if `values` is not iterable.
  """
  if not isinstance(values, collections.abc.Iterable):
    raise TypeError("%s must be iterable" % name)
  return tuple(values)


def _per_layer(values, num_layers, name):
  """One entry per layer: a single entry is repeated for every layer.

  Args:
    values: a tuple.
    num_layers: the number of layers.
    name: the argument's name, for the error message.

  Returns:
    A tuple of `num_layers` entries.

  Raises:
    ValueError: if `values` has neither 1 nor `num_layers` entries.
  """
  if len(values) == 1:
    values *= num_layers
  if len(values) != num_layers:
    raise ValueError("%s must be of length 1 or len(output_channels) (%d), "
                     "got %d entries." % (name, num_layers, len(values)))
  return values


def _normalization(use_batch_norm, batch_norm_config, normalization_ctor,
                   normalization_kwargs):
  """The normalization constructor and its kwargs, from old or new flags.

  Args:
    use_batch_norm: None, or the deprecated switch for `snt.BatchNorm`.
    batch_norm_config: the deprecated kwargs of `snt.BatchNorm`.
    normalization_ctor: None, a callable, or a name such as "snt.LayerNorm".
    normalization_kwargs: None or a dict.

  Returns:
    `(ctor, kwargs)`: ctor is None or callable; kwargs is a dict.

  Raises:
    ValueError: if `use_batch_norm` is true together with the new flags, or
      `normalization_ctor` names nothing callable.
  """
  if use_batch_norm is not None:
    reflection.deprecation_warning(
        "`use_batch_norm` kwarg is deprecated. Change your code to instead "
        "specify `normalization_ctor` and `normalization_kwargs`.")
    if use_batch_norm:
      if normalization_ctor is not None or normalization_kwargs is not None:
        raise ValueError("if use_batch_norm is specified, normalization_ctor "
                         "and normalization_kwargs must not be.")
      normalization_ctor = batch_norm.BatchNorm
      normalization_kwargs = batch_norm_config
  if isinstance(normalization_ctor, str):
    normalization_ctor = reflection.parse_string_to_constructor(
        normalization_ctor)
  if normalization_ctor is not None and not callable(normalization_ctor):
    raise ValueError("normalization_ctor must be a callable or a string that "
                     "specifies a callable, got {}.".format(normalization_ctor))
  return normalization_ctor, normalization_kwargs or {}


class ConvNet2D(base.AbstractModule, base.Transposable,
                variable_options.PublicVariableOptions):
  """A stack of `Conv2D` layers, each optionally normalized and activated.

  Layer `i` is `snt.Conv2D` named "conv_2d_i" (variables
  `conv_net_2d/conv_2d_0/w`, ...), followed by a normalization module named
  "batch_norm_i" whatever its class (when `normalization_ctor` or the legacy
  `use_batch_norm` asks for one) and the activation; the last layer is
  normalized only with `normalize_final` and activated only with
  `activate_final`.

  >>> net = snt.nets.ConvNet2D(output_channels=[4, 5], kernel_shapes=[3],
  ...                          strides=[1], paddings=[snt.SAME])
  >>> net(tf.ones([2, 8, 8, 3])).shape.as_list()
  [2, 8, 8, 5]
  """

  POSSIBLE_INITIALIZER_KEYS = {"w", "b"}

  def __init__(self, output_channels: Sequence[int],
               kernel_shapes: Sequence[Union[int, Sequence[int]]],
               strides: Sequence[Union[int, Sequence[int]]],
               paddings: Sequence[str], rates: Sequence[int] = (1,),
               activation: Callable[..., Any] = tf.nn.relu,
               activate_final: bool = False,
               normalization_ctor: Optional[Union[str, Callable[...,
                                                                Any]]] = None,
               normalization_kwargs: Optional[Mapping[str, Any]] = None,
               normalize_final: Optional[bool] = None,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               use_batch_norm: Optional[bool] = None,
               use_bias: Union[bool, Sequence[bool]] = True,
               batch_norm_config: Optional[Mapping[str, Any]] = None,
               data_format: str = DATA_FORMAT_NHWC,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "conv_net_2d"):
    """Configures the layers.

    Per-layer arguments (`kernel_shapes`, `strides`, `paddings`, `rates`,
    `use_bias`) take one entry for every layer or a single entry shared by
    all.

    Args:
      output_channels: the output channels of each layer (ints, or
        callables as `transpose()` makes).
      kernel_shapes: kernel sizes (an int or a pair each).
      strides: strides (an int or a pair each).
      paddings: paddings (`snt.SAME`, `snt.VALID`, ... each).
      rates: dilation rates (default 1 for every layer).
      activation: the activation function (default ReLU).
      activate_final: whether the last layer is activated too.
      normalization_ctor: a callable such as `snt.BatchNorm`, or its name
        ("snt.LayerNorm", "LayerNorm"), called as
        `normalization_ctor(name="batch_norm_i", **normalization_kwargs)`
        for each normalized layer; None means no normalization.
      normalization_kwargs: keyword arguments for `normalization_ctor`.
      normalize_final: whether the last layer is normalized; None means the
        same as `activate_final` (with a deprecation warning).
      initializers: optional dict with keys "w" / "b" for every conv.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      use_batch_norm: deprecated: True means `normalization_ctor=
        snt.BatchNorm` with `batch_norm_config`; False or None, use the
        new arguments.
      use_bias: whether the convs have biases (a bool, or one per layer).
      batch_norm_config: deprecated kwargs for `snt.BatchNorm`.
      data_format: "NHWC" (default) or "NCHW".
      custom_getter: as for `snt.AbstractModule`; `transpose()` does not
        pass it on.
      name: the module's name.

    Raises:
      TypeError: if `output_channels`, `kernel_shapes`, `strides`,
        `paddings` or `rates` is not iterable, `use_batch_norm` is, `use_bias`
        is neither a bool nor iterable, or `activation` or an initializer,
        partitioner or regularizer is not callable.
      ValueError: if `output_channels` is empty, a per-layer argument has
        the wrong length, `data_format` is unknown, `use_batch_norm=True`
        comes with `normalization_ctor` or `normalization_kwargs`, or
        `normalization_ctor` names nothing.
      KeyError: if a dict has a key other than "w" / "b".
    """
    output_channels = _as_tuple(output_channels, "output_channels")
    kernel_shapes = _as_tuple(kernel_shapes, "kernel_shapes")
    strides = _as_tuple(strides, "strides")
    paddings = _as_tuple(paddings, "paddings")
    rates = _as_tuple(rates, "rates")
    if isinstance(use_batch_norm, collections.abc.Iterable):
      raise TypeError("use_batch_norm must be a boolean. Per-layer use of "
                      "batch normalization is not supported.")
    super().__init__(custom_getter=custom_getter, name=name)
    if not output_channels:
      raise ValueError("output_channels must not be empty")
    self._output_channels = output_channels
    self._num_layers = len(output_channels)
    self._input_shape = None
    if data_format not in SUPPORTED_2D_DATA_FORMATS:
      raise ValueError("Invalid data_format {}. Allowed formats {}".format(
          data_format, _ALLOWED_FORMATS))
    self._data_format = data_format
    self._set_variable_options(initializers, partitioners, regularizers,
                               self.POSSIBLE_INITIALIZER_KEYS)
    if not callable(activation):
      raise TypeError("Input 'activation' must be callable")
    self._activation = activation
    self._activate_final = activate_final
    n = self._num_layers
    self._kernel_shapes = _per_layer(kernel_shapes, n, "kernel_shapes")
    self._strides = _per_layer(strides, n, "strides")
    self._paddings = _per_layer(paddings, n, "paddings")
    self._rates = _per_layer(rates, n, "rates")
    self._normalization_ctor, self._normalization_kwargs = _normalization(
        use_batch_norm, batch_norm_config, normalization_ctor,
        normalization_kwargs)
    if normalize_final is None:
      reflection.deprecation_warning(
          "normalize_final is not specified, so using the value of "
          "activate_final = {}. Change your code to set this kwarg "
          "explicitly. In the future, normalize_final will default to "
          "True.".format(activate_final))
      normalize_final = activate_final
    self._normalize_final = normalize_final
    if isinstance(use_bias, bool):
      use_bias = (use_bias,)
    elif not isinstance(use_bias, collections.abc.Iterable):
      raise TypeError("use_bias must be either a bool or an iterable")
    # Like Sonnet 1.36: one entry is repeated, other lengths are kept.
    use_bias = tuple(use_bias)
    self._use_bias = use_bias * n if len(use_bias) == 1 else use_bias
    with self._enter_variable_scope():
      self._layers = tuple(self._make_layer(i) for i in range(n))
      self._norm_modules = tuple(
          self._normalization_ctor(name="batch_norm_%d" %
                                   i, **self._normalization_kwargs) if self.
          _normalizes(i) else None for i in range(n))

  def _layer_kwargs(self, i):
    """The arguments that `Conv2D` and `Conv2DTranspose` layers share."""
    keys = {"w", "b"} if self._use_bias[i] else {"w"}
    pick = lambda d: {k: v for k, v in d.items() if k in keys}
    return dict(output_channels=self._output_channels[i],
                kernel_shape=self._kernel_shapes[i], stride=self._strides[i],
                padding=self._paddings[i], use_bias=self._use_bias[i],
                initializers=pick(self._initializers), partitioners=pick(
                    self._partitioners), regularizers=pick(self._regularizers),
                data_format=self._data_format)

  def _make_layer(self, i):
    return conv.Conv2D(rate=self._rates[i], name="conv_2d_%d" % i,
                       **self._layer_kwargs(i))

  def _normalizes(self, i):
    if self._normalization_ctor is None:
      return False
    return i != self._num_layers - 1 or self._normalize_final

  def _build(self, inputs, **normalization_build_kwargs):
    """Applies the layers.

    Args:
      inputs: a 4-D tensor laid out as `data_format` says.
      **normalization_build_kwargs: passed to each normalization module,
        except those it does not accept (e.g. `is_training` for
        `snt.LayerNorm`); without normalization they are ignored (with a
        warning).

    Returns:
      A 4-D tensor with `output_channels[-1]` channels.

    Raises:
      ValueError: if the normalization is `snt.BatchNorm` or
        `snt.BatchNormV2` and `is_training` is not given.
    """
    if (self._normalization_ctor in _BATCH_NORMS and
        "is_training" not in normalization_build_kwargs):
      raise ValueError("Boolean is_training flag must be explicitly specified "
                       "when using batch normalization.")
    inputs = tf.convert_to_tensor(inputs)
    self._input_shape = tuple(inputs.get_shape().as_list())
    net = inputs
    final_index = self._num_layers - 1
    for i, layer in enumerate(self._layers):
      net = layer(net)
      normalizer = self._norm_modules[i]
      if normalizer is not None:
        net = normalizer(
            net,
            **reflection.remove_unsupported_kwargs(normalizer,
                                                   normalization_build_kwargs))
      elif normalization_build_kwargs and (i != final_index or
                                           self._normalize_final):
        logging.warning(
            "No normalization configured, but extra kwargs "
            "provided: %s", normalization_build_kwargs)
      if i != final_index or self._activate_final:
        net = self._activation(net)
    return net

  # --- properties --------------------------------------------------------

  @property
  def layers(self):
    """The convolution layers, in order (a tuple)."""
    return tuple(self._layers)

  @property
  def normalization_modules(self):
    """The normalization module of each layer (None where there is none)."""
    return tuple(self._norm_modules)

  @property
  def output_channels(self):
    """The output channels of each layer (callables resolved)."""
    return tuple(deferred.value(c) for c in self._output_channels)

  @property
  def kernel_shapes(self):
    return self._kernel_shapes

  @property
  def strides(self):
    return self._strides

  @property
  def paddings(self):
    return self._paddings

  @property
  def rates(self):
    return self._rates

  @property
  def use_bias(self):
    return self._use_bias

  @property
  def activation(self):
    return self._activation

  @property
  def activate_final(self):
    return self._activate_final

  @property
  def normalization_ctor(self):
    return self._normalization_ctor

  @property
  def normalization_kwargs(self):
    return self._normalization_kwargs

  @property
  def normalize_final(self):
    return self._normalize_final

  @property
  def use_batch_norm(self):
    """Deprecated: whether the normalization is `snt.BatchNorm`."""
    reflection.deprecation_warning(
        "The `.use_batch_norm` property is deprecated. Check "
        "`.normalization_ctor` instead.")
    return self._normalization_ctor == batch_norm.BatchNorm

  @property
  def batch_norm_config(self):
    """Deprecated: the same as `normalization_kwargs`."""
    reflection.deprecation_warning(
        "The `.batch_norm_config` property is deprecated. Check "
        "`.normalization_kwargs` instead.")
    return self._normalization_kwargs

  input_shape = connected_property.connected_property(
      "_input_shape", """The input shape of the most recent connection.

      Raises:
        NotConnectedError: before the first connection.
      """)

  # --- transposition -------------------------------------------------------

  def _transposed(self, net_class, arguments, **more):
    """A `net_class` network mirroring this one; see `transpose()`.

    Layer arguments come in reverse order; each output channel count is
    read, when the transpose is connected, from the input of the matching
    layer here.

    Args:
      net_class: `ConvNet2D` or `ConvNet2DTranspose`.
      arguments: the arguments `transpose()` was given (its `locals()`):
        those that are None mirror this net's settings.
      **more: further constructor arguments (`output_shapes`).

    Returns:
      A new, unconnected `net_class`.

    Raises:
      ValueError: if `output_channels` has the wrong length.
    """
    custom_getter = arguments["custom_getter"]
    if custom_getter is None and self._custom_getter is not None:
      logging.warning(
          "This convnet was constructed with a custom getter, but the "
          "`transpose` method was not given any. The transposed ConvNet will "
          "not be using any custom_getter.")
    mirror = lambda key, own: (own
                               if arguments[key] is None else arguments[key])
    data_format = mirror("data_format", self._data_format)
    output_channels = arguments["output_channels"]
    if output_channels is None:
      channel_dim = -1 if data_format == DATA_FORMAT_NHWC else 1
      output_channels = [
          lambda l=layer: l.input_shape[channel_dim]
          for layer in reversed(self._layers)]
    elif len(output_channels) != self._num_layers:
      raise ValueError("Iterable output_channels length must match the "
                       "number of layers ({}), but is {} instead.".format(
                           self._num_layers, len(output_channels)))
    return net_class(
        name=mirror("name", self.module_name + "_transpose"),
        output_channels=output_channels, kernel_shapes=mirror(
            "kernel_shapes",
            self._kernel_shapes[::-1]), strides=mirror("strides",
                                                       self._strides[::-1]),
        paddings=mirror("paddings", self._paddings[::-1]), activation=mirror(
            "activation",
            self._activation), activate_final=mirror("activate_final",
                                                     self._activate_final),
        normalization_ctor=mirror("normalization_ctor",
                                  self._normalization_ctor),
        normalization_kwargs=mirror("normalization_kwargs",
                                    self._normalization_kwargs),
        normalize_final=mirror("normalize_final", self._normalize_final),
        initializers=mirror("initializers", self._initializers),
        partitioners=mirror("partitioners", self._partitioners),
        regularizers=mirror("regularizers", self._regularizers),
        use_bias=mirror("use_bias", self._use_bias[::-1]),
        data_format=data_format, custom_getter=custom_getter, **more)

  # The arguments are read through locals().
  # pylint: disable=unused-argument
  def transpose(self, name=None, output_channels=None, kernel_shapes=None,
                strides=None, paddings=None, activation=None,
                activate_final=None, normalization_ctor=None,
                normalization_kwargs=None, normalize_final=None,
                initializers=None, partitioners=None, regularizers=None,
                use_batch_norm=None, use_bias=None, batch_norm_config=None,
                data_format=None, custom_getter=None):
    """Returns a `ConvNet2DTranspose` mirroring this network.

    Layers come in reverse order; each maps back to the channels and
    spatial shape of the matching layer's input, read when the transpose is
    connected (connect this network first). An argument left None mirrors
    this network's setting; as in Sonnet 1.36, `use_batch_norm` and
    `batch_norm_config` are ignored here and `custom_getter` is not
    inherited.

    Args:
      name: defaults to this module's name + "_transpose".
      output_channels: one per layer; defaults to the layers' input
        channels.
      kernel_shapes: defaults to this net's, reversed.
      strides: defaults to this net's, reversed.
      paddings: defaults to this net's, reversed.
      activation: defaults to this net's.
      activate_final: defaults to this net's.
      normalization_ctor: defaults to this net's.
      normalization_kwargs: defaults to this net's.
      normalize_final: defaults to this net's.
      initializers: defaults to this net's.
      partitioners: defaults to this net's.
      regularizers: defaults to this net's.
      use_batch_norm: ignored.
      use_bias: defaults to this net's, reversed.
      batch_norm_config: ignored.
      data_format: defaults to this net's.
      custom_getter: the transpose's custom getter (default none).

    Returns:
      A new, unconnected `ConvNet2DTranspose`.

    Raises:
      NotImplementedError: if a layer is dilated (a rate other than 1).
      ValueError: if `output_channels` has the wrong length or
        `data_format` is unknown.
    """
    del use_batch_norm, batch_norm_config  # Ignored, as in Sonnet 1.36.
    for rate in self._rates:
      if rate != 1:
        raise NotImplementedError("Transpose dilated convolutions "
                                  "are not supported")
    if data_format is None:
      data_format = self._data_format
    if data_format == DATA_FORMAT_NHWC:
      start, end = 1, -1
    elif data_format == DATA_FORMAT_NCHW:
      start, end = 2, 4
    else:
      raise ValueError("Invalid data_format {}. Allowed formats {}".format(
          data_format, _ALLOWED_FORMATS))
    output_shapes = [
        lambda l=layer: l.input_shape[start:end]
        for layer in reversed(self._layers)]
    return self._transposed(ConvNet2DTranspose, locals(),
                            output_shapes=output_shapes)

  # pylint: enable=unused-argument


class ConvNet2DTranspose(ConvNet2D):
  """A stack of `Conv2DTranspose` layers; see `ConvNet2D`.

  Layer `i` is `snt.Conv2DTranspose` named "conv_2d_transpose_i" with
  output spatial shape `output_shapes[i]`.
  """

  def __init__(
      self, output_channels: Sequence[int], output_shapes: Sequence[Any],
      kernel_shapes: Sequence[Union[int, Sequence[int]]],
      strides: Sequence[Union[int, Sequence[int]]], paddings: Sequence[str],
      activation: Callable[..., Any] = tf.nn.relu, activate_final: bool = False,
      normalization_ctor: Optional[Union[str, Callable[..., Any]]] = None,
      normalization_kwargs: Optional[Mapping[str, Any]] = None,
      normalize_final: Optional[bool] = None,
      initializers: Optional[Mapping[str, Any]] = None,
      partitioners: Optional[Mapping[str, Any]] = None,
      regularizers: Optional[Mapping[str, Any]] = None,
      use_batch_norm: bool = False, use_bias: Union[bool,
                                                    Sequence[bool]] = True,
      batch_norm_config: Optional[Mapping[str, Any]] = None,
      data_format: str = DATA_FORMAT_NHWC,
      custom_getter: Optional[Union[Callable, Mapping[str, Callable]]] = None,
      name: str = "conv_net_2d_transpose"):
    """Configures the layers.

    Args:
      output_channels: the output channels of each layer.
      output_shapes: the output `(height, width)` of each layer (or one
        entry for all); each may be a callable.
      kernel_shapes: as for `ConvNet2D`.
      strides: as for `ConvNet2D`.
      paddings: as for `ConvNet2D`.
      activation: as for `ConvNet2D`.
      activate_final: as for `ConvNet2D`.
      normalization_ctor: as for `ConvNet2D`.
      normalization_kwargs: as for `ConvNet2D`.
      normalize_final: as for `ConvNet2D`.
      initializers: as for `ConvNet2D`.
      partitioners: as for `ConvNet2D`.
      regularizers: as for `ConvNet2D`.
      use_batch_norm: as for `ConvNet2D` (default False).
      use_bias: as for `ConvNet2D`.
      batch_norm_config: as for `ConvNet2D`.
      data_format: as for `ConvNet2D`.
      custom_getter: as for `ConvNet2D`.
      name: the module's name.

    Raises:
      TypeError: if `output_channels` or `output_shapes` is not iterable;
        otherwise as for `ConvNet2D`.
      ValueError: if `output_shapes` has neither 1 nor one entry per layer;
        otherwise as for `ConvNet2D`.
      KeyError: as for `ConvNet2D`.
    """
    output_channels = _as_tuple(output_channels, "output_channels")
    output_shapes = _as_tuple(output_shapes, "output_shapes")
    self._output_shapes = _per_layer(output_shapes, len(output_channels),
                                     "output_shapes")
    super().__init__(output_channels, kernel_shapes, strides, paddings,
                     activation=activation, activate_final=activate_final,
                     normalization_ctor=normalization_ctor,
                     normalization_kwargs=normalization_kwargs,
                     normalize_final=normalize_final, initializers=initializers,
                     partitioners=partitioners, regularizers=regularizers,
                     use_batch_norm=use_batch_norm, use_bias=use_bias,
                     batch_norm_config=batch_norm_config,
                     data_format=data_format, custom_getter=custom_getter,
                     name=name)

  def _make_layer(self, i):
    return conv_transpose.Conv2DTranspose(output_shape=self._output_shapes[i],
                                          name="conv_2d_transpose_%d" % i,
                                          **self._layer_kwargs(i))

  @property
  def output_shapes(self):
    """The output spatial shape of each layer (callables resolved)."""
    return tuple(deferred.value(s) for s in self._output_shapes)

  def transpose(self, name=None, output_channels=None, kernel_shapes=None,
                strides=None, paddings=None, activation=None,
                activate_final=None, normalization_ctor=None,
                normalization_kwargs=None, normalize_final=None,
                initializers=None, partitioners=None, regularizers=None,
                use_batch_norm=None, use_bias=None, batch_norm_config=None,
                data_format=None, custom_getter=None):
    """Returns a `ConvNet2D` mirroring this network.

    The arguments are as for `ConvNet2D.transpose`, except that
    `use_batch_norm` (with `batch_norm_config`) is honoured: True asks for
    `snt.BatchNorm`, False for this net's normalization.

    Args:
      name: defaults to this module's name + "_transpose".
      output_channels: as for `ConvNet2D.transpose`.
      kernel_shapes: as for `ConvNet2D.transpose`.
      strides: as for `ConvNet2D.transpose`.
      paddings: as for `ConvNet2D.transpose`.
      activation: as for `ConvNet2D.transpose`.
      activate_final: as for `ConvNet2D.transpose`.
      normalization_ctor: as for `ConvNet2D.transpose`.
      normalization_kwargs: as for `ConvNet2D.transpose`.
      normalize_final: as for `ConvNet2D.transpose`.
      initializers: as for `ConvNet2D.transpose`.
      partitioners: as for `ConvNet2D.transpose`.
      regularizers: as for `ConvNet2D.transpose`.
      use_batch_norm: None, or the deprecated switch for `snt.BatchNorm`.
      use_bias: as for `ConvNet2D.transpose`.
      batch_norm_config: the kwargs of `snt.BatchNorm` with
        `use_batch_norm`.
      data_format: as for `ConvNet2D.transpose`.
      custom_getter: as for `ConvNet2D.transpose`.

    Returns:
      A new, unconnected `ConvNet2D`.

    Raises:
      ValueError: if `use_batch_norm` comes with `normalization_ctor` or
        `normalization_kwargs`, or `output_channels` has the wrong length.
    """
    if use_batch_norm is not None:
      if normalization_ctor is not None or normalization_kwargs is not None:
        raise ValueError("If use_batch_norm is specified, normalization_ctor "
                         "and normalization_kwargs must not be.")
      normalization_ctor = batch_norm.BatchNorm if use_batch_norm else None
      normalization_kwargs = batch_norm_config
    return self._transposed(ConvNet2D, locals())
