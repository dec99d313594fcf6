"""module_with_build_args: is_training changes the graph, weights are shared."""

import os

import numpy as np
from sonnet.src import test_utils
import tensorflow as tf

from examples import image_data
from examples import module_with_build_args

tf1 = tf.compat.v1


class ClassifierTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_train_and_test_connections_share_weights(self):
    net = module_with_build_args.Classifier(hidden_size=4, num_classes=3,
                                            keep_prob=0.5)
    x = tf.constant(np.random.default_rng(0).normal(size=[6, 2, 5]), tf.float32)
    train_logits = net(x, is_training=True)
    test_logits = net(x, is_training=False)
    self.assertEqual(train_logits.shape.as_list(), [6, 3])
    self.assertVariableShapes(
        net.get_variables(),
        {
            "classifier/hidden/w": [10, 4],
            "classifier/hidden/b": [4],
            "classifier/batch_norm/beta": [1, 4],  # as Sonnet 1: [1, C]
            "classifier/logits/w": [4, 3],
            "classifier/logits/b": [3]})
    self.assertVariableNames(net.get_variables(
        tf1.GraphKeys.GLOBAL_VARIABLES), [
            "classifier/hidden/w", "classifier/hidden/b",
            "classifier/batch_norm/beta", "classifier/batch_norm/moving_mean",
            "classifier/batch_norm/moving_variance", "classifier/logits/w",
            "classifier/logits/b"])
    self.init()
    # Testing is deterministic (moving statistics, no dropout); training
    # is not (dropout).
    a, b = self.evaluate([test_logits, test_logits])
    np.testing.assert_allclose(a, b)
    if not self.eager:
      # In a graph the test connection normalizes with the moving averages
      # (zero mean, unit variance at first), so it equals a NumPy forward
      # pass with no normalization but the epsilon.
      v = self.variable_values(net)
      h = np.maximum(
          (self.evaluate(x).reshape(6, 10) @ v["hidden/w"] + v["hidden/b"]) /
          np.sqrt(1 + 1e-3), 0)
      np.testing.assert_allclose(a, h @ v["logits/w"] + v["logits/b"],
                                 rtol=1e-4, atol=1e-5)
      self.assertNotEmpty(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS))

  @test_utils.in_eager_mode
  def test_docstring_example(self):
    self.assertDocstringExamplesPass(module_with_build_args)


class TrainTest(test_utils.TestCase):

  def test_learns_and_resumes(self):
    data = image_data.load_digits()
    ckpt = os.path.join(self.get_temp_dir(), "clf")
    first = module_with_build_args.train(data, 300, ckpt, hidden_size=32,
                                         learning_rate=3e-3,
                                         report_interval=100)
    self.assertEqual((first.start_step, first.final_step), (0, 300))
    self.assertLess(np.mean(first.losses[-50:]), np.mean(first.losses[:50]) / 2)
    self.assertGreater(first.test_accuracy, 0.85)
    second = module_with_build_args.train(data, 350, ckpt, hidden_size=32,
                                          learning_rate=3e-3,
                                          report_interval=100)
    self.assertEqual((second.start_step, second.final_step), (300, 350))
    self.assertLess(second.losses[0], np.mean(first.losses[:50]) / 2)
    self.assertGreater(second.test_accuracy, 0.85)


if __name__ == "__main__":
  test_utils.main()
