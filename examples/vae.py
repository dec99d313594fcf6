r"""A variational autoencoder whose methods share weights via reuse_variables.

    bazel run //examples:vae                                   # 8x8 digits
    bazel run //examples:vae -- --data_dir=/path/to/mnist_idx  # MNIST

`VAE` is one Sonnet module with several ways to connect it, all on the same
variables: `encode` (the approximate posterior q(z|x)), `decode` (pixel
logits of p(x|z)), `sample(n)` (images from the prior), `log_prob(x)` (an
importance-weighted estimate of log p(x)) and calling the module itself (the
evidence lower bound, ELBO). Each is decorated with `@snt.reuse_variables`,
so whichever is called first creates what it needs and the others reuse it.

Pixels are binarized (each pixel is 1 with probability its grey level: anew
for every training batch, once with a fixed seed for held-out data) and
modelled as independent Bernoullis. Training runs in graph mode under
`tf.compat.v1.train.MonitoredTrainingSession`, which checkpoints to
`--checkpoint_dir` and resumes from there. Every `--report_interval` steps
it prints the training and held-out ELBO (nats per image; higher is
better); at the end it also prints the importance-weighted log p(x) estimate
and writes two PNGs: `samples.png` (samples on top, then pairs of rows of
held-out images and their reconstructions) and `curves.png` (the training
and held-out ELBO over the run). At the start it prints the
`tensorboard --logdir ...` command that shows the same curves. TensorFlow's
own log lines are hidden; `--verbose` shows them.
"""

import collections
import os
import sys
import time

if __name__ == "__main__":
  # Before TensorFlow is imported: hide its start-up lines (see console.py).
  from examples import console
  console.quiet_tensorflow(sys.argv)

# pylint: disable=wrong-import-position,ungrouped-imports
from absl import app
from absl import flags
import numpy as np
import sonnet as snt
import tensorflow as tf

from examples import console
from examples import curves
from examples import image_data
# pylint: enable=wrong-import-position,ungrouped-imports

tf1 = tf.compat.v1

FLAGS = flags.FLAGS
flags.DEFINE_integer("num_training_iterations", 3000, "Training steps.")
flags.DEFINE_integer("report_interval", 500, "Steps between reports.")
flags.DEFINE_integer("checkpoint_interval", 500, "Steps between checkpoints.")
flags.DEFINE_integer("batch_size", 64, "Images per training batch.")
flags.DEFINE_integer("n_latent", 8, "Size of the latent code z.")
flags.DEFINE_list("hidden_sizes", ["256", "128"],
                  "Hidden layers of the encoder; the decoder mirrors them.")
flags.DEFINE_float("learning_rate", 1e-3, "Adam learning rate.")
flags.DEFINE_integer("num_importance_samples", 100,
                     "Samples per image for the final log p(x) estimate.")
flags.DEFINE_string(
    "data_dir", "", "Folder with MNIST IDX files; empty means scikit-learn's "
    "8x8 digits.")
flags.DEFINE_string(
    "checkpoint_dir", "/tmp/sonnet_examples/vae",
    "Checkpoints, summaries, samples.png and curves.png go "
    "here.")
flags.DEFINE_integer("seed", 0, "Random seed.")

Config = collections.namedtuple("Config", [
    "num_training_iterations", "report_interval", "checkpoint_interval",
    "batch_size", "n_latent", "hidden_sizes", "learning_rate",
    "num_importance_samples", "checkpoint_dir", "seed"])
Result = collections.namedtuple("Result", [
    "start_step", "final_step", "history", "test_elbo", "test_log_prob",
    "png_path", "curves_path"])
Report = collections.namedtuple("Report", ["step", "train_elbo", "test_elbo"])


def _bernoulli_log_prob(images, logits):
  """log p(images | logits), summed over pixels: `[..., H, W]` -> `[...]`."""
  log_probs = -tf.nn.sigmoid_cross_entropy_with_logits(labels=images,
                                                       logits=logits)
  return tf.reduce_sum(log_probs, axis=[-2, -1])


def _normal_log_prob(z, mean, stddev):
  """Diagonal Gaussian log density, summed over the last axis."""
  return tf.reduce_sum(
      -0.5 * tf.square(
          (z - mean) / stddev) - tf.math.log(stddev) - 0.5 * np.log(2 * np.pi),
      axis=-1)


