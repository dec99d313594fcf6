"""Sonnet 1 path `sonnet.python.modules.basic`."""

# pylint: disable=unused-import
from sonnet.src.add_bias import AddBias
from sonnet.src.add_bias import bias_shape as calculate_bias_shape
from sonnet.src.batch_apply import BatchApply
from sonnet.src.concat_linear import ConcatLinear
from sonnet.src.default_initializers import create_bias_initializer
from sonnet.src.default_initializers import create_linear_initializer
from sonnet.src.leading_dims import merge_leading_dims
from sonnet.src.leading_dims import split_leading_dim
from sonnet.src.linear import Linear
from sonnet.src.merge_dims import MergeDims
from sonnet.src.reshape import BatchFlatten
from sonnet.src.reshape import BatchReshape
from sonnet.src.reshape import FlattenTrailingDimensions
from sonnet.src.slicing import SelectInput
from sonnet.src.slicing import SliceByDim
from sonnet.src.slicing import TileByDim
from sonnet.src.trainable_variable import TrainableVariable
