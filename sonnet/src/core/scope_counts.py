"""Variable-scope counts that find a new scope's `_N` suffix quickly.

`tf.compat.v1` keeps, per graph, a dict from each full variable-scope name
to how many times it was opened (`variable_scopes_count`). A new scope
asked for under a default name `name` gets `name` if its count is 0, else
`name_N` for the smallest N >= 1 whose count is 0, which TensorFlow finds by
trying N = 1, 2, ...: the k-th module of one name costs k lookups, and
building many same-named modules is quadratic. `ScopeCounts` is that dict
with an index for the names asked about (`free_suffix`), so that the same
answer costs constant time on average. It also knows which names have
subscopes (`has_subscopes`): TensorFlow zeroes a closing scope's subscopes
by scanning every name, even for a scope just made, which has none.
"""

import bisect


def _parents(key):
  """The scopes that contain `key`: "a" and "a/b" for "a/b/c"."""
  parts = key.split("/")
  return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _suffix(key):
  """`(base, N)` for a key `base_N` written as `"%s_%d"` would, else None."""
  base, underscore, digits = key.rpartition("_")
  if underscore and digits.isdigit() and str(int(digits)) == digits:
    return base, int(digits)
  return None


class ScopeCounts(dict):
  """A `variable_scopes_count` dict that indexes each asked name's free N.

  For a name asked about, the index keeps `(next, holes)`: every N below
  `next` has had a count above 0, and `holes` (sorted) holds each such N
  whose count fell back to 0 since (TensorFlow zeroes the counts under a
  scope when it closes it). TensorFlow changes the counts only through
  `__setitem__` and replaces the whole dict by copies (`copy.copy`) that it
  takes and restores around re-entered scopes: copies carry the index, whose
  entries are immutable tuples, so a copy and its original never share a
  changing entry.

  >>> counts = ScopeCounts({"linear": 1, "linear_1": 1})
  >>> counts.free_suffix("linear")
  2
  """

  __slots__ = ("_free", "_parents")

  def __init__(self, counts=(), free=None, parents=None):
    super().__init__(counts)
    self._free = {} if free is None else dict(free)
    if parents is None:
      parents = {parent for key in self for parent in _parents(key)}
    self._parents = set(parents)

  def __copy__(self):
    return ScopeCounts(self, self._free, self._parents)

  def __reduce__(self):  # For `copy.deepcopy` and pickling.
    return ScopeCounts, (dict(self), self._free, self._parents)

  def has_subscopes(self, name):
    """Whether any name here starts with `name + "/"`."""
    return name in self._parents

  def __setitem__(self, key, value):
    if key not in self:
      self._parents.update(_parents(key))
    if not value and self.get(key):
      suffix = _suffix(key)
      entry = suffix and self._free.get(suffix[0])
      if entry and suffix[1] < entry[0]:
        holes = list(entry[1])
        bisect.insort(holes, suffix[1])
        self._free[suffix[0]] = (entry[0], tuple(holes))
    super().__setitem__(key, value)

  def free_suffix(self, name):
    """The smallest N >= 1 such that `name_N` has count 0.

    Args:
      name: a full variable-scope name.

    Returns:
      That N, as `_get_unique_variable_scope` in TensorFlow finds it.
    """
    next_free, holes = self._free.get(name, (1, ()))
    for i, hole in enumerate(holes):
      if not self.get("%s_%d" % (name, hole)):
        self._free[name] = (next_free, holes[i:])  # Those before: retaken.
        return hole
    while self.get("%s_%d" % (name, next_free)):
      next_free += 1
    self._free[name] = (next_free, ())
    return next_free
