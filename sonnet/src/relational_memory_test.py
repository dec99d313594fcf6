"""Tests for snt.RelationalMemory."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def layer_norm(x, v, name):
  return refs.layer_norm(x, v[name + "/gamma"], v[name + "/beta"])


def numpy_step(x, memory, v, heads, head_size, gate_style, forget_bias=1.,
               input_bias=0.):
  """One RelationalMemory step (one block, 2-layer MLP)."""
  batch, slots, _ = memory.shape
  projected = (x.dot(v["linear/w"]) + v["linear/b"])[:, None]
  state = np.concatenate([memory, projected], axis=1)
  qkv = layer_norm(
      state.dot(v["linear_1/w"]) + v["linear_1/b"], v, "layer_norm")
  qkv = qkv.reshape(batch, slots + 1, heads, 3 * head_size)
  qkv = qkv.transpose(0, 2, 1, 3)
  q, k, val = np.split(qkv, 3, axis=-1)  # pylint: disable=unbalanced-tuple-unpacking
  weights = refs.softmax(np.einsum("bhik,bhjk->bhij", q * head_size**-0.5, k))
  attended = np.einsum("bhij,bhjv->bhiv", weights, val)
  attended = attended.transpose(0, 2, 1, 3).reshape(batch, slots + 1, -1)
  state = layer_norm(state + attended, v, "layer_norm_1")
  hidden = np.maximum(state.dot(v["mlp/linear_0/w"]) + v["mlp/linear_0/b"], 0.)
  mlp_out = hidden.dot(v["mlp/linear_1/w"]) + v["mlp/linear_1/b"]
  state = layer_norm(mlp_out + state, v, "layer_norm_2")
  next_memory = state[:, :-1]
  if gate_style is not None:
    gates = (np.tanh(memory).dot(v["linear_3/w"]) + v["linear_3/b"] +
             (projected[:, 0].dot(v["linear_2/w"]) + v["linear_2/b"])[:, None])
    input_gate, forget_gate = np.split(gates, 2, axis=2)  # pylint: disable=unbalanced-tuple-unpacking
    next_memory = (
        refs.sigmoid(input_gate + input_bias) * np.tanh(next_memory) +
        refs.sigmoid(forget_gate + forget_bias) * memory)
  return next_memory.reshape(batch, -1), next_memory


class RelationalMemoryTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(("unit", 1), ("memory", 2), (None, 2))
  @test_utils.in_all_modes
  def test_matches_numpy(self, gate_style, heads):
    rng = np.random.RandomState(0)
    x = rng.randn(3, 5).astype(np.float32)
    core = snt.RelationalMemory(mem_slots=3, head_size=2, num_heads=heads,
                                gate_style=gate_style, input_bias=0.3)
    memory = rng.randn(3, 3, 2 * heads).astype(np.float32)
    out, next_memory = core(tf.constant(x), tf.constant(memory))
    self.init()
    v = self.variable_values(core)
    out, next_memory = self.evaluate([out, next_memory])
    expected_out, expected_memory = numpy_step(x, memory, v, heads, 2,
                                               gate_style, input_bias=0.3)
    self.assertAllClose(out, expected_out, atol=1e-4)
    self.assertAllClose(next_memory, expected_memory, atol=1e-4)

  @test_utils.in_all_modes
  def test_variable_names_and_unroll(self):
    core = snt.RelationalMemory(mem_slots=2, head_size=4)
    outputs, _ = snt.dynamic_unroll(core, tf.ones([3, 2, 3]),
                                    core.initial_state(2))
    self.assertEqual(outputs.shape.as_list(), [3, 2, 8])
    self.assertVariableShapes(
        core.get_all_variables(), {
            "relational_memory/layer_norm/beta": [
                12], "relational_memory/layer_norm/gamma": [
                    12], "relational_memory/layer_norm_1/beta": [
                        4], "relational_memory/layer_norm_1/gamma": [
                            4], "relational_memory/layer_norm_2/beta": [
                                4], "relational_memory/layer_norm_2/gamma": [4],
            "relational_memory/linear/b": [4], "relational_memory/linear/w": [
                3, 4], "relational_memory/linear_1/b": [
                    12], "relational_memory/linear_1/w": [
                        4, 12], "relational_memory/linear_2/b": [
                            8], "relational_memory/linear_2/w": [4, 8],
            "relational_memory/linear_3/b": [8], "relational_memory/linear_3/w":
                [4, 8], "relational_memory/mlp/linear_0/b": [
                    4], "relational_memory/mlp/linear_0/w": [
                        4, 4], "relational_memory/mlp/linear_1/b": [
                            4], "relational_memory/mlp/linear_1/w": [4, 4]})
    self.assertEqual(core.forget_gate.shape.as_list()[1:], [2, 4])

  @test_utils.in_all_modes
  def test_initial_state(self):
    core = snt.RelationalMemory(mem_slots=3, head_size=2)
    state = self.evaluate(core.initial_state(2))
    self.assertAllEqual(state[1], np.eye(3, 2))
    # As in Sonnet 1, `trainable` is ignored: the memory is a constant.
    padded = snt.RelationalMemory(mem_slots=2, head_size=2, num_heads=2)
    learned = padded.initial_state(tf.constant(2), trainable=True)
    self.assertEqual(learned.dtype, tf.float32)
    self.assertAllEqual(self.evaluate(learned)[0], np.eye(2, 4))
    if not self.eager:
      self.assertEmpty(tf1.global_variables())

  @parameterized.parameters(("unit", 8), ("memory", 1), (None, 0))
  def test_gate_size(self, gate_style, size):
    core = snt.RelationalMemory(mem_slots=2, head_size=4, num_heads=2,
                                gate_style=gate_style)
    self.assertEqual(core._calculate_gate_size(), size)  # pylint: disable=protected-access

  @test_utils.in_all_modes
  def test_input_as_matrix(self):
    core = snt.RelationalMemory(mem_slots=2, head_size=3, num_blocks=2)
    out, memory = core(tf.ones([4, 3, 5]), core.initial_state(4),
                       treat_input_as_matrix=True)
    self.assertEqual(out.shape.as_list(), [4, 6])
    self.assertEqual(memory.shape.as_list(), [4, 2, 3])

  def test_constructor_errors(self):
    with self.assertRaisesRegex(ValueError, r"num_blocks must be >= 1\. "
                                r"Got: 0\."):
      snt.RelationalMemory(2, 4, num_blocks=0)
    with self.assertRaisesRegex(
        ValueError, r"attention_mlp_layers must be "
        r">= 1\. Got: 0\."):
      snt.RelationalMemory(2, 4, attention_mlp_layers=0)
    with self.assertRaisesRegex(
        ValueError,
        r"gate_style must be one of \['unit', 'memory', None\]\. Got: slot"):
      snt.RelationalMemory(2, 4, gate_style="slot")

  @test_utils.in_all_modes
  def test_memory_rows_are_not_checked(self):
    # Sonnet 1 attended over whatever rows the memory had.
    core = snt.RelationalMemory(mem_slots=2, head_size=4)
    out, memory = core(tf.ones([2, 3]), tf.ones([2, 5, 4]))
    self.assertEqual(out.shape.as_list(), [2, 20])
    self.assertEqual(memory.shape.as_list(), [2, 5, 4])


if __name__ == "__main__":
  test_utils.main()
