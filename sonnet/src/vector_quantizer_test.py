"""Tests for snt.nets.VectorQuantizer and VectorQuantizerEMA."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _numpy_assignment(flat_inputs, codebook):
  distances = ((flat_inputs[:, :, None] - codebook[None, :, :])**2).sum(1)
  indices = distances.argmin(1)
  return indices, np.eye(codebook.shape[1], dtype=np.float32)[indices]


class VectorQuantizerTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_quantizes_to_nearest_code(self):
    rng = np.random.RandomState(0)
    x = rng.randn(2, 3, 4).astype(np.float32)
    vq = snt.nets.VectorQuantizer(embedding_dim=4, num_embeddings=8,
                                  commitment_cost=0.25)
    out = vq(tf.constant(x), is_training=True)
    self.assertVariableShapes(vq.get_variables(), {"vq_layer/embedding": [4, 8]})
    self.init()
    codebook, out = self.evaluate([vq.embeddings, out])
    indices, encodings = _numpy_assignment(x.reshape(-1, 4), codebook)
    quantized = codebook.T[indices].reshape(x.shape)
    self.assertAllEqual(out["encoding_indices"], indices.reshape(2, 3))
    self.assertAllClose(out["encodings"], encodings)
    self.assertAllClose(out["quantize"], quantized, atol=1e-6)
    self.assertAllClose(out["loss"], 1.25 * np.mean((quantized - x)**2),
                        rtol=1e-5)
    usage = encodings.mean(0)
    self.assertAllClose(
        out["perplexity"], np.exp(-(usage * np.log(usage + 1e-10)).sum()),
        rtol=1e-5)

  @test_utils.in_all_modes
  def test_straight_through_and_codebook_gradients(self):
    x = tf.constant(np.random.RandomState(1).randn(5, 4).astype(np.float32))
    vq = snt.nets.VectorQuantizer(4, 3, 0.25)
    if self.eager:
      with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        out = vq(x, is_training=True)
        summed = tf.reduce_sum(out["quantize"])
      through = tape.gradient(summed, x)
      codebook_grad = tape.gradient(out["loss"], vq.embeddings)
    else:
      out = vq(x, is_training=True)
      through = tf1.gradients(tf.reduce_sum(out["quantize"]), x)[0]
      codebook_grad = tf1.gradients(out["loss"], vq.embeddings)[0]
    self.init()
    through, codebook_grad, indices = self.evaluate(
        [through, codebook_grad, out["encoding_indices"]])
    self.assertAllClose(through, np.ones([5, 4]))
    unused = sorted(set(range(3)) - set(indices.tolist()))
    self.assertAllClose(codebook_grad[:, unused], np.zeros([4, len(unused)]))
    used = sorted(set(indices.tolist()))
    self.assertGreater(np.abs(codebook_grad[:, used]).sum(), 0)

  @test_utils.in_all_modes
  def test_quantize_method_and_wrong_depth(self):
    vq = snt.nets.VectorQuantizer(4, 8, 0.25)
    vq(tf.ones([1, 4]), is_training=False)
    self.assertEqual(vq.quantize(tf.constant([[1, 2]])).shape.as_list(),
                     [1, 2, 4])
    with self.assertRaisesRegex(snt.IncompatibleShapeError,
                                "last input dimension must be embedding_dim"):
      vq(tf.ones([1, 5]), is_training=False)

  @parameterized.parameters(
      (dict(embedding_dim=0, num_embeddings=8, commitment_cost=0.25),
       "must be positive"),
      (dict(embedding_dim=4, num_embeddings=8, commitment_cost=-1.),
       "commitment_cost must be >= 0"),
      (dict(embedding_dim=4, num_embeddings=8, commitment_cost=0.25,
            decay=1.), r"decay must be in \[0, 1\)"))
  def test_bad_configuration(self, kwargs, message):
    cls = (snt.nets.VectorQuantizerEMA if "decay" in kwargs else
           snt.nets.VectorQuantizer)
    with self.assertRaisesRegex(ValueError, message):
      cls(**kwargs)


class VectorQuantizerEMATest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_one_update_matches_numpy(self):
    decay, epsilon = 0.9, 1e-5
    x = np.random.RandomState(2).randn(6, 4).astype(np.float32)
    vq = snt.nets.VectorQuantizerEMA(4, 3, commitment_cost=0.5, decay=decay,
                                     epsilon=epsilon)
    vq(tf.constant(x), is_training=False)  # Creates, does not update.
    self.init()
    codebook = self.evaluate(vq.embeddings)
    out = vq(tf.constant(x), is_training=True)
    out = self.evaluate(out)
    indices, encodings = _numpy_assignment(x, codebook)
    quantized = codebook.T[indices]
    self.assertAllClose(out["quantize"], quantized, atol=1e-6)
    self.assertAllClose(out["loss"], 0.5 * np.mean((quantized - x)**2),
                        rtol=1e-5)
    cluster = (1 - decay) * encodings.sum(0)
    ema_dw = decay * codebook + (1 - decay) * x.T.dot(encodings)
    total = cluster.sum()
    smoothed = (cluster + epsilon) / (total + 3 * epsilon) * total
    self.assertAllClose(self.evaluate(vq.embeddings), ema_dw / smoothed,
                        rtol=1e-4)
    self.assertVariableNames(
        vq.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES),
        ["VectorQuantizerEMA/embedding", "VectorQuantizerEMA/ema_cluster_size",
         "VectorQuantizerEMA/ema_dw"])
    self.assertEmpty(vq.get_variables())  # Nothing trainable.

  @parameterized.parameters(False, True)
  @test_utils.in_all_modes
  def test_no_update_when_not_training(self, as_tensor):
    vq = snt.nets.VectorQuantizerEMA(4, 3, 0.25, decay=0.5)
    is_training = tf.constant(False) if as_tensor else False
    out = vq(tf.ones([2, 4]), is_training=is_training)
    self.init()
    before = self.evaluate(vq.embeddings)
    self.evaluate(out)
    self.assertAllClose(self.evaluate(vq.embeddings), before)

  @test_utils.in_all_modes
  def test_tensor_is_training_updates(self):
    vq = snt.nets.VectorQuantizerEMA(4, 3, 0.25, decay=0.5)
    vq(tf.ones([2, 4]), is_training=False)
    self.init()
    before = self.evaluate(vq.embeddings)
    out = vq(tf.ones([2, 4]) * 3., is_training=tf.constant(True))
    self.evaluate(out["loss"])
    self.assertNotAllClose(self.evaluate(vq.embeddings), before)


if __name__ == "__main__":
  test_utils.main()