class VAE(snt.AbstractModule):
  """A VAE with a Gaussian posterior and prior and Bernoulli pixels.

  >>> vae = VAE(image_shape=(8, 8), n_latent=2, hidden_sizes=(16,))
  >>> vae(tf.zeros([3, 8, 8])).shape.as_list()    # ELBO per image
  [3]
  >>> vae.sample(5).shape.as_list()              # reuses the decoder
  [5, 8, 8]
  """

  def __init__(self, image_shape, n_latent, hidden_sizes, pixel_mean=None,
               name="vae"):
    """Configures the model.

    Args:
      image_shape: (height, width) of the images.
      n_latent: size of the latent code.
      hidden_sizes: sizes of the encoder's hidden layers; the decoder uses
        them in reverse.
      pixel_mean: optional `[height, width]` mean image; the decoder's output
        bias starts at its logit, so training starts from the mean image.
      name: the module's name.
    """
    super().__init__(name=name)
    self._image_shape = tuple(image_shape)
    self._n_pixels = int(np.prod(image_shape))
    self._n_latent = n_latent
    if pixel_mean is None:
      self._bias_init = tf.zeros_initializer()
    else:
      p = np.clip(np.reshape(pixel_mean, [-1]), 1e-3, 1 - 1e-3)
      self._bias_init = tf.constant_initializer(np.log(p / (1 - p)))
    with self._enter_variable_scope():
      self._encoder = snt.nets.MLP(list(hidden_sizes), activate_final=True,
                                   name="encoder")
      self._posterior = snt.Linear(2 * n_latent, name="posterior")
      self._decoder = snt.nets.MLP(
          list(hidden_sizes)[::-1] + [self._n_pixels], name="decoder")

  @snt.reuse_variables
  def encode(self, images):
    """q(z | images): returns (mean, stddev), each `[N, n_latent]`."""
    flat = tf.reshape(images, [-1, self._n_pixels])
    mean, raw_stddev = tf.split(self._posterior(self._encoder(flat)), 2, -1)
    return mean, tf.nn.softplus(raw_stddev) + 1e-4

  @snt.reuse_variables
  def decode(self, z):
    """Pixel logits `[..., H, W]` of p(x | z) for codes `[..., n_latent]`."""
    # A variable of this method's own: reuse_variables shares it between
    # every caller of decode (the ELBO, sample and log_prob).
    bias = tf1.get_variable("pixel_bias", [self._n_pixels],
                            initializer=self._bias_init)
    flat_z = tf.reshape(z, [-1, self._n_latent])
    logits = self._decoder(flat_z) + bias
    shape = tf.concat([tf.shape(z)[:-1], self._image_shape], axis=0)
    return tf.reshape(logits, shape)

  @snt.reuse_variables
  def sample(self, n):
    """`n` images (pixel probabilities `[n, H, W]`) from the model."""
    z = tf.random.normal([n, self._n_latent])
    return tf.sigmoid(self.decode(z))

  @snt.reuse_variables
  def log_prob(self, images, num_samples):
    """Importance-weighted estimate of log p(images), `[N]` (nats).

    With one sample this is the ELBO; more samples tighten the bound.

    Args:
      images: binary images `[N, H, W]`.
      num_samples: posterior samples per image (Python int).

    Returns:
      float32 tensor `[N]`.
    """
    mean, stddev = self.encode(images)
    z = mean + stddev * tf.random.normal(
        tf.concat([[num_samples], tf.shape(mean)], axis=0))
    logits = self.decode(z)
    log_weights = (
        _bernoulli_log_prob(tf.broadcast_to(images, tf.shape(logits)), logits) +
        _normal_log_prob(z, 0.0, 1.0) - _normal_log_prob(z, mean, stddev))
    return (tf.reduce_logsumexp(log_weights, axis=0) -
            tf.math.log(float(num_samples)))

  def reconstruct(self, images):
    """Mean reconstructions (pixel probabilities) through the posterior mean."""
    mean, _ = self.encode(images)
    return tf.sigmoid(self.decode(mean))

  def _build(self, images):
    """The ELBO `[N]` of `images` `[N, H, W]`, one reparameterized sample."""
    mean, stddev = self.encode(images)
    z = mean + stddev * tf.random.normal(tf.shape(mean))
    kl = 0.5 * tf.reduce_sum(
        tf.square(mean) + tf.square(stddev) - 1.0 - 2.0 * tf.math.log(stddev),
        axis=-1)
    return _bernoulli_log_prob(images, self.decode(z)) - kl


