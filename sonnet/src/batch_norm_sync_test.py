"""BatchNorm, BatchNormV2 under MirroredStrategy: the global batch's statistics.

Two logical CPUs, two replicas with batches of different sizes and
statistics: outputs, gradients and moving averages must be those of one
device normalizing the concatenated (global) batch, and both replicas'
moving averages identical.
"""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1

_DECAY = 0.5
_EPS = 1e-3
# (module class, constructor arguments, per-replica input shapes, axes).
_CASES = (
    ("batch_norm", snt.BatchNorm, {}, [(4, 3), (2, 3)], (0,)),
    ("batch_norm_fused", snt.BatchNorm, {"fused": True}, [
        (3, 2, 2, 3), (2, 2, 2, 3)], (0, 1, 2)),
    ("batch_norm_v2", snt.BatchNormV2, {}, [(3, 5, 4), (2, 5, 4)], (0, 1)),
    ("batch_norm_v2_nchw", snt.BatchNormV2,
     {"data_format": "NCHW", "fused": False}, [(2, 3, 2, 2),
                                               (3, 3, 2, 2)], (0, 2, 3)),
)


def setUpModule():
  cpu = tf.config.list_physical_devices("CPU")[0]
  if not tf.config.get_logical_device_configuration(cpu):
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


def _replica_batches(shapes):
  """One batch per replica, each with its own mean and scale."""
  rng = np.random.RandomState(0)
  return [(rng.randn(*shape) * (1. + 2. * i) + 3. * i).astype(np.float32)
          for i, shape in enumerate(shapes)]


def _reference(batches, axes, fused):
  """NumPy: the global batch normalized, and the averages after one update.

  Args:
    batches: the replicas' batches.
    axes: the reduced dimensions.
    fused: whether the moving variance tracks the Bessel-corrected one.

  Returns:
    (outputs per replica, moving mean, moving variance), the averages with
    the reduced dimensions kept.
  """
  x = np.concatenate(batches).astype(np.float64)
  mean = x.mean(axes, keepdims=True)
  var = x.var(axes, keepdims=True)
  out = (x - mean) / np.sqrt(var + _EPS)
  n = x.size // mean.size
  tracked = var * n / (n - 1.) if fused else var
  sizes = np.cumsum([len(b) for b in batches])[:-1]
  return (np.split(out, sizes), (1. - _DECAY) * mean,
          _DECAY + (1. - _DECAY) * tracked)


_EAGER_STRATEGY = []


def _strategy():
  """A MirroredStrategy over the two CPUs: one for all eager tests.

  Eager collectives of strategies made later in the process would reuse the
  first one's instance keys (with other shapes).

  Returns:
    The strategy.
  """
  if not tf.executing_eagerly():
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
  if not _EAGER_STRATEGY:
    _EAGER_STRATEGY.append(tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]))
  return _EAGER_STRATEGY[0]


def _distribute(strategy, batches):
  return strategy.experimental_distribute_values_from_function(
      lambda context: tf.constant(batches[context.replica_id_in_sync_group]))


