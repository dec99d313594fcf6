"""Sonnet 1 path `sonnet.python.modules.base`."""

# pylint: disable=unused-import
from sonnet.src.core.base import AbstractModule
from sonnet.src.core.base import Module
from sonnet.src.core.base import Transposable
from sonnet.src.core.connections import ConnectedSubGraph
from sonnet.src.core.connections import get_connection_stack
from sonnet.src.core.connections import get_module_stack
from sonnet.src.core.connections import observe_connections
from sonnet.src.core.errors import DifferentGraphError
from sonnet.src.core.errors import Error
from sonnet.src.core.errors import IncompatibleShapeError
from sonnet.src.core.errors import ModuleInfoError
from sonnet.src.core.errors import NotConnectedError
from sonnet.src.core.errors import NotInitializedError
from sonnet.src.core.errors import NotSupportedError
from sonnet.src.core.errors import ParentNotBuiltError
from sonnet.src.core.errors import UnderspecifiedError
from sonnet.src.core.module_info import SONNET_COLLECTION_NAME
