"""Sonnet 1 path `sonnet.python.modules.base_errors`."""

# pylint: disable=unused-import
from sonnet.src.errors import DifferentGraphError
from sonnet.src.errors import Error
from sonnet.src.errors import IncompatibleShapeError
from sonnet.src.errors import ModuleInfoError
from sonnet.src.errors import NotConnectedError
from sonnet.src.errors import NotInitializedError
from sonnet.src.errors import NotSupportedError
from sonnet.src.errors import ParentNotBuiltError
from sonnet.src.errors import UnderspecifiedError
