"""Sonnet 1 path `sonnet.python.modules.base_info`."""

# pylint: disable=unused-import
from sonnet.src.module_info import ModuleInfo
from sonnet.src.module_info import SONNET_COLLECTION_NAME
