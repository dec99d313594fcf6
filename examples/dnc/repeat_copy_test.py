"""Tests of the repeat-copy task and its masked loss."""

import numpy as np
import tensorflow as tf

from examples.dnc import repeat_copy
from sonnet.src import test_utils


class RepeatCopyTest(test_utils.TestCase):

  def test_sequences_follow_the_layout(self):
    task = repeat_copy.RepeatCopy(num_bits=3, batch_size=20, min_length=1,
                                  max_length=4, min_repeats=1, max_repeats=3,
                                  seed=0)
    batch = task.sample()
    time = task.max_time()
    self.assertEqual(time, 4 + 1 + 12 + 1)
    self.assertEqual(batch.observations.shape, (time, 20, 5))
    self.assertEqual(batch.target.shape, (time, 20, 4))
    lengths, repeats = set(), set()
    for b in range(20):
      obs, target, mask = (batch.observations[:, b], batch.target[:, b],
                           batch.mask[:, b])
      length = int(np.argmax(obs[:, 3]))  # End-of-pattern flag.
      num_repeats = int(round(obs[length, 4] * 3))
      lengths.add(length)
      repeats.add(num_repeats)
      pattern = obs[:length, :3]
      self.assertTrue(np.all(obs[length + 1:] == 0))
      start, end = length + 1, length + 1 + length * num_repeats
      self.assertAllEqual(target[start:end, :3],
                          np.tile(pattern, [num_repeats, 1]))
      self.assertEqual(target[end, 3], 1)
      self.assertEqual(target[:, 3].sum(), 1)
      self.assertAllEqual(np.nonzero(mask)[0], np.arange(start, end + 1))
      self.assertEqual(target[:start].sum() + target[end + 1:].sum(), 0)
    self.assertEqual(lengths, {1, 2, 3, 4})
    self.assertEqual(repeats, {1, 2, 3})

  def test_seed_repeats(self):
    a = repeat_copy.RepeatCopy(seed=3).sample()
    b = repeat_copy.RepeatCopy(seed=3).sample()
    self.assertAllEqual(a.observations, b.observations)

  def test_constructor_errors(self):
    with self.assertRaisesRegex(ValueError, "min_length <= max_length"):
      repeat_copy.RepeatCopy(min_length=3, max_length=2)
    with self.assertRaisesRegex(ValueError, "1 <= min_repeats"):
      repeat_copy.RepeatCopy(min_repeats=0)

  @test_utils.in_all_modes
  def test_loss_and_bit_errors_match_numpy(self):
    task = repeat_copy.RepeatCopy(batch_size=4, seed=1)
    batch = task.sample()
    logits = np.random.RandomState(2).randn(*batch.target.shape).astype(
        np.float32)
    loss, errors = self.evaluate([
        repeat_copy.masked_sigmoid_cross_entropy(tf.constant(logits),
                                                 batch.target, batch.mask),
        repeat_copy.bit_errors(tf.constant(logits), batch.target, batch.mask)])
    p = 1 / (1 + np.exp(-logits))
    xent = -(batch.target * np.log(p) + (1 - batch.target) * np.log(1 - p))
    self.assertAllClose(loss, (xent.sum(2) * batch.mask).sum() / 4, rtol=1e-5)
    wrong = ((logits > 0) != (batch.target > 0.5)).sum(2) * batch.mask
    self.assertAllClose(errors, wrong.sum() / 4)


if __name__ == "__main__":
  test_utils.main()
