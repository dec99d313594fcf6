"""The VAE example: shared variables, training beats a baseline, resuming."""

import gzip
import os

import numpy as np
from sonnet.src import test_utils
import tensorflow as tf

from examples import curves
from examples import image_data
from examples import vae

tf1 = tf.compat.v1


def _config(checkpoint_dir, steps):
  return vae.Config(num_training_iterations=steps, report_interval=100,
                    checkpoint_interval=100, batch_size=32, n_latent=4,
                    hidden_sizes=["32"], learning_rate=3e-3,
                    num_importance_samples=20, checkpoint_dir=checkpoint_dir,
                    seed=0)


def _mean_image_log_prob(data):
  """Held-out log-likelihood of independent pixels with the training mean."""
  test = image_data.binarize(data.test, np.random.default_rng(1234))
  p = np.clip(data.train.mean(axis=0), 1e-3, 1 - 1e-3)
  return float(
      np.mean(np.sum(test * np.log(p) + (1 - test) * np.log(1 - p),
                     axis=(1, 2))))


def _write_idx(path, array):
  header = bytes([0, 0, 8, array.ndim]) + np.array(array.shape, ">u4").tobytes()
  with gzip.open(path, "wb") as f:
    f.write(header + array.astype(np.uint8).tobytes())


class VAEModuleTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_methods_share_variables(self):
    model = vae.VAE((8, 8), n_latent=2, hidden_sizes=[6])
    samples = model.sample(3)  # decode first: creates the decoder only
    self.assertEqual(samples.shape.as_list(), [3, 8, 8])
    decoder_vars = sorted(v.name for v in model.get_all_variables())
    self.assertEqual(decoder_vars, [
        "vae/decoder/linear_0/b:0", "vae/decoder/linear_0/w:0",
        "vae/decoder/linear_1/b:0", "vae/decoder/linear_1/w:0",
        "vae/pixel_bias:0"])
    elbo = model(tf.zeros([4, 8, 8]))
    log_prob = model.log_prob(tf.zeros([4, 8, 8]), num_samples=5)
    recon = model.reconstruct(tf.zeros([4, 8, 8]))
    self.assertEqual(elbo.shape.as_list(), [4])
    self.assertEqual(log_prob.shape.as_list(), [4])
    self.assertEqual(recon.shape.as_list(), [4, 8, 8])
    self.assertVariableShapes(
        model.get_all_variables(), {
            "vae/encoder/linear_0/w": [64, 6], "vae/encoder/linear_0/b": [
                6], "vae/posterior/w": [6, 4], "vae/posterior/b": [
                    4], "vae/decoder/linear_0/w": [2, 6],
            "vae/decoder/linear_0/b": [6], "vae/decoder/linear_1/w": [
                6, 64], "vae/decoder/linear_1/b": [64], "vae/pixel_bias": [64]})
    if not self.eager:
      self.assertLen(tf1.trainable_variables(), 9)

  @test_utils.in_all_modes
  def test_log_likelihood_matches_numpy(self):
    model = vae.VAE((2, 2), n_latent=1, hidden_sizes=[3],
                    pixel_mean=np.full([2, 2], 0.25))
    images = tf.constant([[[1., 0.], [0., 1.]]])
    mean, stddev = model.encode(images)
    logits = model.decode(mean)
    hidden_out = model._decoder(mean)  # pylint: disable=protected-access
    log_lik = vae._bernoulli_log_prob(  # pylint: disable=protected-access
        images, logits)
    self.init()
    x, l, h, got, sd = self.evaluate([
        images, logits, hidden_out, log_lik, stddev])
    # The output bias starts at logit(0.25) for every pixel.
    np.testing.assert_allclose(
        l.reshape([1, 4]) - h, np.full([1, 4], np.log(0.25 / 0.75)), rtol=1e-5)
    expected = np.sum(
        x * -np.log1p(np.exp(-l)) + (1 - x) * -np.log1p(np.exp(l)), axis=(1, 2))
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    self.assertTrue(np.all(sd > 0))

  @test_utils.in_eager_mode
  def test_docstring_example(self):
    self.assertDocstringExamplesPass(vae)


