"""A failed first connection leaves nothing behind (failed_connection.py)."""

from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


class FailsAfterVariables(snt.AbstractModule):
  """Makes "w" and "b" (with an L2 regularizer), then fails if told to."""

  def __init__(self, name="fails"):
    super().__init__(name=name)

  def _build(self, inputs, fail=False):
    w = tf1.get_variable("w", [2], initializer=tf1.ones_initializer(),
                         regularizer=lambda v: tf.reduce_sum(v * v))
    b = tf1.get_variable("b", [2], initializer=tf1.zeros_initializer())
    tf1.add_to_collection(tf1.GraphKeys.UPDATE_OPS, tf.identity(w))
    if fail:
      raise RuntimeError("failed on purpose")
    return inputs * w + b


class Parent(snt.AbstractModule):
  """Connects a fresh child, then fails if told to."""

  def _build(self, inputs, fail=False):
    outputs = snt.Linear(2, name="child")(inputs)
    if fail:
      raise RuntimeError("failed on purpose")
    return outputs


def _names(variables):
  return sorted(v.name for v in variables)


class FailedConnectionTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_all_modes
  def test_retry_makes_the_names_a_fresh_module_makes(self):
    module = FailsAfterVariables()
    with self.assertRaisesRegex(RuntimeError, "failed on purpose"):
      module(tf.ones([2]), fail=True)
    self.assertFalse(module.is_connected)
    if not self.eager:
      self.assertEmpty(tf1.global_variables())
      self.assertEmpty(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS))
    self.assertEmpty(tf1.get_collection(tf1.GraphKeys.REGULARIZATION_LOSSES))
    outputs = module(tf.ones([2]))
    self.assertEqual(_names(module.variables), ["fails/b:0", "fails/w:0"])
    if not self.eager:
      self.assertEqual(_names(tf1.global_variables()),
                       ["fails/b:0", "fails/w:0"])
      self.assertLen(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS), 1)
    self.assertLen(module.get_regularization_losses(), 1)
    self.init()
    self.assertAllClose(self.evaluate(outputs), [1., 1.])
    self.assertAllClose(self.evaluate(module.get_regularization_losses()[0]),
                        2.)

  @test_utils.in_all_modes
  def test_wrong_dtype_leaves_no_name_taken(self):
    linear = snt.Linear(3)
    with self.assertRaises((TypeError, ValueError)):
      linear(tf.ones([2, 2], tf.int32))
    linear(tf.ones([2, 2]))
    self.assertEqual(_names(linear.variables), ["linear/b:0", "linear/w:0"])

  @test_utils.in_all_modes
  def test_failing_custom_getter(self):
    refusals = []

    def refuse_b_once(getter, name, *args, **kwargs):
      if name.endswith("/b") and not refusals:
        refusals.append(name)
        raise ValueError("no b")
      return getter(name, *args, **kwargs)

    with tf1.variable_scope("outer", custom_getter=refuse_b_once):
      linear = snt.Linear(3)
      with self.assertRaisesRegex(ValueError, "no b"):
        linear(tf.ones([2, 2]))
    if not self.eager:
      self.assertEmpty(tf1.global_variables())
    linear(tf.ones([2, 2]))
    self.assertEqual(_names(linear.variables),
                     ["outer/linear/b:0", "outer/linear/w:0"])

  @test_utils.in_all_modes
  def test_failing_parent_after_a_submodule_connected(self):
    parent = Parent()
    with self.assertRaisesRegex(RuntimeError, "failed on purpose"):
      parent(tf.ones([1, 3]), fail=True)
    if not self.eager:
      self.assertEmpty(tf1.global_variables())
    parent(tf.ones([1, 3]))
    self.assertEqual(_names(parent.variables),
                     ["parent/child/b:0", "parent/child/w:0"])

  @test_utils.in_graph_mode
  def test_graph_mode_reuses_the_same_variable_objects(self):
    module = FailsAfterVariables()
    with self.assertRaises(RuntimeError):
      module(tf.ones([2]), fail=True)
    names_before = set(
        op.name for op in tf1.get_default_graph().get_operations())
    self.assertIn("fails/w", names_before)
    module(tf.ones([2]))
    self.assertEqual(module.get_variables()[0].op.name, "fails/w")

  @test_utils.in_eager_mode
  def test_eager_checkpoint_has_only_the_retry(self):
    module = FailsAfterVariables()
    with self.assertRaises(RuntimeError):
      module(tf.ones([2]), fail=True)
    path = tf.train.Checkpoint(m=module).save(self.get_temp_dir() + "/ck")
    self.assertEqual(
        [n for n, _ in tf.train.list_variables(path) if n.startswith("m/")], [])
    module(tf.ones([2]))
    path = tf.train.Checkpoint(m=module).save(self.get_temp_dir() + "/ck2")
    saved = [n for n, _ in tf.train.list_variables(path) if n.startswith("m/")]
    self.assertLen(saved, 2)


if __name__ == "__main__":
  test_utils.main()
