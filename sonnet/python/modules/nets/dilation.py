"""Sonnet 1 path `sonnet.python.modules.nets.dilation`."""

# pylint: disable=unused-import
from sonnet.src.nets.dilation import _range_along_dimension
from sonnet.src.nets.dilation import Dilation
from sonnet.src.nets.dilation import identity_kernel_initializer
from sonnet.src.nets.dilation import noisy_identity_kernel_initializer
