"""Tests for connected_property (sonnet/src/core/connected_property.py)."""

import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.core import connected_property as connected_property_lib
import tensorflow as tf


class Scale(snt.AbstractModule):

  size = connected_property_lib.connected_property("_size", "The input size.")

  def _build(self, inputs):
    self._size = inputs.shape[-1]
    return inputs


class ConnectedPropertyTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_raises_until_connected(self):
    scale = Scale(name="scale")
    with self.assertRaisesRegex(snt.NotConnectedError,
                                "Variables in scale not instantiated yet"):
      _ = scale.size
    scale(tf.ones([2, 3]))
    self.assertEqual(scale.size, 3)

  @test_utils.in_all_modes
  def test_read_only_with_its_docstring(self):
    self.assertEqual(Scale.size.__doc__, "The input size.")
    scale = Scale(name="scale")
    scale(tf.ones([2, 3]))
    with self.assertRaises(AttributeError):
      scale.size = 4


if __name__ == "__main__":
  test_utils.main()
