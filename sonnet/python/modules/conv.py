"""Sonnet 1 path `sonnet.python.modules.conv`."""

# pylint: disable=unused-import
from sonnet.src.causal_conv import CausalConv1D
from sonnet.src.conv import Conv1D
from sonnet.src.conv import Conv2D
from sonnet.src.conv import Conv3D
from sonnet.src.conv_args import DATA_FORMAT_NCDHW
from sonnet.src.conv_args import DATA_FORMAT_NCHW
from sonnet.src.conv_args import DATA_FORMAT_NCW
from sonnet.src.conv_args import DATA_FORMAT_NDHWC
from sonnet.src.conv_args import DATA_FORMAT_NHWC
from sonnet.src.conv_args import DATA_FORMAT_NWC
from sonnet.src.conv_args import fill_shape as _fill_shape
from sonnet.src.conv_args import SUPPORTED_1D_DATA_FORMATS
from sonnet.src.conv_args import SUPPORTED_2D_DATA_FORMATS
from sonnet.src.conv_args import SUPPORTED_3D_DATA_FORMATS
from sonnet.src.conv_padding import ALLOWED_PADDING_VALUES
from sonnet.src.conv_padding import ALLOWED_PADDINGS
from sonnet.src.conv_padding import CAUSAL
from sonnet.src.conv_padding import CONSTANT_PADDING
from sonnet.src.conv_padding import CONV_OP_ALLOWED_PADDINGS
from sonnet.src.conv_padding import FULL
from sonnet.src.conv_padding import REFLECT_PADDING
from sonnet.src.conv_padding import REVERSE_CAUSAL
from sonnet.src.conv_padding import SAME
from sonnet.src.conv_padding import SYMMETRIC_PADDING
from sonnet.src.conv_padding import VALID
from sonnet.src.conv_properties import create_bias_initializer
from sonnet.src.conv_properties import create_weight_initializer
from sonnet.src.conv_transpose import Conv1DTranspose
from sonnet.src.conv_transpose import Conv2DTranspose
from sonnet.src.conv_transpose import Conv3DTranspose
from sonnet.src.conv_transpose import default_transpose_size as _default_transpose_size
from sonnet.src.depthwise_conv import DepthwiseConv2D
from sonnet.src.in_plane_conv import InPlaneConv2D
from sonnet.src.separable_conv import SeparableConv1D
from sonnet.src.separable_conv import SeparableConv2D
