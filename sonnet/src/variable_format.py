"""Tables of variables (name, shape, dtype, collections, device) and logging.

The layout is Sonnet 1's. Example output of `format_variables` in graph mode:

    Variable  Shape  Type     Collections                            Device
    lin/w     3x4    float32  global_variables, trainable_variables  (resource)
    step             int64    global_variables                       (legacy)

A scalar has an empty shape and a shape that is not fully known reads
"undefined". Collections are graph collections (`tf.GraphKeys.GLOBAL_VARIABLES`
shown as "global_variables") and only exist in graph mode, so the column is
empty in eager mode. The device column ends with "(legacy)" for reference
variables and "(resource)" for resource variables, after the device the
variable was placed on, if any.
"""

from absl import logging
import tensorflow as tf

from sonnet.src import variable_utils

tf1 = tf.compat.v1

_GLOBAL_VARIABLES_LABEL = "global_variables"


def _shape_text(variable):
  shape = variable.shape
  if not shape.is_fully_defined():
    return "undefined"
  return "x".join(str(d) for d in shape.as_list())


def _device_text(variable):
  kind = "(legacy)" if variable.dtype.name.endswith("_ref") else "(resource)"
  return "%s %s" % (variable.device, kind) if variable.device else kind


def _collections_by_variable(variables):
  """Maps id(variable) to the sorted graph collections it is in."""
  found = {}
  if tf.executing_eagerly():
    return found
  for graph in {id(v.graph): v.graph for v in variables}.values():
    for key in graph.get_all_collection_keys():
      label = (_GLOBAL_VARIABLES_LABEL
               if key == tf1.GraphKeys.GLOBAL_VARIABLES else str(key))
      for item in graph.get_collection(key):
        if isinstance(item, tf.Variable):
          found.setdefault(id(item), set()).add(label)
  return {k: sorted(v) for k, v in found.items()}


def _rows(named_variables):
  """Table rows (tuples of cells) for (key or None, variable) pairs."""
  collections = _collections_by_variable([v for _, v in named_variables])
  rows = []
  for key, variable in named_variables:
    cells = () if key is None else (key,)
    rows.append(cells + (
        variable_utils.variable_name(variable),
        _shape_text(variable),
        variable.dtype.base_dtype.name,
        ", ".join(collections.get(id(variable), ())),
        _device_text(variable),
    ))
  return rows


def _table(rows, join_lines):
  """Left-aligned columns two spaces apart; each line stripped."""
  widths = [max(len(cell) for cell in column) for column in zip(*rows)]
  lines = [
      "  ".join(c.ljust(w) for c, w in zip(row, widths)).strip() for row in rows
  ]
  return "\n".join(lines) if join_lines else lines


def format_variables(variables, join_lines=True):
  """A table of variables, sorted by name, one per line.

  Args:
    variables: an iterable of variables (partitioned variables show one row
      per slice).
    join_lines: if True, return one string; if False, the list of lines.

  Returns:
    The table: a header line, then for each variable its name, shape ("3x4",
    "" for a scalar), dtype, graph collections and device.

  >>> print(snt.format_variables([tf.Variable(tf.ones([3, 4]), name="v")]))
  Variable  Shape  Type     Collections  Device
  v         3x4    float32               ...CPU:0 (resource)
  """
  variables = variable_utils.as_variable_list(variables)
  variables.sort(key=variable_utils.variable_name)
  header = ("Variable", "Shape", "Type", "Collections", "Device")
  return _table([header] + _rows([(None, v) for v in variables]), join_lines)


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
  w    Variable  3x4    float32               ...CPU:0 (resource)
  """
  items = sorted(variable_utils.variable_map_items(variable_map),
                 key=lambda item: (item[0], item[1].name))
  header = ("Key", "Variable", "Shape", "Type", "Collections", "Device")
  return _table([header] + _rows(items), join_lines)


def log_variables(variables=None):
  """Logs a table of variables (`format_variables`) at INFO level.

  Args:
    variables: an iterable of variables. None means every global and local
      variable of the default graph, which only exists in graph mode.

  Raises:
    ValueError: if `variables` is None in eager mode.
  """
  if variables is None:
    variables = variable_utils.default_variables("log_variables")
  for line in format_variables(variables, join_lines=False):
    logging.info(line)


def num_bytes_to_human_readable(num_bytes):
  """An amount of memory as text: "5 B", "1.500 KB", "2.000 GB".

  Args:
    num_bytes: a non-negative int.

  Returns:
    Bytes below 1 KB (1024 B), else KB, MB or GB (powers of 1024) with three
    decimals.
  """
  for unit, power in (("GB", 30), ("MB", 20), ("KB", 10)):
    if num_bytes >= 2**power:
      return "%.3f %s" % (num_bytes / 2.**power, unit)
  return "%d B" % num_bytes


def summarize_variables(variables=None):
  """Logs, per dtype and in total, how many variables and scalars there are.

  One INFO line per dtype ("tf.float32: 2 variables comprising 105000
  scalars, 410.156 KB"), in order of dtype name, then a "Total: ..." line.
  The memory of string variables cannot be known from the graph; only
  their count is meaningful.

  Args:
    variables: an iterable of variables. None means every global and local
      variable of the default graph, which only exists in graph mode.

  Raises:
    ValueError: if `variables` is None in eager mode.
  """
  if variables is None:
    variables = variable_utils.default_variables("summarize_variables")
  counts = variable_utils.count_variables_by_type(variables)
  total_variables = total_scalars = total_bytes = 0
  for dtype in sorted(counts, key=repr):
    entry = counts[dtype]
    num_bytes = entry["num_scalars"] * dtype.size
    logging.info("%r: %d variables comprising %d scalars, %s", dtype,
                 entry["num_variables"], entry["num_scalars"],
                 num_bytes_to_human_readable(num_bytes))
    total_variables += entry["num_variables"]
    total_scalars += entry["num_scalars"]
    total_bytes += num_bytes
  logging.info("Total: %d variables comprising %d scalars, %s", total_variables,
               total_scalars, num_bytes_to_human_readable(total_bytes))
