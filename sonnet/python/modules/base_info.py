"""Sonnet 1 path `sonnet.python.modules.base_info`."""

# pylint: disable=unused-import
from sonnet.src.core.connections import ConnectedSubGraph
from sonnet.src.core.module_info import is_iterable as _is_iterable
from sonnet.src.core.module_info import is_namedtuple as _is_namedtuple
from sonnet.src.core.module_info import MissingTensor as _MissingTensor
from sonnet.src.core.module_info import ModuleInfo
from sonnet.src.core.module_info import SONNET_COLLECTION_NAME
from sonnet.src.core.module_info import UnserializableObject as _UnserializableObject
