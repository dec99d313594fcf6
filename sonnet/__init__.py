"""Sonnet: construct modules once, connect them to inputs many times.

>>> import sonnet as snt
>>> linear = snt.Linear(output_size=4)
>>> train_out = linear(tf.ones([8, 3]))
>>> test_out = linear(tf.zeros([2, 3]))  # Same variables as train_out.
"""

try:
  import tensorflow as _tf  # pylint: disable=unused-import
except ImportError as _e:
  raise ImportError(
      "Sonnet needs TensorFlow 2.21 or newer, which is not installed. Install "
      "one build: `pip install tensorflow-cpu` (or `tensorflow`), or the wheel "
      "with an extra: `pip install 'dm-sonnet[tensorflow-cpu]'`.") from _e

from sonnet import custom_getters
from sonnet import nest
from sonnet import nets
from sonnet import regularizers
from sonnet.src.act_core import ACTCore
from sonnet.src.add_bias import AddBias
from sonnet.src.arg_checks import check_initializers
from sonnet.src.arg_checks import check_partitioners
from sonnet.src.arg_checks import check_regularizers
from sonnet.src.batch_norm import BatchNorm
from sonnet.src.batch_norm_lstm import BatchNormLSTM
from sonnet.src.batch_norm_v2 import BatchNormV2
from sonnet.src.attention import AttentiveRead
from sonnet.src.core.base import AbstractModule
from sonnet.src.core.base import Module
from sonnet.src.core.base import Transposable
from sonnet.src.batch_apply import BatchApply
from sonnet.src.bidirectional_rnn import BidirectionalRNN
from sonnet.src.causal_conv import CausalConv1D
from sonnet.src.clip_gradient import clip_gradient
from sonnet.src.checkpoint_initializer import restore_initializer
from sonnet.src.concat_linear import ConcatLinear
from sonnet.src.core.connections import ConnectedSubGraph
from sonnet.src.core.connections import observe_connections
from sonnet.src.conv import Conv1D
from sonnet.src.conv import Conv2D
from sonnet.src.conv import Conv3D
from sonnet.src.conv_lstm import Conv1DLSTM
from sonnet.src.conv_lstm import Conv2DLSTM
from sonnet.src.conv_padding import CAUSAL
from sonnet.src.conv_padding import CONSTANT_PADDING
from sonnet.src.conv_padding import FULL
from sonnet.src.conv_padding import REFLECT_PADDING
from sonnet.src.conv_padding import REVERSE_CAUSAL
from sonnet.src.conv_padding import SAME
from sonnet.src.conv_padding import SYMMETRIC_PADDING
from sonnet.src.conv_padding import VALID
from sonnet.src.conv_transpose import Conv1DTranspose
from sonnet.src.conv_transpose import Conv2DTranspose
from sonnet.src.conv_transpose import Conv3DTranspose
from sonnet.src.core.custom_getter_router import custom_getter_router
from sonnet.src.deep_rnn import DeepRNN
from sonnet.src.depthwise_conv import DepthwiseConv2D
from sonnet.src.embed import Embed
from sonnet.src.core.errors import DifferentGraphError
from sonnet.src.core.errors import Error
from sonnet.src.core.errors import IncompatibleShapeError
from sonnet.src.core.errors import ModuleInfoError
from sonnet.src.core.errors import NotConnectedError
from sonnet.src.core.errors import NotInitializedError
from sonnet.src.core.errors import NotSupportedError
from sonnet.src.core.errors import ParentNotBuiltError
from sonnet.src.core.errors import UnderspecifiedError
from sonnet.src.gru import GRU
from sonnet.src.highway_core import HighwayCore
from sonnet.src.in_plane_conv import InPlaneConv2D
from sonnet.src.layer_norm import LayerNorm
from sonnet.src.leading_dims import merge_leading_dims
from sonnet.src.leading_dims import split_leading_dim
from sonnet.src.linear import Linear
from sonnet.src.lstm import LSTM
from sonnet.src.lstm import LSTMState
from sonnet.src.lstm_block_cell import LSTMBlockCell
from sonnet.src.merge_dims import MergeDims
from sonnet.src.model_rnn import ModelRNN
from sonnet.src.core.module_info import ModuleInfo
from sonnet.src.core.module_info import SONNET_COLLECTION_NAME
from sonnet.src.moving_average import MovingAverage
from sonnet.src.optimization_constraints import get_lagrange_multiplier
from sonnet.src.optimization_constraints import OptimizationConstraints
from sonnet.src.recurrent_factories import highway_core_with_recurrent_dropout
from sonnet.src.recurrent_factories import lstm_with_recurrent_dropout
from sonnet.src.recurrent_factories import lstm_with_zoneout
from sonnet.src.reflection import deprecation_warning
from sonnet.src.reflection import has_variable_scope
from sonnet.src.reflection import parse_string_to_constructor
from sonnet.src.reflection import remove_unsupported_kwargs
from sonnet.src.reflection import supports_kwargs
from sonnet.src.relational_memory import RelationalMemory
from sonnet.src.reshape import BatchFlatten
from sonnet.src.reshape import BatchReshape
from sonnet.src.reshape import FlattenTrailingDimensions
from sonnet.src.residual import Residual
from sonnet.src.residual import ResidualCore
from sonnet.src.residual import SkipConnectionCore
from sonnet.src.core.reuse_variables import reuse_variables
from sonnet.src.resampler import resampler
from sonnet.src.rnn_cell_wrapper import RNNCellWrapper
from sonnet.src.rnn_core import RNNCore
from sonnet.src.rnn_core import trainable_initial_state
from sonnet.src.scale_gradient import scale_gradient
from sonnet.src.separable_conv import SeparableConv1D
from sonnet.src.separable_conv import SeparableConv2D
from sonnet.src.sequential import Sequential
from sonnet.src.spatial_transformer import AffineGridWarper
from sonnet.src.spatial_transformer import AffineWarpConstraints
from sonnet.src.spatial_transformer import GridWarper
from sonnet.src.slicing import SelectInput
from sonnet.src.slicing import SliceByDim
from sonnet.src.slicing import TileByDim
from sonnet.src.spectral_norm import wrap_with_spectral_norm
from sonnet.src.trainable_initial_state import TrainableInitialState
from sonnet.src.trainable_variable import TrainableVariable
from sonnet.src.unroll import dynamic_unroll
from sonnet.src.unroll import static_unroll
from sonnet.src.vanilla_rnn import VanillaRNN
from sonnet.src.variable_format import format_variable_map
from sonnet.src.variable_format import format_variables
from sonnet.src.variable_format import log_variables
from sonnet.src.variable_format import summarize_variables
from sonnet.src.variable_utils import count_variables_by_type
from sonnet.src.variable_utils import get_normalized_variable_map
from sonnet.src.variable_utils import get_saver
from sonnet.src.variable_utils import get_variables_in_module
from sonnet.src.variable_utils import get_variables_in_scope
from sonnet.src.variable_utils import variable_map_items
from sonnet.version import __version__

