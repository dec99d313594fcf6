"""Sonnet 1 path `sonnet.python.modules.spectral_normalization`."""

# pylint: disable=unused-import
from sonnet.src.spectral_norm import spectral_norm
from sonnet.src.spectral_norm import SpectralNormWrapper
from sonnet.src.spectral_norm import wrap_with_spectral_norm
