"""`TemporalLinkage`: remembers the order in which memory rows were written.

For each write head, a link matrix `L[i, j]` says how much row `i` was
written right after row `j`, and the precedence weighting `p[j]` how much
row `j` was the last one written (Graves et al. 2016, Methods, "Temporal
memory linkage"). After a write with weighting `w`:

    L_t[i, j] = (1 - w[i] - w[j]) L_{t-1}[i, j] + w[i] p_{t-1}[j]   (i != j)
    L_t[i, i] = 0
    p_t = (1 - sum_i w[i]) p_{t-1} + w

A read head at weighting `r` then moves forward in write order with
`f = L r` and backward with `b = L^T r`.
"""

import collections

import sonnet as snt
import tensorflow as tf

TemporalLinkageState = collections.namedtuple("TemporalLinkageState",
                                              ["link", "precedence_weights"])


def update_link(prev_link, prev_precedence_weights, write_weights):
  """One step of the link matrix update.

  Args:
    prev_link: `[batch_size, num_writes, memory_size, memory_size]`.
    prev_precedence_weights: `[batch_size, num_writes, memory_size]`.
    write_weights: `[batch_size, num_writes, memory_size]`.

  Returns:
    The new link matrices, same shape as `prev_link`, with zero diagonals.
  """
  w_i = write_weights[:, :, :, None]
  w_j = write_weights[:, :, None, :]
  link = ((1 - w_i - w_j) * prev_link +
          w_i * prev_precedence_weights[:, :, None, :])
  return tf.linalg.set_diag(link, tf.zeros_like(write_weights))


def update_precedence_weights(prev_precedence_weights, write_weights):
  """`p_t = (1 - sum(w)) p_{t-1} + w`, per write head.

  Args:
    prev_precedence_weights: `[batch_size, num_writes, memory_size]`.
    write_weights: `[batch_size, num_writes, memory_size]`.

  Returns:
    The new precedence weights, same shape.
  """
  written = tf.reduce_sum(write_weights, axis=2, keepdims=True)
  return (1 - written) * prev_precedence_weights + write_weights


def directional_read_weights(link, prev_read_weights, forward):
  """Moves read weightings one write forward or backward along the links.

  Args:
    link: `[batch_size, num_writes, memory_size, memory_size]`.
    prev_read_weights: `[batch_size, num_reads, memory_size]`.
    forward: True for `L r` (rows written after), False for `L^T r`.

  Returns:
    `[batch_size, num_reads, num_writes, memory_size]`.
  """
  if forward:
    return tf.einsum("bhij,brj->brhi", link, prev_read_weights)
  return tf.einsum("bhij,bri->brhj", link, prev_read_weights)


class TemporalLinkage(snt.RNNCore):
  """The link matrices and precedence weights of `num_writes` write heads.

  Its input at each step is the write weighting of every write head,
  `[batch_size, num_writes, memory_size]`; its state (and its output) is a
  `TemporalLinkageState` of the link matrices and precedence weights. It
  has no variables.

  >>> linkage = TemporalLinkage(memory_size=4, num_writes=1)
  >>> state = linkage.initial_state(2)
  >>> _, state = linkage(tf.one_hot([[0], [1]], 4), state)
  >>> state.link.shape.as_list()
  [2, 1, 4, 4]
  """

  def __init__(self, memory_size, num_writes, name="temporal_linkage"):
    """Configures the linkage.

    Args:
      memory_size: number of memory rows.
      num_writes: number of write heads (one link matrix each).
      name: the module's name.

    Raises:
      ValueError: if a size is not positive.
    """
    super().__init__(name=name)
    if memory_size < 1 or num_writes < 1:
      raise ValueError("memory_size and num_writes must be positive, got %r "
                       "and %r." % (memory_size, num_writes))
    self._memory_size = memory_size
    self._num_writes = num_writes

  def _build(self, write_weights, prev_state):
    """Updates the links with this step's writes.

    Args:
      write_weights: `[batch_size, num_writes, memory_size]`.
      prev_state: a `TemporalLinkageState`.

    Returns:
      `(state, state)`: the new `TemporalLinkageState`, as output and state.

    Raises:
      IncompatibleShapeError: if `write_weights` is not
        `[batch_size, num_writes, memory_size]`.
    """
    write_weights = tf.convert_to_tensor(write_weights)
    expected = [self._num_writes, self._memory_size]
    shape = write_weights.get_shape()
    if shape.ndims != 3 or shape[1:].as_list() != expected:
      raise snt.IncompatibleShapeError(
          "%s: write_weights must have shape [batch_size, %d, %d] "
          "(num_writes, memory_size), got %s." %
          (self.scope_name, expected[0], expected[1], shape))
    link = update_link(prev_state.link, prev_state.precedence_weights,
                       write_weights)
    precedence = update_precedence_weights(prev_state.precedence_weights,
                                           write_weights)
    state = TemporalLinkageState(link=link, precedence_weights=precedence)
    return state, state

  def directional_read_weights(self, link, prev_read_weights, forward):
    """See the module-level `directional_read_weights`."""
    return directional_read_weights(link, prev_read_weights, forward)

  @property
  def state_size(self):
    return TemporalLinkageState(
        link=tf.TensorShape([
            self._num_writes, self._memory_size, self._memory_size]),
        precedence_weights=tf.TensorShape([self._num_writes,
                                           self._memory_size]))

  @property
  def output_size(self):
    return self.state_size