class BatchNormSyncTest(test_utils.TestCase, parameterized.TestCase):

  def _check(self, strategy, bn, outputs, batches, axes):
    """Outputs and both replicas' moving averages against the reference."""
    expected_out, expected_mean, expected_var = _reference(
        batches, axes, bn._fused)  # pylint: disable=protected-access
    for got, want in zip(strategy.experimental_local_results(outputs),
                         expected_out):
      self.assertAllClose(self.evaluate(got), want, atol=1e-5)
    for variable, want in (
        (bn._moving_mean, expected_mean),  # pylint: disable=protected-access
        (bn._moving_variance, expected_var)):  # pylint: disable=protected-access
      copies = [self.evaluate(v) for v in variable.values]
      self.assertAllClose(copies[0], np.reshape(want, copies[0].shape),
                          atol=1e-5)
      self.assertAllEqual(copies[0], copies[1])

  @parameterized.named_parameters(*_CASES)
  @test_utils.in_eager_mode
  def test_eager_and_function(self, module, kwargs, shapes, axes):
    strategy = _strategy()
    batches = _replica_batches(shapes)
    with strategy.scope():
      bn = module(decay_rate=_DECAY, **kwargs)
    step = lambda x: strategy.run(lambda x: bn(x, is_training=True), args=(x,))
    self._check(strategy, bn, step(_distribute(strategy, batches)), batches,
                axes)
    # A traced step (the variables exist: see docs/scaling.md) with a
    # boolean tensor for is_training, from fresh moving averages.
    for variable, value in ((bn._moving_mean, 0.), (bn._moving_variance, 1.)):  # pylint: disable=protected-access
      variable.assign(tf.fill(variable.shape, value))

    @tf.function
    def traced(x, is_training):
      return strategy.run(lambda x: bn(x, is_training=is_training), args=(x,))

    outputs = traced(_distribute(strategy, batches), tf.constant(True))
    self._check(strategy, bn, outputs, batches, axes)

  @parameterized.named_parameters(*_CASES)
  @test_utils.in_graph_mode
  def test_graph(self, module, kwargs, shapes, axes):
    strategy = _strategy()
    batches = _replica_batches(shapes)
    with strategy.scope():
      bn = module(decay_rate=_DECAY, update_ops_collection=None, **kwargs)
      outputs = strategy.run(lambda x: bn(x, is_training=True),
                             args=(_distribute(strategy, batches),))
    self.init()
    self._check(strategy, bn, outputs, batches, axes)

  @test_utils.in_eager_mode
  def test_gradients_of_the_global_batch(self):
    strategy = _strategy()
    batches = _replica_batches([(4, 3), (2, 3)])
    weights = np.arange(18, dtype=np.float32).reshape(6, 3) / 10.
    with strategy.scope():
      bn = snt.BatchNorm(scale=True)

    def replica_grads(x):
      rows = tf.range(
          tf.shape(x)[0]
      ) + 4 * tf.distribute.get_replica_context().replica_id_in_sync_group
      with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(bn(x, is_training=True) * tf.gather(weights, rows))
      return tape.gradient(loss, [x, bn.gamma])

    grads = strategy.run(replica_grads, args=(_distribute(strategy, batches),))
    x = tf.constant(np.concatenate(batches))
    single = snt.BatchNorm(scale=True)
    with tf.GradientTape() as tape:
      tape.watch(x)
      loss = tf.reduce_sum(single(x, is_training=True) * weights)
    want_x, want_gamma = tape.gradient(loss, [x, single.gamma])
    got_x = [
        self.evaluate(g) for g in strategy.experimental_local_results(grads[0])]
    self.assertAllClose(np.concatenate(got_x), want_x, atol=1e-4)
    got_gamma = strategy.reduce("sum", grads[1], axis=None)
    self.assertAllClose(got_gamma, want_gamma, atol=1e-4)

  @test_utils.in_eager_mode
  def test_per_replica_statistics_when_turned_off(self):
    strategy = _strategy()
    batches = _replica_batches([(4, 3), (2, 3)])
    with strategy.scope():
      bn = snt.BatchNorm(decay_rate=_DECAY)
    bn.cross_replica_statistics = False
    outputs = strategy.run(lambda x: bn(x, is_training=True),
                           args=(_distribute(strategy, batches),))
    means = []
    for got, batch in zip(strategy.experimental_local_results(outputs),
                          batches):
      local_out, local_mean, _ = _reference([batch], (0,), False)
      self.assertAllClose(got, local_out[0], atol=1e-5)
      means.append(local_mean)
    replica_means = bn._moving_mean.values  # pylint: disable=protected-access
    self.assertAllClose([v.numpy() for v in replica_means], means, atol=1e-6)
    # Read outside a replica context (or saved): the replicas' mean.
    self.assertAllClose(bn.moving_mean, np.mean(means, 0), atol=1e-6)

  @test_utils.in_eager_mode
  def test_moving_averages_are_on_read_means(self):
    strategy = _strategy()
    with strategy.scope():
      bn = snt.BatchNorm()
      bn(tf.ones([2, 3]), is_training=False)
    self.assertEqual(
        bn._moving_mean.synchronization,  # pylint: disable=protected-access
        tf.VariableSynchronization.ON_READ)
    self.assertEqual(
        bn._moving_variance.aggregation,  # pylint: disable=protected-access
        tf.VariableAggregation.MEAN)
    self.assertVariableNames(
        tf1.get_collection(tf1.GraphKeys.MOVING_AVERAGE_VARIABLES) or
        [bn._moving_mean, bn._moving_variance],  # pylint: disable=protected-access
        ["batch_norm/moving_mean", "batch_norm/moving_variance"])

  @test_utils.in_all_modes
  def test_one_device_unchanged(self):
    bn = snt.BatchNorm()
    bn(tf.ones([2, 3]), is_training=True)
    plain = tf1.get_variable("plain", [1], trainable=False)
    self.assertEqual(bn.moving_mean.synchronization, plain.synchronization)
    self.assertEqual(bn.moving_mean.aggregation, plain.aggregation)


if __name__ == "__main__":
  test_utils.main()
