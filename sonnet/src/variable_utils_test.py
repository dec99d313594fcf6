"""Tests for sonnet.src.variable_utils: scopes, normalized maps, savers."""

import os

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.python.modules import util
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _partitioned_build(x):
  w = tf1.get_variable("w", [4, 3], partitioner=tf1.fixed_size_partitioner(2))
  b = tf1.get_variable("b", [3], initializer=tf1.ones_initializer())
  return tf.matmul(x, tf.convert_to_tensor(w)) + b


class VariablesInScopeTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_graph_mode
  def test_matches_scope_and_below_but_not_siblings(self):
    with tf1.variable_scope("net") as net:
      tf1.get_variable("w", [2])
      with tf1.variable_scope("inner"):
        tf1.get_variable("v", [2])
    with tf1.variable_scope("net_2"):
      tf1.get_variable("w", [2])
    tf1.get_variable("top", [1], trainable=False)
    for scope in (net, "net", "net/"):
      self.assertVariableNames(snt.get_variables_in_scope(scope),
                               ["net/w", "net/inner/v"])
    self.assertVariableNames(snt.get_variables_in_scope("net_2"), ["net_2/w"])
    self.assertEqual(snt.get_variables_in_scope("ne"), ())
    self.assertLen(snt.get_variables_in_scope(""), 3)
    self.assertVariableNames(
        snt.get_variables_in_scope("", tf1.GraphKeys.GLOBAL_VARIABLES),
        ["net/w", "net/inner/v", "net_2/w", "top"])

  @test_utils.in_graph_mode
  def test_regex_characters_in_scope_names_are_literal(self):
    with tf1.variable_scope("a.b"):
      tf1.get_variable("w", [1])
    with tf1.variable_scope("axb"):
      tf1.get_variable("w", [1])
    self.assertVariableNames(snt.get_variables_in_scope("a.b"), ["a.b/w"])

  @test_utils.in_graph_mode
  def test_collection_filters(self):
    with tf1.variable_scope("s"):
      tf1.get_variable("t", [1])
      tf1.get_variable("n", [1], trainable=False)
    self.assertVariableNames(snt.get_variables_in_scope("s"), ["s/t"])
    self.assertVariableNames(
        snt.get_variables_in_scope("s", tf1.GraphKeys.GLOBAL_VARIABLES),
        ["s/t", "s/n"])

  @test_utils.in_eager_mode
  def test_eager_mode_says_to_ask_the_module(self):
    with self.assertRaisesRegex(snt.NotSupportedError,
                                r"'net'.*eager.*module.get_variables"):
      snt.get_variables_in_scope("net")

  @test_utils.in_graph_mode
  def test_bad_scope_type(self):
    with self.assertRaisesRegex(ValueError, "^Not a variable scope: 3$"):
      snt.get_variables_in_scope(3)

  @test_utils.in_all_modes
  def test_variables_in_module(self):
    mlp = snt.nets.MLP([3, 2], name="mlp")
    mlp(tf.ones([1, 4]))
    self.assertEqual(snt.get_variables_in_module(mlp), mlp.get_variables())
    self.assertVariableNames(snt.get_variables_in_module(mlp), [
        "mlp/linear_0/w", "mlp/linear_0/b", "mlp/linear_1/w", "mlp/linear_1/b"])

  @test_utils.in_all_modes
  def test_variables_in_module_non_trainable(self):
    bn = snt.BatchNorm(name="bn")
    bn(tf.ones([2, 3]), is_training=True)
    self.assertVariableNames(
        snt.get_variables_in_module(bn, tf1.GraphKeys.GLOBAL_VARIABLES),
        ["bn/beta", "bn/moving_mean", "bn/moving_variance"])
    self.assertVariableNames(snt.get_variables_in_module(bn), ["bn/beta"])

  def test_variables_in_module_not_connected(self):
    with self.assertRaises(snt.NotConnectedError):
      snt.get_variables_in_module(snt.Linear(2))


class NormalizedVariableMapTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_names_relative_to_module(self):
    with tf1.variable_scope("outer"):
      linear = snt.Linear(2, name="enc")
    linear(tf.ones([1, 3]))
    variable_map = snt.get_normalized_variable_map(linear)
    self.assertEqual(sorted(variable_map), ["b", "w"])
    self.assertIs(variable_map["w"], linear.w)
    self.assertIs(variable_map["b"], linear.b)

  @test_utils.in_all_modes
  def test_context_keeps_part_of_the_name(self):
    mlp = snt.nets.MLP([3], name="mlp")
    mlp(tf.ones([1, 2]))
    inner = mlp.layers[0]
    self.assertEqual(sorted(snt.get_normalized_variable_map(inner)), ["b", "w"])
    self.assertEqual(
        sorted(snt.get_normalized_variable_map(inner, context=mlp)),
        ["linear_0/b", "linear_0/w"])
    self.assertEqual(sorted(snt.get_normalized_variable_map(inner, context="")),
                     ["mlp/linear_0/b", "mlp/linear_0/w"])

  @test_utils.in_all_modes
  def test_context_must_contain_scope(self):
    mlp = snt.nets.MLP([3], name="mlp")
    mlp(tf.ones([1, 2]))
    with self.assertRaisesRegex(
        ValueError, "^Scope 'mlp/linear_0' is not prefixed by "
        "'ml'."):
      snt.get_normalized_variable_map(mlp.layers[0], context="ml")
    self.assertEqual(
        sorted(snt.get_normalized_variable_map(mlp.layers[0], context="mlp/")),
        ["linear_0/b", "linear_0/w"])

  @test_utils.in_graph_mode
  def test_scope_arguments_in_graph_mode(self):
    with tf1.variable_scope("a") as scope:
      w = tf1.get_variable("w", [1])
      with tf1.variable_scope("b"):
        v = tf1.get_variable("v", [1], trainable=False)
    for scope_arg in (scope, "a"):
      self.assertEqual(snt.get_normalized_variable_map(scope_arg),
                       {"w": w, "b/v": v})
    self.assertEqual(
        snt.get_normalized_variable_map(
            "a", collection=tf1.GraphKeys.TRAINABLE_VARIABLES), {"w": w})

  @test_utils.in_all_modes
  def test_partitioned_variables_grouped(self):
    module = snt.Module(_partitioned_build, name="part")
    module(tf.ones([2, 4]))
    variable_map = snt.get_normalized_variable_map(module)
    self.assertEqual(sorted(variable_map), ["b", "w"])
    self.assertIsInstance(variable_map["w"], list)
    self.assertVariableShapes(
        variable_map["w"], {"part/w/part_0": [2, 3], "part/w/part_1": [2, 3]})
    self.assertNotIsInstance(variable_map["b"], list)

  @test_utils.in_all_modes
  def test_partitioned_variables_ungrouped(self):
    module = snt.Module(_partitioned_build, name="part")
    module(tf.ones([2, 4]))
    variable_map = snt.get_normalized_variable_map(module,
                                                   group_sliced_variables=False)
    self.assertEqual(sorted(variable_map), ["b", "w/part_0", "w/part_1"])
    self.assertEqual(variable_map["w/part_1"].shape.as_list(), [2, 3])

  @test_utils.in_eager_mode
  def test_scope_string_in_eager_mode(self):
    with self.assertRaises(snt.NotSupportedError):
      snt.get_normalized_variable_map("linear")

  def test_not_connected(self):
    with self.assertRaises(snt.NotConnectedError):
      snt.get_normalized_variable_map(snt.Linear(2))


