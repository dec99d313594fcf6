"""Tests for the connection record and the branches of a connection."""

import functools

from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.core import connection_record
import tensorflow as tf

tf1 = tf.compat.v1


class MakesAVariableEachCall(snt.AbstractModule):
  """Makes a `tf.Variable` directly, on every connection: not allowed."""

  def _build(self, inputs):
    return inputs * tf.Variable(2., name="direct")


def _keeping_extra_kwargs(build):

  @functools.wraps(build)
  def wrapped(self, inputs, **unused_extras):
    return build(self, inputs)

  return wrapped


class TakesExtras(snt.AbstractModule):
  """A `_build` whose wrapper takes more than its signature says."""

  @_keeping_extra_kwargs
  def _build(self, inputs):
    return inputs + 1.


class ConnectionRecordTest(test_utils.TestCase, parameterized.TestCase):

  @test_utils.in_eager_mode
  def test_replay_refuses_a_new_variable(self):
    module = MakesAVariableEachCall(name="grows")
    module(tf.ones([]))
    self.assertIsNotNone(module._record.replay_scope)  # pylint: disable=protected-access
    with self.assertRaisesRegex(
        ValueError, r"Module 'grows' created variable 'direct' in connection "
        r"2, but its first connection did not create it"):
      module(tf.ones([]))

  @test_utils.in_graph_mode
  def test_inputs_that_do_not_bind_are_kept_as_given(self):
    module = TakesExtras(name="extras")
    x = tf.ones([2])
    module(x, flag=True)
    subgraph = module.last_connected_subgraph
    self.assertEqual(list(subgraph.inputs), ["args", "flag"])
    self.assertIs(subgraph.inputs["args"][0], x)
    self.assertIs(subgraph.inputs["flag"], True)

  @test_utils.in_all_modes
  def test_callers_learn_variables_made_in_constructors(self):

    class Holder(snt.AbstractModule):

      def __init__(self):
        super().__init__(name="holder")
        with self._enter_variable_scope():
          self.v = tf1.get_variable("v", [], initializer=tf.ones)

      def _build(self, inputs):
        return inputs * self.v

    holder = Holder()
    outer = snt.Sequential([holder], name="outer")
    outer(tf.ones([]))
    self.assertEqual([v.name for v in outer.get_all_variables()],
                     ["holder/v:0"])

  def test_record_starts_unfixed_and_unconnected(self):
    record = connection_record.ConnectionRecord(None, True)
    self.assertIs(record.graph, connection_record.NOT_FIXED)
    self.assertFalse(record.is_connected)
    self.assertFalse(record.in_graph)
    record.method_connected = True
    self.assertTrue(record.is_connected)

  def test_later_fetch_of_an_unknown_name(self):
    record = connection_record.ConnectionRecord(None, True)
    record.first_names.add("m/w")
    record.count = 1
    record.check_later_fetch("m/w", "m")
    with self.assertRaisesRegex(
        ValueError, r"Module 'm' asked for variable 'm/b' in connection 2"):
      record.check_later_fetch("m/b", "m")


if __name__ == "__main__":
  test_utils.main()
