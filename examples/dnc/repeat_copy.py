"""The repeat-copy task: read a random bit pattern, then replay it N times.

One sequence, for `num_bits` bits, a pattern of `length` steps and
`num_repeats` repeats (observation channels: the bits, an end-of-pattern
flag, the number of repeats scaled to [0, 1]; target channels: the bits and
an end-of-output flag):

    step                     observation                target      mask
    0 .. length-1            pattern bits               0           0
    length                   end flag, repeats/max      0           0
    next length*num_repeats  0                          the pattern 1
    one more step            0                          end flag    1

then zero padding up to `max_time()` steps (mask 0), so every batch has the
same shape. The model must say when the copy is over, so it has to count.
Losses and errors are counted only where the mask is one.
"""

import collections

import numpy as np
import tensorflow as tf

RepeatCopyBatch = collections.namedtuple("RepeatCopyBatch",
                                         ["observations", "target", "mask"])


class RepeatCopy:
  """Generates time-major batches of repeat-copy sequences with NumPy.

  >>> task = RepeatCopy(num_bits=4, batch_size=2, seed=0)
  >>> batch = task.sample()
  >>> batch.observations.shape, batch.target.shape, batch.mask.shape
  ((11, 2, 6), (11, 2, 5), (11, 2))
  """

  def __init__(self, num_bits=4, batch_size=16, min_length=1, max_length=3,
               min_repeats=1, max_repeats=2, seed=None):
    """Configures the task.

    Args:
      num_bits: width of a pattern step.
      batch_size: sequences per batch.
      min_length: shortest pattern (steps), at least one.
      max_length: longest pattern.
      min_repeats: fewest repeats, at least one.
      max_repeats: most repeats.
      seed: seed of the task's own random generator (None: random).

    Raises:
      ValueError: if a range is empty or starts below one.
    """
    if not 1 <= min_length <= max_length:
      raise ValueError("Need 1 <= min_length <= max_length, got %d, %d." %
                       (min_length, max_length))
    if not 1 <= min_repeats <= max_repeats:
      raise ValueError("Need 1 <= min_repeats <= max_repeats, got %d, %d." %
                       (min_repeats, max_repeats))
    self.num_bits = num_bits
    self.batch_size = batch_size
    self.min_length = min_length
    self.max_length = max_length
    self.min_repeats = min_repeats
    self.max_repeats = max_repeats
    self._rng = np.random.RandomState(seed)

  @property
  def observation_size(self):
    return self.num_bits + 2

  @property
  def target_size(self):
    return self.num_bits + 1

  def max_time(self):
    """Steps in every batch: the longest sequence the task can make."""
    return self.max_length + 1 + self.max_length * self.max_repeats + 1

  def sample(self):
    """Returns a `RepeatCopyBatch` of float32 arrays, time-major."""
    time, batch = self.max_time(), self.batch_size
    obs = np.zeros([time, batch, self.observation_size], np.float32)
    target = np.zeros([time, batch, self.target_size], np.float32)
    mask = np.zeros([time, batch], np.float32)
    for b in range(batch):
      length = self._rng.randint(self.min_length, self.max_length + 1)
      repeats = self._rng.randint(self.min_repeats, self.max_repeats + 1)
      pattern = self._rng.randint(0, 2, size=[length, self.num_bits])
      obs[:length, b, :self.num_bits] = pattern
      obs[length, b, self.num_bits] = 1
      obs[length, b, self.num_bits + 1] = repeats / self.max_repeats
      start, end = length + 1, length + 1 + length * repeats
      target[start:end, b, :self.num_bits] = np.tile(pattern, [repeats, 1])
      target[end, b, self.num_bits] = 1
      mask[start:end + 1, b] = 1
    return RepeatCopyBatch(obs, target, mask)


def masked_sigmoid_cross_entropy(logits, target, mask):
  """Sigmoid cross-entropy summed over channels and steps, mean over batch.

  Args:
    logits: `[time, batch, target_size]`.
    target: same shape, zeros and ones.
    mask: `[time, batch]`.

  Returns:
    A scalar: nats per sequence.
  """
  xent = tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=logits)
  per_step = tf.reduce_sum(xent, axis=2) * mask
  return tf.reduce_sum(per_step) / tf.cast(tf.shape(mask)[1], logits.dtype)


def bit_errors(logits, target, mask):
  """Wrong bits (logit sign against target) per sequence, masked.

  Args:
    logits: `[time, batch, target_size]`.
    target: same shape.
    mask: `[time, batch]`.

  Returns:
    A scalar: mean number of wrong bits per sequence.
  """
  predicted = tf.cast(logits > 0, logits.dtype)
  wrong = tf.reduce_sum(tf.abs(predicted - target), axis=2) * mask
  return tf.reduce_sum(wrong) / tf.cast(tf.shape(mask)[1], logits.dtype)
