"""Sonnet 1's `nest`: helpers for nested structures of tuples, lists, dicts.

Most functions delegate to `tf.nest` (or, where TensorFlow has no public
equivalent, to its private nest helpers through `tf_shim`), so a structure
means the same thing here as everywhere else in TensorFlow: tuples, lists,
namedtuples, dicts (traversed in sorted key order) and attrs classes are
nested; everything else (strings, tensors, NumPy arrays, numbers, ...) is a
leaf.

The `*_iterable` functions are broader: they treat any non-string iterable
(sets, `range`s, user containers, ...) as a node too.
"""

import collections.abc

import numpy as np
import tensorflow as tf

from sonnet.src import tf_shim


def assert_same_structure(nest1, nest2, check_types=True):
  """Raises if two nests do not have the same structure.

  >>> snt.nest.assert_same_structure((1, [2]), ("a", ["b"]))

  Args:
    nest1: a nested structure.
    nest2: another one.
    check_types: whether the sequence types must match too (a tuple and a
      list of the same length differ when True).

  Raises:
    ValueError: if the structures have a different number of elements.
    TypeError: if `check_types` and two sequence types differ.
  """
  tf.nest.assert_same_structure(nest1, nest2, check_types=check_types)


def flatten(nest):
  """Returns the leaves of `nest` as a flat list (dicts by sorted key).

  >>> snt.nest.flatten({"b": 2, "a": (1, [3])})
  [1, 3, 2]

  Args:
    nest: a nested structure, or a single leaf (giving `[leaf]`).

  Returns:
    A list of leaves.
  """
  return tf.nest.flatten(nest)


def pack_sequence_as(structure, flat_sequence):
  """Packs a flat sequence into the shape of `structure` (inverse of flatten).

  >>> snt.nest.pack_sequence_as((0, [0]), [5, 6])
  (5, [6])

  Args:
    structure: a nested structure giving the shape.
    flat_sequence: a flat sequence with one item per leaf of `structure`.

  Returns:
    A structure like `structure` holding the items of `flat_sequence`.

  Raises:
    ValueError: if the number of items does not match.
    TypeError: if `flat_sequence` is not a sequence.
  """
  return tf.nest.pack_sequence_as(structure, flat_sequence)


def map(fn_or_op, *inputs):  # pylint: disable=redefined-builtin
  """Applies a function to corresponding leaves of nests of one structure.

  >>> snt.nest.map(lambda a, b: a + b, (1, [2]), (10, [20]))
  (11, [22])

  Args:
    fn_or_op: a callable taking one argument per nest.
    *inputs: one or more nests of the same structure.

  Returns:
    A nest of that structure holding `fn_or_op`'s results.

  Raises:
    ValueError: if no inputs are given or their structures differ.
  """
  if not inputs:
    raise ValueError("nest.map needs at least one input structure.")
  return tf.nest.map_structure(fn_or_op, *inputs)


map_structure = map


def assert_shallow_structure(shallow_tree, input_tree, check_types=True):
  """Raises unless `shallow_tree` is a prefix of `input_tree`'s structure.

  Leaves of `shallow_tree` may stand for whole sub-structures of
  `input_tree`.

  >>> snt.nest.assert_shallow_structure((0, 0), ([1, 2], 3))

  Args:
    shallow_tree: the shallower structure.
    input_tree: the deeper one.
    check_types: whether the sequence types must match too.

  Raises:
    ValueError: if lengths or dict keys differ.
    TypeError: if a node of `shallow_tree` is a leaf of `input_tree`, or
      (with `check_types`) the sequence types differ.
  """
  tf_shim.nest_assert_shallow_structure(shallow_tree, input_tree,
                                        check_types=check_types)


def flatten_up_to(shallow_tree, input_tree):
  """Flattens `input_tree` only as deep as `shallow_tree` goes.

  >>> snt.nest.flatten_up_to((0, 0), ([1, 2], 3))
  [[1, 2], 3]

  Args:
    shallow_tree: a prefix of `input_tree`'s structure.
    input_tree: the structure to flatten.

  Returns:
    A list with one item (possibly a sub-structure) per leaf of
    `shallow_tree`.

  Raises:
    ValueError, TypeError: as `assert_shallow_structure`.
  """
  return tf_shim.nest_flatten_up_to(shallow_tree, input_tree)


