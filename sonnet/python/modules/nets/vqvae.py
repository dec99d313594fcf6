"""Sonnet 1 path `sonnet.python.modules.nets.vqvae`."""

# pylint: disable=unused-import
from sonnet.src.vector_quantizer import VectorQuantizer
from sonnet.src.vector_quantizer import VectorQuantizerEMA
