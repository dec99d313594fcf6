"""One golden per public module: how to build it, and what Sonnet 1.36 made.

`GOLDENS` lists module configurations written with the Sonnet 1 API only
(`snt.*`, `tf.*`), so the same list runs against this package and, through
`make_goldens.py` and the conformance kit, against the original Sonnet 1.36.
What the original made for each configuration (variable names, shapes,
dtypes, trainable flags, update ops, outputs) is recorded in
`testdata/goldens.json`; `expected(name)` reads it. Nothing there comes from
this package.

This file must stay importable by path (without the `sonnet.src` package),
because `make_goldens.py` loads it that way next to the original Sonnet.
"""

import collections
import functools
import json
import os

import numpy as np
import sonnet as snt
import tensorflow as tf

GOLDENS_JSON = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "testdata", "goldens.json")

Golden = collections.namedtuple(
    "Golden", ["name", "make_module", "make_inputs", "call_kwargs", "heavy"])
Golden.__new__.__defaults__ = (None, False)
Golden.__doc__ = """A module configuration for the conformance tests.

Attributes:
  name: a short test-case name (also the key in `goldens.json`).
  make_module: a no-argument callable building the module.
  make_inputs: a callable from a batch size and the module to the
    positional `__call__` arguments (a tuple).
  call_kwargs: keyword arguments of `__call__`, or None.
  heavy: True for modules with tens of megabytes of variables, which the
    tests that copy every variable (checkpoint round trips) leave out.
"""


def _features(*shape):
  return lambda batch, module: (tf.ones([batch] + list(shape)),)


def _fixed(*shape):
  """Inputs whose shape does not follow the batch size."""
  return lambda batch, module: (tf.ones(shape),)


def _ids(length, vocab_size):
  return lambda batch, module: (tf.math.floormod(
      tf.reshape(tf.range(batch * length), [batch, length]), vocab_size),)


def _with(make_inputs, *extra):
  return lambda batch, module: make_inputs(batch, module) + extra


def _step(*shape, **initial_state_kwargs):
  """One time step of a recurrent core: inputs and the initial state."""
  return lambda batch, core: (tf.ones([batch] + list(shape)),
                              core.initial_state(batch, **initial_state_kwargs))


def _sequence(time, size):
  """A time-major input sequence and the initial state."""
  return lambda batch, core: (tf.ones([time, batch, size]),
                              core.initial_state(batch))


def _two_linears(inputs):
  """The build function of the `snt.Module` golden."""
  return snt.Linear(3)(tf.nn.relu(snt.Linear(4)(inputs)))


class _ScaleCell(object):
  """A duck-typed RNN cell for `snt.RNNCellWrapper`: state * s + inputs."""

  def __init__(self, size):
    self.state_size = self.output_size = size

  def __call__(self, inputs, state):
    scale = tf.compat.v1.get_variable("scale", [self.output_size],
                                      initializer=tf.ones_initializer())
    output = state * scale + inputs
    return output, output


def _transformer_config(num_layers=2):
  return dict(value_size=4, num_heads=2, num_layers=num_layers,
              mlp_hidden_sizes=(8,), dropout_rate=0.0)