class VariableMapItemsTest(test_utils.TestCase):

  def test_flattens_lists(self):
    self.assertEqual(list(snt.variable_map_items({"a": 1, "b": [2, 3]})),
                     [("a", 1), ("b", 2), ("b", 3)])
    self.assertEqual(list(snt.variable_map_items({})), [])

  @test_utils.in_all_modes
  def test_normalized_map_items_cover_every_variable(self):
    module = snt.Module(_partitioned_build, name="part")
    module(tf.ones([2, 4]))
    items = list(snt.variable_map_items(
        snt.get_normalized_variable_map(module)))
    self.assertEqual([k for k, _ in items], ["b", "w", "w"])
    self.assertVariableNames([v for _, v in items],
                             ["part/b", "part/w/part_0", "part/w/part_1"])


class GetSaverTest(test_utils.TestCase):

  def _checkpoint_path(self):
    return os.path.join(self.get_temp_dir(), "model.ckpt")

  @test_utils.in_graph_mode
  def test_restores_into_module_with_other_name(self):
    source = snt.Linear(3, name="source",
                        initializers={"b": tf1.random_normal_initializer()})
    target = snt.Linear(3, name="target")
    x = tf.constant(np.arange(8, dtype=np.float32).reshape(2, 4))
    y_source, y_target = source(x), target(x)
    self.init()
    save_path = snt.get_saver(source).save(tf1.get_default_session(),
                                           self._checkpoint_path())
    self.assertEqual(sorted(n for n, _ in tf.train.list_variables(save_path)),
                     ["b", "w"])
    before = self.evaluate(target.w)
    snt.get_saver(target).restore(tf1.get_default_session(), save_path)
    w_source, w_target = self.evaluate([source.w, target.w])
    self.assertAllEqual(w_target, w_source)
    self.assertFalse(np.allclose(before, w_source))
    self.assertAllClose(*self.evaluate([y_target, y_source]))

  @test_utils.in_graph_mode
  def test_partitioned_variables_round_trip(self):
    source = snt.Module(_partitioned_build, name="source")
    target = snt.Module(_partitioned_build, name="target")
    source(tf.ones([2, 4]))
    target(tf.ones([2, 4]))
    self.init()
    sess = tf1.get_default_session()
    w_source = source.get_variables()[:2]
    for part in w_source:
      sess.run(part.assign(np.random.RandomState(0).randn(2, 3)))
    save_path = snt.get_saver(source).save(sess, self._checkpoint_path())
    self.assertEqual(dict(tf.train.list_variables(save_path)),
                     {"w": [4, 3], "b": [3]})
    snt.get_saver(target, max_to_keep=1).restore(sess, save_path)
    w_target = target.get_variables()[:2]
    self.assertAllEqual(*self.evaluate([
        tf.concat(w_source, 0), tf.concat(w_target, 0)]))

  @test_utils.in_graph_mode
  def test_collections_choose_what_is_saved(self):
    bn = snt.BatchNorm(name="bn")
    bn(tf.ones([2, 3]), is_training=True)
    self.init()
    trainable_only = snt.get_saver(
        bn, collections=(tf1.GraphKeys.TRAINABLE_VARIABLES,))
    path = trainable_only.save(tf1.get_default_session(),
                               self._checkpoint_path())
    self.assertEqual([n for n, _ in tf.train.list_variables(path)], ["beta"])
    everything = snt.get_saver(bn)
    path = everything.save(tf1.get_default_session(), self._checkpoint_path())
    self.assertEqual(sorted(n for n, _ in tf.train.list_variables(path)),
                     ["beta", "moving_mean", "moving_variance"])

  @test_utils.in_graph_mode
  def test_scope_string_and_context(self):
    with tf1.variable_scope("model"):
      with tf1.variable_scope("enc"):
        tf1.get_variable("w", [2], initializer=tf1.ones_initializer())
    self.init()
    path = snt.get_saver("model/enc",
                         context="model").save(tf1.get_default_session(),
                                               self._checkpoint_path())
    self.assertEqual([n for n, _ in tf.train.list_variables(path)], ["enc/w"])

  @test_utils.in_graph_mode
  def test_nothing_to_save(self):
    with self.assertRaisesRegex(ValueError, "No variables to save in 'nope'"):
      snt.get_saver("nope")

  @test_utils.in_eager_mode
  def test_eager_round_trip(self):
    source = snt.Linear(3, name="source")
    target = snt.Linear(3, name="target")
    source(tf.ones([1, 2]))
    target(tf.ones([1, 2]))
    save_path = snt.get_saver(source).save(None, self._checkpoint_path())
    snt.get_saver(target).restore(None, save_path)
    self.assertAllEqual(target.w.numpy(), source.w.numpy())
    self.assertAllEqual(target.b.numpy(), source.b.numpy())

  @test_utils.in_eager_mode
  def test_module_connected_in_tf_function(self):
    source = snt.nets.MLP([3, 2], name="source")
    target = snt.nets.MLP([3, 2], name="target")
    x = tf.constant(np.random.RandomState(2).randn(4, 5).astype(np.float32))

    run_source = tf.function(lambda: source(x))
    run_target = tf.function(lambda: target(x))
    y_target = run_target()
    run_source()
    for v in source.variables:  # Make sure the values differ from target's.
      v.assign_add(tf.ones_like(v))
    y_source = run_source()
    self.assertEqual(sorted(snt.get_normalized_variable_map(source)),
                     ["linear_0/b", "linear_0/w", "linear_1/b", "linear_1/w"])
    save_path = snt.get_saver(source).save(None, self._checkpoint_path())
    snt.get_saver(target).restore(None, save_path)
    self.assertNotAllClose(y_target, y_source)
    self.assertAllClose(run_target(), y_source)

  @test_utils.in_eager_mode
  def test_eager_partitioned_is_not_supported(self):
    module = snt.Module(_partitioned_build, name="part")
    module(tf.ones([2, 4]))
    with self.assertRaisesRegex(snt.NotSupportedError,
                                r"\['w'\].*tf.train.Checkpoint"):
      snt.get_saver(module)


class CountVariablesByTypeTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_counts(self):
    variables = [
        tf1.get_variable("a", [2, 3]),
        tf1.get_variable("b", [], dtype=tf.int32),
        tf1.get_variable("c", [5]),
        tf1.get_variable("d", [4, 3],
                         partitioner=tf1.fixed_size_partitioner(2))]
    counts = snt.count_variables_by_type(variables)
    self.assertEqual(
        counts, {
            tf.float32: {"num_variables": 4, "num_scalars": 6 + 5 + 12},
            tf.int32: {"num_variables": 1, "num_scalars": 1}})

  @test_utils.in_graph_mode
  def test_default_is_global_and_local_variables(self):
    tf1.get_variable("a", [2, 3])
    tf1.get_variable("b", [7], dtype=tf.float64, trainable=False)
    tf1.get_local_variable("c", [4], dtype=tf.float64)
    self.assertEqual(
        snt.count_variables_by_type(), {
            tf.float32: {"num_variables": 1, "num_scalars": 6}, tf.float64: {
                "num_variables": 2, "num_scalars": 11}})

  @test_utils.in_all_modes
  def test_string_variables_are_counted_with_a_warning(self):
    words = tf.Variable(["a", "bc", "def"])
    with self.assertLogs(level="WARNING") as logs:
      counts = snt.count_variables_by_type([words])
    self.assertEqual(counts,
                     {tf.string: {"num_variables": 1, "num_scalars": 3}})
    self.assertIn("NB: string Variables present.", logs.output[0])

  @test_utils.in_all_modes
  def test_empty(self):
    self.assertEqual(snt.count_variables_by_type([]), {})

  @test_utils.in_eager_mode
  def test_eager_needs_variables(self):
    with self.assertRaisesRegex(
        ValueError, "count_variables_by_type needs `variables` "
        "in eager mode"):
      snt.count_variables_by_type()

  def test_dict_is_rejected(self):
    with self.assertRaisesRegex(TypeError, "got a dict"):
      snt.count_variables_by_type({"a": 1})


class ScopeNameTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_values_that_name_a_scope(self):
    with tf1.variable_scope("outer/inner") as scope:
      pass
    template = tf1.make_template("tmpl", lambda: tf1.get_variable("v", [1]))
    template()
    linear = snt.Linear(2, name="lin")
    linear(tf.ones([1, 1]))
    self.assertEqual(util.get_variable_scope_name(scope), "outer/inner")
    self.assertEqual(util.get_variable_scope_name("a/b/"), "a/b")
    self.assertEqual(util.get_variable_scope_name(template), "tmpl")
    self.assertEqual(util.get_variable_scope_name(linear), "lin")

  def test_errors(self):
    with self.assertRaisesRegex(ValueError, "^Not a variable scope: None$"):
      util.get_variable_scope_name(None)
    with self.assertRaises(snt.NotConnectedError):
      util.get_variable_scope_name(snt.Linear(2))

  def test_is_scope_prefix(self):
    is_prefix = util._is_scope_prefix  # pylint: disable=protected-access
    for prefix in ("", "a", "a/", "a/b", "a/b/c", "a/b/c/"):
      self.assertTrue(is_prefix("a/b/c", prefix), prefix)
    for prefix in ("b", "a/b/c/d", "a/b/cd", "a/bc"):
      self.assertFalse(is_prefix("a/b/c", prefix), prefix)
    self.assertFalse(is_prefix("ab/c", "a"))
    self.assertFalse(is_prefix("", "a"))


class MixedSlicesTest(test_utils.TestCase):

  @test_utils.in_graph_mode
  def test_slices_and_variable_with_the_same_name(self):
    with tf1.variable_scope("s"):
      tf1.get_variable("w", [4, 3], partitioner=tf1.fixed_size_partitioner(2))
    with tf.name_scope("s/"):
      tf1.Variable(tf.zeros([3]), name="w")  # "s/w", not partitioned.
    self.assertEqual(
        sorted(
            snt.get_normalized_variable_map("s", group_sliced_variables=False)),
        ["w", "w/part_0", "w/part_1"])
    with self.assertRaisesRegex(
        ValueError, "^Mixing slices and non-slices with the same name: w$"):
      snt.get_normalized_variable_map("s")


class SortByNameTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_sorted_tuple(self):
    b = tf1.get_variable("b", [1])
    a2 = tf1.get_variable("a2", [1])
    a = tf1.get_variable("a", [1])
    # By full name, as Sonnet 1 did: "a2:0" < "a:0" < "b:0".
    self.assertEqual(util.sort_by_name([b, a, a2]), (a2, a, b))
    self.assertEqual(util.sort_by_name([]), ())


class NotifyAboutNewVariablesTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_reports_variables_in_creation_order(self):
    seen = []
    with util.notify_about_new_variables(seen.append):
      v = tf.Variable(1.0, name="v")
      w = tf1.get_variable("w", [2])
      linear = snt.Linear(3, name="lin")
      linear(tf.ones([1, 2]))
    tf.Variable(2.0, name="after")
    self.assertEqual([x.name for x in seen],
                     [v.name, w.name, "lin/w:0", "lin/b:0"])
    self.assertIs(seen[0], v)
    self.assertIs(seen[1], w)

  @parameterized.parameters("getter_inside", "getter_outside")
  @test_utils.in_all_modes
  def test_custom_getter_that_makes_extra_variables(self, order):

    def getter(getter, **kwargs):
      variable = getter(**kwargs)
      kwargs["name"] += "_extra"
      getter(**kwargs)
      return variable

    seen = []
    notify = util.notify_about_new_variables(seen.append)
    custom = tf1.variable_scope("", custom_getter=getter)
    first, second = (notify, custom) if order == "getter_inside" else (custom,
                                                                       notify)
    with first, second:
      tf1.get_variable("v", [])
    self.assertEqual([x.name for x in seen], ["v:0", "v_extra:0"])

  @test_utils.in_all_modes
  def test_nothing_created(self):
    seen = []
    with util.notify_about_new_variables(seen.append):
      tf.ones([2])
    self.assertEqual(seen, [])


if __name__ == "__main__":
  test_utils.main()
