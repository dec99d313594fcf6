"""`ConvNet2D` and `ConvNet2DTranspose`: stacks of 2-D convolutions."""

import collections.abc

import tensorflow as tf

from sonnet.src import base
from sonnet.src import batch_norm
from sonnet.src import batch_norm_v2
from sonnet.src import conv
from sonnet.src import errors
from sonnet.src import naming
from sonnet.src import variable_options


def _per_layer(values, num_layers, name):
  """Repeats a length-1 sequence to `num_layers`, or checks the length."""
  if isinstance(values, (str, bytes)) or not isinstance(
      values, collections.abc.Iterable):
    raise TypeError("%s must be a sequence (one entry, or one per layer), "
                    "got %r." % (name, values))
  values = tuple(values)
  if len(values) == 1:
    return values * num_layers
  if len(values) != num_layers:
    raise ValueError("%s must have 1 or %d entries (one per layer), got %d."
                     % (name, num_layers, len(values)))
  return values


def _resolve_ctor(ctor):
  """Turns a normalization constructor given by name into the class."""
  if not isinstance(ctor, str):
    if not callable(ctor):
      raise TypeError("normalization_ctor must be callable or a name such "
                      "as 'BatchNorm', got %r." % (ctor,))
    return ctor
  import sonnet  # pylint: disable=g-import-not-at-top
  short = ctor.split(".")[-1]
  found = getattr(sonnet, short, None)
  if found is None or not callable(found):
    raise ValueError("normalization_ctor %r names no Sonnet module; use "
                     "e.g. 'BatchNorm' or pass the class." % (ctor,))
  return found


