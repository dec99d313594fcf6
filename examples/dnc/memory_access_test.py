"""Tests of `MemoryAccess`: a whole step against a NumPy reference."""

from absl.testing import parameterized
import numpy as np
import tensorflow as tf

from examples.dnc import dnc_test_utils
from examples.dnc import memory_access
from examples.dnc import temporal_linkage
from sonnet.src import numpy_reference as refs
from sonnet.src.core import errors
from sonnet.src import test_utils

LAYERS = ("write_vectors", "erase_vectors", "free_gate", "allocation_gate",
          "write_gate", "read_mode", "write_content", "read_content")


def np_content(memory, params, heads, word):
  """Content weights from an interface layer's keys and raw strengths."""
  return dnc_test_utils.cosine_weights(
      memory, params[:, :heads * word].reshape(-1, heads, word),
      params[:, heads * word:], lambda s: 1 + refs.softplus(s))


def np_step(params, state, num_reads, num_writes, word):
  """The whole access step in NumPy, from the interface layers' values."""
  memory, read_w, write_w, (link, precedence), usage = state
  batch, n, _ = memory.shape
  p = {k: v for k, v in params.items()}
  write_vectors = p["write_vectors"].reshape(batch, num_writes, word)
  erase = refs.sigmoid(p["erase_vectors"].reshape(batch, num_writes, word))
  free_gate = refs.sigmoid(p["free_gate"])
  alloc_gate = refs.sigmoid(p["allocation_gate"])
  write_gate = refs.sigmoid(p["write_gate"])
  modes = refs.softmax(p["read_mode"].reshape(batch, num_reads,
                                              1 + 2 * num_writes))
  # Usage.
  for h in range(num_writes):
    usage = usage + write_w[:, h] - usage * write_w[:, h]
  for r in range(num_reads):
    usage = usage * (1 - free_gate[:, r:r + 1] * read_w[:, r])
  # Write weights.
  content = np_content(memory, p["write_content"], num_writes, word)
  u = usage.copy()
  new_write = np.zeros([batch, num_writes, n])
  for h in range(num_writes):
    a = dnc_test_utils.allocation(u)
    u = u + (1 - u) * (write_gate[:, h] * alloc_gate[:, h])[:, None] * a
    new_write[:, h] = write_gate[:, h:h + 1] * (
        alloc_gate[:, h:h + 1] * a +
        (1 - alloc_gate[:, h:h + 1]) * content[:, h])
  # Memory.
  for h in range(num_writes):
    memory = memory * (1 -
                       np.einsum("bn,bw->bnw", new_write[:, h], erase[:, h]))
  for h in range(num_writes):
    memory = memory + np.einsum("bn,bw->bnw", new_write[:, h], write_vectors[:,
                                                                             h])
  # Links.
  w_i, w_j = new_write[:, :, :, None], new_write[:, :, None, :]
  link = (1 - w_i - w_j) * link + w_i * precedence[:, :, None, :]
  link = link * (1 - np.eye(n))
  precedence = ((1 - new_write.sum(-1, keepdims=True)) * precedence + new_write)
  # Reads.
  content = np_content(memory, p["read_content"], num_reads, word)
  new_read = modes[:, :, 2 * num_writes, None] * content
  for h in range(num_writes):
    forward = np.einsum("bij,brj->bri", link[:, h], read_w)
    backward = np.einsum("bij,bri->brj", link[:, h], read_w)
    new_read += modes[:, :, h, None] * backward
    new_read += modes[:, :, num_writes + h, None] * forward
  words = np.einsum("brn,bnw->brw", new_read, memory)
  return words, (memory, new_read, new_write, (link, precedence), usage)


class MemoryAccessTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((1, 1), (2, 3))
  @test_utils.in_all_modes
  def test_steps_match_numpy(self, num_writes, num_reads):
    batch, n, word, steps = 2, 5, 3, 3
    rng = np.random.RandomState(num_writes * 10 + num_reads)
    access = memory_access.MemoryAccess(n, word, num_reads, num_writes)
    inputs = [rng.randn(batch, 4).astype(np.float32) for _ in range(steps)]

    # Start from a random state: from zeros, many rows tie in usage and
    # float32 and float64 may sort them differently.
    def dirichlet(*shape):
      return rng.dirichlet(np.ones(n), shape).astype(np.float32)

    link = dirichlet(batch, num_writes, n) * (1 - np.eye(n, dtype=np.float32))
    np_state = (rng.randn(batch, n,
                          word).astype(np.float32), dirichlet(batch, num_reads),
                dirichlet(batch,
                          num_writes), (link, dirichlet(batch, num_writes)),
                rng.rand(batch, n).astype(np.float32))
    state = tf.nest.map_structure(
        tf.constant,
        memory_access.AccessState(
            np_state[0], np_state[1], np_state[2],
            temporal_linkage.TemporalLinkageState(*np_state[3]), np_state[4]))
    outputs = []
    for x in inputs:
      words, state = access(tf.constant(x), state)
      outputs.append((words, state))
    self.init()
    outputs = self.evaluate(outputs)
    variables = {
        v.name.split("/")[-2] + "/" + v.name.split("/")[-1][0]: v
        for v in access.get_variables()}
    values = self.evaluate(variables)
    for x, (words, got) in zip(inputs, outputs):
      params = {k: x.dot(values[k + "/w"]) + values[k + "/b"] for k in LAYERS}
      np_words, np_state = np_step(params, np_state, num_reads, num_writes,
                                   word)
      self.assertAllClose(words, np_words, atol=1e-5)
      self.assertAllClose(got.memory, np_state[0], atol=1e-5)
      self.assertAllClose(got.read_weights, np_state[1], atol=1e-5)
      self.assertAllClose(got.write_weights, np_state[2], atol=1e-5)
      self.assertAllClose(got.linkage.link, np_state[3][0], atol=1e-5)
      self.assertAllClose(got.usage, np_state[4], atol=1e-5)

  @test_utils.in_all_modes
  def test_erase_and_write_matches_numpy(self):
    rng = np.random.RandomState(0)
    memory = rng.randn(2, 4, 3).astype(np.float32)
    w = rng.rand(2, 2, 4).astype(np.float32)
    e = rng.rand(2, 2, 3).astype(np.float32)
    v = rng.randn(2, 2, 3).astype(np.float32)
    got = self.evaluate(memory_access.erase_and_write(memory, w, e, v))
    expected = memory.copy()
    for b in range(2):
      keep = np.ones([4, 3])
      for h in range(2):
        keep *= 1 - np.outer(w[b, h], e[b, h])
      expected[b] = memory[b] * keep + sum(
          np.outer(w[b, h], v[b, h]) for h in range(2))
    self.assertAllClose(got, expected, atol=1e-6)

  @test_utils.in_all_modes
  def test_variables_and_sharing(self):
    access = memory_access.MemoryAccess(6, 4, num_reads=2, num_writes=1)
    state = access.initial_state(3)
    _, state = access(tf.ones([3, 7]), state)
    expected = {
        "memory_access/write_vectors/w": [7, 4],
        "memory_access/erase_vectors/w": [7, 4],
        "memory_access/free_gate/w": [7, 2],
        "memory_access/allocation_gate/w": [7, 1],
        "memory_access/write_gate/w": [7, 1],
        "memory_access/read_mode/w": [7, 6],
        "memory_access/write_content/w": [7, 5],
        "memory_access/read_content/w": [7, 10],}
    expected.update({k[:-1] + "b": v[1:] for k, v in expected.items()})
    self.assertVariableShapes(access.get_variables(), expected)
    access(tf.ones([3, 7]), state)
    self.assertLen(access.get_variables(), 16)
    self.assertEqual(access.output_size.as_list(), [2, 4])
    self.assertIsInstance(access.state_size.linkage,
                          temporal_linkage.TemporalLinkageState)

  @test_utils.in_all_modes
  def test_input_error(self):
    access = memory_access.MemoryAccess(6, 4, name="mem")
    with self.assertRaisesRegex(errors.IncompatibleShapeError,
                                r"^mem: inputs must have shape"):
      access(tf.ones([3, 2, 7]), access.initial_state(3))
    self.assertFalse(access.is_connected)

  def test_constructor_error(self):
    with self.assertRaisesRegex(ValueError, "num_reads must be positive"):
      memory_access.MemoryAccess(num_reads=0)


if __name__ == "__main__":
  test_utils.main()
