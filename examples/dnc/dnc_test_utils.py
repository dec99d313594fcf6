"""NumPy references of the DNC's addressing, shared by its tests.

Written from the paper's equations with loops, sharing no code with the
modules under test.
"""

import numpy as np

from examples.dnc import freeness
from sonnet.src import numpy_reference as refs


def cosine_weights(memory, keys, raw_strengths, strength_op=refs.softplus):
  """Content weights: a softmax over rows of strength times cosine similarity.

  Args:
    memory: `[batch, rows, word]`.
    keys: `[batch, heads, word]`.
    raw_strengths: `[batch, heads]`, passed through `strength_op`.
    strength_op: the function that makes the strengths.

  Returns:
    `[batch, heads, rows]`.
  """
  batch, heads, _ = keys.shape
  rows = memory.shape[1]
  out = np.zeros([batch, heads, rows])
  for b in range(batch):
    for h in range(heads):
      k = keys[b, h]
      logits = np.zeros(rows)
      for i in range(rows):
        m = memory[b, i]
        cos = k.dot(m) / (np.linalg.norm(k) * np.linalg.norm(m) + 1e-6)
        logits[i] = strength_op(raw_strengths[b, h]) * cos
      out[b, h] = refs.softmax(logits)
  return out


def allocation(usage):
  """a[phi_j] = (1 - u[phi_j]) prod_{i<j} u[phi_i], one batch row at a time.

  Args:
    usage: `[batch, rows]`, each in [0, 1].

  Returns:
    `[batch, rows]`.
  """
  usage = freeness.EPSILON + (1 - freeness.EPSILON) * usage
  out = np.zeros_like(usage)
  for b in range(usage.shape[0]):
    product = 1.0
    for j in np.argsort(usage[b], kind="stable"):
      out[b, j] = (1 - usage[b, j]) * product
      product *= usage[b, j]
  return out
