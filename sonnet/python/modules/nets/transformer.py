"""Sonnet 1 path `sonnet.python.modules.nets.transformer`."""

# pylint: disable=unused-import
from sonnet.src.nets.attention_layers import AttentionState
from sonnet.src.nets.attention_layers import CompressedMemoryState
from sonnet.src.nets.attention_layers import create_mask
from sonnet.src.nets.attention_layers import future_mask
from sonnet.src.nets.attention_layers import get_position_encodings
from sonnet.src.nets.attention_layers import MultiheadAttention
from sonnet.src.nets.attention_layers import rel_shift
from sonnet.src.nets.attention_layers import simple_attention
from sonnet.src.nets.compressive_transformer import CompressiveTransformer
from sonnet.src.nets.compressive_transformer import ConvCompressor
from sonnet.src.nets.compressive_transformer import PoolCompressor
from sonnet.src.nets.transformer import default_mlp
from sonnet.src.nets.transformer import ResidualDropoutWrapper
from sonnet.src.nets.transformer import TransformerTower
from sonnet.src.nets.transformer_xl import TransformerXL
