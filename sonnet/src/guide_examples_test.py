"""Every example of the Sonnet 1 user guide, checked in graph and eager modes.

The classes below are the guide's, written against `tf.compat.v1` (the
guide's `tf`), with only the fixes its text implies (e.g. `tf.nn.relu`).
"""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class MyMLP(snt.AbstractModule):
  """The guide's MLP: submodules constructed in `_build`."""

  def __init__(self, hidden_size, output_size, nonlinearity=tf.tanh,
               name="my_mlp"):
    super().__init__(name=name)
    self._hidden_size = hidden_size
    self._output_size = output_size
    self._nonlinearity = nonlinearity

  def _build(self, inputs):
    lin_x_to_h = snt.Linear(output_size=self._hidden_size, name="x_to_h")
    lin_h_to_o = snt.Linear(output_size=self._output_size, name="h_to_o")
    return lin_h_to_o(self._nonlinearity(lin_x_to_h(inputs)))


class ParentModule(snt.AbstractModule):

  def __init__(self, hidden_size, name="parent_module"):
    super().__init__(name=name)
    self._hidden_size = hidden_size

  def _build(self, inputs):
    lin_mod = snt.Linear(self._hidden_size)
    return tf.nn.relu(lin_mod(inputs))


class OtherParentModule(snt.AbstractModule):

  def __init__(self, hidden_size, name="other_parent_module"):
    super().__init__(name=name)
    self._hidden_size = hidden_size
    with self._enter_variable_scope():
      self._lin_mod = snt.Linear(self._hidden_size)

  def _build(self, inputs):
    return tf.nn.relu(self._lin_mod(inputs))


class WrongModule(snt.AbstractModule):

  def __init__(self, hidden_size, name="wrong_module"):
    super().__init__(name=name)
    self._hidden_size = hidden_size
    self._lin_mod = snt.Linear(self._hidden_size)

  def _build(self, inputs):
    return tf.nn.relu(self._lin_mod(inputs))


class NaiveAutoEncoder(snt.AbstractModule):
  """The guide's autoencoder whose methods share variables."""

  def __init__(self, n_latent, n_out, name="naive_auto_encoder"):
    super().__init__(name=name)
    self._n_latent = n_latent
    self._n_out = n_out

  @snt.reuse_variables
  def encode(self, inputs):
    w_enc = tf1.get_variable("w_enc", shape=[self._n_out, self._n_latent])
    b_enc = tf1.get_variable("b_enc", shape=[self._n_latent])
    return tf.sigmoid(tf.matmul(inputs, w_enc) + b_enc)

  @snt.reuse_variables
  def decode(self, latents):
    w_rec = tf1.get_variable("w_dec", shape=[self._n_latent, self._n_out])
    b_rec = tf1.get_variable("b_dec", shape=[self._n_out])
    return tf.sigmoid(tf.matmul(latents, w_rec) + b_rec)

  def _build(self, inputs):
    return self.decode(self.encode(inputs))


class Reusable:
  """The guide's plain object with a variable scope."""

  def __init__(self, name):
    with tf1.variable_scope(name) as vs:
      self.variable_scope = vs

  @snt.reuse_variables
  def reusable_var(self):
    return tf1.get_variable("a", shape=[1])


class BadReusable(Reusable):
  """The guide's counter-example: two methods claiming one variable."""

  @snt.reuse_variables
  def another_reusable_var(self):
    return tf1.get_variable("a", shape=[1])


class CosineWeights(snt.AbstractModule):
  """The guide's `param_size` pattern (content weights from parameters)."""

  def __init__(self, word_size, num_heads, name="cosine_weights"):
    super().__init__(name=name)
    self._word_size = word_size
    self._num_heads = num_heads

  def param_size(self):
    return self._num_heads * (1 + self._word_size)

  def _build(self, memory, cos_params):
    params = tf.reshape(cos_params, [-1, self._num_heads, 1 + self._word_size])
    keys, strengths = params[:, :, 1:], params[:, :, 0]
    dots = tf.matmul(keys, memory, transpose_b=True)
    norms = (tf.norm(keys, axis=-1)[:, :, None] *
             tf.norm(memory, axis=-1)[:, None, :])
    return tf.nn.softmax(dots / (norms + 1e-6) * strengths[:, :, None])


class GuideExamplesTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_usage_example_shares_variables(self):
    linear_regression_module = snt.Linear(output_size=2)
    train = linear_regression_module(tf.ones([4, 3]))
    test = linear_regression_module(tf.zeros([1, 3]))
    self.assertEqual(train.shape.as_list(), [4, 2])
    self.assertEqual(test.shape.as_list(), [1, 2])
    self.assertVariableNames(linear_regression_module.get_variables(),
                             ["linear/w", "linear/b"])
    if not self.eager:
      self.assertLen(tf1.global_variables(), 2)

  @test_utils.in_all_modes
  def test_sequential_mlp(self):
    lin_to_hidden = snt.Linear(output_size=5, name="inp_to_hidden")
    hidden_to_out = snt.Linear(output_size=2, name="hidden_to_out")
    mlp = snt.Sequential([lin_to_hidden, tf.sigmoid, hidden_to_out])
    x = np.random.RandomState(0).rand(3, 4).astype(np.float32)
    train_predictions = mlp(tf.constant(x))
    mlp(tf.constant(x))
    self.init()
    w1, b1, w2, b2, y = self.evaluate([
        lin_to_hidden.w, lin_to_hidden.b, hidden_to_out.w, hidden_to_out.b,
        train_predictions])
    expected = (1 / (1 + np.exp(-(x.dot(w1) + b1)))).dot(w2) + b2
    self.assertAllClose(y, expected, atol=1e-5)
    # The guide's FAQ: get_variables() is empty for a Sequential of
    # externally built modules; get_all_variables() finds them.
    self.assertEmpty(mlp.get_variables())
    self.assertVariableNames(mlp.get_all_variables(), [
        "inp_to_hidden/w", "inp_to_hidden/b",
        "hidden_to_out/w", "hidden_to_out/b"])

  @test_utils.in_all_modes
  def test_initializers_and_regularizers_snippet(self):
    initializers = {"w": tf1.truncated_normal_initializer(stddev=1.0),
                    "b": tf1.truncated_normal_initializer(stddev=1.0)}
    regularizers = {"w": snt.regularizers.l1(scale=0.1),
                    "b": snt.regularizers.l2(scale=0.1)}
    module = snt.Linear(output_size=3, initializers=initializers,
                        regularizers=regularizers)
    module(tf.ones([2, 4]))
    module(tf.ones([5, 4]))
    self.init()
    if self.eager:
      losses = module.get_regularization_losses()
    else:
      losses = tf1.get_collection(tf1.GraphKeys.REGULARIZATION_LOSSES)
    self.assertLen(losses, 2)  # One per variable, not per connection.
    total = self.evaluate(tf.reduce_sum(losses))
    w, b = self.evaluate([module.w, module.b])
    self.assertAllClose(total, 0.1 * np.abs(w).sum() + 0.05 * (b**2).sum(),
                        rtol=1e-5)

  @test_utils.in_all_modes
  def test_my_mlp_creates_four_variables(self):
    mlp = MyMLP(hidden_size=5, output_size=2)
    for batch in (1, 3, 3):
      mlp(tf.ones([batch, 4]))
    self.assertVariableShapes(mlp.get_variables(), {
        "my_mlp/x_to_h/w": [4, 5], "my_mlp/x_to_h/b": [5],
        "my_mlp/h_to_o/w": [5, 2], "my_mlp/h_to_o/b": [2]})
    if not self.eager:
      self.assertLen(tf1.global_variables(), 4)

  @test_utils.in_all_modes
  def test_submodule_nesting(self):
    parent = ParentModule(hidden_size=3)
    other = OtherParentModule(hidden_size=3)
    wrong = WrongModule(hidden_size=3)
    for module in (parent, other, wrong):
      module(tf.ones([2, 4]))
      module(tf.ones([2, 4]))
    self.assertVariableNames(parent.get_variables(), [
        "parent_module/linear/w", "parent_module/linear/b"])
    self.assertVariableNames(other.get_variables(), [
        "other_parent_module/linear/w", "other_parent_module/linear/b"])
    # The guide's pitfall: the Linear's variables are outside the scope.
    self.assertEmpty(wrong.get_variables())
    self.assertVariableNames(wrong.get_all_variables(),
                             ["linear/w", "linear/b"])

  @test_utils.in_all_modes
  def test_name_uniquification_faq(self):
    lin_1 = snt.Linear(output_size=42, name="linear")
    lin_2 = snt.Linear(output_size=84, name="linear")
    self.assertEqual(lin_1.module_name, "linear")
    self.assertEqual(lin_2.module_name, "linear_1")
    self.assertEqual(snt.Linear(3).module_name, "linear_2")
    self.assertEqual(MyMLP(1, 1).module_name, "my_mlp")

  @test_utils.in_all_modes
  def test_naive_auto_encoder_shares_across_methods(self):
    nae = NaiveAutoEncoder(n_latent=2, n_out=10)
    inputs = tf.ones([5, 10])
    reconstructed_from_input = nae(inputs)
    reconstructed_from_latent = nae.decode(tf.ones([5, 2]))
    nae.encode(inputs)
    self.assertEqual(reconstructed_from_input.shape.as_list(), [5, 10])
    self.assertEqual(reconstructed_from_latent.shape.as_list(), [5, 10])
    self.assertVariableShapes(nae.get_variables(), {
        "naive_auto_encoder/w_enc": [10, 2],
        "naive_auto_encoder/b_enc": [2],
        "naive_auto_encoder/w_dec": [2, 10],
        "naive_auto_encoder/b_dec": [10]})
    self.init()
    w_dec, b_dec, from_latent = self.evaluate(
        [nae.get_variables()[2], nae.get_variables()[3],
         reconstructed_from_latent])
    self.assertAllClose(from_latent,
                        1 / (1 + np.exp(-(np.ones([5, 2]).dot(w_dec) + b_dec))),
                        atol=1e-5)

  @test_utils.in_all_modes
  def test_reuse_variables_any_call_order(self):
    nae = NaiveAutoEncoder(n_latent=2, n_out=3)
    nae.decode(tf.ones([1, 2]))  # Decoder variables first, then the rest.
    nae(tf.ones([1, 3]))
    nae.decode(tf.ones([4, 2]))
    self.assertLen(nae.get_variables(), 4)
    self.assertTrue(nae.is_connected)

  @test_utils.in_eager_mode
  def test_reusable_plain_object_is_graph_only(self):
    obj = Reusable("reusable")
    with self.assertRaisesRegex(
        ValueError, "reuse_variables is not supported in eager mode except "
        "in Sonnet modules"):
      obj.reusable_var()

  @test_utils.in_graph_mode
  def test_reusable_object(self):
    obj = Reusable("reusable")
    a1 = obj.reusable_var()
    a2 = obj.reusable_var()
    self.assertIs(a1, a2)
    self.assertEqual(a1.name, "reusable/a:0")

  @test_utils.in_graph_mode
  def test_bad_reusable_raises(self):
    obj = BadReusable("bad_reusable")
    obj.reusable_var()
    with self.assertRaisesRegex(ValueError, "bad_reusable/a.*already exists"):
      obj.another_reusable_var()

  @test_utils.in_all_modes
  def test_cosine_weights_param_size(self):
    memory = np.random.RandomState(0).randn(2, 6, 4).astype(np.float32)
    inputs = tf.ones([2, 7])
    cos_weights_mod = CosineWeights(word_size=4, num_heads=3)
    cosine_params_mod = snt.Linear(output_size=cos_weights_mod.param_size())
    cos_params = cosine_params_mod(inputs)
    weights = cos_weights_mod(tf.constant(memory), cos_params)
    self.assertEqual(cos_params.shape.as_list(), [2, 15])
    self.init()
    params, weights = self.evaluate([cos_params, weights])
    params = params.reshape(2, 3, 5)
    keys, strengths = params[:, :, 1:], params[:, :, :1]
    cos = np.einsum("bhw,bmw->bhm", keys, memory) / (
        np.linalg.norm(keys, axis=-1)[:, :, None] *
        np.linalg.norm(memory, axis=-1)[:, None, :] + 1e-6)
    logits = cos * strengths
    expected = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    self.assertAllClose(weights, expected, atol=1e-5)


if __name__ == "__main__":
  test_utils.main()
