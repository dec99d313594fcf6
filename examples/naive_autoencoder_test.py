"""The naive autoencoder example: shared variables, learning and resuming."""

import os

import numpy as np
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

from examples import image_data
from examples import naive_autoencoder


class NaiveAutoEncoderTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_methods_own_their_variables(self):
    ae = naive_autoencoder.NaiveAutoEncoder(n_latent=3, n_out=5)
    latents = ae.encode(tf.ones([2, 5]))
    self.assertVariableNames(
        ae.get_variables(),
        ["naive_auto_encoder/w_enc", "naive_auto_encoder/b_enc"])
    out = ae(tf.ones([2, 5]))  # reuses encode's, creates decode's
    from_latents = ae.decode(tf.ones([4, 3]))
    ae.encode(tf.ones([4, 5]))
    self.assertEqual(out.shape.as_list(), [2, 5])
    self.assertEqual(from_latents.shape.as_list(), [4, 5])
    self.assertVariableShapes(
        ae.get_variables(), {
            "naive_auto_encoder/w_enc": [5, 3], "naive_auto_encoder/b_enc": [3],
            "naive_auto_encoder/w_dec": [3, 5], "naive_auto_encoder/b_dec": [5
                                                                            ]})
    self.init()
    v = self.variable_values(ae)
    expected_latents = refs.sigmoid(np.ones([2, 5]) @ v["w_enc"] + v["b_enc"])
    np.testing.assert_allclose(self.evaluate(latents), expected_latents,
                               rtol=1e-5)
    np.testing.assert_allclose(
        self.evaluate(out),
        refs.sigmoid(expected_latents @ v["w_dec"] + v["b_dec"]), rtol=1e-5)
    self.assertAllClose(self.evaluate(from_latents),
                        refs.sigmoid(np.ones([4, 3]) @ v["w_dec"] + v["b_dec"]),
                        atol=1e-5)

  @test_utils.in_all_modes
  def test_reuse_variables_any_call_order(self):
    ae = naive_autoencoder.NaiveAutoEncoder(n_latent=2, n_out=3)
    ae.decode(tf.ones([1, 2]))  # Decoder variables first, then the rest.
    ae(tf.ones([1, 3]))
    ae.decode(tf.ones([4, 2]))
    self.assertLen(ae.get_variables(), 4)
    self.assertTrue(ae.is_connected)

  @test_utils.in_eager_mode
  def test_docstring_example(self):
    self.assertDocstringExamplesPass(naive_autoencoder)


class TrainTest(test_utils.TestCase):

  @test_utils.in_eager_mode
  def test_learns_and_resumes(self):
    data = image_data.load_digits()
    ckpt = os.path.join(self.get_temp_dir(), "ae")
    first = naive_autoencoder.train(data, 300, ckpt, report_interval=100)
    self.assertEqual((first.start_step, first.final_step), (0, 300))
    self.assertLess(np.mean(first.losses[-50:]), np.mean(first.losses[:50]))
    self.assertLess(first.test_mse, first.baseline_mse / 2)
    second = naive_autoencoder.train(data, 350, ckpt, report_interval=100)
    self.assertEqual((second.start_step, second.final_step), (300, 350))
    # Resumed weights: the first loss is already near where training stopped.
    self.assertLess(second.losses[0], first.losses[0] / 2)


if __name__ == "__main__":
  test_utils.main()
