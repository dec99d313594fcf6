"""Sonnet 1 path `sonnet.python.modules.nets`: re-exports only."""

# pylint: disable=unused-import
from sonnet.src.nets.alexnet import AlexNet
from sonnet.src.nets.alexnet import AlexNetFull
from sonnet.src.nets.alexnet import AlexNetMini
from sonnet.src.nets.attention_layers import future_mask
from sonnet.src.nets.compressive_transformer import CompressiveTransformer
from sonnet.src.nets.convnet import ConvNet2D
from sonnet.src.nets.convnet import ConvNet2DTranspose
from sonnet.src.nets.dilation import Dilation
from sonnet.src.nets.dilation import identity_kernel_initializer
from sonnet.src.nets.dilation import noisy_identity_kernel_initializer
from sonnet.src.nets.mlp import MLP
from sonnet.src.nets.transformer import TransformerTower
from sonnet.src.nets.transformer_xl import TransformerXL
