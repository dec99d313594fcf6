"""Tests of `TemporalLinkage` against a NumPy reference."""

from absl.testing import parameterized
import numpy as np
import tensorflow as tf

from examples.dnc import temporal_linkage
from sonnet.src.core import errors
from sonnet.src import test_utils


def np_linkage_step(link, precedence, write):
  """One step of the equations, looping over every (i, j)."""
  batch, heads, n = write.shape
  new_link = np.zeros_like(link)
  for b in range(batch):
    for h in range(heads):
      w = write[b, h]
      for i in range(n):
        for j in range(n):
          if i != j:
            new_link[b, h, i, j] = ((1 - w[i] - w[j]) * link[b, h, i, j] +
                                    w[i] * precedence[b, h, j])
  new_precedence = ((1 - write.sum(-1, keepdims=True)) * precedence + write)
  return new_link, new_precedence


def random_write_weights(rng, batch, heads, n):
  """Weightings that sum to at most one (some with a zero "no write" mass)."""
  logits = rng.randn(batch, heads, n + 1) * 2
  e = np.exp(logits)
  return (e / e.sum(-1, keepdims=True))[..., :n].astype(np.float32)


class TemporalLinkageTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(1, 2)
  @test_utils.in_all_modes
  def test_several_steps_match_numpy(self, num_writes):
    rng = np.random.RandomState(num_writes)
    batch, n, steps = 2, 5, 4
    module = temporal_linkage.TemporalLinkage(n, num_writes)
    state = module.initial_state(batch)
    writes = [
        random_write_weights(rng, batch, num_writes, n) for _ in range(steps)]
    states = []
    for w in writes:
      _, state = module(tf.constant(w), state)
      states.append(state)
    states = self.evaluate(states)
    link = np.zeros([batch, num_writes, n, n], np.float32)
    precedence = np.zeros([batch, num_writes, n], np.float32)
    for w, got in zip(writes, states):
      link, precedence = np_linkage_step(link, precedence, w)
      self.assertAllClose(got.link, link, atol=1e-6)
      self.assertAllClose(got.precedence_weights, precedence, atol=1e-6)
      self.assertAllClose(np.diagonal(got.link, axis1=2, axis2=3),
                          np.zeros([batch, num_writes, n]))

  @test_utils.in_all_modes
  def test_one_hot_writes_chain_forward_and_backward(self):
    # Write rows 2, 0, 3 in that order: then forward from 2 is 0, from 0 is 3,
    # and backward from 3 is 0.
    n = 4
    module = temporal_linkage.TemporalLinkage(n, 1)
    state = module.initial_state(1)
    for row in (2, 0, 3):
      _, state = module(tf.one_hot([[row]], n), state)
    reads = tf.one_hot([[2, 0, 3]], n)  # Three read heads.
    forward = module.directional_read_weights(state.link, reads, True)
    backward = module.directional_read_weights(state.link, reads, False)
    forward, backward = self.evaluate([forward, backward])
    self.assertAllClose(forward[0, :, 0],
                        np.eye(n)[[0, 3, 3]] * [[1], [1], [0]])
    self.assertAllClose(backward[0, :, 0],
                        np.eye(n)[[2, 2, 0]] * [[0], [1], [1]])

  @test_utils.in_all_modes
  def test_directional_read_weights_match_numpy(self):
    rng = np.random.RandomState(3)
    link = rng.rand(2, 2, 4, 4).astype(np.float32)
    reads = rng.rand(2, 3, 4).astype(np.float32)
    forward, backward = self.evaluate([
        temporal_linkage.directional_read_weights(link, reads, True),
        temporal_linkage.directional_read_weights(link, reads, False)])
    for b in range(2):
      for r in range(3):
        for h in range(2):
          self.assertAllClose(forward[b, r, h], link[b, h].dot(reads[b, r]))
          self.assertAllClose(backward[b, r, h], link[b, h].T.dot(reads[b, r]))

  @test_utils.in_all_modes
  def test_sizes_and_no_variables(self):
    module = temporal_linkage.TemporalLinkage(6, 2)
    self.assertEqual(module.state_size.link.as_list(), [2, 6, 6])
    self.assertEqual(module.state_size.precedence_weights.as_list(), [2, 6])
    module(tf.zeros([3, 2, 6]), module.initial_state(3))
    self.assertEmpty(module.get_variables())

  @test_utils.in_all_modes
  def test_shape_error(self):
    module = temporal_linkage.TemporalLinkage(6, 2, name="link")
    with self.assertRaisesRegex(
        errors.IncompatibleShapeError,
        r"^link: write_weights must have shape \[batch_size, 2, 6\]"):
      module(tf.zeros([3, 1, 6]), module.initial_state(3))

  def test_constructor_error(self):
    with self.assertRaisesRegex(ValueError, "must be positive"):
      temporal_linkage.TemporalLinkage(0, 1)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    module = temporal_linkage.TemporalLinkage(4, 1)
    state = module.initial_state(2)
    w = random_write_weights(np.random.RandomState(0), 2, 1, 4)
    eager = module(w, state)[1]
    compiled = tf.function(module)(w, state)[1]
    self.assertAllClose(eager.link, compiled.link)


if __name__ == "__main__":
  test_utils.main()
