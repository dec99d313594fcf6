"""NumPy references that the tests compare Sonnet's modules against.

Written from the equations, with no TensorFlow, so that they share no code
(nor mistakes) with the modules under test. Inputs are batch-major and
channels-last; variable values come as dicts from names relative to a
module's scope (see `test_utils.TestCase.variable_values`).
"""

import itertools
import math

import numpy as np


def sigmoid(x):
  """The logistic function."""
  return 1. / (1. + np.exp(-x))


def softplus(x):
  """log(1 + exp(x))."""
  return np.log1p(np.exp(x))


def softmax(x, axis=-1):
  """The softmax over `axis`, shifted by the maximum for stability."""
  e = np.exp(x - x.max(axis=axis, keepdims=True))
  return e / e.sum(axis=axis, keepdims=True)


def moments(x, axes, bessel=False):
  """The mean and variance of `x` over `axes`, kept as size-1 dimensions.

  Args:
    x: an array.
    axes: the reduced dimensions (an int or a tuple).
    bessel: whether the variance is the unbiased (n - 1) one, as fused batch
      normalization kernels compute it.

  Returns:
    `(mean, variance)`.
  """
  mean = x.mean(axes, keepdims=True)
  variance = x.var(axes, keepdims=True)
  if bessel:
    n = x.size // mean.size
    variance = variance * n / (n - 1.)
  return mean, variance


def normalize(x, axes, eps, mean=None, variance=None):
  """`(x - mean) / sqrt(variance + eps)`, with x's moments unless given.

  Args:
    x: an array.
    axes: the dimensions x's own moments are taken over.
    eps: added to the variance.
    mean: None, or the mean to use (then `variance` too).
    variance: None, or the variance to use.

  Returns:
    The normalized array.
  """
  if mean is None:
    mean, variance = moments(x, axes)
  return (x - mean) / np.sqrt(variance + eps)


def layer_norm(x, gamma, beta, axes=-1, eps=1e-5):
  """Layer normalization over `axes`, then scale and offset."""
  return normalize(x, axes, eps) * gamma + beta


def log_normal(x, loc, scale):
  """The log density of a normal distribution at `x`."""
  return (-0.5 * ((x - loc) / scale)**2 - np.log(scale) -
          0.5 * np.log(2 * np.pi))


def normal_kl(loc, scale, other_loc, other_scale):
  """KL(N(loc, scale) || N(other_loc, other_scale)), elementwise."""
  return (np.log(other_scale / scale) + (scale**2 + (loc - other_loc)**2) /
          (2 * other_scale**2) - 0.5)


def vanilla_rnn_step(x, h, v, activation=np.tanh):
  """One step of Sonnet 1.36's VanillaRNN (its output is its new state).

  Args:
    x: the inputs `[B, I]`.
    h: the previous state `[B, H]`.
    v: the values of "in_to_hidden/w", "in_to_hidden/b",
      "hidden_to_hidden/w" and "hidden_to_hidden/b".
    activation: the elementwise nonlinearity.

  Returns:
    The new state `[B, H]`.
  """
  return activation(
      x.dot(v["in_to_hidden/w"]) + v["in_to_hidden/b"] +
      h.dot(v["hidden_to_hidden/w"]) + v["hidden_to_hidden/b"])


def lstm_step(x, h, c, v, forget_bias=1., peepholes=False, cell_clip=None,
              hidden_clip=None, projection=False, layer_norm_gates=False):
  """One step of Sonnet 1.36's LSTM.

  The previous state is clipped, the output peephole scales the new cell
  inside the tanh, and the new state is returned unclipped.

  Args:
    x: the inputs `[B, I]`.
    h: the previous hidden state `[B, H]` (or projection).
    c: the previous cell state `[B, H]`.
    v: the values of "w_gates", "b_gates" and, as configured, "w_f_diag",
      "w_i_diag", "w_o_diag", "w_h_projection", "layer_norm/gamma" and
      "layer_norm/beta".
    forget_bias: added to the forget gate.
    peepholes: whether the peephole connections are used.
    cell_clip: None, or the bound the previous cell is clipped to.
    hidden_clip: None, or the bound the previous hidden state is clipped to.
    projection: whether the output is projected by "w_h_projection".
    layer_norm_gates: whether the gates are layer-normalized before the bias.

  Returns:
    `(h', c')`.
  """
  if hidden_clip is not None:
    h = np.clip(h, -hidden_clip, hidden_clip)
  if cell_clip is not None:
    c = np.clip(c, -cell_clip, cell_clip)
  gates = np.concatenate([x, h], axis=1).dot(v["w_gates"])
  if layer_norm_gates:
    gates = layer_norm(gates, v["layer_norm/gamma"], v["layer_norm/beta"])
  gates = gates + v["b_gates"]
  i, j, f, o = np.split(gates, 4, axis=1)  # pylint: disable=unbalanced-tuple-unpacking
  if peepholes:
    f = f + v["w_f_diag"] * c
    i = i + v["w_i_diag"] * c
  c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)
  cell_output = c * (1. + v["w_o_diag"]) if peepholes else c
  h = np.tanh(cell_output) * sigmoid(o)
  if projection:
    h = h.dot(v["w_h_projection"])
  return h, c


