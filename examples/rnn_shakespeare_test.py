"""rnn_shakespeare trains (loss falls), samples, and resumes from checkpoints.

Tiny sizes: a 2-layer LSTM of 32 units on windows of 24 characters.
"""

import os
import signal
import subprocess
import sys
import time

import numpy as np
from sonnet.src import test_utils
import tensorflow as tf

from examples import curves
from examples import rnn_shakespeare
from examples import shakespeare_data

_UNIFORM = np.log(65)


def _config(checkpoint_dir, mode, steps, **overrides):
  values = dict(mode=mode, num_training_iterations=steps, report_interval=20,
                checkpoint_interval=20, reduce_learning_rate_interval=1000,
                learning_rate=1e-2, learning_rate_decay=0.5, max_grad_norm=5.0,
                lstm_depth=2, hidden_size=32, embedding_size=8, batch_size=16,
                truncation_length=24, eval_length=64, max_eval_chars=2000,
                sample_length=40, sample_temperature=0.5,
                sample_prime="ROMEO:\n", checkpoint_dir=checkpoint_dir, seed=1)
  values.update(overrides)
  return rnn_shakespeare.Config(**values)


class DataTest(tf.test.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.data = shakespeare_data.TinyShakespeare(max_chars=5000)

  def test_vocabulary(self):
    self.assertLen(self.data.vocab, 65)
    self.assertEqual(self.data.vocab, "".join(sorted(set(self.data.vocab))))
    text = "ROMEO:\nWhat, ho!"
    self.assertEqual(self.data.decode(self.data.encode(text)), text)
    self.assertEqual(self.data.decode(self.data.splits["train"][:14]),
                     "First Citizen:")
    with self.assertRaisesRegex(ValueError, "not in the vocabulary"):
      self.data.encode("~")

  def test_random_batch_is_shifted_text(self):
    batch = self.data.random_batch("train", 5, 10, np.random.default_rng(0))
    self.assertEqual(batch.shape, (11, 5))
    self.assertEqual(batch.dtype, np.int32)
    train = self.data.decode(self.data.splits["train"])
    for b in range(5):
      self.assertIn(self.data.decode(batch[:, b]), train)

  def test_eval_batches_cover_split_once(self):
    windows = list(self.data.eval_batches("valid", 7, 100))
    self.assertEqual(sum(w.shape[1] for w in windows), 4999 // 100)
    predicted = np.concatenate([w[1:].T.reshape(-1) for w in windows])
    np.testing.assert_array_equal(
        predicted, self.data.splits["valid"][1:1 + len(predicted)])

  def test_missing_file_says_where(self):
    with self.assertRaisesRegex(FileNotFoundError, "ts.train.txt.bz2"):
      shakespeare_data.TinyShakespeare(data_dir=self.get_temp_dir())


class TrainTest(test_utils.TestCase):

  def check_png(self, path):
    with open(path, "rb") as f:
      picture = self.evaluate(tf.io.decode_png(f.read(), channels=3))
    self.assertEqual(picture.shape, (curves.PNG_SIZE[1], curves.PNG_SIZE[0], 3))

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.data = shakespeare_data.TinyShakespeare()

  def check_training_and_resume(self, mode):
    """Trains 100 steps in `mode`, then resumes from the checkpoint."""
    ckpt = os.path.join(self.get_temp_dir(), mode)
    first = rnn_shakespeare.train(_config(ckpt, mode, 100), self.data)
    self.assertEqual(first.start_step, 0)
    self.assertEqual(first.final_step, 100)
    self.assertEqual([r.step for r in first.history], [20, 40, 60, 80, 100])
    losses = [r.train_loss for r in first.history]
    self.assertLess(losses[-1], losses[0] - 0.3)
    self.assertLess(first.history[-1].valid_loss, _UNIFORM - 1.0)
    self.assertLess(first.test_loss, _UNIFORM - 1.0)
    self.assertLen(first.sample, 40)
    self.assertTrue(set(first.sample) <= set(self.data.vocab))
    # The losses went to TensorBoard, and from there into curves.png.
    run_dir = os.path.join(ckpt, mode)
    self.assertEqual(first.curves_path, os.path.join(run_dir, "curves.png"))
    self.check_png(first.curves_path)
    scalars = curves.read_scalars(run_dir)
    self.assertEqual(scalars["loss/train"][0], [20, 40, 60, 80, 100])
    np.testing.assert_allclose(scalars["loss/train"][1], losses, rtol=1e-5)
    self.assertEqual(scalars["loss/test"][0], [100])
    self.assertAlmostEqual(scalars["loss/test"][1][0], first.test_loss,
                           places=5)

    # A second run with more steps goes on from the last checkpoint, with the
    # trained weights (its loss starts where the first run stopped).
    second = rnn_shakespeare.train(_config(ckpt, mode, 140), self.data)
    self.assertEqual(second.start_step, 100)
    self.assertEqual(second.final_step, 140)
    self.assertEqual([r.step for r in second.history], [120, 140])
    self.assertLess(second.history[0].train_loss, losses[0] - 0.3)
    # The picture of the resumed run shows the whole run.
    self.assertEqual(
        curves.read_scalars(run_dir)["loss/valid"][0],
        [20, 40, 60, 80, 100, 120, 140])
    self.check_png(second.curves_path)

    # Already there: nothing to train, still evaluates.
    third = rnn_shakespeare.train(_config(ckpt, mode, 140), self.data)
    self.assertEqual((third.start_step, third.final_step), (140, 140))
    self.assertEmpty(third.history)
    self.assertLess(third.test_loss, _UNIFORM - 1.0)
    self.assertNotEmpty([
        f for f in os.listdir(os.path.join(ckpt, mode))
        if f.startswith("events.out.tfevents")])

  def test_graph_mode(self):
    self.check_training_and_resume("graph")

  @test_utils.in_eager_mode
  def test_eager_mode(self):
    self.check_training_and_resume("eager")

  def test_greedy_sampling_is_deterministic(self):
    ckpt = os.path.join(self.get_temp_dir(), "greedy")
    config = _config(ckpt, "graph", 20, sample_temperature=0.0)
    first = rnn_shakespeare.train(config, self.data)
    again = rnn_shakespeare.train(config, self.data)
    self.assertEqual(first.sample, again.sample)

  def test_resumes_after_kill_9(self):
    ckpt = os.path.join(self.get_temp_dir(), "killed")
    script = rnn_shakespeare.__file__
    root = os.path.dirname(os.path.dirname(os.path.abspath(script)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root] + sys.path))
    env.pop("SONNET_TEST_TF1_BEHAVIOR", None)
    args = [
        sys.executable, script, "--checkpoint_dir=" + ckpt,
        "--num_training_iterations=100000", "--checkpoint_interval=10",
        "--report_interval=100000", "--lstm_depth=1", "--hidden_size=16",
        "--batch_size=8", "--truncation_length=16", "--embedding_size=8"]
    log_path = os.path.join(self.get_temp_dir(), "killed.log")
    graph_dir = os.path.join(ckpt, "graph")
    with open(log_path, "wb") as log:
      proc = subprocess.Popen(args, env=env, stdout=log, stderr=log)
      try:
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
          latest = tf.train.latest_checkpoint(graph_dir)
          if latest and int(latest.rsplit("-", 1)[1]) >= 20:
            break
          time.sleep(0.2)
        running = proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
      finally:
        proc.kill()
        proc.wait()
    with open(log_path, "rb") as log:
      self.assertTrue(running, log.read().decode()[-3000:])
    self.assertEqual(proc.returncode, -signal.SIGKILL)
    saved = int(tf.train.latest_checkpoint(graph_dir).rsplit("-", 1)[1])
    self.assertGreaterEqual(saved, 20)

    config = _config(ckpt, "graph", saved + 5, lstm_depth=1, hidden_size=16,
                     batch_size=8, truncation_length=16, report_interval=5)
    resumed = rnn_shakespeare.train(config, self.data)
    self.assertEqual(resumed.start_step, saved)
    self.assertEqual(resumed.final_step, saved + 5)


if __name__ == "__main__":
  test_utils.main()