def _format_time(seconds):
  seconds = int(round(seconds))
  return "%dm%02ds" % (seconds // 60, seconds % 60)


def train(config, data):
  """Trains (or resumes) the VAE on `data` (an `image_data.Images`)."""
  rng = np.random.default_rng(config.seed)
  test_images = image_data.binarize(data.test, np.random.default_rng(1234))
  print(
      "%s: %d training and %d held-out images of %s." %
      (data.name, len(data.train), len(data.test), data.image_shape),
      flush=True)
  curves.print_tensorboard_command(config.checkpoint_dir)
  with tf.Graph().as_default():
    tf1.set_random_seed(config.seed)
    vae = VAE(data.image_shape, config.n_latent,
              [int(s) for s in config.hidden_sizes],
              pixel_mean=data.train.mean(axis=0))
    images = tf1.placeholder(tf.float32, [None] + list(data.image_shape))
    elbo = tf.reduce_mean(vae(images))
    global_step = tf1.train.get_or_create_global_step()
    train_op = tf1.train.AdamOptimizer(config.learning_rate).minimize(
        -elbo, global_step=global_step)
    log_prob = tf.reduce_mean(
        vae.log_prob(images, config.num_importance_samples))
    samples = vae.sample(40)
    reconstructions = vae.reconstruct(images)
    picture = tf1.placeholder(tf.uint8, [None, None, 1])
    png = tf.io.encode_png(picture)

    with console.step("Starting the session (restoring the latest checkpoint"
                      " in %s, if any)" % config.checkpoint_dir):
      session = tf1.train.MonitoredTrainingSession(
          checkpoint_dir=config.checkpoint_dir,
          save_checkpoint_steps=config.checkpoint_interval,
          save_checkpoint_secs=None, save_summaries_steps=None,
          save_summaries_secs=None, log_step_count_steps=None)
    with session as sess:
      writer = tf1.summary.FileWriterCache.get(config.checkpoint_dir)

      def mean_over_test(tensor):
        values = [
            sess.run(tensor, {images: test_images[i:i + 100]}) *
            len(test_images[i:i + 100])
            for i in range(0, len(test_images), 100)]
        return float(np.sum(values) / len(test_images))

      step = start_step = int(sess.run(global_step))
      if start_step:
        print("Resuming from step %d (%s)." %
              (start_step, config.checkpoint_dir))
      history, elbos, t_train = [], [], 0.0
      last = step
      while step < config.num_training_iterations:
        idx = rng.integers(0, len(data.train), config.batch_size)
        batch = image_data.binarize(data.train[idx], rng)
        t0 = time.time()
        _, value = sess.run([train_op, elbo], {images: batch})
        t_train += time.time() - t0
        elbos.append(value)
        step += 1
        if (step % config.report_interval == 0 or
            step == config.num_training_iterations):
          test_elbo = mean_over_test(elbo)
          rate = (step - last) / t_train
          eta = (config.num_training_iterations - step) / rate
          print(
              "step %5d/%d  train ELBO %.2f  held-out ELBO %.2f nats/image"
              "  %.0f steps/s  ETA %s" %
              (step, config.num_training_iterations, np.mean(elbos), test_elbo,
               rate, _format_time(eta)), flush=True)
          history.append(Report(step, float(np.mean(elbos)), test_elbo))
          writer.add_summary(
              tf1.Summary(value=[
                  tf1.Summary.Value(tag="elbo/train", simple_value=float(
                      np.mean(elbos))),
                  tf1.Summary.Value(tag="elbo/test", simple_value=test_elbo)]),
              step)
          writer.flush()
          elbos, t_train, last = [], 0.0, step

      test_elbo = mean_over_test(elbo)
      with console.step("Estimating log p(x) of the %d held-out images (%d "
                        "importance samples each)" %
                        (len(test_images), config.num_importance_samples)):
        test_log_prob = mean_over_test(log_prob)
      print(
          "Held-out: ELBO %.2f, log p(x) >= %.2f (%d importance samples) "
          "nats/image at step %d." %
          (test_elbo, test_log_prob, config.num_importance_samples, step),
          flush=True)
      originals = test_images[:30]
      recon = sess.run(reconstructions, {images: originals})
      rows = [sess.run(samples)]
      for i in range(0, 30, 10):
        rows += [originals[i:i + 10], recon[i:i + 10]]
      scale = max(1, 32 // data.image_shape[0])
      grid = image_data.image_grid(np.concatenate(rows), 10, scale=scale)
      png_path = os.path.join(config.checkpoint_dir, "samples.png")
      with open(png_path, "wb") as f:
        f.write(sess.run(png, {picture: grid}))
      print(
          "Wrote %s: 4 rows of samples, then 3 pairs of rows of held-out "
          "images and their reconstructions." % png_path, flush=True)
  return Result(start_step, step, history, test_elbo, test_log_prob, png_path,
                _plot(config))


def _plot(config):
  """Draws the run's ELBOs (from its event files) into curves.png."""
  scalars = curves.read_scalars(config.checkpoint_dir)
  lines = [
      (label, *scalars[tag])
      for label, tag in (("train", "elbo/train"), ("held-out", "elbo/test"))
      if tag in scalars]
  path = curves.plot(os.path.join(config.checkpoint_dir, "curves.png"),
                     "vae: evidence lower bound (higher is better)", lines,
                     "ELBO, nats per image")
  if path:
    print("Wrote %s: the training and held-out ELBO." % path, flush=True)
  return path


def config_from_flags():
  return Config(**{name: FLAGS[name].value for name in Config._fields})


def main(argv):
  del argv  # Unused.
  console.set_log_levels()
  with console.step(
      "Loading %s" %
      ("MNIST from " +
       FLAGS.data_dir if FLAGS.data_dir else "scikit-learn's 8x8 digits")):
    data = image_data.load(FLAGS.data_dir or None)
  train(config_from_flags(), data)


if __name__ == "__main__":
  app.run(main)