def gru_step(x, h, v):
  """One step of Sonnet 1.36's GRU; `v` holds "wz", "uz", "bz", ... "bh"."""
  z = sigmoid(x.dot(v["wz"]) + h.dot(v["uz"]) + v["bz"])
  r = sigmoid(x.dot(v["wr"]) + h.dot(v["ur"]) + v["br"])
  candidate = np.tanh(x.dot(v["wh"]) + (r * h).dot(v["uh"]) + v["bh"])
  return (1 - z) * h + z * candidate


def resample(data, warp):
  """Bilinear sampling of `data` at the (x, y) points of `warp`.

  One point at a time; pixels outside the image count as zero.

  Args:
    data: `[batch, height, width, channels]`.
    warp: `[batch, ..., 2]`, the (x, y) coordinates of each point.

  Returns:
    `[batch, ..., channels]`.
  """
  batch, height, width, channels = data.shape
  points = warp.reshape(batch, -1, 2)
  out = np.zeros([batch, points.shape[1], channels], data.dtype)
  for b in range(batch):
    for p, (x, y) in enumerate(points[b]):
      x0, y0 = int(np.floor(x)), int(np.floor(y))
      for xi, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
        for yi, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
          if 0 <= xi < width and 0 <= yi < height:
            out[b, p] += wx * wy * data[b, yi, xi]
  return out.reshape(warp.shape[:-1] + (channels,))


# Convolutions, written loop-by-kernel-offset.


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
      "REVERSE_CAUSAL": (0, total),}[padding]


def conv_pads(paddings, spatial, kernel, stride, rate, tf_same=True):
  """The (before, after) padding of each dimension of a convolution.

  Args:
    paddings: one rule per dimension ("SAME", "VALID", "FULL", ...).
    spatial: the input size of each dimension.
    kernel: the kernel size of each dimension.
    stride: the stride of each dimension.
    rate: the dilation rate of each dimension.
    tf_same: whether "SAME" everywhere is TensorFlow's own (which depends on
      the input size and stride); otherwise every rule is `explicit_pads`'.

  Returns:
    A list of (before, after) pairs.
  """
  if tf_same and set(paddings) == {"SAME"}:
    return [
        tf_same_pads(s, k, st, r)
        for s, k, st, r in zip(spatial, kernel, stride, rate)]
  return [explicit_pads(p, k, r) for p, k, r in zip(paddings, kernel, rate)]


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


def conv(x, w, stride=1, rate=1, padding="VALID"):
  """`correlate` with one stride, rate and padding rule for all dimensions.

  Args:
    x: `[batch, spatial..., in_channels]`.
    w: `[kernel..., in_channels, out_channels]`.
    stride: the stride of every spatial dimension.
    rate: the dilation rate of every spatial dimension.
    padding: a rule of `explicit_pads` ("SAME" is TensorFlow's for stride 1).

  Returns:
    `[batch, out_spatial..., out_channels]`.
  """
  n = x.ndim - 2
  pads = [explicit_pads(padding, k, rate) for k in w.shape[:n]]
  return correlate(x, w, (stride,) * n, (rate,) * n, pads)


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
    before = [
        tf_same_pads(output_shape[d], kernel[d], stride[d], 1)[0]
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
  index = [slice(None)] + [
      slice(before[d], before[d] + output_shape[d]) for d in range(n)]
  return y[tuple(index)]


def fan_in_stddev(fan_in):
  """The stddev of the default truncated normal, after truncation."""
  return 0.8796 / math.sqrt(fan_in)
