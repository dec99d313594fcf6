"""`MemoryAccess`: the DNC's write head(s) and read heads over one memory.

At each step the controller's output is parsed by `snt.Linear` layers into
the interface: write keys and strengths, erase and write vectors, free gates,
allocation and write gates, read keys and strengths, and read modes. Then,
in order (Graves et al. 2016, Methods):

1. usage is updated from last step's writes and the free gates (`Freeness`);
2. each write head's weighting mixes allocation and content addressing:
   `w = g_w (g_a a + (1 - g_a) c)`;
3. the memory is erased and written: `M = M * prod_k (1 - w_k e_k^T) +
   sum_k w_k v_k^T`;
4. the links record the write order (`TemporalLinkage`);
5. each read head mixes backward, content and forward weightings with its
   read modes (softmax over `2 * num_writes + 1` modes) and reads
   `r = M^T w^r`.
"""

import collections

import sonnet as snt
import tensorflow as tf

from examples.dnc import cosine_weights
from examples.dnc import freeness
from examples.dnc import temporal_linkage

AccessState = collections.namedtuple(
    "AccessState",
    ["memory", "read_weights", "write_weights", "linkage", "usage"])


def oneplus(x):
  """`1 + softplus(x)`: a strength of at least one."""
  return 1 + tf.nn.softplus(x)


def erase_and_write(memory, write_weights, erase_vectors, write_vectors):
  """Erases then adds, for every write head at once.

  Args:
    memory: `[batch_size, memory_size, word_size]`.
    write_weights: `[batch_size, num_writes, memory_size]`.
    erase_vectors: `[batch_size, num_writes, word_size]`, in [0, 1].
    write_vectors: `[batch_size, num_writes, word_size]`.

  Returns:
    The new memory, same shape.
  """
  # [B, K, N, W]: how much of each entry head k keeps.
  keep = 1 - write_weights[:, :, :, None] * erase_vectors[:, :, None, :]
  memory = memory * tf.reduce_prod(keep, axis=1)
  return memory + tf.matmul(write_weights, write_vectors, transpose_a=True)