class ConvNet2D(base.AbstractModule, base.Transposable,
                variable_options.VariableOptions):
  """A stack of `Conv2D` layers, each optionally normalized and activated.

  Layer `i` is `snt.Conv2D` named "conv_2d_i" (variables
  `conv_net_2d/conv_2d_0/w`, ...), followed by a normalization module (when
  `normalization_ctor` or the legacy `use_batch_norm` asks for one) and the
  activation; the last layer is normalized only with `normalize_final` and
  activated only with `activate_final`.

  >>> net = snt.nets.ConvNet2D(output_channels=[4, 5], kernel_shapes=[3],
  ...                          strides=[1], paddings=[snt.SAME])
  >>> net(tf.ones([2, 8, 8, 3])).shape.as_list()
  [2, 8, 8, 5]
  """

  def __init__(self, output_channels, kernel_shapes, strides, paddings,
               rates=(1,), activation=tf.nn.relu, activate_final=False,
               normalization_ctor=None, normalization_kwargs=None,
               normalize_final=None, initializers=None, partitioners=None,
               regularizers=None, use_batch_norm=None, use_bias=True,
               batch_norm_config=None, data_format="NHWC",
               custom_getter=None, name="conv_net_2d"):
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
      normalization_ctor: a module class (e.g. `snt.BatchNorm`) or its name,
        built once per normalized layer; None means no normalization.
      normalization_kwargs: keyword arguments for `normalization_ctor`.
      normalize_final: whether the last layer is normalized; None means the
        same as `activate_final`.
      initializers: optional dict with keys "w" / "b" for every conv.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      use_batch_norm: legacy switch: True means
        `normalization_ctor=snt.BatchNorm` with `batch_norm_config`.
      use_bias: whether the convs have biases (a bool, or one per layer).
      batch_norm_config: legacy keyword arguments for `snt.BatchNorm`.
      data_format: "NHWC" (default) or "NCHW".
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: if `output_channels` is empty, a per-layer argument has
        the wrong length, `data_format` is unknown, or both the legacy and
        the new normalization arguments are given.
      TypeError: if an argument has the wrong type.
      KeyError: if a dict has a key other than "w" / "b".
    """
    super().__init__(custom_getter=custom_getter, name=name)
    if isinstance(output_channels, (str, bytes)) or not isinstance(
        output_channels, collections.abc.Iterable):
      raise TypeError("output_channels must be a sequence, got %r."
                      % (output_channels,))
    output_channels = tuple(output_channels)
    if not output_channels:
      raise ValueError("output_channels must name at least one layer.")
    n = len(output_channels)
    if data_format not in ("NHWC", "NCHW"):
      raise ValueError("data_format must be 'NHWC' or 'NCHW', got %r."
                       % (data_format,))
    if not callable(activation):
      raise TypeError("activation must be callable, got %r." % (activation,))
    if use_batch_norm:
      if normalization_ctor is not None or normalization_kwargs is not None:
        raise ValueError(
            "Give either use_batch_norm/batch_norm_config (legacy) or "
            "normalization_ctor/normalization_kwargs, not both.")
      normalization_ctor = batch_norm.BatchNorm
      normalization_kwargs = batch_norm_config
    elif batch_norm_config is not None and normalization_ctor is None:
      raise ValueError("batch_norm_config needs use_batch_norm=True.")
    if normalization_ctor is not None:
      normalization_ctor = _resolve_ctor(normalization_ctor)
    self._output_channels = output_channels
    self._kernel_shapes = _per_layer(kernel_shapes, n, "kernel_shapes")
    self._strides = _per_layer(strides, n, "strides")
    self._paddings = _per_layer(paddings, n, "paddings")
    self._rates = _per_layer(rates, n, "rates")
    use_bias_seq = use_bias if isinstance(
        use_bias, collections.abc.Iterable) else (use_bias,)
    self._use_bias = _per_layer(use_bias_seq, n, "use_bias")
    self._activation = activation
    self._activate_final = activate_final
    self._normalization_ctor = normalization_ctor
    self._normalization_kwargs = dict(normalization_kwargs or {})
    self._normalize_final = (activate_final if normalize_final is None
                             else normalize_final)
    self._use_batch_norm = use_batch_norm
    self._batch_norm_config = batch_norm_config
    self._data_format = data_format
    keys = {"w", "b"} if any(self._use_bias) else {"w"}
    self._set_variable_options(initializers, partitioners, regularizers,
                               keys)
    self._input_shape = None
    with self._enter_variable_scope():
      self._layers = tuple(self._make_layer(i) for i in range(n))
      self._norm_modules = tuple(
          self._make_normalization(i) if self._normalizes(i) else None
          for i in range(n))

  def _layer_kwargs(self, i):
    keys = {"w", "b"} if self._use_bias[i] else {"w"}
    pick = lambda d: {k: v for k, v in d.items() if k in keys}
    return dict(kernel_shape=self._kernel_shapes[i],
                stride=self._strides[i], padding=self._paddings[i],
                use_bias=self._use_bias[i],
                initializers=pick(self._initializers),
                partitioners=pick(self._partitioners),
                regularizers=pick(self._regularizers),
                data_format=self._data_format)

  def _make_layer(self, i):
    return conv.Conv2D(self._output_channels[i], rate=self._rates[i],
                       name="conv_2d_%d" % i, **self._layer_kwargs(i))

  def _normalizes(self, i):
    if self._normalization_ctor is None:
      return False
    return i != len(self._output_channels) - 1 or self._normalize_final

  def _make_normalization(self, i):
    kwargs = dict(self._normalization_kwargs)
    ctor = self._normalization_ctor
    if self._data_format == "NCHW":
      if ctor is batch_norm.BatchNorm:
        kwargs.setdefault("axis", [0, 2, 3])
      elif ctor is batch_norm_v2.BatchNormV2:
        kwargs.setdefault("data_format", "NCHW")
    base_name = (naming.to_snake_case(ctor.__name__)
                 if isinstance(ctor, type) else "normalization")
    return ctor(name="%s_%d" % (base_name, i), **kwargs)

  def _build(self, inputs, **normalization_build_kwargs):
    """Applies the layers.

    Args:
      inputs: a 4-D tensor laid out as `data_format` says.
      **normalization_build_kwargs: passed to each normalization module,
        e.g. `is_training=True` for `snt.BatchNorm`.

    Returns:
      A 4-D tensor with `output_channels[-1]` channels.

    Raises:
      IncompatibleShapeError: if `inputs` is not 4-D or its channels differ
        from the first connection's.
      UnderspecifiedError: if the channel dimension is unknown.
      ValueError: if normalization build arguments are given but the
        network does not normalize.
    """
    inputs = tf.convert_to_tensor(inputs)
    shape = inputs.get_shape()
    if shape.rank != 4:
      raise errors.IncompatibleShapeError(
          "%s: inputs must be 4-D (%s), got shape %s."
          % (self.scope_name, self._data_format, shape))
    if normalization_build_kwargs and self._normalization_ctor is None:
      raise ValueError(
          "%s: got normalization arguments %s but the network has no "
          "normalization." % (self.scope_name,
                              sorted(normalization_build_kwargs)))
    self._input_shape = tuple(shape.as_list())
    net = inputs
    last = len(self._layers) - 1
    for i, layer in enumerate(self._layers):
      net = layer(net)
      if self._norm_modules[i] is not None:
        net = self._norm_modules[i](net, **normalization_build_kwargs)
      if i != last or self._activate_final:
        net = self._activation(net)
    return net

  # --- properties --------------------------------------------------------

  @property
  def layers(self):
    """The `Conv2D` layers, in order."""
    return self._layers

  @property
  def normalization_modules(self):
    """The normalization module of each layer (None where there is none)."""
    return self._norm_modules

  @property
  def output_channels(self):
    """The output channels of each layer (callables resolved)."""
    return tuple(layer.output_channels for layer in self._layers)

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
    return dict(self._normalization_kwargs)

  @property
  def normalize_final(self):
    return self._normalize_final

  @property
  def use_batch_norm(self):
    return self._use_batch_norm

  @property
  def batch_norm_config(self):
    return self._batch_norm_config

  @property
  def input_shape(self):
    """The input shape of the most recent connection.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._input_shape

  def _transpose_config(self, kwargs):
    """Fills the arguments of a transpose from this network's settings."""
    def pick(key, own):
      value = kwargs.get(key)
      return own if value is None else value
    reverse = lambda seq: tuple(reversed(seq))
    config = dict(
        output_channels=pick("output_channels", [
            (lambda l=layer: l.input_channels)
            for layer in reversed(self._layers)]),
        kernel_shapes=pick("kernel_shapes", reverse(self._kernel_shapes)),
        strides=pick("strides", reverse(self._strides)),
        paddings=pick("paddings", reverse(self._paddings)),
        activation=pick("activation", self._activation),
        activate_final=pick("activate_final", self._activate_final),
        normalization_ctor=pick("normalization_ctor",
                                self._normalization_ctor),
        normalization_kwargs=pick("normalization_kwargs",
                                  self._normalization_kwargs or None),
        normalize_final=pick("normalize_final", self._normalize_final),
        initializers=pick("initializers", self._initializers),
        partitioners=pick("partitioners", self._partitioners),
        regularizers=pick("regularizers", self._regularizers),
        use_bias=pick("use_bias", reverse(self._use_bias)),
        data_format=pick("data_format", self._data_format),
        custom_getter=pick("custom_getter", self._custom_getter))
    if kwargs.get("use_batch_norm"):
      config["normalization_ctor"] = batch_norm.BatchNorm
      config["normalization_kwargs"] = kwargs.get("batch_norm_config")
    return config

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
    connected (connect this network first). Any argument given overrides
    the mirrored setting.

    Args:
      name: defaults to this module's name + "_transpose".
      output_channels: overrides; see `ConvNet2D.__init__` for the others.
      kernel_shapes: override.
      strides: override.
      paddings: override.
      activation: override.
      activate_final: override.
      normalization_ctor: override.
      normalization_kwargs: override.
      normalize_final: override.
      initializers: override.
      partitioners: override.
      regularizers: override.
      use_batch_norm: override (legacy).
      use_bias: override.
      batch_norm_config: override (legacy).
      data_format: override.
      custom_getter: override.

    Returns:
      A new, unconnected `ConvNet2DTranspose`.

    Raises:
      NotSupportedError: if a layer is dilated (rate > 1).
    """
    if any(r != 1 and r != (1, 1) and r != [1, 1] for r in self._rates):
      raise errors.NotSupportedError(
          "%s: dilated layers (rates %s) cannot be transposed."
          % (self.scope_name, self._rates))
    config = self._transpose_config(dict(
        output_channels=output_channels, kernel_shapes=kernel_shapes,
        strides=strides, paddings=paddings, activation=activation,
        activate_final=activate_final, normalization_ctor=normalization_ctor,
        normalization_kwargs=normalization_kwargs,
        normalize_final=normalize_final, initializers=initializers,
        partitioners=partitioners, regularizers=regularizers,
        use_batch_norm=use_batch_norm, use_bias=use_bias,
        batch_norm_config=batch_norm_config, data_format=data_format,
        custom_getter=custom_getter))
    output_shapes = [(lambda l=layer: _spatial(l.input_shape,
                                               self._data_format))
                     for layer in reversed(self._layers)]
    return ConvNet2DTranspose(output_shapes=output_shapes,
                              name=name or self.module_name + "_transpose",
                              **config)


def _spatial(shape, data_format):
  return tuple(shape[1:3]) if data_format == "NHWC" else tuple(shape[2:4])


class ConvNet2DTranspose(ConvNet2D):
  """A stack of `Conv2DTranspose` layers; see `ConvNet2D`.

  Layer `i` is `snt.Conv2DTranspose` named "conv_2d_transpose_i" with
  output spatial shape `output_shapes[i]`.
  """

  def __init__(self, output_channels, output_shapes, kernel_shapes, strides,
               paddings, activation=tf.nn.relu, activate_final=False,
               normalization_ctor=None, normalization_kwargs=None,
               normalize_final=None, initializers=None, partitioners=None,
               regularizers=None, use_batch_norm=False, use_bias=True,
               batch_norm_config=None, data_format="NHWC",
               custom_getter=None, name="conv_net_2d_transpose"):
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
      use_batch_norm: as for `ConvNet2D`.
      use_bias: as for `ConvNet2D`.
      batch_norm_config: as for `ConvNet2D`.
      data_format: as for `ConvNet2D`.
      custom_getter: as for `ConvNet2D`.
      name: the module's name.

    Raises:
      ValueError, TypeError, KeyError: as for `ConvNet2D`.
    """
    num_layers = len(tuple(output_channels)) if isinstance(
        output_channels, collections.abc.Iterable) else 0
    self._output_shapes = _per_layer(output_shapes, max(num_layers, 1),
                                     "output_shapes")
    super().__init__(
        output_channels, kernel_shapes, strides, paddings,
        activation=activation, activate_final=activate_final,
        normalization_ctor=normalization_ctor,
        normalization_kwargs=normalization_kwargs,
        normalize_final=normalize_final, initializers=initializers,
        partitioners=partitioners, regularizers=regularizers,
        use_batch_norm=use_batch_norm, use_bias=use_bias,
        batch_norm_config=batch_norm_config, data_format=data_format,
        custom_getter=custom_getter, name=name)

  def _make_layer(self, i):
    from sonnet.src import conv_transpose  # pylint: disable=g-import-not-at-top
    return conv_transpose.Conv2DTranspose(
        self._output_channels[i], output_shape=self._output_shapes[i],
        name="conv_2d_transpose_%d" % i, **self._layer_kwargs(i))

  @property
  def output_shapes(self):
    """The output spatial shape of each layer (callables resolved)."""
    return tuple(s() if callable(s) else s for s in self._output_shapes)

  def transpose(self, name=None, output_channels=None, kernel_shapes=None,
                strides=None, paddings=None, activation=None,
                activate_final=None, normalization_ctor=None,
                normalization_kwargs=None, normalize_final=None,
                initializers=None, partitioners=None, regularizers=None,
                use_batch_norm=None, use_bias=None, batch_norm_config=None,
                data_format=None, custom_getter=None):
    """Returns a `ConvNet2D` mirroring this network.

    Args:
      name: defaults to this module's name + "_transpose".
      output_channels: override; the other arguments too, as for
        `ConvNet2D.transpose`.
      kernel_shapes: override.
      strides: override.
      paddings: override.
      activation: override.
      activate_final: override.
      normalization_ctor: override.
      normalization_kwargs: override.
      normalize_final: override.
      initializers: override.
      partitioners: override.
      regularizers: override.
      use_batch_norm: override (legacy).
      use_bias: override.
      batch_norm_config: override (legacy).
      data_format: override.
      custom_getter: override.

    Returns:
      A new, unconnected `ConvNet2D`.
    """
    config = self._transpose_config(dict(
        output_channels=output_channels, kernel_shapes=kernel_shapes,
        strides=strides, paddings=paddings, activation=activation,
        activate_final=activate_final, normalization_ctor=normalization_ctor,
        normalization_kwargs=normalization_kwargs,
        normalize_final=normalize_final, initializers=initializers,
        partitioners=partitioners, regularizers=regularizers,
        use_batch_norm=use_batch_norm, use_bias=use_bias,
        batch_norm_config=batch_norm_config, data_format=data_format,
        custom_getter=custom_getter))
    return ConvNet2D(name=name or self.module_name + "_transpose", **config)
