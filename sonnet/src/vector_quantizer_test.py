"""Tests for snt.nets.VectorQuantizer and VectorQuantizerEMA."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules.nets import vqvae
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
    # The codebook is made by the constructor, as in Sonnet 1.36.
    self.assertEqual(vq.embeddings.name, "vq_layer/embedding:0")
    self.assertEqual(vq.embeddings.shape.as_list(), [4, 8])
    self.assertTrue(vq.embeddings.trainable)
    out = vq(tf.constant(x), is_training=True)
    self.assertVariableShapes(vq.get_variables(),
                              {"vq_layer/embedding": [4, 8]})
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
    self.assertAllClose(out["perplexity"],
                        np.exp(-(usage * np.log(usage + 1e-10)).sum()),
                        rtol=1e-5)

  @test_utils.in_all_modes
  def test_straight_through_and_codebook_gradients(self):
    x = tf.constant(np.random.RandomState(1).randn(5, 4).astype(np.float32))
    vq = snt.nets.VectorQuantizer(4, 3, 0.25)
    out = vq(x, is_training=True)
    through = test_utils.gradients(
        lambda: tf.reduce_sum(vq(x, is_training=True)["quantize"]), x)
    codebook_grad = test_utils.gradients(
        lambda: vq(x, is_training=True)["loss"], vq.embeddings)
    self.init()
    through, codebook_grad, indices = self.evaluate([
        through, codebook_grad, out["encoding_indices"]])
    self.assertAllClose(through, np.ones([5, 4]))
    unused = sorted(set(range(3)) - set(indices.tolist()))
    self.assertAllClose(codebook_grad[:, unused], np.zeros([4, len(unused)]))
    used = sorted(set(indices.tolist()))
    self.assertGreater(np.abs(codebook_grad[:, used]).sum(), 0)

  @test_utils.in_all_modes
  def test_quantize_method_and_wrong_depth(self):
    vq = snt.nets.VectorQuantizer(4, 8, 0.25)
    vq(tf.ones([1, 4]), is_training=False)
    self.init()
    codes = self.evaluate(vq.quantize(tf.constant([[1, 2]])))
    self.assertAllClose(codes, self.evaluate(vq.embeddings).T[[[1, 2]]])
    if self.eager:  # The run-time check of the last dimension.
      with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                  "Summarized data: 1, 5"):
        vq(tf.ones([1, 5]), is_training=False)
    else:  # TensorFlow's own shape inference, as in Sonnet 1.36.
      with self.assertRaisesRegex(ValueError, "Cannot reshape a tensor"):
        vq(tf.ones([100, 8]), is_training=False)
      with self.assertRaisesRegex(ValueError, "evenly divisible by 4"):
        vq(tf.ones([1, 5]), is_training=False)

  @test_utils.in_graph_mode
  def test_unknown_batch_and_runtime_depth_check(self):
    vq = snt.nets.VectorQuantizer(4, 8, 0.25)
    inputs = tf1.placeholder(tf.float32, [None, 5, None])
    out = vq(inputs, is_training=False)
    self.assertEqual(out["quantize"].shape.as_list(), [None, 5, 4])
    self.init()
    session = tf1.get_default_session()
    self.assertEqual(
        session.run(out["encoding_indices"],
                    {inputs: np.ones([2, 5, 4])}).shape, (2, 5))
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                r"assertion failed: \[2 5 3\]"):
      session.run(out["quantize"], {inputs: np.ones([2, 5, 3])})

  def test_sonnet1_path(self):
    self.assertIs(vqvae.VectorQuantizer, snt.nets.VectorQuantizer)
    self.assertIs(vqvae.VectorQuantizerEMA, snt.nets.VectorQuantizerEMA)


def _numpy_ema_steps(codebook, batches, decay, epsilon):
  """Sonnet 1.36's EMA updates, zero-debiased; returns the final values."""
  biased_cluster = np.zeros(codebook.shape[1])
  biased_dw = np.zeros(codebook.shape)
  for step, x in enumerate(batches, 1):
    _, encodings = _numpy_assignment(x, codebook)
    biased_cluster = decay * biased_cluster + (1 - decay) * encodings.sum(0)
    biased_dw = decay * biased_dw + (1 - decay) * x.T.dot(encodings)
    cluster = biased_cluster / (1 - decay**step)
    ema_dw = biased_dw / (1 - decay**step)
    total = cluster.sum()
    smoothed = ((cluster + epsilon) / (total + codebook.shape[1] * epsilon) *
                total)
    codebook = ema_dw / smoothed
  return {
      "embedding": codebook, "ema_cluster_size": cluster, "ema_dw": ema_dw,
      "cluster_biased": biased_cluster, "dw_biased": biased_dw}


_EMA_CODEBOOK = np.array([[0., 1., -1.], [0., 1., 1.]], np.float32)
_EMA_BATCHES = [
    np.array([[0.1, 0.2], [0.9, 1.2], [1.1, 0.8], [-1., 1.]], np.float32),
    np.array([[0.3, -0.2], [0.5, 0.5], [-1.1, 0.8], [-1., 1.3]], np.float32)]
_MAIN = [
    "VectorQuantizerEMA/embedding", "VectorQuantizerEMA/ema_cluster_size",
    "VectorQuantizerEMA/ema_dw"]
_DEBIASING = {
    "VectorQuantizerEMA/VectorQuantizerEMA/ema_cluster_size/biased": [3],
    "VectorQuantizerEMA/VectorQuantizerEMA/ema_cluster_size/local_step": [],
    "VectorQuantizerEMA/VectorQuantizerEMA/ema_dw/biased": [2, 3],
    "VectorQuantizerEMA/VectorQuantizerEMA/ema_dw/local_step": []}