class MemoryAccess(snt.RNNCore):
  """Reads from and writes to an external memory, driven by a controller.

  Input: the controller output `[batch_size, input_size]`. Output: the words
  read, `[batch_size, num_reads, word_size]`. State: an `AccessState`.

  Variables: the interface layers `write_vectors`, `erase_vectors`,
  `free_gate`, `allocation_gate`, `write_gate`, `read_mode`,
  `write_content`, `read_content` (each an `snt.Linear`, `w` and `b`).

  >>> access = MemoryAccess(memory_size=8, word_size=4, num_reads=2)
  >>> state = access.initial_state(3)
  >>> read, state = access(tf.ones([3, 10]), state)
  >>> read.shape.as_list()
  [3, 2, 4]
  """

  def __init__(self, memory_size=128, word_size=20, num_reads=1, num_writes=1,
               name="memory_access"):
    """Configures the memory and heads.

    Args:
      memory_size: number of memory rows.
      word_size: width of a row.
      num_reads: number of read heads.
      num_writes: number of write heads.
      name: the module's name.

    Raises:
      ValueError: if a size is not positive.
    """
    super().__init__(name=name)
    for arg, value in (("memory_size", memory_size), ("word_size", word_size),
                       ("num_reads", num_reads), ("num_writes", num_writes)):
      if value < 1:
        raise ValueError("%s must be positive, got %r." % (arg, value))
    self._memory_size = memory_size
    self._word_size = word_size
    self._num_reads = num_reads
    self._num_writes = num_writes
    with self._enter_variable_scope():
      self._write_content = cosine_weights.CosineWeights(
          num_writes, word_size, strength_op=oneplus,
          name="write_content_weights")
      self._read_content = cosine_weights.CosineWeights(
          num_reads, word_size, strength_op=oneplus,
          name="read_content_weights")
      self._linkage = temporal_linkage.TemporalLinkage(memory_size, num_writes)
      self._freeness = freeness.Freeness(memory_size)
      self._layers = {}
      sizes = [
          ("write_vectors", num_writes * word_size),
          ("erase_vectors", num_writes * word_size),
          ("free_gate", num_reads),
          ("allocation_gate", num_writes),
          ("write_gate", num_writes),
          ("read_mode", num_reads * (1 + 2 * num_writes)),
          ("write_content", self._write_content.param_size()),
          ("read_content", self._read_content.param_size()),]
      for layer_name, size in sizes:
        self._layers[layer_name] = snt.Linear(size, name=layer_name)

  def _interface(self, inputs):
    """Parses the controller output into the named interface tensors."""
    out = {name: layer(inputs) for name, layer in self._layers.items()}
    batch_words = [-1, self._num_writes, self._word_size]
    modes = tf.reshape(out["read_mode"],
                       [-1, self._num_reads, 1 + 2 * self._num_writes])
    return {
        "write_vectors": tf.reshape(out["write_vectors"], batch_words),
        "erase_vectors": tf.sigmoid(
            tf.reshape(out["erase_vectors"], batch_words)),
        "free_gate": tf.sigmoid(out["free_gate"]),
        "allocation_gate": tf.sigmoid(out["allocation_gate"]),
        "write_gate": tf.sigmoid(out["write_gate"]),
        "read_mode": tf.nn.softmax(modes, axis=-1),
        "write_content": out["write_content"],
        "read_content": out["read_content"],}

  def _build(self, inputs, prev_state):
    """One step of writing then reading.

    Args:
      inputs: the controller output, `[batch_size, input_size]`.
      prev_state: an `AccessState`.

    Returns:
      `(read_words, state)`: `[batch_size, num_reads, word_size]` and the new
      `AccessState`.

    Raises:
      IncompatibleShapeError: if `inputs` is not rank 2.
      UnderspecifiedError: if the input size is unknown.
    """
    inputs = tf.convert_to_tensor(inputs)
    shape = inputs.get_shape()
    if shape.ndims != 2:
      raise snt.IncompatibleShapeError(
          "%s: inputs must have shape [batch_size, input_size], got %s." %
          (self.scope_name, shape))
    if shape[1] is None:
      raise snt.UnderspecifiedError(
          "%s: the input size must be known, got shape %s." %
          (self.scope_name, shape))
    interface = self._interface(inputs)

    usage, _ = self._freeness((prev_state.write_weights, interface["free_gate"],
                               prev_state.read_weights), prev_state.usage)

    write_gate = interface["write_gate"][:, :, None]
    allocation_gate = interface["allocation_gate"][:, :, None]
    content = self._write_content(prev_state.memory, interface["write_content"])
    allocation = self._freeness.write_allocation_weights(
        usage, interface["write_gate"] * interface["allocation_gate"],
        self._num_writes)
    write_weights = write_gate * (allocation_gate * allocation +
                                  (1 - allocation_gate) * content)

    memory = erase_and_write(prev_state.memory, write_weights,
                             interface["erase_vectors"],
                             interface["write_vectors"])

    linkage, _ = self._linkage(write_weights, prev_state.linkage)

    read_weights = self._read_weights(interface, memory, linkage.link,
                                      prev_state.read_weights)
    read_words = tf.matmul(read_weights, memory)
    return read_words, AccessState(memory=memory, read_weights=read_weights,
                                   write_weights=write_weights, linkage=linkage,
                                   usage=usage)

  def _read_weights(self, interface, memory, link, prev_read_weights):
    """Mixes backward, content and forward weightings by the read modes."""
    content = self._read_content(memory, interface["read_content"])
    forward = self._linkage.directional_read_weights(link, prev_read_weights,
                                                     forward=True)
    backward = self._linkage.directional_read_weights(link, prev_read_weights,
                                                      forward=False)
    modes = interface["read_mode"]  # [B, R, backward K | forward K | content]
    k = self._num_writes
    backward_mode = modes[:, :, :k, None]
    forward_mode = modes[:, :, k:2 * k, None]
    content_mode = modes[:, :, 2 * k:, None][:, :, 0]
    return (content_mode * content +
            tf.reduce_sum(backward_mode * backward, axis=2) +
            tf.reduce_sum(forward_mode * forward, axis=2))

  @property
  def state_size(self):
    return AccessState(
        memory=tf.TensorShape([self._memory_size, self._word_size]),
        read_weights=tf.TensorShape([self._num_reads, self._memory_size]),
        write_weights=tf.TensorShape([self._num_writes, self._memory_size]),
        linkage=self._linkage.state_size, usage=self._freeness.state_size)

  @property
  def output_size(self):
    return tf.TensorShape([self._num_reads, self._word_size])
