"""Tests for snt.HighwayCore."""

import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class HighwayCoreTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_matches_numpy(self):
    rng = np.random.RandomState(0)
    x = rng.randn(3, 2, 3).astype(np.float32)
    keys = snt.HighwayCore.get_possible_initializer_keys(num_layers=2)
    core = snt.HighwayCore(4, num_layers=2,
                           initializers=test_utils.random_initializers(keys))

    def step(x_t, s, v):
      for layer in range(2):
        pre_h = s.dot(v["wh%d" % layer]) + v["bh%d" % layer]
        pre_t = s.dot(v["wt%d" % layer]) + v["bt%d" % layer]
        if layer == 0:
          pre_h += x_t.dot(v["wh"])
          pre_t += x_t.dot(v["wt"])
        gate = refs.sigmoid(pre_t)
        s = np.tanh(pre_h) * gate + s * (1 - gate)
      return s, s

    self.assertUnrollMatches(core, x, core.initial_state(2), step)

  @test_utils.in_all_modes
  def test_variable_names(self):
    core = snt.HighwayCore(4, num_layers=2)
    snt.dynamic_unroll(core, tf.ones([2, 1, 3]), core.initial_state(1))
    self.assertVariableShapes(
        core.get_variables(), {
            "highwaycore/wh": [3, 4], "highwaycore/wt": [
                3, 4], "highwaycore/wh0": [4, 4], "highwaycore/wt0": [
                    4, 4], "highwaycore/wh1": [4, 4], "highwaycore/wt1": [4, 4],
            "highwaycore/bh0": [4], "highwaycore/bt0": [4], "highwaycore/bh1": [
                4], "highwaycore/bt1": [4]})

  def test_constructor_errors(self):
    with self.assertRaisesRegex(KeyError, "Invalid initializer keys 'wh2'"):
      snt.HighwayCore(4, num_layers=2,
                      initializers={"wh2": tf1.zeros_initializer()})

  @test_utils.in_all_modes
  def test_input_size_error(self):
    core = snt.HighwayCore(4, num_layers=1, name="hw")
    core(tf.ones([2, 3]), core.initial_state(2))
    with self.assertRaisesRegex(ValueError, "hw: inputs must have size 3"):
      core(tf.ones([2, 5]), core.initial_state(2))

  @test_utils.in_all_modes
  def test_no_layers_keeps_the_state(self):
    core = snt.HighwayCore(3, num_layers=0)
    state = tf.constant([[1., -2., 3.]])
    out, next_state = core(tf.ones([1, 2]), state)
    self.init()
    self.assertAllClose(self.evaluate(out), [[1., -2., 3.]])
    self.assertAllClose(self.evaluate(next_state), [[1., -2., 3.]])
    self.assertVariableShapes(
        core.get_variables(),
        {"highwaycore/wt": [2, 3], "highwaycore/wh": [2, 3]})

  @test_utils.in_all_modes
  def test_default_initializers_are_glorot(self):
    core = snt.HighwayCore(40, num_layers=1)
    core(tf.ones([2, 60]), core.initial_state(2))
    self.init()
    v = self.variable_values(core)
    for name, fans in (("wt", 100), ("wh0", 80), ("bt0", 80)):
      limit = np.sqrt(6. / fans)
      self.assertLessEqual(np.abs(v[name]).max(), limit)
      self.assertGreater(v[name].std(), limit / 3.)


if __name__ == "__main__":
  test_utils.main()
