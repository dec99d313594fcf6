"""Tests of `Freeness` (usage, retention, allocation) against NumPy."""

from absl.testing import parameterized
import numpy as np
import tensorflow as tf

from examples.dnc import dnc_test_utils
from examples.dnc import freeness
from sonnet.src.core import errors
from sonnet.src import test_utils


def np_usage(usage, write, free_gate, read):
  """NumPy reference of `Freeness._usage`: the usage after one step."""
  batch, n = usage.shape
  new = np.zeros_like(usage)
  for b in range(batch):
    for i in range(n):
      u = usage[b, i]
      for h in range(write.shape[1]):
        u = u + write[b, h, i] - u * write[b, h, i]
      psi = 1.0
      for r in range(read.shape[1]):
        psi *= 1 - free_gate[b, r] * read[b, r, i]
      new[b, i] = u * psi
  return new


class FreenessTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_allocation_matches_numpy(self):
    rng = np.random.RandomState(0)
    usage = rng.rand(3, 7).astype(np.float32)
    usage[0, 2] = 0.0  # Fully free row.
    usage[1, 1] = 1.0  # Fully used row.
    got = self.evaluate(freeness.allocation(tf.constant(usage)))
    self.assertAllClose(got, dnc_test_utils.allocation(usage), atol=1e-6)
    self.assertTrue(np.all(got.sum(-1) <= 1 + 1e-6))

  @test_utils.in_all_modes
  def test_allocation_by_hand_with_ties(self):
    # Sorted: row 3 (0.0), then the tie rows 0 and 2 (0.5) in index order,
    # then row 1 (1.0).
    usage = np.array([[0.5, 1.0, 0.5, 0.0]], np.float32)
    got = self.evaluate(freeness.allocation(tf.constant(usage)))
    eps = freeness.EPSILON
    u = eps + (1 - eps) * usage[0]
    expected = np.zeros(4)
    expected[3] = 1 - u[3]
    expected[0] = (1 - u[0]) * u[3]
    expected[2] = (1 - u[2]) * u[3] * u[0]
    expected[1] = (1 - u[1]) * u[3] * u[0] * u[2]
    self.assertAllClose(got[0], expected, atol=1e-7)
    self.assertGreater(got[0, 3], 0.999)
    self.assertAllClose(got, dnc_test_utils.allocation(usage), atol=1e-7)

  @test_utils.in_all_modes
  def test_allocation_ties_go_in_index_order(self):
    usage = np.array([[0.3, 0.3, 0.3]], np.float32)
    got = self.evaluate(freeness.allocation(tf.constant(usage)))
    self.assertAllClose(got, dnc_test_utils.allocation(usage), atol=1e-7)
    self.assertGreater(got[0, 0], got[0, 1])
    self.assertGreater(got[0, 1], got[0, 2])

  @parameterized.parameters(1, 3)
  @test_utils.in_all_modes
  def test_write_allocation_weights_sequential(self, num_writes):
    rng = np.random.RandomState(num_writes)
    usage = rng.rand(2, 6).astype(np.float32)
    gates = rng.rand(2, num_writes).astype(np.float32)
    got = self.evaluate(
        freeness.write_allocation_weights(tf.constant(usage),
                                          tf.constant(gates), num_writes))
    u = usage.copy()
    for h in range(num_writes):
      a = dnc_test_utils.allocation(u)
      self.assertAllClose(got[:, h], a, atol=1e-6)
      u = u + (1 - u) * gates[:, h:h + 1] * a

  @test_utils.in_all_modes
  def test_two_heads_with_full_gates_pick_different_rows(self):
    usage = np.array([[0.9, 0.0, 0.0, 0.8]], np.float32)
    got = self.evaluate(
        freeness.write_allocation_weights(tf.constant(usage), tf.ones([1, 2]),
                                          2))
    self.assertEqual(np.argmax(got[0, 0]), 1)
    self.assertEqual(np.argmax(got[0, 1]), 2)

  @parameterized.parameters((1, 1), (2, 3))
  @test_utils.in_all_modes
  def test_usage_and_retention_match_numpy(self, num_writes, num_reads):
    rng = np.random.RandomState(7)
    batch, n = 2, 5
    module = freeness.Freeness(n)
    usage = module.initial_state(batch)
    self.assertEqual(usage.shape.as_list(), [batch, n])
    expected = np.zeros([batch, n], np.float32)
    for _ in range(3):
      write = rng.dirichlet(np.ones(n), [batch, num_writes]).astype(np.float32)
      read = rng.dirichlet(np.ones(n), [batch, num_reads]).astype(np.float32)
      free = rng.rand(batch, num_reads).astype(np.float32)
      output, usage = module((write, free, read), usage)
      expected = np_usage(expected, write, free, read)
      got_output, got = self.evaluate([output, usage])
      self.assertAllClose(got, expected, atol=1e-6)
      self.assertAllClose(got_output, got)
    self.assertEmpty(module.get_variables())

  @test_utils.in_all_modes
  def test_free_gate_releases_read_rows(self):
    module = freeness.Freeness(3)
    usage = tf.constant([[1.0, 1.0, 0.5]])
    read = tf.constant([[[0.0, 1.0, 0.0]]])
    usage, _ = module((tf.zeros([1, 1, 3]), tf.ones([1, 1]), read), usage)
    self.assertAllClose(self.evaluate(usage), [[1.0, 0.0, 0.5]])

  @test_utils.in_all_modes
  def test_allocation_gradient_is_finite_at_zero_usage(self):
    usage = tf.zeros([2, 4])
    grad = self.evaluate(
        test_utils.gradients(
            lambda: tf.reduce_sum(
                freeness.allocation(usage) * [1., 2., 3., 4.]), usage))
    self.assertTrue(np.all(np.isfinite(grad)))
    self.assertGreater(np.abs(grad).sum(), 0)

  @test_utils.in_all_modes
  def test_shape_errors(self):
    module = freeness.Freeness(3, name="free")
    with self.assertRaisesRegex(
        errors.IncompatibleShapeError,
        r"^free: prev_write_weights must have shape "
        r"\[batch_size, num_heads, 3\]"):
      module((tf.zeros([1, 1, 4]), tf.zeros([1, 1]), tf.zeros([1, 1, 3])),
             tf.zeros([1, 3]))
    with self.assertRaisesRegex(errors.IncompatibleShapeError,
                                r"^free: free_gate must have shape"):
      module((tf.zeros([1, 1, 3]), tf.zeros([1, 2]), tf.zeros([1, 1, 3])),
             tf.zeros([1, 3]))

  def test_constructor_error(self):
    with self.assertRaisesRegex(ValueError, "must be positive"):
      freeness.Freeness(0)


if __name__ == "__main__":
  test_utils.main()
