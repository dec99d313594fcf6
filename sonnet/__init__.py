"""Sonnet: construct modules once, connect them to inputs many times."""

from sonnet.version import __version__
