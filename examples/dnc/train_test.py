"""A short training run lowers the loss and resumes from its checkpoint."""

import os

from absl.testing import parameterized

from examples.dnc import train
from sonnet.src import test_utils


def tiny_config(mode, checkpoint_dir, steps):
  return train.Config(mode=mode, num_training_iterations=steps,
                      report_interval=10, checkpoint_interval=100,
                      checkpoint_dir=checkpoint_dir, memory_size=6, word_size=4,
                      num_read_heads=1, num_write_heads=1, hidden_size=16,
                      clip_value=20., learning_rate=3e-2, max_grad_norm=10.,
                      batch_size=8, num_bits=2, min_length=1, max_length=2,
                      min_repeats=1, max_repeats=1, seed=0)


class TrainTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters("graph", "eager")
  def test_loss_falls_and_training_resumes(self, mode):
    if mode == "eager" and test_utils.TF1_BEHAVIOR:
      self.skipTest("Eager training needs TF2 behaviour.")
    directory = self.create_tempdir().full_path
    lines = []
    first = train.train(tiny_config(mode, directory, 30), log=lines.append)
    self.assertEqual(first["first_step"], 0)
    self.assertEqual(first["final_step"], 30)
    start_loss = first["history"][0][1]
    end_loss = first["history"][-1][1]
    self.assertLess(end_loss, 0.75 * start_loss, lines)
    self.assertTrue(os.listdir(os.path.join(directory, mode)))

    second = train.train(tiny_config(mode, directory, 32), log=lines.append)
    self.assertEqual(second["first_step"], 30)
    self.assertEqual(second["final_step"], 32)
    self.assertIn("Resumed from a checkpoint at step 30.", lines)
    # Restored weights: the resumed run starts near the trained loss.
    self.assertLess(second["history"][0][1], 0.8 * start_loss)


if __name__ == "__main__":
  test_utils.main()
