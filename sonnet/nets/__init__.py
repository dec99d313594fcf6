"""`snt.nets`: ready-made networks built from Sonnet modules.

>>> mlp = snt.nets.MLP([16, 4])
>>> mlp(tf.ones([2, 3])).shape.as_list()
[2, 4]
"""

from sonnet.src.nets.convnet import ConvNet2D
from sonnet.src.nets.convnet import ConvNet2DTranspose
from sonnet.src.nets.mlp import MLP
from sonnet.src.vector_quantizer import VectorQuantizer
from sonnet.src.vector_quantizer import VectorQuantizerEMA

__all__ = [
    "ConvNet2D",
    "ConvNet2DTranspose",
    "MLP",
    "VectorQuantizer",
    "VectorQuantizerEMA",
]
