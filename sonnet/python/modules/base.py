"""Sonnet 1 path `sonnet.python.modules.base`."""

# pylint: disable=unused-import
from sonnet.src.base import AbstractModule
from sonnet.src.base import Module
from sonnet.src.base import Transposable
from sonnet.src.connections import ConnectedSubGraph
from sonnet.src.connections import get_connection_stack
from sonnet.src.connections import get_module_stack
from sonnet.src.connections import observe_connections
from sonnet.src.errors import DifferentGraphError
from sonnet.src.errors import Error
from sonnet.src.errors import IncompatibleShapeError
from sonnet.src.errors import ModuleInfoError
from sonnet.src.errors import NotConnectedError
from sonnet.src.errors import NotInitializedError
from sonnet.src.errors import NotSupportedError
from sonnet.src.errors import ParentNotBuiltError
from sonnet.src.errors import UnderspecifiedError
from sonnet.src.module_info import SONNET_COLLECTION_NAME