_BASIC = (
    Golden("linear", lambda: snt.Linear(4), _features(3)),
    Golden("linear_no_bias", lambda: snt.Linear(4, use_bias=False),
           _features(3)),
    Golden("add_bias", snt.AddBias, _features(3)),
    Golden("add_bias_dims", lambda: snt.AddBias(bias_dims=[1]), _features(2,
                                                                          3)),
    Golden("concat_linear", lambda: snt.ConcatLinear(4), lambda batch, module:
           ((tf.ones([batch, 3]), tf.ones([batch, 5])),)),
    Golden("batch_apply", lambda: snt.BatchApply(snt.Linear(4)),
           _features(2, 3)),
    Golden("batch_flatten", snt.BatchFlatten, _features(2, 3)),
    Golden("flatten_trailing_dimensions",
           lambda: snt.FlattenTrailingDimensions(2), _features(2, 3, 4)),
    Golden("batch_reshape", lambda: snt.BatchReshape([3, 2]), _features(2, 3)),
    Golden("merge_dims", lambda: snt.MergeDims(1, 2), _features(2, 3)),
    Golden("select_input", lambda: snt.SelectInput(idx=[1, 0]),
           lambda batch, module: (tf.ones([batch, 3]), tf.ones([batch, 5]))),
    Golden("slice_by_dim", lambda: snt.SliceByDim([1], [1], [2]),
           _features(3, 4)),
    Golden("tile_by_dim", lambda: snt.TileByDim([1], [2]), _features(3)),
    Golden("trainable_variable", lambda: snt.TrainableVariable([2, 3]),
           lambda batch, module: ()),
    Golden("sequential", lambda: snt.Sequential([snt.Linear(4), tf.nn.relu]),
           _features(3)),
    Golden("module", lambda: snt.Module(_two_linears), _features(3)),
    Golden("embed", lambda: snt.Embed(vocab_size=10, embed_dim=4), _ids(3, 10)),
    Golden(
        "embed_existing_vocab", lambda: snt.Embed(
            existing_vocab=np.ones([10, 4], np.float32), trainable=False),
        _ids(3, 10)),
    Golden("layer_norm", snt.LayerNorm, _features(3)),
    Golden("layer_norm_axis", lambda: snt.LayerNorm(axis=[1, 2], offset=False),
           _features(2, 3)),
    Golden("attentive_read", lambda: snt.AttentiveRead(snt.Linear(1)),
           lambda batch, module: (tf.ones([batch, 5, 3]), tf.ones([batch, 2]))),
    Golden("affine_grid_warper", lambda: snt.AffineGridWarper((4, 5), (2, 3)),
           _features(6)),
    Golden(
        "affine_grid_warper_no_shear", lambda: snt.AffineGridWarper(
            (4, 5), (2, 3), snt.AffineWarpConstraints.no_shear_2d()),
        _features(4)),
    Golden("moving_average", lambda: snt.MovingAverage(decay=0.9), _fixed(2,
                                                                          3)),
    Golden("moving_average_local",
           lambda: snt.MovingAverage(decay=0.9, local=True), _fixed(3)),
    Golden("residual", lambda: snt.Residual(snt.Linear(3)), _features(3)),
)

_NORMALIZATION = (
    Golden("batch_norm", snt.BatchNorm, _with(_features(3), True)),
    Golden("batch_norm_scale", lambda: snt.BatchNorm(scale=True),
           _with(_features(3), True)),
    Golden("batch_norm_no_offset",
           lambda: snt.BatchNorm(offset=False, scale=True),
           _with(_features(3), False)),
    Golden("batch_norm_fused", lambda: snt.BatchNorm(fused=True),
           _with(_features(4, 4, 3), True)),
    Golden("batch_norm_v2", snt.BatchNormV2, _with(_features(3), True)),
    Golden("batch_norm_v2_nhwc_scale",
           lambda: snt.BatchNormV2(data_format="NHWC", scale=True),
           _with(_features(4, 4, 3), True)),
    Golden(
        "batch_norm_v2_nwc_unfused", lambda: snt.BatchNormV2(
            data_format="NWC", fused=False, offset=False, scale=True),
        _with(_features(5, 3), False)),
)

_CONVOLUTIONS = (
    Golden("conv_1d", lambda: snt.Conv1D(8, 3), _features(6, 3)),
    Golden("conv_2d", lambda: snt.Conv2D(8, 3), _features(5, 5, 3)),
    Golden("conv_2d_no_bias",
           lambda: snt.Conv2D(8, [3, 2], stride=2, use_bias=False),
           _features(5, 5, 3)),
    Golden("conv_3d", lambda: snt.Conv3D(8, 3), _features(4, 4, 4, 3)),
    Golden("conv_1d_transpose",
           lambda: snt.Conv1DTranspose(8, None, 3, stride=2), _features(4, 3)),
    Golden("conv_2d_transpose",
           lambda: snt.Conv2DTranspose(8, None, 3, stride=2),
           _features(4, 4, 3)),
    Golden("conv_3d_transpose",
           lambda: snt.Conv3DTranspose(8, None, 3, stride=2, use_bias=False),
           _features(2, 2, 2, 3)),
    Golden("causal_conv_1d", lambda: snt.CausalConv1D(8, 3, rate=2),
           _features(6, 3)),
    Golden("depthwise_conv_2d", lambda: snt.DepthwiseConv2D(2, 3),
           _features(5, 5, 3)),
    Golden("in_plane_conv_2d", lambda: snt.InPlaneConv2D(3), _features(5, 5,
                                                                       3)),
    Golden("separable_conv_1d", lambda: snt.SeparableConv1D(8, 2, 3),
           _features(6, 3)),
    Golden("separable_conv_2d", lambda: snt.SeparableConv2D(8, 2, 3),
           _features(5, 5, 3)),
    Golden("separable_conv_2d_no_bias",
           lambda: snt.SeparableConv2D(8, 1, [3, 1], use_bias=False),
           _features(5, 5, 3)),
)

