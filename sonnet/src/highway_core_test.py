"""Tests for snt.HighwayCore."""

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def sigmoid(x):
  return 1. / (1. + np.exp(-x))


class HighwayCoreTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_matches_numpy(self):
    rng = np.random.RandomState(0)
    x = rng.randn(3, 2, 3).astype(np.float32)
    keys = snt.HighwayCore.get_possible_initializer_keys(num_layers=2)
    core = snt.HighwayCore(4, num_layers=2, initializers={
        k: tf1.random_normal_initializer(seed=i)
        for i, k in enumerate(sorted(keys))})
    outputs, final = snt.dynamic_unroll(core, tf.constant(x),
                                        core.initial_state(2))
    self.init()
    v = {var.name.split("/")[-1][:-2]: self.evaluate(var)
         for var in core.get_variables()}
    outputs, final = self.evaluate([outputs, final])
    s = np.zeros([2, 4])
    for t in range(3):
      for layer in range(2):
        pre_h = s.dot(v["wh%d" % layer]) + v["bh%d" % layer]
        pre_t = s.dot(v["wt%d" % layer]) + v["bt%d" % layer]
        if layer == 0:
          pre_h += x[t].dot(v["wh"])
          pre_t += x[t].dot(v["wt"])
        gate = sigmoid(pre_t)
        s = np.tanh(pre_h) * gate + s * (1 - gate)
      self.assertAllClose(outputs[t], s, atol=1e-5)
    self.assertAllClose(final, s, atol=1e-5)

  @test_utils.in_all_modes
  def test_variable_names(self):
    core = snt.HighwayCore(4, num_layers=2)
    snt.dynamic_unroll(core, tf.ones([2, 1, 3]), core.initial_state(1))
    self.assertVariableShapes(core.get_variables(), {
        "highwaycore/wh": [3, 4], "highwaycore/wt": [3, 4],
        "highwaycore/wh0": [4, 4], "highwaycore/wt0": [4, 4],
        "highwaycore/wh1": [4, 4], "highwaycore/wt1": [4, 4],
        "highwaycore/bh0": [4], "highwaycore/bt0": [4],
        "highwaycore/bh1": [4], "highwaycore/bt1": [4]})

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
    self.assertVariableShapes(core.get_variables(), {
        "highwaycore/wt": [2, 3], "highwaycore/wh": [2, 3]})

  @test_utils.in_all_modes
  def test_default_initializers_are_glorot(self):
    core = snt.HighwayCore(40, num_layers=1)
    core(tf.ones([2, 60]), core.initial_state(2))
    self.init()
    v = {var.name.split("/")[-1][:-2]: self.evaluate(var)
         for var in core.get_variables()}
    for name, fans in (("wt", 100), ("wh0", 80), ("bt0", 80)):
      limit = np.sqrt(6. / fans)
      self.assertLessEqual(np.abs(v[name]).max(), limit)
      self.assertGreater(v[name].std(), limit / 3.)


if __name__ == "__main__":
  test_utils.main()
