"""Sonnet 1 path `sonnet.python.modules.nets.convnet`."""

# pylint: disable=unused-import
from sonnet.src.nets.convnet import ConvNet2D
from sonnet.src.nets.convnet import ConvNet2DTranspose
