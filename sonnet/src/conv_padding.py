"""Padding names for convolutions, and the explicit padding they stand for.

A convolution pads each spatial dimension by one of five rules, given as
strings (also exported as `snt.SAME` etc.). With `k` the dilated kernel size
`(kernel_size - 1) * rate + 1`:

- `SAME`: `k - 1` in total, the extra one (if odd) at the end; with stride 1
  the output is as long as the input.
- `VALID`: none; only positions where the whole kernel fits.
- `FULL`: `k - 1` at each end; every overlap of kernel and input counts.
- `CAUSAL`: `k - 1` at the start; output `t` sees inputs up to `t` only.
- `REVERSE_CAUSAL`: `k - 1` at the end; output `t` sees inputs from `t` on.

The padded values come from `padding_value`: zeros (`CONSTANT_PADDING`), or
the input mirrored without (`REFLECT_PADDING`) or with
(`SYMMETRIC_PADDING`) its edge.
"""

import tensorflow as tf

SAME = "SAME"
VALID = "VALID"
FULL = "FULL"
CAUSAL = "CAUSAL"
REVERSE_CAUSAL = "REVERSE_CAUSAL"
ALLOWED_PADDINGS = frozenset({SAME, VALID, FULL, CAUSAL, REVERSE_CAUSAL})
CONV_OP_ALLOWED_PADDINGS = frozenset({SAME, VALID})

CONSTANT_PADDING = "CONSTANT"
REFLECT_PADDING = "REFLECT"
SYMMETRIC_PADDING = "SYMMETRIC"
ALLOWED_PADDING_VALUES = frozenset({
    CONSTANT_PADDING, REFLECT_PADDING, SYMMETRIC_PADDING})


def check_padding(padding, n):
  """Returns one padding name per spatial dimension.

  Args:
    padding: a padding name, or a sequence of `n` of them.
    n: the number of spatial dimensions.

  Returns:
    A tuple of `n` padding names.

  Raises:
    TypeError: "padding is ...", if `padding` is neither form.

  >>> check_padding("SAME", 2)
  ('SAME', 'SAME')
  """
  if isinstance(padding, str) and padding in ALLOWED_PADDINGS:
    return (padding,) * n
  if (isinstance(padding, (list, tuple)) and len(padding) == n and
      all(isinstance(p, str) and p in ALLOWED_PADDINGS for p in padding)):
    return tuple(padding)
  raise TypeError(
      "padding is {}, must be member of '{}' or an iterable of these of size "
      "{}".format(padding, _names(ALLOWED_PADDINGS), n))


def check_conv_op_padding(padding):
  """Checks a padding that TensorFlow's ops take directly: SAME or VALID.

  Returns:
    `padding`.

  Raises:
    ValueError: "Padding must be member of ...", otherwise.
  """
  if padding not in CONV_OP_ALLOWED_PADDINGS:
    raise ValueError("Padding must be member of '{}', not {}".format(
        _names(CONV_OP_ALLOWED_PADDINGS), padding))
  return padding


def check_padding_value(padding_value):
  """Checks a `padding_value` (how padded positions are filled).

  Args:
    padding_value: one of `CONSTANT_PADDING`, `REFLECT_PADDING`,
      `SYMMETRIC_PADDING`.

  Returns:
    `padding_value`.

  Raises:
    ValueError: "Padding must be member of ...", if it is none of them.
  """
  if padding_value not in ALLOWED_PADDING_VALUES:
    raise ValueError("Padding must be member of '{}', not {}".format(
        _names(ALLOWED_PADDING_VALUES), padding_value))
  return padding_value


def _names(names):
  return "{" + ", ".join(sorted(names)) + "}"


def conv_op_padding(paddings, padding_value):
  """The padding to give TensorFlow's conv op after any explicit padding.

  `SAME` and `VALID` map straight onto TensorFlow's own padding when every
  dimension uses the same one and the padding is zeros; anything else is
  padded explicitly first (see `pad_amounts`) and convolved with `VALID`.

  Args:
    paddings: one padding name per spatial dimension.
    padding_value: the fill mode.

  Returns:
    `SAME` or `VALID`.
  """
  if (padding_value == CONSTANT_PADDING and len(set(paddings)) == 1 and
      paddings[0] in (SAME, VALID)):
    return paddings[0]
  return VALID


def needs_explicit_padding(paddings, padding_value):
  """Whether the input must be padded before the conv op."""
  if conv_op_padding(paddings, padding_value) != VALID:
    return False
  return any(p != VALID for p in paddings)


def pad_amounts(padding, kernel_size, rate=1):
  """The (before, after) padding one rule gives one dimension.

  Args:
    padding: a padding name.
    kernel_size: the kernel's size in that dimension.
    rate: the dilation rate in that dimension.

  Returns:
    A pair of non-negative ints.

  >>> pad_amounts(CAUSAL, 3, rate=2)
  (4, 0)
  """
  total = (kernel_size - 1) * rate
  if padding == SAME:
    return total // 2, total - total // 2
  if padding == FULL:
    return total, total
  if padding == CAUSAL:
    return total, 0
  if padding == REVERSE_CAUSAL:
    return 0, total
  return 0, 0


def pad_inputs(inputs, paddings, kernel_shape, rate, channels_last,
               padding_value):
  """Pads the spatial dimensions of `inputs` by the given rules.

  Args:
    inputs: a tensor `[batch, spatial..., channels]` (or channels second).
    paddings: one padding name per spatial dimension.
    kernel_shape: the kernel size per spatial dimension.
    rate: the dilation rate per spatial dimension.
    channels_last: whether channels are the last dimension.
    padding_value: `CONSTANT_PADDING`, `REFLECT_PADDING` or
      `SYMMETRIC_PADDING`.

  Returns:
    The padded tensor.
  """
  spatial = [
      pad_amounts(p, k, r) for p, k, r in zip(paddings, kernel_shape, rate)]
  if channels_last:
    amounts = [(0, 0)] + spatial + [(0, 0)]
  else:
    amounts = [(0, 0), (0, 0)] + spatial
  return tf.pad(inputs, amounts, mode=padding_value)
