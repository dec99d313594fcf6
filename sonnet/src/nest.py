"""Sonnet 1's `nest`: helpers for nested structures of tuples, lists, dicts.

As in Sonnet 1.36, every function is TensorFlow's nest (through `tf.nest`,
or, where TensorFlow has no public equivalent, its private nest helpers
through `tf_shim`), so a structure means the same thing here as everywhere
else in TensorFlow: tuples, lists, namedtuples, dicts (traversed in sorted
key order) and attrs classes are nested; everything else (strings, sets,
tensors, NumPy arrays, numbers, ...) is a leaf. The `*_iterable` names are
Sonnet 1's older names of `flatten`, `pack_sequence_as` and `is_sequence`.
"""

import functools

import tensorflow as tf

from sonnet.src.core import tf_shim

# The extra messages `with_deprecation_warning` has already logged.
_WARNED = set()


def with_deprecation_warning(fn, extra_message=""):
  """Wraps `fn` to log Sonnet 1.36's deprecation warning on its first call.

  The warning is logged once per `extra_message`. (Sonnet 1.36 wrapped
  every `snt.nest` function this way; here the functions do not warn.)

  Args:
    fn: a callable.
    extra_message: text appended to the warning.

  Returns:
    A callable forwarding its arguments to `fn`.
  """

  @functools.wraps(fn)
  def warn_then_call(*args, **kwargs):
    if extra_message not in _WARNED:
      _WARNED.add(extra_message)
      tf.compat.v1.logging.warning(
          "Sonnet nest is deprecated. Please use tf.contrib.framework.nest "
          "instead. " + extra_message +
          " (In TensorFlow 2, tf.contrib.framework.nest is tf.nest.)")
    return fn(*args, **kwargs)

  return warn_then_call


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
    ValueError: if the number of items does not match, or `structure` is a
      leaf and `flat_sequence` has several items.
    TypeError: if `flat_sequence` is not a sequence.
  """
  # The two errors Sonnet 1.36 users got from TensorFlow 1 read differently
  # in TensorFlow 2; the others read the same.
  if not is_sequence(flat_sequence):
    raise TypeError(
        "Attempted to pack value:\n  {}\ninto a sequence, but found "
        "incompatible type `{}` instead.".format(_truncated_repr(flat_sequence),
                                                 type(flat_sequence)))
  if is_sequence(structure):
    num_leaves = len(flatten(structure))
    if len(flat_sequence) != num_leaves:
      raise ValueError(
          "Could not pack sequence. Structure had {} elements, but "
          "flat_sequence had {} elements.  Structure: {}, flat_sequence: "
          "{}.".format(num_leaves, len(flat_sequence), structure,
                       flat_sequence))
  return tf.nest.pack_sequence_as(structure, flat_sequence)


def _truncated_repr(value, limit=100):
  text = str(value)
  return text if len(text) <= limit else text[:limit - 3] + "..."


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
  """Sonnet 1's older name of `is_sequence`.

  >>> snt.nest.is_iterable([1]), snt.nest.is_iterable({1, 2})
  (True, False)

  Args:
    seq: any value.

  Returns:
    A bool.
  """
  return is_sequence(seq)


def flatten_iterable(structure):
  """Sonnet 1's older name of `flatten`.

  >>> snt.nest.flatten_iterable([{"b": 2, "a": 1}, {5, 6}])
  [1, 2, {5, 6}]

  Args:
    structure: a nested structure, or a single leaf (giving `[leaf]`).

  Returns:
    A list of leaves.
  """
  return flatten(structure)


def pack_iterable_as(structure, flat_iterable):
  """Sonnet 1's older name of `pack_sequence_as`.

  >>> snt.nest.pack_iterable_as([(0, 0), {"a": 0}], [1, 2, 3])
  [(1, 2), {'a': 3}]

  Args:
    structure: a nested structure giving the shape.
    flat_iterable: a flat sequence with one item per leaf of `structure`.

  Returns:
    A structure like `structure` holding the items of `flat_iterable`.

  Raises:
    ValueError: if the number of items does not match, or `structure` is a
      leaf and `flat_iterable` has several items.
    TypeError: if `flat_iterable` is not a sequence.
  """
  return pack_sequence_as(structure, flat_iterable)
