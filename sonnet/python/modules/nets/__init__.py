"""Sonnet 1 path `sonnet.python.modules.nets`: re-exports only."""

# pylint: disable=unused-import
from sonnet.src.nets.convnet import ConvNet2D
from sonnet.src.nets.convnet import ConvNet2DTranspose
from sonnet.src.nets.mlp import MLP
