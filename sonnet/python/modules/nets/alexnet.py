"""Sonnet 1 path `sonnet.python.modules.nets.alexnet`."""

# pylint: disable=unused-import
from sonnet.src.nets.alexnet import AlexNet
from sonnet.src.nets.alexnet import AlexNetFull
from sonnet.src.nets.alexnet import AlexNetMini
