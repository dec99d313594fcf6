"""Sonnet 1 path `sonnet.python.modules.layer_norm`."""

# pylint: disable=unused-import
from sonnet.src.layer_norm import create_beta_initializer
from sonnet.src.layer_norm import create_gamma_initializer
from sonnet.src.layer_norm import LayerNorm
