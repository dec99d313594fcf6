"""Sonnet 1 path `sonnet.python.modules.nets.convnet`."""

# pylint: disable=unused-import
from sonnet.src.nets.convnet import ConvNet2D
from sonnet.src.nets.convnet import ConvNet2DTranspose
from sonnet.src.nets.convnet import DATA_FORMAT_NCHW
from sonnet.src.nets.convnet import DATA_FORMAT_NHWC
from sonnet.src.nets.convnet import SUPPORTED_2D_DATA_FORMATS