def map_up_to(shallow_tree, fn_or_op, *inputs):
  """Like `map`, but stops at the leaves of `shallow_tree`.

  >>> snt.nest.map_up_to((0, 0), len, ([1, 2], "abc"))
  (2, 3)

  Args:
    shallow_tree: a prefix of the structure of every input.
    fn_or_op: a callable taking one argument (a sub-structure) per input.
    *inputs: one or more nests whose structure starts with `shallow_tree`.

  Returns:
    A nest shaped like `shallow_tree` holding `fn_or_op`'s results.

  Raises:
    ValueError: if no inputs are given; ValueError / TypeError as
      `assert_shallow_structure`.
  """
  if not inputs:
    raise ValueError("nest.map_up_to needs at least one input structure.")
  return tf_shim.nest_map_structure_up_to(shallow_tree, fn_or_op, *inputs)


def is_sequence(seq):
  """Whether `seq` is a nested node (tuple, list, dict, ...), not a leaf.

  >>> snt.nest.is_sequence([1]), snt.nest.is_sequence("ab")
  (True, False)

  Args:
    seq: any value.

  Returns:
    A bool; strings, tensors and NumPy arrays are leaves.
  """
  return tf.nest.is_nested(seq)


def flatten_dict_items(dictionary):
  """Flattens a dict whose keys and values are parallel nests.

  Each key that is a structure is matched leaf by leaf with its value.

  >>> snt.nest.flatten_dict_items({("a", "b"): (1, 2), "c": 3})
  {'a': 1, 'b': 2, 'c': 3}

  Args:
    dictionary: a dict mapping keys (leaves or nests of hashable leaves) to
      values of the same structure.

  Returns:
    A flat dict from leaf keys to leaf values.

  Raises:
    TypeError: if `dictionary` is not a dict.
    ValueError: if a key and its value differ in structure, or a leaf key
      appears twice.
  """
  return tf_shim.nest_flatten_dict_items(dictionary)


def is_iterable(seq):
  """Whether `seq` is a node for the `*_iterable` functions.

  Any iterable is, except strings and bytes, NumPy arrays and tensors
  (which stay leaves, as in `flatten`).

  >>> snt.nest.is_iterable({1, 2}), snt.nest.is_iterable("ab")
  (True, False)

  Args:
    seq: any value.

  Returns:
    A bool.
  """
  if isinstance(seq, (str, bytes, np.ndarray, tf.Tensor, tf.Variable)):
    return False
  return isinstance(seq, collections.abc.Iterable)


def _iterable_items(structure):
  """The children of a node: dict values by sorted key, else in order."""
  if isinstance(structure, collections.abc.Mapping):
    return [structure[key] for key in sorted(structure)]
  return list(structure)


def _yield_flat(structure):
  if not is_iterable(structure):
    yield structure
    return
  for item in _iterable_items(structure):
    yield from _yield_flat(item)


def flatten_iterable(structure):
  """Flattens any nest of iterables (sets, ranges, ...), not only sequences.

  >>> snt.nest.flatten_iterable([range(2), {"a": 5}])
  [0, 1, 5]

  Args:
    structure: a nest of iterables, or a single leaf (giving `[leaf]`).

  Returns:
    A list of leaves (dict values by sorted key).
  """
  return list(_yield_flat(structure))


def _rebuild(structure, items):
  """A container like `structure` holding `items` (its children, in order)."""
  if isinstance(structure, collections.abc.Mapping):
    values = dict(zip(sorted(structure), items))
    return type(structure)((key, values[key]) for key in structure)
  if hasattr(structure, "_fields"):  # namedtuple
    return type(structure)(*items)
  try:
    return type(structure)(items)
  except TypeError:  # e.g. a range: not buildable from its items.
    return list(items)


def _pack(structure, flat, index):
  if not is_iterable(structure):
    return flat[index], index + 1
  items = []
  for child in _iterable_items(structure):
    item, index = _pack(child, flat, index)
    items.append(item)
  return _rebuild(structure, items), index


def pack_iterable_as(structure, flat_iterable):
  """Packs a flat iterable into the shape of `structure` (see flatten_iterable).

  Containers are rebuilt by calling their type on the items, so `structure`
  must hold types that can be built that way (lists, tuples, namedtuples,
  sets, dicts, ...).

  >>> snt.nest.pack_iterable_as([(0, 0), {"a": 0}], [1, 2, 3])
  [(1, 2), {'a': 3}]

  Args:
    structure: a nest of iterables giving the shape.
    flat_iterable: an iterable with one item per leaf of `structure`.

  Returns:
    A structure like `structure` holding the items.

  Raises:
    ValueError: if the number of items does not match.
  """
  flat = list(flat_iterable)
  expected = len(flatten_iterable(structure))
  if len(flat) != expected:
    raise ValueError(
        "pack_iterable_as: the structure has %d leaves but %d items were "
        "given. Structure: %r." % (expected, len(flat), structure))
  packed, _ = _pack(structure, flat, 0)
  return packed
