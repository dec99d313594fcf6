"""One golden per module: how to build it, an input, the variables it makes.

The variable names and shapes are those Sonnet 1.36 created (see the
variable-name list in the project's API notes); checkpoints restore by them.
"""

import collections

import sonnet as snt
import tensorflow as tf

Golden = collections.namedtuple(
    "Golden", ["name", "make_module", "make_inputs", "variables"])
Golden.__doc__ = """A module example for the conformance tests.

Attributes:
  name: a short test-case name.
  make_module: a no-argument callable building the module.
  make_inputs: a callable from a batch size and the module to the
    `__call__` arguments (a tuple).
  variables: a dict from variable name (without ":0") to shape.
"""


def _features(*shape):
  return lambda batch, module: (tf.ones([batch] + list(shape)),)


def _ids(length, vocab_size):
  return lambda batch, module: (tf.math.floormod(
      tf.reshape(tf.range(batch * length), [batch, length]), vocab_size),)


def _with(make_inputs, *extra):
  return lambda batch, module: make_inputs(batch, module) + extra


def _step(input_size):
  """One time step of a recurrent core: inputs and the initial state."""
  return lambda batch, core: (tf.ones([batch, input_size]),
                              core.initial_state(batch))


GOLDENS = (
    Golden("linear", lambda: snt.Linear(4), _features(3),
           {"linear/w": [3, 4], "linear/b": [4]}),
    Golden("linear_no_bias", lambda: snt.Linear(4, use_bias=False),
           _features(3), {"linear/w": [3, 4]}),
    Golden("add_bias", snt.AddBias, _features(3), {"add/b": [3]}),
    Golden("sequential",
           lambda: snt.Sequential([snt.Linear(4), tf.nn.relu]),
           _features(3), {}),
    Golden("concat_linear", lambda: snt.ConcatLinear(4),
           lambda batch, module: ((tf.ones([batch, 3]), tf.ones([batch, 5])),),
           {"concat_linear/linear/w": [3, 4], "concat_linear/linear/b": [4],
            "concat_linear/linear_1/w": [5, 4]}),
    Golden("batch_apply", lambda: snt.BatchApply(snt.Linear(4)),
           _features(2, 3), {}),
    Golden("batch_flatten", snt.BatchFlatten, _features(2, 3), {}),
    Golden("batch_reshape", lambda: snt.BatchReshape([3, 2]),
           _features(2, 3), {}),
    Golden("merge_dims", lambda: snt.MergeDims(1, 2), _features(2, 3), {}),
    Golden("trainable_variable", lambda: snt.TrainableVariable([2, 3]),
           lambda batch, module: (), {"trainable_variable/w": [2, 3]}),
    Golden("embed", lambda: snt.Embed(vocab_size=10, embed_dim=4),
           _ids(3, 10), {"embed/embeddings": [10, 4]}),
    Golden("layer_norm", snt.LayerNorm, _features(3),
           {"layer_norm/gamma": [3], "layer_norm/beta": [3]}),
    Golden("attentive_read", lambda: snt.AttentiveRead(snt.Linear(1)),
           lambda batch, module: (tf.ones([batch, 5, 3]), tf.ones([batch, 2])),
           {}),
    Golden("affine_grid_warper",
           lambda: snt.AffineGridWarper((4, 5), (2, 3)), _features(6), {}),
    Golden("vector_quantizer",
           lambda: snt.nets.VectorQuantizer(4, 8, 0.25),
           _with(_features(4), True), {"vq_layer/embedding": [4, 8]}),
    Golden("vector_quantizer_ema",
           lambda: snt.nets.VectorQuantizerEMA(4, 8, 0.25, decay=0.9),
           _with(_features(4), False),
           {"VectorQuantizerEMA/embedding": [4, 8],
            "VectorQuantizerEMA/ema_cluster_size": [8],
            "VectorQuantizerEMA/ema_dw": [4, 8]}),
    Golden("batch_norm", snt.BatchNorm, _with(_features(3), True),
           {"batch_norm/beta": [1, 3], "batch_norm/moving_mean": [1, 3],
            "batch_norm/moving_variance": [1, 3]}),
    Golden("conv_1d", lambda: snt.Conv1D(8, 3), _features(6, 3),
           {"conv_1d/w": [3, 3, 8], "conv_1d/b": [8]}),
    Golden("conv_2d", lambda: snt.Conv2D(8, 3), _features(5, 5, 3),
           {"conv_2d/w": [3, 3, 3, 8], "conv_2d/b": [8]}),
    Golden("conv_3d", lambda: snt.Conv3D(8, 3), _features(4, 4, 4, 3),
           {"conv_3d/w": [3, 3, 3, 3, 8], "conv_3d/b": [8]}),
    Golden("conv_2d_transpose",
           lambda: snt.Conv2DTranspose(8, None, 3, stride=2),
           _features(4, 4, 3),
           {"conv_2d_transpose/w": [3, 3, 8, 3], "conv_2d_transpose/b": [8]}),
    Golden("vanilla_rnn", lambda: snt.VanillaRNN(4), _step(3),
           {"vanilla_rnn/in_to_hidden/w": [3, 4],
            "vanilla_rnn/in_to_hidden/b": [4],
            "vanilla_rnn/hidden_to_hidden/w": [4, 4],
            "vanilla_rnn/hidden_to_hidden/b": [4]}),
    Golden("lstm", lambda: snt.LSTM(4), _step(3),
           {"lstm/w_gates": [7, 16], "lstm/b_gates": [16]}),
    Golden("lstm_peepholes_projection",
           lambda: snt.LSTM(4, use_peepholes=True, projection_size=2),
           _step(3),
           {"lstm/w_gates": [5, 16], "lstm/b_gates": [16],
            "lstm/w_f_diag": [4], "lstm/w_i_diag": [4], "lstm/w_o_diag": [4],
            "lstm/w_h_projection": [4, 2]}),
    Golden("gru", lambda: snt.GRU(4), _step(3),
           {"gru/wz": [3, 4], "gru/uz": [4, 4], "gru/bz": [4],
            "gru/wr": [3, 4], "gru/ur": [4, 4], "gru/br": [4],
            "gru/wh": [3, 4], "gru/uh": [4, 4], "gru/bh": [4]}),
    Golden("deep_rnn", lambda: snt.DeepRNN([snt.LSTM(4), snt.LSTM(5)]),
           _step(3), {}),
    Golden("mlp", lambda: snt.nets.MLP([4, 5]), _features(3),
           {"mlp/linear_0/w": [3, 4], "mlp/linear_0/b": [4],
            "mlp/linear_1/w": [4, 5], "mlp/linear_1/b": [5]}),
)