_RECURRENT = (
    Golden("vanilla_rnn", lambda: snt.VanillaRNN(4), _step(3)),
    Golden("lstm", lambda: snt.LSTM(4), _step(3)),
    Golden("lstm_peepholes_projection",
           lambda: snt.LSTM(4, use_peepholes=True, projection_size=2),
           _step(3)),
    Golden("lstm_layer_norm", lambda: snt.LSTM(4, use_layer_norm=True),
           _step(3)),
    Golden("lstm_trainable_initial_state", lambda: snt.LSTM(4),
           _step(3, trainable=True)),
    Golden("batch_norm_lstm", lambda: snt.BatchNormLSTM(4),
           _with(_step(3), True)),
    Golden(
        "batch_norm_lstm_all",
        lambda: snt.BatchNormLSTM(4, use_peepholes=True, use_batch_norm_x=True,
                                  use_batch_norm_c=True, max_unique_stats=2),
        _with(_step(3), True)),
    Golden(
        "conv_1d_lstm", lambda: snt.Conv1DLSTM(input_shape=[
            6, 3], output_channels=4, kernel_shape=3), _step(6, 3)),
    Golden(
        "conv_2d_lstm", lambda: snt.Conv2DLSTM(input_shape=[
            5, 5, 3], output_channels=4, kernel_shape=3, use_layer_norm=True,
                                               legacy_bias_behaviour=False),
        _step(5, 5, 3)),
    Golden("gru", lambda: snt.GRU(4), _step(3)),
    Golden("highway_core", lambda: snt.HighwayCore(4, num_layers=2), _step(3)),
    Golden("lstm_block_cell", lambda: snt.LSTMBlockCell(4), _step(3)),
    Golden("rnn_cell_wrapper", lambda: snt.RNNCellWrapper(_ScaleCell, 3),
           _step(3)),
    Golden("deep_rnn",
           lambda: snt.DeepRNN([snt.LSTM(4), snt.LSTM(5)]), _step(3)),
    Golden(
        "deep_rnn_no_skip", lambda: snt.DeepRNN([snt.GRU(
            4), snt.VanillaRNN(5)], skip_connections=False), _step(3)),
    Golden("model_rnn", lambda: snt.ModelRNN(snt.Linear(4)), lambda batch, core:
           (tf.ones([batch, 3]), tf.ones([batch, 4]))),
    Golden("bidirectional_rnn",
           lambda: snt.BidirectionalRNN(snt.LSTM(4), snt.GRU(5)),
           _sequence(3, 2)),
    Golden(
        "act_core",
        lambda: snt.ACTCore(snt.GRU(4), output_size=4, threshold=
                            0.9, get_state_for_halting=lambda state: state),
        _step(3)),
    Golden(
        "trainable_initial_state", lambda: snt.TrainableInitialState(
            (tf.zeros([2, 3]), tf.ones([2, 4]))), lambda batch, module: ()),
    Golden("residual_core", lambda: snt.ResidualCore(snt.GRU(3)), _step(3)),
    Golden("skip_connection_core", lambda: snt.SkipConnectionCore(snt.GRU(4)),
           _step(3)),
    Golden("relational_memory",
           lambda: snt.RelationalMemory(mem_slots=2, head_size=4, num_heads=2),
           _step(3)),
    Golden(
        "relational_memory_memory_gates",
        lambda: snt.RelationalMemory(mem_slots=3, head_size=2, gate_style=
                                     "memory", attention_mlp_layers=1),
        _step(3)),
)

