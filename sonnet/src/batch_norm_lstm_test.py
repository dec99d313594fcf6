"""Tests for snt.BatchNormLSTM."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def numpy_step(x, h, c, v, bn_h=True, bn_x=False, bn_c=False, peepholes=False,
               clip=None, stats=None):
  """One training step of Sonnet 1.36's BatchNormLSTM in NumPy.

  Args:
    x: the inputs.
    h: the previous hidden state.
    c: the previous cell state.
    v: the variable values by name.
    bn_h: whether the hidden term is normalized.
    bn_x: whether the input term is normalized.
    bn_c: whether the cell is normalized before the output.
    peepholes: whether the peepholes are used.
    clip: None, or the value both previous states are clipped to.
    stats: None, or a dict from "h" / "x" / "c" to `(mean, var)` to
      normalize with instead of the batch statistics.

  Returns:
    `(h', c', batch statistics)`, the latter a dict from "h" / "x" / "c" to
    `(mean, var)`.
  """
  stats = stats or {}
  batch_stats = {}

  def bn(part, value):
    batch_stats[part] = (value.mean(0), value.var(0))
    return refs.normalize(value, 0, 1e-3, *stats.get(part, (None, None)))

  if clip is not None:
    h, c = np.clip(h, -clip, clip), np.clip(c, -clip, clip)
  if bn_h or bn_x:
    gates_h, gates_x = h.dot(v["w_gates_H"]), x.dot(v["w_gates_X"])
    if bn_h:
      gates_h = v["gamma_h"] * bn("h", gates_h)
    if bn_x:
      gates_x = v["gamma_x"] * bn("x", gates_x)
    gates = gates_h + gates_x
  else:
    gates = np.concatenate([x, h], axis=1).dot(v["w_gates"])
  i, j, f, o = np.split(gates + v["b_gates"], 4, axis=1)  # pylint: disable=unbalanced-tuple-unpacking
  if peepholes:
    f = f + v["w_f_diag"] * c
    i = i + v["w_i_diag"] * c
  c = refs.sigmoid(f + 1.) * c + refs.sigmoid(i) * np.tanh(j)
  out = c
  if bn_c:
    out = v["beta_c"] + v["gamma_c"] * bn("c", c)
  if peepholes:
    out = out * (1. + v["w_o_diag"])
  return np.tanh(out) * refs.sigmoid(o), c, batch_stats


class BatchNormLSTMTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      ("h", dict(bn_h=True)),
      ("x_peepholes_clip", dict(bn_h=False, bn_x=True, peepholes=True,
                                clip=0.5)),
      ("c_only", dict(bn_h=False, bn_c=True)),
      ("all", dict(bn_h=True, bn_x=True, bn_c=True, peepholes=True)),
  )
  @test_utils.in_all_modes
  def test_training_step_matches_numpy(self, config):
    rng = np.random.RandomState(0)
    x = rng.randn(3, 5, 2).astype(np.float32)
    keys = snt.BatchNormLSTM.get_possible_initializer_keys(
        config.get("peepholes", False), config["bn_h"],
        config.get("bn_x", False), config.get("bn_c", False))
    core = snt.BatchNormLSTM(4, use_batch_norm_h=config["bn_h"],
                             use_batch_norm_x=config.get("bn_x", False),
                             use_batch_norm_c=config.get("bn_c", False),
                             use_peepholes=config.get("peepholes", False),
                             hidden_clip_value=config.get("clip"),
                             cell_clip_value=config.get("clip"),
                             initializers=test_utils.random_initializers(keys))
    state = (tf.constant(rng.randn(5, 4) * 2., tf.float32),
             tf.constant(rng.randn(5, 4) * 2., tf.float32))
    outputs, final = snt.dynamic_unroll(
        core.with_batch_norm_control(is_training=True), tf.constant(x), state)
    self.init()
    v = self.variable_values(core)
    outputs, final, (h, c) = self.evaluate([outputs, final, state])
    for t in range(3):
      h, c, _ = numpy_step(x[t], h, c, v, **config)
      self.assertAllClose(outputs[t], h, atol=1e-4)
    self.assertAllClose(final[0], h, atol=1e-4)
    self.assertAllClose(final[1], c, atol=1e-4)

  @test_utils.in_all_modes
  def test_per_step_statistics(self):
    """Trains three steps, then uses the moving statistics of each step."""
    rng = np.random.RandomState(1)
    x = rng.randn(3, 6, 2).astype(np.float32)
    keys = snt.BatchNormLSTM.get_possible_initializer_keys(
        use_batch_norm_c=True)
    core = snt.BatchNormLSTM(3, use_batch_norm_c=True, max_unique_stats=2,
                             initializers=test_utils.random_initializers(keys))
    state = core.initial_state(6)
    train_outputs = []
    for t in range(3):  # Unrolled: update ops inside a loop are unusable.
      out, state = core(tf.constant(x[t]), state, is_training=True)
      train_outputs.append(out)
    updates = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)
    if self.eager:
      self.assertEmpty(updates)  # Applied at once.
    else:  # 3 steps x 2 normalizations x 2 sets of statistics x 2 ops.
      self.assertLen(updates, 24)
    self.init()
    v = self.variable_values(core)
    self.evaluate(train_outputs)
    if not self.eager:
      # Unlike Sonnet 1's (made inside tf.case branches), these can run.
      self.evaluate(updates)
    self.assertAllEqual(self.evaluate(state[2]), 3)
    h, c = np.zeros([6, 3]), np.zeros([6, 3])
    moving = {
        part: [(np.zeros(n), np.ones(n)), (np.zeros(n), np.ones(n))]
        for part, n in (("h", 12), ("c", 3))}
    for t in range(3):
      h, c, batch_stats = numpy_step(x[t], h, c, v, bn_c=True)
      for part, (mean, var) in batch_stats.items():
        old_mean, old_var = moving[part][min(t, 1)]
        moving[part][min(t, 1)] = (old_mean + 0.001 * (mean - old_mean),
                                   old_var + 0.001 * (var - old_var))
    # Test mode with the moving statistics of steps 0, 1 and 1 again.
    state = core.initial_state(6)
    h, c = np.zeros([6, 3]), np.zeros([6, 3])
    for t in range(3):
      out, state = core(tf.constant(x[t]), state, is_training=False,
                        test_local_stats=False)
      stats = {part: moving[part][min(t, 1)] for part in moving}
      h, c, _ = numpy_step(x[t], h, c, v, bn_c=True, stats=stats)
      self.assertAllClose(self.evaluate(out), h, atol=1e-5)

  @test_utils.in_graph_mode
  def test_variables_names_and_collections(self):
    core = snt.BatchNormLSTM(4, use_batch_norm_x=True, use_peepholes=True,
                             max_unique_stats=2)
    state = core.initial_state(2)
    tf1.nn.dynamic_rnn(core.with_batch_norm_control(True), tf.ones([2, 3, 3]),
                       initial_state=state, dtype=tf.float32)
    moving = {
        "batch_norm_%s/batch_norm%s/moving_%s" % (part, suffix, what): [1, 16]
        for part in "hx"
        for suffix in ("", "_1")
        for what in ("mean", "variance")}
    self.assertVariableShapes(
        tf1.get_collection(tf1.GraphKeys.MOVING_AVERAGE_VARIABLES), moving)
    trainable = {
        "batch_norm_lstm/w_gates_H": [4,
                                      16], "batch_norm_lstm/w_gates_X": [3, 16],
        "batch_norm_lstm/b_gates": [16], "batch_norm_lstm/gamma_h": [16],
        "batch_norm_lstm/gamma_x": [16], "batch_norm_lstm/w_f_diag": [4],
        "batch_norm_lstm/w_i_diag": [4], "batch_norm_lstm/w_o_diag": [4]}
    self.assertVariableShapes(tf1.trainable_variables(), trainable)
    self.assertVariableShapes(core.get_variables(), trainable)
    self.assertEqual(core._w_h.name, "batch_norm_lstm/w_gates_H:0")  # pylint: disable=protected-access
    self.assertEqual(core._gamma_x.name, "batch_norm_lstm/gamma_x:0")  # pylint: disable=protected-access
    self.assertEqual(core._w_o_diag.name, "batch_norm_lstm/w_o_diag:0")  # pylint: disable=protected-access
    self.assertEqual(core._batch_norm_h.module_name, "batch_norm_h")  # pylint: disable=protected-access

  @test_utils.in_all_modes
  def test_cell_norm_only_uses_one_gate_matrix(self):
    core = snt.BatchNormLSTM(4, use_batch_norm_h=False, use_batch_norm_c=True)
    core(tf.ones([2, 3]), core.initial_state(2), is_training=True)
    self.assertVariableShapes(
        core.get_variables(), {
            "batch_norm_lstm/w_gates": [7, 16], "batch_norm_lstm/b_gates": [16],
            "batch_norm_lstm/gamma_c": [4], "batch_norm_lstm/beta_c": [4]})
    self.assertEqual(core._w_xh.name, "batch_norm_lstm/w_gates:0")  # pylint: disable=protected-access

  @test_utils.in_all_modes
  def test_default_initializers(self):
    core = snt.BatchNormLSTM(50, use_batch_norm_c=True)
    core(tf.ones([2, 50]), core.initial_state(2), is_training=True)
    self.init()
    v = self.variable_values(core)
    for name in ("w_gates_H", "w_gates_X", "b_gates"):  # Fan in 100.
      self.assertNear(v[name].std(), 0.088, 0.02, msg=name)
    self.assertAllClose(v["gamma_h"], np.full([200], 0.1))
    self.assertAllClose(v["gamma_c"], np.full([50], 0.1))
    # beta_c: the variable scope's default, Glorot uniform.
    self.assertLessEqual(np.abs(v["beta_c"]).max(), np.sqrt(6. / 100.))
    self.assertGreater(v["beta_c"].std(), 0.05)

  @test_utils.in_all_modes
  def test_initial_state_with_step_counter(self):
    core = snt.BatchNormLSTM(3, max_unique_stats=3)
    self.assertEqual(core.state_size,
                     (tf.TensorShape([3]),) * 2 + (tf.TensorShape([1]),))
    hidden, cell, step = core.initial_state(
        2, trainable=True,
        trainable_initializers=(tf1.ones_initializer(),
                                tf1.constant_initializer(2.)))
    self.assertEqual(step.dtype, tf.int32)
    self.assertEqual(step.shape.as_list(), [])
    self.init()
    self.assertAllClose(self.evaluate(hidden), np.ones([2, 3]))
    self.assertAllClose(self.evaluate(cell), np.full([2, 3], 2.))
    self.assertEqual(self.evaluate(step), 0)
    self.assertEqual(core.state_size[2], tf.TensorShape([1]))
    if not self.eager:
      self.assertVariableShapes(
          tf1.global_variables(), {
              "batch_norm_lstm_initial_state_0/w": [1, 3],
              "batch_norm_lstm_initial_state_1/w": [1, 3]})

  @test_utils.in_all_modes
  def test_errors(self):
    core = snt.BatchNormLSTM(4, name="bn")
    with self.assertRaisesRegex(
        ValueError, "Boolean is_training flag must be explicitly specified"):
      core(tf.ones([2, 3]), core.initial_state(2))
    with self.assertRaisesRegex(ValueError, "Rank of shape must be 2 not: 3"):
      core(tf.ones([2, 1, 3]), core.initial_state(2), is_training=True)
    with self.assertRaisesRegex(KeyError, "Invalid initializer keys 'gamma_c'"):
      snt.BatchNormLSTM(4, initializers={"gamma_c": tf1.ones_initializer()})
    with self.assertRaisesRegex(ValueError, "max_unique_stats must be >= 1"):
      snt.BatchNormLSTM(4, max_unique_stats=0)
    with self.assertRaisesRegex(ValueError, "At least one use_batch_norm_"):
      snt.BatchNormLSTM(4, use_batch_norm_h=False)
    with self.assertRaisesRegex(
        ValueError, "The value of hidden_clip_value should be nonnegative."):
      snt.BatchNormLSTM(4, hidden_clip_value=-1.)

  @test_utils.in_all_modes
  def test_with_batch_norm_control(self):
    core = snt.BatchNormLSTM(4)
    wrapped = core.with_batch_norm_control(is_training=True)
    self.assertIsInstance(wrapped, snt.BatchNormLSTM.CoreWithExtraBuildArgs)
    self.assertEqual(wrapped.module_name, "batch_norm_lstm_extra_args")
    self.assertEqual(wrapped.state_size, core.state_size)
    self.assertEqual(wrapped.output_size, tf.TensorShape([4]))
    out, _ = wrapped(tf.ones([2, 3]), wrapped.initial_state(2))
    self.assertEqual(out.shape.as_list(), [2, 4])
    self.assertLen(core.get_variables(), 4)

  @test_utils.in_eager_mode
  def test_tf_function_matches_eager(self):
    core = snt.BatchNormLSTM(3, use_batch_norm_x=True, max_unique_stats=2)
    x = tf.constant(np.random.RandomState(2).randn(4, 2, 3), tf.float32)

    def run(inputs):
      return snt.dynamic_unroll(core.with_batch_norm_control(is_training=False),
                                inputs, core.initial_state(2))[0]

    eager_out = run(x)
    self.assertAllClose(tf.function(run)(x), eager_out, atol=1e-6)
    self.assertLen(core.get_variables(), 5)


if __name__ == "__main__":
  test_utils.main()
