"""Tests for snt.check_initializers, check_partitioners, check_regularizers."""

from absl.testing import parameterized
import sonnet as snt
from sonnet.src import test_utils
import tensorflow as tf

_CHECKS = (("initializers", snt.check_initializers, "Initializer"),
           ("partitioners", snt.check_partitioners, "Partitioner"),
           ("regularizers", snt.check_regularizers, "Regularizer"))


class ArgChecksTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.named_parameters(*_CHECKS)
  def test_none_gives_empty_dict(self, check, unused_kind):
    self.assertEqual(check(None, {"w"}), {})

  @parameterized.named_parameters(*_CHECKS)
  def test_valid_dict_is_copied(self, check, unused_kind):
    given = {"w": tf.ones, "b": tf.zeros}
    checked = check(given, {"w", "b"})
    self.assertEqual(checked, given)
    self.assertIsNot(checked, given)

  @parameterized.named_parameters(*_CHECKS)
  def test_unknown_key_names_valid_keys(self, check, kind):
    with self.assertRaisesRegex(
        KeyError,
        r"Invalid %s keys 'x', %ss can only be provided for 'b', 'w'" %
        (kind.lower(), kind.lower())):
      check({"w": tf.ones, "x": tf.ones}, {"w", "b"})

  @parameterized.named_parameters(*_CHECKS)
  def test_not_callable(self, check, kind):
    with self.assertRaisesRegex(
        TypeError,
        "%s for 'w' is not a callable function or dictionary" % kind):
      check({"w": 0.5}, {"w"})

  @parameterized.named_parameters(*_CHECKS)
  def test_not_a_dict(self, check, unused_kind):
    with self.assertRaisesRegex(
        TypeError, "Expected a dict-like object with possible keys"):
      check(tf.ones, {"w"})

  def test_nested_dicts_for_submodules(self):
    checked = snt.check_initializers({"lstm": {"w_gates": tf.ones}}, {"lstm"})
    self.assertEqual(list(checked), ["lstm"])
    with self.assertRaisesRegex(TypeError,
                                "'w_gates' is not a callable function"):
      snt.check_initializers({"lstm": {"w_gates": 1}}, {"lstm"})


if __name__ == "__main__":
  test_utils.main()
