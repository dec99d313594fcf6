"""my_mlp: the guide's MyMLP, checked against NumPy, fits and resumes."""

import os

import numpy as np
from sonnet.src import test_utils
import tensorflow as tf

from examples import my_mlp


class MyMLPTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_matches_numpy_and_shares(self):
    mlp = my_mlp.MyMLP(hidden_size=5, output_size=2)
    self.assertEqual(mlp.module_name, "my_mlp")
    x = np.random.default_rng(0).normal(size=[3, 4]).astype(np.float32)
    mlp(tf.ones([1, 4]))  # The guide's: any batch size, the same variables.
    out = mlp(tf.constant(x))
    again = mlp(tf.constant(x))
    self.assertVariableShapes(
        mlp.get_variables(), {
            "my_mlp/x_to_h/w": [4, 5], "my_mlp/x_to_h/b": [5],
            "my_mlp/h_to_o/w": [5, 2], "my_mlp/h_to_o/b": [2]})
    if not self.eager:
      self.assertLen(tf.compat.v1.global_variables(), 4)
    self.init()
    v = self.variable_values(mlp)
    expected = (np.tanh(x @ v["x_to_h/w"] + v["x_to_h/b"]) @ v["h_to_o/w"] +
                v["h_to_o/b"])
    np.testing.assert_allclose(self.evaluate(out), expected, rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(self.evaluate(again), expected, rtol=1e-5,
                               atol=1e-6)

  @test_utils.in_eager_mode
  def test_docstring_example(self):
    self.assertDocstringExamplesPass(my_mlp)


class TrainTest(test_utils.TestCase):

  def test_fits_and_resumes(self):
    ckpt = os.path.join(self.get_temp_dir(), "mlp")
    first = my_mlp.train(400, ckpt, report_interval=100)
    self.assertEqual((first.start_step, first.final_step), (0, 400))
    self.assertLess(np.mean(first.losses[-50:]), np.mean(first.losses[:50]))
    self.assertLess(first.test_mse, first.baseline_mse / 10)
    second = my_mlp.train(450, ckpt, report_interval=100)
    self.assertEqual((second.start_step, second.final_step), (400, 450))
    self.assertLess(second.losses[0], first.baseline_mse / 10)


if __name__ == "__main__":
  test_utils.main()
