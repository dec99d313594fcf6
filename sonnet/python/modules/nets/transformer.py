"""Sonnet 1 path `sonnet.python.modules.nets.transformer`."""

# pylint: disable=unused-import
from sonnet.src.nets.attention_layers import future_mask
from sonnet.src.nets.attention_layers import MultiheadAttention
from sonnet.src.nets.compressive_transformer import CompressiveMemoryState
from sonnet.src.nets.compressive_transformer import CompressiveTransformer
from sonnet.src.nets.compressive_transformer import ConvCompressor
from sonnet.src.nets.transformer import TransformerTower
from sonnet.src.nets.transformer_xl import TransformerXL
