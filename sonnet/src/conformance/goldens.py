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
  make_inputs: a callable from a batch size to the `__call__` arguments (a
    tuple).
  variables: a dict from variable name (without ":0") to shape.
"""


def _features(*shape):
  return lambda batch: (tf.ones([batch] + list(shape)),)


def _ids(length, vocab_size):
  return lambda batch: (tf.math.floormod(
      tf.reshape(tf.range(batch * length), [batch, length]), vocab_size),)


def _with(make_inputs, *extra):
  return lambda batch: make_inputs(batch) + extra


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
           lambda batch: ((tf.ones([batch, 3]), tf.ones([batch, 5])),),
           {"concat_linear/linear/w": [3, 4], "concat_linear/linear/b": [4],
            "concat_linear/linear_1/w": [5, 4]}),
    Golden("batch_apply", lambda: snt.BatchApply(snt.Linear(4)),
           _features(2, 3), {}),
    Golden("batch_flatten", snt.BatchFlatten, _features(2, 3), {}),
    Golden("batch_reshape", lambda: snt.BatchReshape([3, 2]),
           _features(2, 3), {}),
    Golden("merge_dims", lambda: snt.MergeDims(1, 2), _features(2, 3), {}),
    Golden("trainable_variable", lambda: snt.TrainableVariable([2, 3]),
           lambda batch: (), {"trainable_variable/w": [2, 3]}),
    Golden("embed", lambda: snt.Embed(vocab_size=10, embed_dim=4),
           _ids(3, 10), {"embed/embeddings": [10, 4]}),
    Golden("layer_norm", snt.LayerNorm, _features(3),
           {"layer_norm/gamma": [3], "layer_norm/beta": [3]}),
    Golden("attentive_read", lambda: snt.AttentiveRead(snt.Linear(1)),
           lambda batch: (tf.ones([batch, 5, 3]), tf.ones([batch, 2])), {}),
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
    Golden("mlp", lambda: snt.nets.MLP([4, 5]), _features(3),
           {"mlp/linear_0/w": [3, 4], "mlp/linear_0/b": [4],
            "mlp/linear_1/w": [4, 5], "mlp/linear_1/b": [5]}),
)
