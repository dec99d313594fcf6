"""NumPy references for the transformer tests (test-only)."""

import numpy as np


def np_sinusoid(positions, size):
  inverse = 1. / 10000. ** (np.arange(0, size, 2) / size)
  angles = np.asarray(positions, np.float64)[:, None] * inverse[None, :]
  return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)


def np_softmax(x):
  x = x - x.max(axis=-1, keepdims=True)
  e = np.exp(x)
  return e / e.sum(axis=-1, keepdims=True)


def np_attention(x, memory, p, heads, key_size, value_size, causal=True,
                 relative=False, clamp=0, same_length=False):
  """Multi-head attention written out with loops over heads and positions."""
  batch, chunk, width = x.shape
  mem_len = 0 if memory is None else memory.shape[1]
  kv = x if memory is None else np.concatenate([memory, x], axis=1)
  total = mem_len + chunk
  q = (x @ p["query/w"]).reshape(batch, chunk, heads, key_size)
  k = (kv @ p["key/w"]).reshape(batch, total, heads, key_size)
  v = (kv @ p["value/w"]).reshape(batch, total, heads, value_size)
  reads = np.zeros([batch, chunk, heads, value_size])
  for h in range(heads):
    logits = np.zeros([batch, chunk, total])
    for i in range(chunk):
      for j in range(total):
        if relative:
          d = mem_len + i - j
          if clamp:
            d = min(max(d, -clamp), clamp)
          emb = np_sinusoid([d], width + width % 2)[0]
          r = (emb @ p["relative_position/w"]).reshape(heads, key_size)[h]
          logit = ((q[:, i, h] + p["content_bias"][h]) * k[:, j, h]).sum(-1)
          logit += ((q[:, i, h] + p["position_bias"][h]) * r).sum(-1)
        else:
          logit = (q[:, i, h] * k[:, j, h]).sum(-1)
        hidden = ((causal and j > mem_len + i) or
                  (same_length and j < min(i, mem_len)))
        logits[:, i, j] = -np.inf if hidden else logit / np.sqrt(key_size)
    weights = np_softmax(logits)
    reads[:, :, h] = np.einsum("bij,bjv->biv", weights, v[:, :, h])
  return reads.reshape(batch, chunk, heads * value_size) @ p["output/w"]
