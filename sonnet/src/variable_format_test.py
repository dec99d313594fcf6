"""Tests for sonnet.src.variable_format: variable tables and logging."""

from absl import logging
from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _cells(line):
  """The cells of a table line (cells are separated by 2+ spaces)."""
  return [cell for cell in line.split("  ") if cell.strip()]


def _strip_cells(line):
  return [cell.strip() for cell in _cells(line)]


class FormatVariablesTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_table_contents(self):
    linear = snt.Linear(4, name="lin")
    linear(tf.ones([1, 3]))
    scalar = tf1.get_variable("count", [], dtype=tf.int64, trainable=False)
    lines = snt.format_variables([linear.w, scalar, linear.b],
                                 join_lines=False)
    self.assertLen(lines, 5)
    self.assertEqual(_strip_cells(lines[0]),
                     ["Variable", "Shape", "Type", "Collections", "Device"])
    self.assertTrue(set(lines[1]) <= {"-", " "})
    rows = [_strip_cells(line) for line in lines[2:]]
    self.assertEqual([row[:3] for row in rows],
                     [["count", "scalar", "int64"],
                      ["lin/b", "4", "float32"],
                      ["lin/w", "3x4", "float32"]])
    if self.eager:
      self.assertEqual([row[3] for row in rows], ["-"] * 3)
    else:
      self.assertEqual([row[3:] for row in rows],
                       [["variables", "-"],
                        ["trainable_variables, variables", "-"],
                        ["trainable_variables, variables", "-"]])

  @test_utils.in_all_modes
  def test_columns_are_aligned(self):
    variables = [tf1.get_variable("a", [1]),
                 tf1.get_variable("a_much_longer_name", [10, 20, 30])]
    lines = snt.format_variables(variables, join_lines=False)
    starts = [lines[0].index(h) for h in ("Shape", "Type")]
    for line in lines[2:]:
      for start in starts:
        self.assertNotEqual(line[start], " ")
        self.assertEqual(line[start - 2:start], "  ")
    self.assertIn("10x20x30", lines[3])

  @test_utils.in_all_modes
  def test_join_lines(self):
    variables = [tf1.get_variable("a", [2])]
    self.assertEqual(snt.format_variables(variables),
                     "\n".join(snt.format_variables(variables,
                                                    join_lines=False)))

  @test_utils.in_graph_mode
  def test_device_column(self):
    with tf.device("/cpu:0"):
      placed = tf1.get_variable("placed", [1])
    line = snt.format_variables([placed], join_lines=False)[2]
    self.assertEqual(_strip_cells(line)[-1], "/device:CPU:0")

  @test_utils.in_graph_mode
  def test_custom_collections_are_listed(self):
    v = tf1.get_variable("v", [1], collections=["mine", "variables"],
                         trainable=False)
    line = snt.format_variables([v], join_lines=False)[2]
    self.assertEqual(_strip_cells(line)[3], "mine, variables")

  @test_utils.in_all_modes
  def test_empty(self):
    self.assertLen(snt.format_variables([], join_lines=False), 2)

  @test_utils.in_all_modes
  def test_partitioned_variable_one_row_per_slice(self):
    w = tf1.get_variable("w", [4, 3],
                         partitioner=tf1.fixed_size_partitioner(2))
    lines = snt.format_variables([w], join_lines=False)
    self.assertEqual([_strip_cells(line)[:2] for line in lines[2:]],
                     [["w/part_0", "2x3"], ["w/part_1", "2x3"]])


class FormatVariableMapTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_keys_column_and_slices(self):
    module = snt.Module(
        lambda x: x * tf1.get_variable(
            "w", [4, 3], partitioner=tf1.fixed_size_partitioner(2)) +
        tf1.get_variable("b", [3]), name="m")
    module(tf.ones([4, 3]))
    variable_map = snt.get_normalized_variable_map(module)
    lines = snt.format_variable_map(variable_map, join_lines=False)
    self.assertEqual(_strip_cells(lines[0]),
                     ["Key", "Variable", "Shape", "Type", "Collections",
                      "Device"])
    self.assertEqual([_strip_cells(line)[:4] for line in lines[2:]],
                     [["b", "m/b", "3", "float32"],
                      ["w", "m/w/part_0", "2x3", "float32"],
                      ["w", "m/w/part_1", "2x3", "float32"]])
    self.assertEqual(snt.format_variable_map(variable_map),
                     "\n".join(lines))


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
    messages = self._logged(snt.log_variables)
    self.assertEqual([_strip_cells(m)[0] for m in messages[2:]], ["a", "g"])

  @test_utils.in_all_modes
  def test_summarize_variables(self):
    variables = [tf1.get_variable("a", [2, 3]),
                 tf1.get_variable("b", [5]),
                 tf1.get_variable("c", [300], dtype=tf.float64)]
    messages = self._logged(snt.summarize_variables, variables)
    self.assertEqual(messages, [
        "float32: 2 variables comprising 11 scalars, 44 B",
        "float64: 1 variables comprising 300 scalars, 2.34 KiB",
        "Total: 3 variables comprising 311 scalars, 2.39 KiB"])

  @test_utils.in_graph_mode
  def test_summarize_variables_default(self):
    tf1.get_variable("a", [1024, 1024])
    messages = self._logged(snt.summarize_variables)
    self.assertEqual(messages[-1],
                     "Total: 1 variables comprising 1048576 scalars, "
                     "4.00 MiB")

  @test_utils.in_eager_mode
  def test_eager_needs_variables(self):
    for fn in (snt.log_variables, snt.summarize_variables):
      with self.assertRaisesRegex(ValueError,
                                  fn.__name__ + " needs `variables`"):
        fn()


if __name__ == "__main__":
  test_utils.main()
