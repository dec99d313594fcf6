"""Runs the `>>>` examples in the DNC example's docstrings."""

import doctest

import sonnet as snt
import tensorflow as tf

from examples.dnc import cosine_weights
from examples.dnc import dnc
from examples.dnc import freeness
from examples.dnc import memory_access
from examples.dnc import repeat_copy
from examples.dnc import temporal_linkage
from sonnet.src import test_utils

MODULES = (cosine_weights, dnc, freeness, memory_access, repeat_copy,
           temporal_linkage)


class DoctestTest(test_utils.TestCase):

  @test_utils.in_eager_mode
  def test_docstring_examples(self):
    for module in MODULES:
      with self.subTest(module=module.__name__):
        globs = dict(vars(module), tf=tf, snt=snt)
        result = doctest.testmod(module, extraglobs=globs)
        self.assertGreater(result.attempted, 0)
        self.assertEqual(result.failed, 0)


if __name__ == "__main__":
  test_utils.main()
