"""Tests for snt.LSTM."""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class LSTMTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(
      ("plain", {}),
      ("forget_bias", {"forget_bias": 0.3}),
      ("peepholes", {"use_peepholes": True}),
      ("projection", {"projection_size": 2}),
      ("clipping", {"cell_clip_value": 0.4, "hidden_clip_value": 0.1}),
      ("zero_clipping", {"cell_clip_value": 0, "hidden_clip_value": 0.}),
      ("layer_norm", {"use_layer_norm": True}),
      ("everything", {
          "use_peepholes": True, "projection_size": 3, "cell_clip_value": 0.5,
          "hidden_clip_value": 0.2}),
  )
  @test_utils.in_all_modes
  def test_unrolled_sequence_matches_numpy(self, kwargs):
    rng = np.random.RandomState(0)
    x = rng.randn(4, 3, 5).astype(np.float32)
    keys = snt.LSTM.get_possible_initializer_keys(
        use_peepholes=kwargs.get("use_peepholes", False),
        use_projection="projection_size" in kwargs)
    lstm = snt.LSTM(4, initializers=test_utils.random_initializers(keys),
                    **kwargs)
    state = snt.LSTMState(
        hidden=tf.constant(rng.randn(3, lstm.output_size[0]), tf.float32),
        cell=tf.constant(rng.randn(3, 4) * 2., tf.float32))
    one_out, one_state = lstm(tf.constant(x[0]), state)
    np_kwargs = dict(forget_bias=kwargs.get("forget_bias", 1.),
                     peepholes=kwargs.get("use_peepholes", False),
                     cell_clip=kwargs.get("cell_clip_value"),
                     hidden_clip=kwargs.get("hidden_clip_value"),
                     projection="projection_size" in kwargs,
                     layer_norm_gates=kwargs.get("use_layer_norm", False))

    def step(x_t, state, values):
      h, c = refs.lstm_step(x_t, state.hidden, state.cell, values, **np_kwargs)
      return h, snt.LSTMState(hidden=h, cell=c)

    values = self.assertUnrollMatches(lstm, x, state, step)
    one_out, one_state, (h, c) = self.evaluate([one_out, one_state, state])
    expected_h, expected_c = refs.lstm_step(x[0], h, c, values, **np_kwargs)
    self.assertAllClose(one_out, expected_h, atol=1e-5)
    self.assertAllClose(one_state.cell, expected_c, atol=1e-5)

  @parameterized.named_parameters(
      ("plain", {}, {"lstm/w_gates": [7, 16], "lstm/b_gates": [16]}),
      ("peephole_projection", {"use_peepholes": True, "projection_size": 2}, {
          "lstm/w_gates": [5, 16], "lstm/b_gates": [16], "lstm/w_f_diag": [4],
          "lstm/w_i_diag": [4], "lstm/w_o_diag": [4], "lstm/w_h_projection": [
              4, 2]}),
      ("layer_norm", {"use_layer_norm": True}, {
          "lstm/w_gates": [7, 16], "lstm/b_gates": [16],
          "lstm/layer_norm/gamma": [16], "lstm/layer_norm/beta": [16]}),
  )
  @test_utils.in_all_modes
  def test_variable_names_created_once(self, kwargs, expected):
    lstm = snt.LSTM(4, **kwargs)
    if self.eager:
      snt.dynamic_unroll(lstm, tf.ones([5, 2, 3]), lstm.initial_state(2))
    else:
      tf1.nn.dynamic_rnn(lstm, tf.ones([2, 5, 3]), dtype=tf.float32)
    lstm(tf.ones([1, 3]), lstm.initial_state(1))
    self.assertVariableShapes(lstm.get_all_variables(), expected)
    if not self.eager:
      self.assertVariableShapes(tf1.global_variables(), expected)

  @test_utils.in_all_modes
  def test_sizes(self):
    lstm = snt.LSTM(5, projection_size=2)
    self.assertEqual(lstm.state_size,
                     snt.LSTMState(tf.TensorShape([2]), tf.TensorShape([5])))
    self.assertEqual(lstm.output_size, tf.TensorShape([2]))

  def test_possible_initializer_keys(self):
    self.assertEqual(snt.LSTM.get_possible_initializer_keys(),
                     {"w_gates", "b_gates"})
    self.assertEqual(
        snt.LSTM.get_possible_initializer_keys(use_peepholes=True,
                                               use_projection=True),
        {
            "w_gates", "b_gates", "w_f_diag", "w_i_diag", "w_o_diag",
            "w_h_projection"})

  def test_bad_constructor_arguments(self):
    with self.assertRaisesRegex(KeyError,
                                "Invalid initializer keys 'w_f_diag'"):
      snt.LSTM(4, initializers={"w_f_diag": tf1.zeros_initializer()})
    # Sonnet 1 checked partitioners and regularizers as initializers.
    with self.assertRaisesRegex(KeyError, "Invalid initializer keys 'x'"):
      snt.LSTM(4, partitioners={"x": tf1.fixed_size_partitioner(2)})
    with self.assertRaisesRegex(TypeError, "Initializer for 'w_gates' is not"):
      snt.LSTM(4, regularizers={"w_gates": 3})
    with self.assertRaisesRegex(
        ValueError, "The value of cell_clip_value should be nonnegative."):
      snt.LSTM(4, cell_clip_value=-1.)
    with self.assertRaisesRegex(
        ValueError, "The value of hidden_clip_value should be nonnegative."):
      snt.LSTM(4, hidden_clip_value=-0.5)

  @test_utils.in_all_modes
  def test_clip_values_clip_the_previous_state_only(self):
    lstm = snt.LSTM(3, cell_clip_value=0.5, hidden_clip_value=0.2)
    x = tf.constant([[3., -2.]])
    big = snt.LSTMState(tf.constant([[5., -5., 0.1]]),
                        tf.constant([[20., -9., 0.3]]))
    clipped = snt.LSTMState(tf.constant([[0.2, -0.2, 0.1]]),
                            tf.constant([[0.5, -0.5, 0.3]]))
    out_big, state_big = lstm(x, big)
    out_clipped, state_clipped = lstm(x, clipped)
    self.init()
    out_big, state_big, out_clipped, state_clipped = self.evaluate([
        out_big, state_big, out_clipped, state_clipped])
    self.assertAllClose(out_big, out_clipped)
    self.assertAllClose(state_big, state_clipped)
    # The new state is not clipped: with forget_bias 5 the cell keeps most
    # of its clipped value plus its input term.
    lstm = snt.LSTM(
        1, forget_bias=5., cell_clip_value=0.5, initializers={
            "w_gates": tf1.constant_initializer(2.),
            "b_gates": tf1.constant_initializer(2.)})
    _, state = lstm(tf.constant([[3.]]),
                    snt.LSTMState(tf.zeros([1, 1]), tf.constant([[9.]])))
    self.init()
    self.assertGreater(self.evaluate(state.cell)[0, 0], 0.5)

  @test_utils.in_all_modes
  def test_default_initializers(self):
    lstm = snt.LSTM(50, use_peepholes=True, projection_size=40)
    lstm(tf.ones([2, 60]), lstm.initial_state(2))
    self.init()
    values = self.variable_values(lstm)
    # Truncated normals with stddev 1/sqrt(fan in): 100 inputs for the
    # gates (bias included), 50 for the projection.
    for name, fan_in in (("w_gates", 100), ("b_gates", 100), ("w_h_projection",
                                                              50)):
      self.assertNear(values[name].std(), 0.88 / np.sqrt(fan_in),
                      0.2 / np.sqrt(fan_in), msg=name)
      self.assertLessEqual(np.abs(values[name]).max(), 2. / np.sqrt(fan_in))
    # Peepholes: the variable scope's default, Glorot uniform on [50].
    limit = np.sqrt(6. / 100.)
    for name in ("w_f_diag", "w_i_diag", "w_o_diag"):
      self.assertLessEqual(np.abs(values[name]).max(), limit)
      self.assertGreater(values[name].std(), limit / 3.)

  @test_utils.in_all_modes
  def test_variables_stored_as_sonnet_1_attributes(self):
    lstm = snt.LSTM(4, use_peepholes=True, projection_size=2)
    lstm(tf.ones([2, 3]), lstm.initial_state(2))
    names = {
        "_w_xh": "w_gates", "_b": "b_gates", "_w_f_diag": "w_f_diag",
        "_w_i_diag": "w_i_diag", "_w_o_diag": "w_o_diag",
        "_w_h_projection": "w_h_projection"}
    for attribute, name in names.items():
      self.assertEqual(getattr(lstm, attribute).name, "lstm/%s:0" % name)
    self.assertEqual(lstm.possible_keys, set(names.values()))

  @test_utils.in_all_modes
  def test_regularizers_partitioners_custom_getter(self):

    def getter(getter, *args, **kwargs):
      kwargs["trainable"] = False
      return getter(*args, **kwargs)

    lstm = snt.LSTM(
        4, regularizers={
            "w_gates": lambda w: 2. * tf.reduce_sum(
                tf.ones_like(tf.convert_to_tensor(w)))},
        partitioners={"w_gates": tf1.fixed_size_partitioner(2)},
        custom_getter=getter)
    out, _ = lstm(tf.ones([2, 3]), lstm.initial_state(2))
    self.assertEmpty(lstm.get_variables())
    all_vars = lstm.get_variables(tf1.GraphKeys.GLOBAL_VARIABLES)
    self.assertVariableShapes(
        all_vars, {
            "lstm/w_gates/part_0": [4, 16], "lstm/w_gates/part_1": [3, 16],
            "lstm/b_gates": [16]})
    losses = lstm.get_regularization_losses()
    self.init()
    self.assertEqual(self.evaluate(out).shape, (2, 4))
    self.assertAllClose(self.evaluate(tf.add_n(losses)), 2. * 7 * 16)

  @test_utils.in_all_modes
  def test_input_errors(self):
    lstm = snt.LSTM(4, name="my_lstm")
    state = lstm.initial_state(2)
    with self.assertRaisesRegex(ValueError, "Rank of shape must be 2 not: 3"):
      lstm(tf.ones([2, 5, 3]), state)
    self.assertFalse(lstm.is_connected)
    if not self.eager:
      self.assertEmpty(tf1.global_variables())
    lstm(tf.ones([2, 3]), state)
    with self.assertRaisesRegex(ValueError, "my_lstm: inputs must have size 3"):
      lstm(tf.ones([2, 6]), state)

  @test_utils.in_all_modes
  def test_plain_tuple_state_accepted(self):
    lstm = snt.LSTM(3)
    _, state = lstm(tf.ones([2, 1]), (tf.zeros([2, 3]), tf.zeros([2, 3])))
    self.assertIsInstance(state, snt.LSTMState)

  @test_utils.in_eager_mode
  def test_tf_function(self):
    lstm = snt.LSTM(3, use_peepholes=True)
    x = tf.constant(np.random.RandomState(3).randn(5, 2, 4), tf.float32)
    eager_out, _ = snt.dynamic_unroll(lstm, x, lstm.initial_state(2))
    fn = tf.function(
        lambda x: snt.dynamic_unroll(lstm, x, lstm.initial_state(2)))
    self.assertAllClose(fn(x)[0], eager_out, atol=1e-6)
    self.assertLen(lstm.get_variables(), 5)


if __name__ == "__main__":
  test_utils.main()
