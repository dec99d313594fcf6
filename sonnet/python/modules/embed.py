"""Sonnet 1 path `sonnet.python.modules.embed`."""

# pylint: disable=unused-import
from sonnet.src.embed import Embed