class IdxTest(tf.test.TestCase):

  def test_read_idx_round_trip(self):
    path = os.path.join(self.get_temp_dir(), "x-idx3-ubyte.gz")
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    _write_idx(path, array)
    np.testing.assert_array_equal(image_data.read_idx(path), array)

  def test_read_idx_rejects_other_files(self):
    path = os.path.join(self.get_temp_dir(), "bad")
    with open(path, "wb") as f:
      f.write(b"\x1f\x8b\x08\x00rest")
    with self.assertRaisesRegex(ValueError, "not an IDX file"):
      image_data.read_idx(path)

  def test_missing_mnist_says_which_file(self):
    with self.assertRaisesRegex(FileNotFoundError, "train-images-idx3-ubyte"):
      image_data.load_mnist(self.get_temp_dir())

  def test_image_grid(self):
    grid = image_data.image_grid(np.ones([3, 2, 2]), columns=2, scale=2)
    self.assertEqual(grid.shape, (2 * 5 + 1, 2 * 5 + 1, 1))
    self.assertEqual(grid.dtype, np.uint8)
    self.assertEqual(grid[1, 1, 0], 255)
    self.assertEqual(grid[0, 0, 0], 128)
    self.assertEqual(grid[7, 7, 0], 128)  # the missing fourth tile


class TrainTest(test_utils.TestCase):

  def test_trains_beats_baseline_and_resumes(self):
    data = image_data.load_digits()
    baseline = _mean_image_log_prob(data)
    ckpt = os.path.join(self.get_temp_dir(), "vae")
    first = vae.train(_config(ckpt, 300), data)
    self.assertEqual((first.start_step, first.final_step), (0, 300))
    self.assertEqual([r.step for r in first.history], [100, 200, 300])
    self.assertGreater(first.history[-1].train_elbo,
                       first.history[0].train_elbo)
    self.assertGreater(first.test_elbo, baseline + 1.0)
    # The importance-weighted bound is at least as tight as the ELBO.
    self.assertGreater(first.test_log_prob, first.test_elbo - 0.2)

    with open(first.png_path, "rb") as f:
      picture = self.evaluate(tf.io.decode_png(f.read()))
    rows, cols = 4 + 6, 10
    self.assertEqual(picture.shape, (rows * 33 + 1, cols * 33 + 1, 1))

    # The ELBOs went to TensorBoard, and from there into curves.png.
    self.assertEqual(first.curves_path, os.path.join(ckpt, "curves.png"))
    with open(first.curves_path, "rb") as f:
      picture = self.evaluate(tf.io.decode_png(f.read(), channels=3))
    self.assertEqual(picture.shape, (curves.PNG_SIZE[1], curves.PNG_SIZE[0], 3))
    scalars = curves.read_scalars(ckpt)
    self.assertEqual(scalars["elbo/test"][0], [100, 200, 300])
    np.testing.assert_allclose(scalars["elbo/train"][1],
                               [r.train_elbo for r in first.history], rtol=1e-5)

    second = vae.train(_config(ckpt, 400), data)
    self.assertEqual((second.start_step, second.final_step), (300, 400))
    self.assertEqual(
        curves.read_scalars(ckpt)["elbo/test"][0], [100, 200, 300, 400])
    self.assertGreater(second.test_elbo, baseline + 1.0)

  def test_mnist_idx_files(self):
    rng = np.random.default_rng(0)
    folder = self.get_temp_dir()
    for split, n in (("train", 40), ("t10k", 10)):
      _write_idx(os.path.join(folder, "%s-images-idx3-ubyte.gz" % split),
                 rng.integers(0, 256, [n, 28, 28]))
      _write_idx(os.path.join(folder, "%s-labels-idx1-ubyte.gz" % split),
                 rng.integers(0, 10, [n]))
    data = image_data.load(folder)
    self.assertEqual(data.name, "mnist")
    self.assertEqual(data.train.shape, (40, 28, 28))
    self.assertTrue(np.all((data.train >= 0) & (data.train <= 1)))
    result = vae.train(_config(os.path.join(folder, "ckpt"), 5), data)
    self.assertEqual(result.final_step, 5)
    self.assertTrue(np.isfinite(result.test_elbo))


if __name__ == "__main__":
  test_utils.main()
