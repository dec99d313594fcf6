"""Sonnet 1 path `sonnet.python.modules.nets`: re-exports only.

As in Sonnet 1.36, the names come from this package's own modules, so
that those (`...nets.transformer`, `...nets.mlp`, ...) are attributes of it.
"""

# pylint: disable=unused-import
from sonnet.python.modules.nets.alexnet import AlexNet
from sonnet.python.modules.nets.alexnet import AlexNetFull
from sonnet.python.modules.nets.alexnet import AlexNetMini
from sonnet.python.modules.nets.convnet import ConvNet2D
from sonnet.python.modules.nets.convnet import ConvNet2DTranspose
from sonnet.python.modules.nets.dilation import Dilation
from sonnet.python.modules.nets.dilation import identity_kernel_initializer
from sonnet.python.modules.nets.dilation import noisy_identity_kernel_initializer
from sonnet.python.modules.nets.mlp import MLP
from sonnet.python.modules.nets.transformer import CompressiveTransformer
from sonnet.python.modules.nets.transformer import future_mask
from sonnet.python.modules.nets.transformer import TransformerTower
from sonnet.python.modules.nets.transformer import TransformerXL
from sonnet.python.modules.nets.vqvae import VectorQuantizer
from sonnet.python.modules.nets.vqvae import VectorQuantizerEMA
