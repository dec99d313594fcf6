"""Every example of the Sonnet 1 user guide, checked in graph and eager modes.

The guide's `MyMLP` and `NaiveAutoEncoder` are example programs
(examples/my_mlp.py, examples/naive_autoencoder.py), checked by their own
tests. The classes below are the guide's other snippets, written against
`tf.compat.v1` (the guide's `tf`), with only the fixes its text implies (e.g.
`tf.nn.relu`).
"""

import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


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
    expected = refs.sigmoid(x.dot(w1) + b1).dot(w2) + b2
    self.assertAllClose(y, expected, atol=1e-5)
    # The guide's FAQ: get_variables() is empty for a Sequential of
    # externally built modules; get_all_variables() finds them.
    self.assertEmpty(mlp.get_variables())
    self.assertVariableNames(mlp.get_all_variables(), [
        "inp_to_hidden/w", "inp_to_hidden/b", "hidden_to_out/w",
        "hidden_to_out/b"])

  @test_utils.in_all_modes
  def test_initializers_and_regularizers_snippet(self):
    initializers = {
        "w": tf1.truncated_normal_initializer(stddev=1.0),
        "b": tf1.truncated_normal_initializer(stddev=1.0)}
    regularizers = {
        "w": snt.regularizers.l1(scale=0.1),
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
  def test_submodule_nesting(self):
    parent = ParentModule(hidden_size=3)
    other = OtherParentModule(hidden_size=3)
    wrong = WrongModule(hidden_size=3)
    for module in (parent, other, wrong):
      module(tf.ones([2, 4]))
      module(tf.ones([2, 4]))
    self.assertVariableNames(
        parent.get_variables(),
        ["parent_module/linear/w", "parent_module/linear/b"])
    self.assertVariableNames(
        other.get_variables(),
        ["other_parent_module/linear/w", "other_parent_module/linear/b"])
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
    expected = refs.softmax(logits)
    self.assertAllClose(weights, expected, atol=1e-5)


if __name__ == "__main__":
  test_utils.main()
