"""Tests for snt.Embed."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class EmbedTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_lookup_matches_numpy(self):
    ids = np.array([[1, 2, 3], [9, 0, 1]])
    embed = snt.Embed(vocab_size=10, embed_dim=4)
    y = embed(tf.constant(ids))
    self.assertEqual(y.shape.as_list(), [2, 3, 4])
    self.init()
    table, y = self.evaluate([embed.embeddings, y])
    self.assertAllEqual(y, table[ids])
    self.assertEqual((embed.vocab_size, embed.embed_dim), (10, 4))

  @test_utils.in_all_modes
  def test_variable_name_shape_and_sharing(self):
    embed = snt.Embed(vocab_size=10, embed_dim=4)
    embed(tf.constant([1]))
    embed(tf.constant([[2, 3]]))
    self.assertVariableShapes(embed.get_variables(),
                              {"embed/embeddings": [10, 4]})

  @parameterized.parameters((10, 11), (100, 19), (1000, 34), (1, 6))
  def test_default_embed_dim(self, vocab_size, expected):
    self.assertEqual(
        snt.Embed(vocab_size).embed_dim, int(round(6 * vocab_size**0.25)))
    self.assertEqual(snt.Embed(vocab_size).embed_dim, expected)

  @test_utils.in_all_modes
  def test_default_initializer_is_unit_normal(self):
    embed = snt.Embed(vocab_size=1000, embed_dim=50)
    embed(tf.constant([0]))
    self.init()
    table = self.evaluate(embed.embeddings)
    self.assertAllClose(table.std(), 1.0, rtol=0.05)
    self.assertAllClose(table.mean(), 0.0, atol=0.05)

  @parameterized.parameters("numpy", "tensor")
  @test_utils.in_all_modes
  def test_existing_vocab(self, kind):
    vocab = np.random.RandomState(0).randn(5, 3).astype(np.float32)
    value = vocab if kind == "numpy" else tf.constant(vocab)
    embed = snt.Embed(existing_vocab=value, trainable=False)
    self.assertEqual((embed.vocab_size, embed.embed_dim), (5, 3))
    y = embed(tf.constant([4, 0]))
    self.init()
    self.assertAllEqual(self.evaluate(y), vocab[[4, 0]])
    self.assertEqual(embed.get_variables(), ())
    self.assertVariableNames(
        embed.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES),
        ["embed/embeddings"])

  @test_utils.in_all_modes
  def test_densify_gradients(self):
    ids = tf.constant([0, 2, 2])
    for densify in (False, True):
      embed = snt.Embed(4, 2, densify_gradients=densify)
      embed(ids)  # Creates the embeddings.
      grad = test_utils.gradients(
          lambda: tf.reduce_sum(embed(ids)),  # pylint: disable=cell-var-from-loop
          embed.embeddings)
      self.assertEqual(isinstance(grad, tf.IndexedSlices), not densify)
      self.init()
      dense = self.evaluate(tf.convert_to_tensor(grad))
      self.assertAllClose(dense, [[1, 1], [0, 0], [2, 2], [0, 0]])

  @test_utils.in_all_modes
  def test_regularizer_and_initializer(self):
    embed = snt.Embed(3, 2, initializers={"embeddings": tf1.ones_initializer()},
                      regularizers={"embeddings": snt.regularizers.l1(0.5)})
    embed(tf.constant([0]))
    self.init()
    self.assertAllClose(self.evaluate(embed.get_regularization_losses()), [3.0])

  @test_utils.in_graph_mode
  def test_partitioned_lookup_is_mod(self):
    embed = snt.Embed(
        6, 2, partitioners={"embeddings": tf1.fixed_size_partitioner(2)})
    ids = np.array([5, 0, 3, 1])
    y = embed(tf.constant(ids))
    self.init()
    part_0, part_1 = self.evaluate(list(embed.embeddings))
    # Sonnet 1 (TF1's default "mod" strategy): id i is row i // 2 of
    # partition i % 2.
    parts = (part_0, part_1)
    self.assertAllEqual(self.evaluate(y), [parts[i % 2][i // 2] for i in ids])

  @test_utils.in_all_modes
  def test_float_ids_raise(self):
    embed = snt.Embed(3, 2)
    with self.assertRaisesRegex(TypeError, "embed: ids must be an integer"):
      embed(tf.constant([0.]))
    self.assertFalse(embed.is_connected)

  @parameterized.parameters(
      (dict(), "^Must provide on of vocab_size or existing_vocab.$"),
      (dict(vocab_size=0), "^Invalid vocab_size 0.$"),
      (dict(vocab_size=-2, embed_dim=0), "^Invalid vocab_size -2.$"),
      (dict(existing_vocab=np.zeros([2, 3]), vocab_size=2),
       "^If existing_vocab is provided, none of vocab_size, embedding_dim, "
       "initializers, or partitioners is needed.$"),
      (dict(existing_vocab=np.zeros([2, 3]), initializers={
          "embeddings": tf.zeros}), "none of vocab_size"),
      (dict(existing_vocab=np.zeros([6])), r"^Shape \(6,\) must have rank 2$"),
      (dict(existing_vocab=tf.zeros([2, 3], tf.float64)),
       "requested dtype float32"))
  def test_bad_arguments(self, kwargs, message):
    with self.assertRaisesRegex(ValueError, message):
      snt.Embed(**kwargs)

  @parameterized.parameters(0, None)
  def test_no_embed_dim_means_the_default(self, embed_dim):
    self.assertEqual(snt.Embed(10, embed_dim).embed_dim, 11)

  @test_utils.in_all_modes
  def test_existing_vocab_becomes_float32(self):
    vocab = [[1, 2], [3, 4], [5, 6]]
    for value in (vocab, np.array(vocab, np.int32), np.array(vocab, float)):
      embed = snt.Embed(existing_vocab=value)
      self.assertEqual((embed.vocab_size, embed.embed_dim), (3, 2))
      y = embed(tf.constant([2, 0]))
      self.assertEqual(embed.embeddings.dtype.base_dtype, tf.float32)
      self.init()
      self.assertAllEqual(self.evaluate(y), [[5., 6.], [1., 2.]])

  def test_bad_key_and_not_connected(self):
    with self.assertRaisesRegex(KeyError, "embeddings"):
      snt.Embed(3, initializers={"w": tf.zeros})
    with self.assertRaises(snt.NotConnectedError):
      _ = snt.Embed(3).embeddings

  @test_utils.in_eager_mode
  def test_tf_function_training(self):
    embed = snt.Embed(5, 3, densify_gradients=True)
    optimizer = tf.keras.optimizers.SGD(0.5)

    @tf.function
    def step(ids):
      with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(embed(ids)))
      optimizer.apply_gradients([
          (tape.gradient(loss, embed.embeddings), embed.embeddings)])
      return loss

    ids = tf.constant([1, 3])
    embed(ids)
    before = embed.embeddings.numpy().copy()
    step(ids)
    after = embed.embeddings.numpy()
    self.assertAllClose(after[[0, 2, 4]], before[[0, 2, 4]])
    self.assertAllClose(after[[1, 3]], 0 * before[[1, 3]], atol=1e-6)


if __name__ == "__main__":
  test_utils.main()