class VectorQuantizerEMATest(test_utils.TestCase, parameterized.TestCase):

  def _variables(self, vq):
    return test_utils.variables_by_name(
        vq.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES))

  @test_utils.in_all_modes
  def test_two_updates_match_numpy_and_sonnet_1(self):
    decay, epsilon = 0.8, 1e-5
    vq = snt.nets.VectorQuantizerEMA(2, 3, commitment_cost=0.5, decay=decay,
                                     epsilon=epsilon)
    # Made by the constructor, as in Sonnet 1.36.
    self.assertEqual(vq.embeddings.name, "VectorQuantizerEMA/embedding:0")
    connect = lambda x: vq(tf.constant(x), is_training=True)
    out = connect(_EMA_BATCHES[0])
    variables = self._variables(vq)
    self.assertEqual(
        {name: variables[name].shape.as_list() for name in _DEBIASING},
        _DEBIASING)
    self.assertFalse(any(variables[name].trainable for name in _DEBIASING))
    self.assertVariableNames(vq.get_variables(), _MAIN)  # All trainable.
    self.init()
    # Start from a known codebook (in eager mode, undoing the first update).
    self.evaluate([
        vq.embeddings.assign(_EMA_CODEBOOK),
        variables["VectorQuantizerEMA/ema_dw"].assign(_EMA_CODEBOOK)] + [
            variables[name].assign(tf.zeros(shape))
            for name, shape in _DEBIASING.items()])
    outputs = []
    for x in _EMA_BATCHES:
      outputs.append(self.evaluate(connect(x) if self.eager else out))
      if not self.eager:
        out = vq(tf.constant(_EMA_BATCHES[1]), is_training=True)
    values = self.evaluate(variables)
    expected = _numpy_ema_steps(_EMA_CODEBOOK, _EMA_BATCHES, decay, epsilon)
    for name in ("embedding", "ema_cluster_size", "ema_dw"):
      self.assertAllClose(values["VectorQuantizerEMA/" + name], expected[name],
                          rtol=1e-5, atol=1e-6)
    prefix = "VectorQuantizerEMA/VectorQuantizerEMA/"
    self.assertAllClose(values[prefix + "ema_cluster_size/biased"],
                        expected["cluster_biased"], rtol=1e-5)
    self.assertAllClose(values[prefix + "ema_dw/biased"], expected["dw_biased"],
                        rtol=1e-5, atol=1e-6)
    self.assertEqual(values[prefix + "ema_dw/local_step"], 2.)
    # Sonnet 1.36's numbers for this run.
    self.assertAllClose(
        values["VectorQuantizerEMA/embedding"],
        [[0.314286, 0.999996, -1.035715], [0.164286, 0.999996, 1.035715]],
        atol=1e-5)
    self.assertAllClose(outputs[0]["loss"], 0.009375002)
    self.assertAllClose(outputs[1]["loss"], 0.036875073)
    self.assertAllEqual(outputs[1]["encoding_indices"], [0, 0, 2, 2])
    # Each output uses the codebook as it was before its update.
    self.assertAllClose(outputs[0]["quantize"], _EMA_CODEBOOK.T[[0, 1, 1, 2]])

  @parameterized.parameters(False, True)
  @test_utils.in_all_modes
  def test_no_update_when_not_training(self, as_tensor):
    vq = snt.nets.VectorQuantizerEMA(4, 3, 0.25, decay=0.5)
    is_training = tf.constant(False) if as_tensor else False
    out = vq(tf.ones([2, 4]), is_training=is_training)
    self.assertLen(self._variables(vq), 7 if as_tensor else 3)
    self.init()
    before = self.evaluate(vq.embeddings)
    self.evaluate(out)
    self.assertAllClose(self.evaluate(vq.embeddings), before)

  @test_utils.in_all_modes
  def test_tensor_is_training_updates(self):
    vq = snt.nets.VectorQuantizerEMA(4, 3, 0.25, decay=0.5)
    out = vq(tf.ones([2, 4]) * 3., is_training=tf.constant(True))
    self.init()
    before = self.evaluate(vq.embeddings)
    if self.eager:
      out = vq(tf.ones([2, 4]) * -2., is_training=tf.constant(True))
    self.evaluate(out["loss"])
    self.assertNotAllClose(self.evaluate(vq.embeddings), before)

  @test_utils.in_all_modes
  def test_training_connection_must_come_first(self):
    # As in Sonnet 1.36, the debiasing variables are made by the first
    # connection with is_training=True, and only a first one may make them.
    vq = snt.nets.VectorQuantizerEMA(4, 3, 0.25, decay=0.5)
    vq(tf.ones([2, 4]), is_training=False)
    with self.assertRaisesRegex(ValueError, "ema_cluster_size/biased"):
      vq(tf.ones([2, 4]), is_training=True)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    vq = snt.nets.VectorQuantizerEMA(2, 3, commitment_cost=0.5, decay=0.8)
    step = tf.function(lambda x: vq(x, is_training=True))
    step(tf.constant(_EMA_BATCHES[0]))
    vq.embeddings.assign(_EMA_CODEBOOK)
    for variable in vq.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES):
      if "/biased" in variable.name or "/local_step" in variable.name:
        variable.assign(tf.zeros_like(variable))
    for x in _EMA_BATCHES:
      step(tf.constant(x))
    expected = _numpy_ema_steps(_EMA_CODEBOOK, _EMA_BATCHES, 0.8, 1e-5)
    self.assertAllClose(vq.embeddings, expected["embedding"], rtol=1e-5,
                        atol=1e-6)


if __name__ == "__main__":
  test_utils.main()
