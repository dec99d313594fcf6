"""Sonnet 1 path `sonnet.python.modules.base_errors`."""

# pylint: disable=unused-import
from sonnet.src.core.errors import DifferentGraphError
from sonnet.src.core.errors import Error
from sonnet.src.core.errors import IncompatibleShapeError
from sonnet.src.core.errors import ModuleInfoError
from sonnet.src.core.errors import NotConnectedError
from sonnet.src.core.errors import NotInitializedError
from sonnet.src.core.errors import NotSupportedError
from sonnet.src.core.errors import ParentNotBuiltError
from sonnet.src.core.errors import UnderspecifiedError
