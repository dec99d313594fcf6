"""`Freeness`: memory usage, freed by reads and filled by writes.

Usage `u[i]` in [0, 1] says how much row `i` is in use (Graves et al. 2016,
Methods, "Dynamic memory allocation"). With the free gates `f_r` of the read
heads and last step's read weightings `w^r_{t-1}` and write weighting
`w^w_{t-1}`:

    psi = prod_r (1 - f_r w^r_{t-1})                  (retention)
    u_t = (u_{t-1} + w^w_{t-1} - u_{t-1} w^w_{t-1}) psi

Allocation hands out the least used rows first: with `phi` the row indices
sorted by ascending usage,

    a[phi_j] = (1 - u[phi_j]) prod_{i<j} u[phi_i]

Several write heads (the paper has one) are handled one after another: head
`k` allocates from the usage left after heads `0..k-1` would have written
their (gated) allocations, so two heads do not pick the same free row. With
several write heads, `w^w_{t-1}` above is their union,
`1 - prod_k (1 - w^w_k)`.
"""

import sonnet as snt
import tensorflow as tf

# Usage is mapped to EPSILON + (1 - EPSILON) u before allocation, so that the
# cumulative product never multiplies by an exact zero: TensorFlow's
# gradient of cumprod divides by its inputs.
EPSILON = 1e-6


def update_usage(prev_usage, prev_write_weights, free_gate, prev_read_weights):
  """One step of the usage update.

  Args:
    prev_usage: `[batch_size, memory_size]`.
    prev_write_weights: `[batch_size, num_writes, memory_size]`.
    free_gate: `[batch_size, num_reads]`, in [0, 1].
    prev_read_weights: `[batch_size, num_reads, memory_size]`.

  Returns:
    The new usage, `[batch_size, memory_size]`.
  """
  written = 1 - tf.reduce_prod(1 - prev_write_weights, axis=1)
  usage = prev_usage + written - prev_usage * written
  retention = tf.reduce_prod(1 - free_gate[:, :, None] * prev_read_weights,
                             axis=1)
  return usage * retention


def allocation(usage):
  """Allocation weighting for one write from a usage vector.

  Rows of equal usage are taken in index order (the sort is stable).

  Args:
    usage: `[batch_size, memory_size]`, in [0, 1].

  Returns:
    `[batch_size, memory_size]`, summing to at most one.
  """
  usage = EPSILON + (1 - EPSILON) * usage
  memory_size = usage.get_shape()[-1]
  if memory_size is None:
    memory_size = tf.shape(usage)[-1]
  # top_k of -usage: ascending usage, lower index first among ties.
  _, order = tf.math.top_k(-usage, k=memory_size)
  sorted_usage = tf.gather(usage, order, batch_dims=1)
  used_before = tf.math.cumprod(sorted_usage, axis=1, exclusive=True)
  sorted_allocation = (1 - sorted_usage) * used_before
  unsort = tf.argsort(order, axis=1)
  return tf.gather(sorted_allocation, unsort, batch_dims=1)


def write_allocation_weights(usage, write_gates, num_writes):
  """Allocation weightings for several write heads, one after another.

  Args:
    usage: `[batch_size, memory_size]`.
    write_gates: `[batch_size, num_writes]`: how much each head will write
      by allocation (its write gate times its allocation gate).
    num_writes: number of write heads.

  Returns:
    `[batch_size, num_writes, memory_size]`.
  """
  weights = []
  for head in range(num_writes):
    head_allocation = allocation(usage)
    weights.append(head_allocation)
    usage += (1 - usage) * write_gates[:, head:head + 1] * head_allocation
  return tf.stack(weights, axis=1)


class Freeness(snt.RNNCore):
  """Tracks memory usage; its state is the usage `[batch_size, memory_size]`.

  Its input at each step is a tuple `(prev_write_weights, free_gate,
  prev_read_weights)` as for `update_usage`; its output is the new usage.
  `write_allocation_weights` turns a usage into allocation weightings. It
  has no variables.

  >>> freeness = Freeness(memory_size=3)
  >>> usage = tf.constant([[0.5, 0.1, 0.9]])
  >>> a = freeness.write_allocation_weights(usage, tf.ones([1, 1]), 1)
  >>> int(tf.argmax(a[0, 0]))
  1
  """

  def __init__(self, memory_size, name="freeness"):
    """Configures the module.

    Args:
      memory_size: number of memory rows.
      name: the module's name.

    Raises:
      ValueError: if `memory_size` is not positive.
    """
    super().__init__(name=name)
    if memory_size < 1:
      raise ValueError("memory_size must be positive, got %r." % memory_size)
    self._memory_size = memory_size

  def _build(self, inputs, prev_state):
    """Updates the usage.

    Args:
      inputs: `(prev_write_weights, free_gate, prev_read_weights)`, shaped
        `[batch_size, num_writes, memory_size]`, `[batch_size, num_reads]`
        and `[batch_size, num_reads, memory_size]`.
      prev_state: the previous usage, `[batch_size, memory_size]`.

    Returns:
      `(usage, usage)`: the new usage as output and as state.

    Raises:
      IncompatibleShapeError: if a weighting's last dimension is not
        `memory_size`, or the free gates and read weights disagree on the
        number of read heads.
    """
    prev_write_weights, free_gate, prev_read_weights = [
        tf.convert_to_tensor(x) for x in inputs]
    for name, value in (("prev_write_weights", prev_write_weights),
                        ("prev_read_weights", prev_read_weights)):
      shape = value.get_shape()
      if shape.ndims != 3 or shape[2] != self._memory_size:
        raise snt.IncompatibleShapeError(
            "%s: %s must have shape [batch_size, num_heads, %d], got %s." %
            (self.scope_name, name, self._memory_size, shape))
    if (free_gate.get_shape().ndims != 2 or
        free_gate.get_shape()[1] != prev_read_weights.get_shape()[1]):
      raise snt.IncompatibleShapeError(
          "%s: free_gate must have shape [batch_size, num_reads] with "
          "num_reads = %s as in prev_read_weights, got %s." %
          (self.scope_name, prev_read_weights.get_shape()[1],
           free_gate.get_shape()))
    usage = update_usage(prev_state, prev_write_weights, free_gate,
                         prev_read_weights)
    return usage, usage

  def write_allocation_weights(self, usage, write_gates, num_writes):
    """See the module-level `write_allocation_weights`."""
    return write_allocation_weights(usage, write_gates, num_writes)

  @property
  def state_size(self):
    return tf.TensorShape([self._memory_size])

  @property
  def output_size(self):
    return tf.TensorShape([self._memory_size])
