"""Sonnet 1 path `sonnet.python.ops.nest`."""

# pylint: disable=unused-import,redefined-builtin
from sonnet.src.nest import assert_same_structure
from sonnet.src.nest import assert_shallow_structure
from sonnet.src.nest import flatten
from sonnet.src.nest import flatten_dict_items
from sonnet.src.nest import flatten_iterable
from sonnet.src.nest import flatten_up_to
from sonnet.src.nest import is_iterable
from sonnet.src.nest import is_sequence
from sonnet.src.nest import map
from sonnet.src.nest import map_structure
from sonnet.src.nest import map_up_to
from sonnet.src.nest import pack_iterable_as
from sonnet.src.nest import pack_sequence_as
from sonnet.src.nest import with_deprecation_warning