__all__ = [
    "ACTCore",
    "AbstractModule",
    "AddBias",
    "AffineGridWarper",
    "AffineWarpConstraints",
    "AttentiveRead",
    "BatchApply",
    "BatchFlatten",
    "BatchNorm",
    "BatchNormLSTM",
    "BatchNormV2",
    "BatchReshape",
    "BidirectionalRNN",
    "CAUSAL",
    "CONSTANT_PADDING",
    "CausalConv1D",
    "ConcatLinear",
    "ConnectedSubGraph",
    "Conv1D",
    "Conv1DLSTM",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DLSTM",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "DeepRNN",
    "DepthwiseConv2D",
    "DifferentGraphError",
    "Embed",
    "Error",
    "GridWarper",
    "FULL",
    "FlattenTrailingDimensions",
    "GRU",
    "HighwayCore",
    "InPlaneConv2D",
    "IncompatibleShapeError",
    "LayerNorm",
    "Linear",
    "LSTM",
    "LSTMBlockCell",
    "LSTMState",
    "MergeDims",
    "ModelRNN",
    "Module",
    "ModuleInfo",
    "ModuleInfoError",
    "MovingAverage",
    "NotConnectedError",
    "NotInitializedError",
    "NotSupportedError",
    "OptimizationConstraints",
    "ParentNotBuiltError",
    "REFLECT_PADDING",
    "RelationalMemory",
    "Residual",
    "ResidualCore",
    "REVERSE_CAUSAL",
    "RNNCellWrapper",
    "RNNCore",
    "SAME",
    "SkipConnectionCore",
    "SONNET_COLLECTION_NAME",
    "SYMMETRIC_PADDING",
    "SelectInput",
    "SeparableConv1D",
    "SeparableConv2D",
    "Sequential",
    "SliceByDim",
    "TileByDim",
    "TrainableInitialState",
    "TrainableVariable",
    "Transposable",
    "UnderspecifiedError",
    "VALID",
    "check_initializers",
    "check_partitioners",
    "check_regularizers",
    "clip_gradient",
    "count_variables_by_type",
    "custom_getter_router",
    "custom_getters",
    "deprecation_warning",
    "dynamic_unroll",
    "format_variable_map",
    "format_variables",
    "get_lagrange_multiplier",
    "get_normalized_variable_map",
    "get_saver",
    "get_variables_in_module",
    "get_variables_in_scope",
    "has_variable_scope",
    "highway_core_with_recurrent_dropout",
    "log_variables",
    "lstm_with_recurrent_dropout",
    "lstm_with_zoneout",
    "merge_leading_dims",
    "nest",
    "nets",
    "observe_connections",
    "parse_string_to_constructor",
    "regularizers",
    "remove_unsupported_kwargs",
    "resampler",
    "restore_initializer",
    "reuse_variables",
    "scale_gradient",
    "split_leading_dim",
    "VanillaRNN",
    "static_unroll",
    "summarize_variables",
    "supports_kwargs",
    "trainable_initial_state",
    "variable_map_items",
    "wrap_with_spectral_norm",]
