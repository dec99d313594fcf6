"""Sonnet 1 path `sonnet.python.modules.conv`."""

# pylint: disable=unused-import
from sonnet.src.conv import Conv1D
from sonnet.src.conv import Conv2D
from sonnet.src.conv import Conv3D
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
from sonnet.src.causal_conv import CausalConv1D
from sonnet.src.depthwise_conv import DepthwiseConv2D
from sonnet.src.in_plane_conv import InPlaneConv2D
from sonnet.src.separable_conv import SeparableConv1D
from sonnet.src.separable_conv import SeparableConv2D
