"""Sonnet 1 path `sonnet.python.modules.block_matrix`."""

# pylint: disable=unused-import
from sonnet.src.block_matrix import BlockDiagonalMatrix
from sonnet.src.block_matrix import BlockTriangularMatrix
