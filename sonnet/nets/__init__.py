"""`snt.nets`: ready-made networks built from Sonnet modules.

>>> mlp = snt.nets.MLP([16, 4])
>>> mlp(tf.ones([2, 3])).shape.as_list()
[2, 4]
"""

# Sonnet 1's `snt.nets` was the package of these modules, so code reaches
# them as `snt.nets.transformer` and so on.
from sonnet.python.modules.nets import alexnet
from sonnet.python.modules.nets import convnet
from sonnet.python.modules.nets import dilation
from sonnet.python.modules.nets import mlp
from sonnet.python.modules.nets import transformer
from sonnet.python.modules.nets import vqvae
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
from sonnet.src.vector_quantizer import VectorQuantizer
from sonnet.src.vector_quantizer import VectorQuantizerEMA

__all__ = [
    "AlexNet",
    "AlexNetFull",
    "AlexNetMini",
    "CompressiveTransformer",
    "ConvNet2D",
    "ConvNet2DTranspose",
    "Dilation",
    "MLP",
    "TransformerTower",
    "TransformerXL",
    "VectorQuantizer",
    "VectorQuantizerEMA",
    "future_mask",
    "identity_kernel_initializer",
    "noisy_identity_kernel_initializer",]
