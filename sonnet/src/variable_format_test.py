"""Tests for sonnet.src.variable_format: variable tables and logging."""

import re

from absl import logging
from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src import variable_format
import tensorflow as tf

tf1 = tf.compat.v1


def _cells(line):
  """The cells of a table line (cells are separated by 2+ spaces)."""
  return [cell for cell in line.split("  ") if cell.strip()]


def _strip_cells(line):
  return [cell.strip() for cell in _cells(line)]


def _columns(lines):
  """Each line's cells, cut at the header's column starts (empty cells kept).
  """
  header = lines[0]
  starts = [
      i for i, c in enumerate(header)
      if c != " " and (i == 0 or header[i - 1] == " ")]
  ends = starts[1:] + [None]
  return [
      [line[a:b].strip() for a, b in zip(starts, ends)] for line in lines[1:]]


class FormatVariablesTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_graph_mode
  def test_sonnet_1_layout(self):
    with tf1.variable_scope("m1"):
      v1 = tf1.get_variable("v1", shape=[3, 4], use_resource=False)
    with tf.device("/cpu:0"):
      with tf1.variable_scope("m2"):
        v2 = tf1.get_local_variable("v2", shape=[5, 6], use_resource=True)
    self.assertEqual(
        snt.format_variables([v2, v1]), "\n".join([
            "Variable  Shape  Type     Collections                            "
            "Device",
            "m1/v1     3x4    float32  global_variables, trainable_variables  "
            "(legacy)",
            "m2/v2     5x6    float32  local_variables                        "
            "/device:CPU:0 (resource)"]))

  @test_utils.in_all_modes
  def test_table_contents(self):
    linear = snt.Linear(4, name="lin")
    linear(tf.ones([1, 3]))
    scalar = tf1.get_variable("count", [], dtype=tf.int64, trainable=False)
    lines = snt.format_variables([linear.w, scalar, linear.b], join_lines=False)
    self.assertLen(lines, 4)
    self.assertEqual(_strip_cells(lines[0]),
                     ["Variable", "Shape", "Type", "Collections", "Device"])
    rows = _columns(lines)
    self.assertEqual([row[:3] for row in rows],
                     [["count", "", "int64"], ["lin/b", "4", "float32"],
                      ["lin/w", "3x4", "float32"]])
    kind = "(legacy)" if linear.w.dtype.name.endswith("_ref") else "(resource)"
    for row in rows:
      self.assertRegex(row[4],
                       r"^(/job:localhost.*CPU:0 )?%s$" % re.escape(kind))
    if self.eager:
      self.assertEqual([row[3] for row in rows], [""] * 3)
    else:
      self.assertEqual([row[3] for row in rows], [
          "global_variables", "global_variables, trainable_variables",
          "global_variables, trainable_variables"])

  @test_utils.in_all_modes
  def test_columns_are_aligned(self):
    variables = [
        tf1.get_variable("a", [1]),
        tf1.get_variable("a_much_longer_name", [10, 20, 30])]
    lines = snt.format_variables(variables, join_lines=False)
    starts = [lines[0].index(h) for h in ("Shape", "Type")]
    for line in lines[1:]:
      for start in starts:
        self.assertNotEqual(line[start], " ")
        self.assertEqual(line[start - 2:start], "  ")
    self.assertIn("10x20x30", lines[2])

  @test_utils.in_all_modes
  def test_sorted_by_name_not_by_tensor_name(self):
    outer = tf1.get_variable("a", [1])  # "a:0" sorts after "a/b:0".
    with tf1.variable_scope("a"):
      inner = tf1.get_variable("b", [1])
    lines = snt.format_variables([inner, outer], join_lines=False)
    self.assertEqual([line.split()[0] for line in lines[1:]], ["a", "a/b"])

  @test_utils.in_all_modes
  def test_join_lines(self):
    variables = [tf1.get_variable("a", [2])]
    self.assertEqual(
        snt.format_variables(variables),
        "\n".join(snt.format_variables(variables, join_lines=False)))

  @test_utils.in_graph_mode
  def test_undefined_shape(self):
    v = tf1.get_variable(
        "v", validate_shape=False,
        initializer=tf1.placeholder_with_default(tf.ones([2]), shape=[None]))
    line = snt.format_variables([v], join_lines=False)[1]
    self.assertEqual(line.split()[:3], ["v", "undefined", "float32"])

  @test_utils.in_graph_mode
  def test_custom_collections_are_listed(self):
    v = tf1.get_variable("v", [1], collections=["mine", "variables"],
                         trainable=False)
    line = snt.format_variables([v], join_lines=False)[1]
    self.assertEqual(_strip_cells(line)[3], "global_variables, mine")

  @test_utils.in_all_modes
  def test_empty(self):
    self.assertEqual(snt.format_variables([], join_lines=False),
                     ["Variable  Shape  Type  Collections  Device"])

  @test_utils.in_all_modes
  def test_partitioned_variable_one_row_per_slice(self):
    w = tf1.get_variable("w", [4, 3], partitioner=tf1.fixed_size_partitioner(2))
    lines = snt.format_variables([w], join_lines=False)
    self.assertEqual([_strip_cells(line)[:2] for line in lines[1:]],
                     [["w/part_0", "2x3"], ["w/part_1", "2x3"]])


class FormatVariableMapTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_keys_column_and_slices(self):
    module = snt.Module(
        lambda x: x * tf1.get_variable(
            "w", [4, 3], partitioner=tf1.fixed_size_partitioner(2)) + tf1.
        get_variable("b", [3]), name="m")
    module(tf.ones([4, 3]))
    variable_map = snt.get_normalized_variable_map(module)
    lines = snt.format_variable_map(variable_map, join_lines=False)
    self.assertEqual(
        _strip_cells(lines[0]),
        ["Key", "Variable", "Shape", "Type", "Collections", "Device"])
    self.assertEqual(
        [_strip_cells(line)[:4] for line in lines[1:]],
        [["b", "m/b", "3", "float32"], ["w", "m/w/part_0", "2x3", "float32"],
         ["w", "m/w/part_1", "2x3", "float32"]])
    self.assertEqual(snt.format_variable_map(variable_map), "\n".join(lines))


class LoggingTest(test_utils.TestCase):

  def setUp(self):
    super().setUp()
    self._verbosity = logging.get_verbosity()
    logging.set_verbosity(logging.INFO)

  def tearDown(self):
    logging.set_verbosity(self._verbosity)
    super().tearDown()

  def _logged(self, fn, *args):
    with self.assertLogs(level="INFO") as logs:
      fn(*args)
    return [record.getMessage() for record in logs.records]

  @test_utils.in_all_modes
  def test_log_variables_logs_the_table(self):
    variables = [tf1.get_variable("a", [2]), tf1.get_variable("b", [3, 1])]
    self.assertEqual(self._logged(snt.log_variables, variables),
                     snt.format_variables(variables, join_lines=False))

  @test_utils.in_graph_mode
  def test_log_variables_default(self):
    tf1.get_variable("a", [2])
    tf1.get_variable("g", [], trainable=False)
    tf1.get_local_variable("l", [3])
    messages = self._logged(snt.log_variables)
    self.assertEqual([m.split()[0] for m in messages[1:]], ["a", "g", "l"])

  @test_utils.in_all_modes
  def test_summarize_variables(self):
    variables = [
        tf1.get_variable("a", [2, 3]),
        tf1.get_variable("b", [5]),
        tf1.get_variable("c", [300], dtype=tf.float64)]
    messages = self._logged(snt.summarize_variables, variables)
    self.assertEqual(messages, [
        "tf.float32: 2 variables comprising 11 scalars, 44 B",
        "tf.float64: 1 variables comprising 300 scalars, 2.344 KB",
        "Total: 3 variables comprising 311 scalars, 2.387 KB"])

  @test_utils.in_graph_mode
  def test_summarize_variables_default(self):
    tf1.get_variable("a", [1024, 1024])
    tf1.get_local_variable("b", [1024], dtype=tf.int16)
    messages = self._logged(snt.summarize_variables)
    self.assertEqual(messages, [
        "tf.float32: 1 variables comprising 1048576 scalars, 4.000 MB",
        "tf.int16: 1 variables comprising 1024 scalars, 2.000 KB",
        "Total: 2 variables comprising 1049600 scalars, 4.002 MB"])

  @test_utils.in_eager_mode
  def test_eager_needs_variables(self):
    for fn in (snt.log_variables, snt.summarize_variables):
      with self.assertRaisesRegex(ValueError,
                                  fn.__name__ + " needs `variables`"):
        fn()


class NumBytesToHumanReadableTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters((0, "0 B"), (1023, "1023 B"), (1024, "1.000 KB"),
                            (1536, "1.500 KB"), (2**20 - 1, "1023.999 KB"),
                            (3 * 2**19, "1.500 MB"), (2**30, "1.000 GB"),
                            (5 * 2**40, "5120.000 GB"))
  def test_units(self, num_bytes, expected):
    self.assertEqual(variable_format.num_bytes_to_human_readable(num_bytes),
                     expected)


if __name__ == "__main__":
  test_utils.main()