_NETS = (
    Golden("mlp", lambda: snt.nets.MLP([4, 5]), _features(3)),
    Golden("mlp_no_bias",
           lambda: snt.nets.MLP([4, 5], use_bias=False, activate_final=True),
           _features(3)),
    Golden("conv_net_2d",
           lambda: snt.nets.ConvNet2D([4, 5], [3], [1, 2], ["SAME"]),
           _features(6, 6, 3)),
    Golden(
        "conv_net_2d_batch_norm", lambda: snt.nets.ConvNet2D([4, 5], [3], [1], [
            "SAME"], use_batch_norm=True, use_bias=False), _features(6, 6, 3),
        call_kwargs={"is_training": True}),
    Golden(
        "conv_net_2d_layer_norm", lambda: snt.nets.ConvNet2D([4, 5], [3], [1], [
            "SAME"], normalization_ctor=snt.LayerNorm, normalize_final=True),
        _features(6, 6, 3)),
    Golden(
        "conv_net_2d_batch_norm_v2", lambda: snt.nets.
        ConvNet2D([4, 5], [3], [1], ["SAME"], normalization_ctor=snt.
                  BatchNormV2, normalization_kwargs={"scale": True}),
        _features(6, 6, 3), call_kwargs={"is_training": False}),
    Golden(
        "conv_net_2d_transpose", lambda: snt.nets.ConvNet2DTranspose([4, 5], [[
            6, 6], [12, 12]], [3], [2], ["SAME"]), _features(3, 3, 3)),
    Golden("alex_net", lambda: snt.nets.AlexNet(snt.nets.AlexNet.MINI),
           _features(19, 19, 3)),
    Golden("alex_net_mini", snt.nets.AlexNetMini, _features(19, 19, 3)),
    Golden("alex_net_mini_batch_norm",
           lambda: snt.nets.AlexNetMini(use_batch_norm=True),
           lambda batch, module: (tf.ones([batch, 19, 19, 3]), None, True)),
    Golden("alex_net_full", snt.nets.AlexNetFull, _features(199, 199, 3),
           heavy=True),
    Golden("dilation", lambda: snt.nets.Dilation(3), _features(8, 8, 3)),
    Golden("dilation_large", lambda: snt.nets.Dilation(3, model_size="large"),
           _features(8, 8, 3)),
    Golden("vector_quantizer", lambda: snt.nets.VectorQuantizer(4, 8, 0.25),
           _with(_features(4), True)),
    Golden("vector_quantizer_ema",
           lambda: snt.nets.VectorQuantizerEMA(4, 8, 0.25, decay=0.9),
           _with(_features(4), False)),
    Golden("transformer_tower",
           lambda: snt.nets.TransformerTower(**_transformer_config()),
           _with(_features(3, 8), None, None, False)),
    Golden(
        "transformer_tower_output_size", lambda: snt.nets.TransformerTower(
            causal=False, output_size=6, layer_norm="output",
            **_transformer_config()), _with(_features(3, 8), None, None,
                                            False)),
    Golden(
        "transformer_xl", lambda: snt.nets.TransformerXL(
            _transformer_config(), memory_size=4, chunk_size=3),
        _with(_step(3, 5), False)),
    Golden(
        "compressive_transformer", lambda: snt.nets.CompressiveTransformer(
            _transformer_config(num_layers=1), chunk_size=2,
            episodic_memory_size=4, compressed_memory_size=2),
        _with(_step(2, 5), False)),
)

GOLDENS = _BASIC + _NORMALIZATION + _CONVOLUTIONS + _RECURRENT + _NETS


def connect(golden, module, batch_size, call=None):
  """Connects a golden's module to inputs of the given batch size.

  Args:
    golden: a `Golden`.
    module: the module `golden.make_module()` built.
    batch_size: the inputs' batch size.
    call: what to call instead of `module` (e.g. `tf.function(module)`).

  Returns:
    The outputs.
  """
  call = module if call is None else call
  return call(*golden.make_inputs(batch_size, module),
              **(golden.call_kwargs or {}))


@functools.lru_cache(maxsize=None)
def _load_expected():
  with open(GOLDENS_JSON, encoding="utf-8") as f:
    return json.load(f)["goldens"]


def expected(name):
  """What Sonnet 1.36 made for the golden `name`, from `goldens.json`.

  Args:
    name: a golden's name.

  Returns:
    A dict with "variables" (a list of [name, shape, dtype, trainable],
    sorted by name: the module's `variables`), "own_variables" (names of
    `get_variables(GLOBAL_VARIABLES)`), "graph_variables" and
    "local_variables" (names in the graph's collections), "update_ops"
    (how many ops the connection added to UPDATE_OPS), "outputs" (the
    output structure and its leaves' [shape, dtype]) and "second_connection"
    (the module's and the graph's variable names after a second connection
    with a batch of 3); or None when the golden has no record.
  """
  return _load_expected().get(name)


def describe_structure(outputs):
  """A string for the nesting of `outputs`, with "T" for each leaf.

  Namedtuples show their class name and fields, dicts their sorted keys, so
  two implementations' outputs compare without comparing Python classes.

  Args:
    outputs: a nest of tensors (or other leaves).

  Returns:
    A string such as "LSTMState(hidden=T, cell=T)".
  """
  if isinstance(outputs, tuple) and hasattr(outputs, "_fields"):
    return "{}({})".format(
        type(outputs).__name__, ", ".join(
            "{}={}".format(field, describe_structure(getattr(outputs, field)))
            for field in outputs._fields))
  if isinstance(outputs, dict):
    return "{%s}" % ", ".join("{!r}: {}".format(k, describe_structure(v))
                              for k, v in sorted(outputs.items()))
  if isinstance(outputs, (list, tuple)):
    inner = ", ".join(describe_structure(v) for v in outputs)
    return "[%s]" % inner if isinstance(outputs, list) else "(%s)" % inner
  return "T" if outputs is not None else "None"


def describe_leaves(outputs):
  """[shape, dtype name] of each leaf of `outputs` (unknown sizes: None)."""
  return [[
      tf.TensorShape(leaf.shape).as_list(),
      tf.as_dtype(leaf.dtype).base_dtype.name]
          for leaf in tf.nest.flatten(outputs)]
