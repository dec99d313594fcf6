"""`snt.nest`: helpers for nested structures (Sonnet 1's `nest` module)."""

from sonnet.src.nest import assert_same_structure
from sonnet.src.nest import assert_shallow_structure
from sonnet.src.nest import flatten
from sonnet.src.nest import flatten_dict_items
from sonnet.src.nest import flatten_iterable
from sonnet.src.nest import flatten_up_to
from sonnet.src.nest import is_iterable
from sonnet.src.nest import is_sequence
from sonnet.src.nest import map  # pylint: disable=redefined-builtin
from sonnet.src.nest import map_structure
from sonnet.src.nest import map_up_to
from sonnet.src.nest import pack_iterable_as
from sonnet.src.nest import pack_sequence_as
from sonnet.src.nest import with_deprecation_warning

__all__ = [
    "assert_same_structure",
    "assert_shallow_structure",
    "flatten",
    "flatten_dict_items",
    "flatten_iterable",
    "flatten_up_to",
    "is_iterable",
    "is_sequence",
    "map",
    "map_structure",
    "map_up_to",
    "pack_iterable_as",
    "pack_sequence_as",
    "with_deprecation_warning",]
