"""Tests of the `DNC` core: shapes, variables and gradients."""

import numpy as np
import tensorflow as tf

from examples.dnc import dnc
from sonnet.src import test_utils

tf1 = tf.compat.v1


def make_dnc(**access):
  config = {"memory_size": 6, "word_size": 4, "num_reads": 2, "num_writes": 1}
  config.update(access)
  return dnc.DNC(config, {"hidden_size": 8}, output_size=3, clip_value=20.)


class DNCTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_unroll_shapes_and_variables(self):
    core = make_dnc()
    inputs = tf.constant(np.random.RandomState(0).randn(5, 2, 7), tf.float32)
    outputs, state = tf1.nn.dynamic_rnn(core, inputs,
                                        initial_state=core.initial_state(2),
                                        time_major=True)
    self.assertEqual(outputs.shape.as_list(), [5, 2, 3])
    self.assertEqual(state.access_output.shape.as_list(), [2, 2, 4])
    self.assertEqual(state.access_state.memory.shape.as_list(), [2, 6, 4])
    names = [test_utils.variable_name(v) for v in core.get_variables()]
    self.assertIn("dnc/controller/w_gates", names)
    self.assertIn("dnc/memory_access/read_mode/w", names)
    self.assertIn("dnc/output_linear/w", names)
    self.assertLen(names, 2 + 16 + 2)
    # Controller input: 7 inputs + 2 reads of 4; plus 8 hidden units.
    controller_w = [
        v for v in core.get_variables() if "controller/w_gates" in v.name][0]
    self.assertEqual(controller_w.shape.as_list(), [7 + 8 + 8, 4 * 8])
    self.init()
    values = self.evaluate(outputs)
    self.assertTrue(np.all(np.isfinite(values)))

  @test_utils.in_all_modes
  def test_gradients_reach_every_variable(self):
    for num_writes in (1, 2):
      with tf1.variable_scope("writes_%d" % num_writes):
        core = make_dnc(num_writes=num_writes)
      inputs = tf.constant(np.random.RandomState(1).randn(3, 2, 5), tf.float32)
      targets = tf.constant(np.random.RandomState(2).randn(3, 2, 3), tf.float32)

      def loss_fn():
        # pylint: disable=cell-var-from-loop
        outputs, _ = tf1.nn.dynamic_rnn(core, inputs,
                                        initial_state=core.initial_state(2),
                                        time_major=True)
        return tf.reduce_sum((outputs - targets)**2)

      loss_fn()  # Creates the variables.
      grads = test_utils.gradients(loss_fn, core.trainable_variables)
      self.assertLen(grads, 20)
      missing = [
          v.name for v, g in zip(core.trainable_variables, grads) if g is None]
      self.assertEqual(missing, [])
      self.init()
      grads = self.evaluate(grads)
      for variable, grad in zip(core.trainable_variables, grads):
        self.assertTrue(np.all(np.isfinite(grad)), variable.name)
        self.assertGreater(np.abs(grad).sum(), 0, variable.name)

  @test_utils.in_eager_mode
  def test_tf_function_matches_eager(self):
    core = make_dnc()
    inputs = tf.constant(np.random.RandomState(3).randn(3, 2, 5), tf.float32)

    def run():
      return tf1.nn.dynamic_rnn(core, inputs,
                                initial_state=core.initial_state(2),
                                time_major=True)[0]

    self.assertAllClose(run(), tf.function(run)(), atol=1e-5)


if __name__ == "__main__":
  test_utils.main()
