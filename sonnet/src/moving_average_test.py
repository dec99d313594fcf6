"""Tests for snt.MovingAverage."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules import moving_average as compat_moving_average
from sonnet.src import moving_average
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class MovingAverageTest(test_utils.TestCase, parameterized.TestCase):

  def _run(self, module, values):
    """Feeds `values` one after another; returns the outputs."""
    if self.eager:
      return [module(tf.constant(v)).numpy() for v in values]
    x = tf1.placeholder(tf.float32, values[0].shape)
    y = module(x)
    self.init()
    session = tf1.get_default_session()
    return [session.run(y, {x: v}) for v in values]

  @parameterized.parameters(0.9, 0.5, 0.0, 1.0)
  @test_utils.in_all_modes
  def test_matches_numpy_bit_for_bit(self, decay):
    values = np.random.RandomState(0).randn(6, 2, 3).astype(np.float32) * 100
    outputs = self._run(snt.MovingAverage(decay=decay), list(values))
    # Sonnet 1's float32 update: average -= (average - x) * (1 - decay).
    weight = np.float32(1.0 - decay)
    expected = values[0]
    self.assertAllEqual(outputs[0], expected)
    for value, output in zip(values[1:], outputs[1:]):
      expected = expected - (expected - value) * weight
      self.assertAllEqual(output, expected)

  @parameterized.parameters(False, True)
  @test_utils.in_all_modes
  def test_variables(self, local):
    module = snt.MovingAverage(local=local)
    module(tf.ones([2, 3]))
    module(tf.ones([2, 3]))
    self.assertEqual(module.get_variables(), ())
    expected = {
        "moving_average/initialized": [],
        "moving_average/moving_average": [2, 3]}
    own = module.get_variables(tf1.GraphKeys.LOCAL_VARIABLES if local else tf1.
                               GraphKeys.GLOBAL_VARIABLES)
    other = module.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES
                                 if local else tf1.GraphKeys.LOCAL_VARIABLES)
    self.assertVariableShapes(own, expected)
    self.assertEqual(other, ())
    self.assertEqual(own[0].dtype.base_dtype, tf.bool)

  @test_utils.in_all_modes
  def test_reset(self):
    module = snt.MovingAverage(decay=0.5)
    if self.eager:
      module(tf.constant(2.))
      module.reset()
      self.assertAllClose(module(tf.constant(6.)), 6.)
      self.assertAllClose(module(tf.constant(0.)), 3.)
    else:
      x = tf1.placeholder(tf.float32, [])
      y = module(x)
      reset = module.reset()
      self.init()
      session = tf1.get_default_session()
      session.run(y, {x: 2.})
      session.run(reset)
      self.assertAllClose(session.run(y, {x: 6.}), 6.)
      self.assertAllClose(session.run(y, {x: 0.}), 3.)

  @test_utils.in_all_modes
  def test_gradient_passes_through(self):
    module = snt.MovingAverage(decay=0.9)
    x = tf.constant([1., 2.])
    if self.eager:
      module(x * 3)
    grad = test_utils.gradients(lambda: tf.reduce_sum(module(x) * [2., 5.]), x)
    self.init()
    self.assertAllClose(self.evaluate(grad), [2., 5.])

  @test_utils.in_all_modes
  def test_errors(self):
    module = snt.MovingAverage()
    with self.assertRaisesRegex(TypeError,
                                "moving_average: inputs must be a float"):
      module(tf.constant([1, 2]))
    self.assertFalse(module.is_connected)
    module(tf.ones([2]))
    with self.assertRaisesRegex(
        ValueError, r"^Trying to share variable moving_average/moving_average, "
        r"but specified shape \(3,\) and found shape \(2,\)."):
      module(tf.ones([3]))

  @test_utils.in_graph_mode
  def test_unknown_shape_raises(self):
    with self.assertRaisesRegex(
        ValueError, r"^moving_average: the shape of inputs must be fully "
        r"known, got \[None, 2\]."):
      snt.MovingAverage()(tf1.placeholder(tf.float32, [None, 2]))

  @parameterized.parameters(1.5, -0.1)
  def test_bad_decay(self, decay):
    with self.assertRaisesRegex(
        ValueError,
        r"^Decay must be a float in the \[0, 1\] range, but is %s.$" % decay):
      snt.MovingAverage(decay=decay)

  def test_reset_needs_connection(self):
    with self.assertRaises(snt.NotConnectedError):
      snt.MovingAverage().reset()

  @test_utils.in_all_modes
  def test_pass_through_gradients(self):
    pass_through = moving_average._pass_through_gradients  # pylint: disable=protected-access
    x = tf.constant([1., 2.])
    average = tf.constant([5., 7.])
    with tf.GradientTape(persistent=True) as tape:
      tape.watch([x, average])
      y = pass_through(x, average)
      loss = tf.reduce_sum(y * [2., 3.])
    self.assertAllEqual(self.evaluate(y), [5., 7.])
    self.assertAllEqual(self.evaluate(tape.gradient(loss, x)), [2., 3.])
    self.assertIsNone(tape.gradient(loss, average))
    with self.assertRaisesRegex(
        TypeError, "expected to be of the same type, but were <dtype: "
        "'float32'> and <dtype: 'float64'>"):
      pass_through(x, tf.constant([1.], tf.float64))

  def test_sonnet1_path_has_pass_through_gradients(self):
    # pylint: disable=protected-access
    self.assertIs(compat_moving_average._pass_through_gradients,
                  moving_average._pass_through_gradients)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    module = snt.MovingAverage(decay=0.5)
    f = tf.function(module)
    self.assertAllClose(f(tf.constant([4.])), [4.])
    self.assertAllClose(f(tf.constant([0.])), [2.])
    self.assertAllClose(module(tf.constant([2.])), [2.])
    module.reset()
    self.assertAllClose(f(tf.constant([8.])), [8.])


if __name__ == "__main__":
  test_utils.main()
