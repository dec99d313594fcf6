"""Tables of variables (name, shape, dtype, collections, device) and logging.

Example output of `format_variables` in graph mode:

    Variable  Shape   Type     Collections                     Device
    --------  ------  -------  ------------------------------  -------------
    linear/b  4       float32  trainable_variables, variables  -
    linear/w  3x4     float32  trainable_variables, variables  -
    step      scalar  int64    variables                       /device:CPU:0

Collections are graph collections and only exist in graph mode; eager mode
shows "-" there. A device of "-" means the variable was not placed
explicitly.
"""

from absl import logging
import tensorflow as tf

from sonnet.src import variable_utils

_NONE = "-"


def _shape_text(variable):
  shape = variable.shape
  if shape.rank is None:
    return "?"
  if shape.rank == 0:
    return "scalar"
  return "x".join("?" if d is None else str(d) for d in shape.as_list())


def _collections_by_variable(variables):
  """Maps id(variable) to the sorted graph collections it is in."""
  found = {}
  graphs = {id(v.graph): v.graph for v in variables
            if not tf.executing_eagerly() and hasattr(v, "graph")}
  for graph in graphs.values():
    for key in graph.get_all_collection_keys():
      if not isinstance(key, str):
        continue
      for item in graph.get_collection(key):
        found.setdefault(id(item), set()).add(key)
  return {k: sorted(v) for k, v in found.items()}


def _rows(named_variables):
  """Table rows (lists of cells) for (key or None, variable) pairs."""
  variables = [v for _, v in named_variables]
  collections = _collections_by_variable(variables)
  rows = []
  for key, variable in named_variables:
    cells = [] if key is None else [key]
    cells += [
        variable_utils.variable_name(variable),
        _shape_text(variable),
        variable.dtype.base_dtype.name,
        ", ".join(collections.get(id(variable), ())) or _NONE,
        variable.device or _NONE,
    ]
    rows.append(cells)
  return rows


def _table(header, rows, join_lines):
  widths = [max(len(cell) for cell in column)
            for column in zip(header, *rows)]

  def line(cells):
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

  lines = [line(header), line(["-" * w for w in widths])]
  lines += [line(row) for row in rows]
  return "\n".join(lines) if join_lines else lines


def format_variables(variables, join_lines=True):
  """A table of variables, sorted by name, one per line.

  Args:
    variables: an iterable of variables (partitioned variables show one row
      per slice).
    join_lines: if True, return one string; if False, the list of lines.

  Returns:
    The table: a header line, a rule, then for each variable its name, shape
    ("3x4", or "scalar"), dtype, graph collections and device.

  >>> print(snt.format_variables([tf.Variable(1., name="v")]))
  Variable  Shape   Type     Collections  Device
  --------  ------  -------  -----------  ...
  v         scalar  float32  -            ...
  """
  variables = variable_utils.as_variable_list(variables)
  variables.sort(key=lambda v: v.name)
  rows = _rows([(None, v) for v in variables])
  header = ["Variable", "Shape", "Type", "Collections", "Device"]
  return _table(header, rows, join_lines)


def format_variable_map(variable_map, join_lines=True):
  """A table of a {key: variable} map, sorted by key, one slice per line.

  Args:
    variable_map: a dict from names to variables or lists of slices, e.g.
      from `snt.get_normalized_variable_map`.
    join_lines: if True, return one string; if False, the list of lines.

  Returns:
    The table: as `format_variables`, with the key in a first column.

  >>> print(snt.format_variable_map({"w": tf.Variable(tf.ones([3, 4]))}))
  Key  Variable  Shape  Type     Collections  Device
  ---  --------  -----  -------  -----------  ...
  w    Variable  3x4    float32  -            ...
  """
  items = sorted(variable_utils.variable_map_items(variable_map),
                 key=lambda item: (item[0], item[1].name))
  rows = _rows(items)
  header = ["Key", "Variable", "Shape", "Type", "Collections", "Device"]
  return _table(header, rows, join_lines)


def log_variables(variables=None):
  """Logs a table of variables (`format_variables`) at INFO level.

  Args:
    variables: an iterable of variables. None means every global variable
      of the default graph, which only exists in graph mode.

  Raises:
    ValueError: if `variables` is None in eager mode.
  """
  if variables is None:
    variables = variable_utils.default_variables("log_variables")
  for line in format_variables(variables, join_lines=False):
    logging.info(line)


def _human_bytes(num_bytes):
  for unit in ("B", "KiB", "MiB", "GiB"):
    if num_bytes < 1024 or unit == "GiB":
      break
    num_bytes /= 1024.
  return ("%d %s" if unit == "B" else "%.2f %s") % (num_bytes, unit)


def summarize_variables(variables=None):
  """Logs, per dtype and in total, how many variables and scalars there are.

  Args:
    variables: an iterable of variables. None means every global variable
      of the default graph, which only exists in graph mode.

  Raises:
    ValueError: if `variables` is None in eager mode.
  """
  if variables is None:
    variables = variable_utils.default_variables("summarize_variables")
  counts = variable_utils.count_variables_by_type(variables)
  total_variables = total_scalars = total_bytes = 0
  for dtype in sorted(counts, key=lambda d: d.name):
    entry = counts[dtype]
    num_bytes = entry["num_scalars"] * dtype.size
    logging.info("%s: %d variables comprising %d scalars, %s", dtype.name,
                 entry["num_variables"], entry["num_scalars"],
                 _human_bytes(num_bytes))
    total_variables += entry["num_variables"]
    total_scalars += entry["num_scalars"]
    total_bytes += num_bytes
  logging.info("Total: %d variables comprising %d scalars, %s",
               total_variables, total_scalars, _human_bytes(total_bytes))
