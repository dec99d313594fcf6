"""Direct NumPy convolutions that the convolution tests compare against.

Written loop-by-kernel-offset, with no TensorFlow, so that they share no
code (nor mistakes) with the modules under test. Channels last throughout.
"""

import itertools
import math

import numpy as np


def tf_same_pads(size, kernel, stride, rate):
  """(before, after) padding of TensorFlow's own SAME for one dimension."""
  effective = (kernel - 1) * rate + 1
  out = -(-size // stride)
  total = max((out - 1) * stride + effective - size, 0)
  return total // 2, total - total // 2


def explicit_pads(padding, kernel, rate):
  """(before, after) padding of one named rule, as the docs define it."""
  total = (kernel - 1) * rate
  return {
      "SAME": (total // 2, total - total // 2),
      "VALID": (0, 0),
      "FULL": (total, total),
      "CAUSAL": (total, 0),
      "REVERSE_CAUSAL": (0, total),
  }[padding]


def correlate(x, w, stride, rate, pads, mode="constant"):
  """Cross-correlation (what deep learning calls convolution).

  Args:
    x: `[batch, spatial..., in_channels]`.
    w: `[kernel..., in_channels, out_channels]`.
    stride: one int per spatial dimension.
    rate: one int per spatial dimension.
    pads: one (before, after) pair per spatial dimension.
    mode: np.pad mode ("constant", "reflect", "symmetric").

  Returns:
    `[batch, out_spatial..., out_channels]`.
  """
  n = x.ndim - 2
  x = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)], mode=mode)
  kernel = w.shape[:n]
  out = [(x.shape[1 + d] - (kernel[d] - 1) * rate[d] - 1) // stride[d] + 1
         for d in range(n)]
  y = np.zeros([x.shape[0]] + out + [w.shape[-1]], np.float64)
  for offset in itertools.product(*[range(k) for k in kernel]):
    index = [slice(None)]
    for d in range(n):
      start = offset[d] * rate[d]
      index.append(slice(start, start + (out[d] - 1) * stride[d] + 1,
                         stride[d]))
    y += np.tensordot(x[tuple(index)], w[offset], axes=[[-1], [0]])
  return y


def depthwise(x, w, stride, rate, pads):
  """Depthwise correlation: `w` is `[kernel..., in_channels, multiplier]`.

  Output channel `c * multiplier + m` is input channel `c` correlated with
  `w[..., c, m]`.
  """
  n = x.ndim - 2
  in_channels, multiplier = w.shape[-2:]
  outputs = []
  for c in range(in_channels):
    kernel = w[..., c:c + 1, :].reshape(w.shape[:n] + (1, multiplier))
    outputs.append(correlate(x[..., c:c + 1], kernel, stride, rate, pads))
  return np.concatenate(outputs, axis=-1)


def transpose_scatter(x, w, stride, output_shape, padding):
  """Transposed convolution as a scatter: each input adds a scaled kernel.

  Args:
    x: `[batch, spatial..., in_channels]`.
    w: `[kernel..., out_channels, in_channels]` (TensorFlow's layout).
    stride: one int per spatial dimension.
    output_shape: the spatial output shape.
    padding: "SAME" or "VALID" (of the forward convolution).

  Returns:
    `[batch, output_shape..., out_channels]`.
  """
  n = x.ndim - 2
  kernel = w.shape[:n]
  if padding == "SAME":
    before = [tf_same_pads(output_shape[d], kernel[d], stride[d], 1)[0]
              for d in range(n)]
  else:
    before = [0] * n
  full = [(x.shape[1 + d] - 1) * stride[d] + kernel[d] for d in range(n)]
  full = [max(f, before[d] + output_shape[d]) for d, f in enumerate(full)]
  y = np.zeros([x.shape[0]] + full + [w.shape[-2]], np.float64)
  for position in itertools.product(*[range(s) for s in x.shape[1:-1]]):
    value = x[(slice(None),) + position]  # [batch, in_channels]
    contribution = np.einsum("bi,...oi->b...o", value, w)
    index = [slice(None)]
    for d in range(n):
      start = position[d] * stride[d]
      index.append(slice(start, start + kernel[d]))
    y[tuple(index)] += contribution
  index = [slice(None)] + [slice(before[d], before[d] + output_shape[d])
                           for d in range(n)]
  return y[tuple(index)]


def fan_in_stddev(fan_in):
  """The stddev of the default truncated normal, after truncation."""
  return 0.8796 / math.sqrt(fan_in)
