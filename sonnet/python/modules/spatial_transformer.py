"""Sonnet 1 path `sonnet.python.modules.spatial_transformer`."""

# pylint: disable=unused-import
from sonnet.src.spatial_transformer import AffineGridWarper
from sonnet.src.spatial_transformer import AffineWarpConstraints
from sonnet.src.spatial_transformer import GridWarper
