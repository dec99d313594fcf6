"""`CausalConv1D`: a 1-D convolution whose output never sees later inputs."""

from typing import Any, Callable, Mapping, Optional, Sequence, Union

from sonnet.src import conv
from sonnet.src import conv_padding
from sonnet.src import reflection


class CausalConv1D(conv.ConvND):
  """1-D convolution with `CAUSAL` padding: output `t` uses inputs `<= t`.

  The input is padded by `(kernel - 1) * rate` at the start only, so the
  output (with stride 1) is as long as the input. Variables as `Conv1D`:
  `w` of shape `[kernel, input_channels, output_channels]` and `b`.

  >>> conv = snt.CausalConv1D(output_channels=4, kernel_shape=3, rate=2)
  >>> conv(tf.ones([2, 10, 3])).shape.as_list()
  [2, 10, 4]
  """

  _n = 1

  def __init__(self, output_channels: Union[int, Callable[[], int]],
               kernel_shape: Union[int, Sequence[int]],
               stride: Union[int, Sequence[int]] = 1,
               rate: Union[int, Sequence[int]] = 1, use_bias: bool = True,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str,
                                              Any]] = None, mask: Any = None,
               padding: Union[str, Sequence[str]] = conv_padding.CAUSAL,
               data_format: str = "NWC",
               padding_value: str = conv_padding.CONSTANT_PADDING,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "causal_conv_1d"):
    """Configures the convolution.

    Args:
      output_channels: the number of output channels.
      kernel_shape: the kernel size, an int.
      stride: the stride, an int. Default 1.
      rate: the dilation rate, an int. Default 1; cannot exceed 1 where the
        stride does.
      use_bias: whether to add a bias `b` per output channel.
      initializers: optional dict with keys "w" / "b"; defaults are a
        truncated normal with stddev 1/sqrt(fan_in) and zeros.
      partitioners: optional dict with keys "w" / "b".
      regularizers: optional dict with keys "w" / "b".
      mask: optional array multiplied into the kernel, of shape
        `[kernel]` or `[kernel, input_channels, output_channels]`.
      padding: ignored: the padding is always "CAUSAL" (anything else is
        replaced, with a deprecation warning, as in Sonnet 1).
      data_format: "NWC" (default) or "NCW" (GPU only in TensorFlow).
      padding_value: "CONSTANT" (zeros, default), "REFLECT" or "SYMMETRIC".
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError, IncompatibleShapeError, NotSupportedError, TypeError,
        KeyError: as for `snt.Conv1D`.
    """
    reflection.deprecation_warning(
        "CausalConv1D is deprecated, please use Conv1D with padding=CAUSAL.")
    if padding != conv_padding.CAUSAL:
      reflection.deprecation_warning(
          "You specified a non-causal padding type for CausalConv1D, this has "
          "been ignored and you will get CAUSAL padding. Note CausalConv1D is "
          "deprecated, please switch to Conv1D with padding=CAUSAL.")
    super().__init__(output_channels, kernel_shape, stride=stride, rate=rate,
                     padding=conv_padding.CAUSAL, use_bias=use_bias,
                     initializers=initializers, partitioners=partitioners,
                     regularizers=regularizers, mask=mask,
                     data_format=data_format, padding_value=padding_value,
                     custom_getter=custom_getter, name=name)

  def _clone_kwargs(self):
    kwargs = super()._clone_kwargs()
    kwargs["padding"] = conv_padding.CAUSAL
    return kwargs
