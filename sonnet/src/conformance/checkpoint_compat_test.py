"""Checkpoints written by Sonnet 1.36 restore into our modules.

`testdata/checkpoints/<case>/` holds a `Saver` checkpoint that the original
Sonnet 1.36 wrote for each module of `checkpoint_cases.CASES`, with the
inputs it was run on and its outputs (see `make_checkpoints.py`). Each test
builds our module the same way, restores the checkpoint by variable name and
must give the recorded outputs.
"""

from absl.testing import parameterized
import numpy as np
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.conformance import checkpoint_cases
import tensorflow as tf

CASES = tuple((c.name, c) for c in checkpoint_cases.CASES)
_BY_NAME = dict(CASES)


def _recorded(case):
  """Sonnet 1.36's (inputs, outputs) of a case, as lists of arrays."""
  with np.load(checkpoint_cases.data_path(case)) as data:

    def read(kind):
      count = len([k for k in data.files if k.startswith(kind + "_")])
      return [data["%s_%d" % (kind, i)] for i in range(count)]

    return read("input"), read("output")


class CheckpointCompatTest(test_utils.TestCase, parameterized.TestCase):

  def connect(self, case, module):
    """Connects the module to the case's inputs (checked against 1.36's)."""
    inputs = checkpoint_cases.inputs(case, module)
    recorded_inputs, _ = _recorded(case)
    self.assertLen(checkpoint_cases.arrays(inputs), len(recorded_inputs))
    for array, recorded in zip(checkpoint_cases.arrays(inputs),
                               recorded_inputs):
      self.assertAllEqual(array, recorded)
    return module(*checkpoint_cases.to_tensors(inputs),
                  **(case.call_kwargs or {}))

  def assertRecordedOutputs(self, case, outputs):
    _, recorded = _recorded(case)
    flat = self.evaluate(tf.nest.flatten(outputs))
    self.assertLen(flat, len(recorded))
    for ours, theirs in zip(flat, recorded):
      self.assertEqual(ours.dtype, theirs.dtype)
      self.assertAllClose(ours, theirs, rtol=1e-5, atol=1e-5)

  @parameterized.named_parameters(*CASES)
  @test_utils.in_all_modes
  def test_variables_match_the_checkpoint(self, case):
    module = case.make_module()
    self.connect(case, module)
    variables = module.variables
    ours = {test_utils.variable_name(v): v.shape.as_list() for v in variables}
    theirs = dict(tf.train.list_variables(checkpoint_cases.prefix(case)))
    self.assertEqual(ours, theirs)

  @parameterized.named_parameters(*CASES)
  @test_utils.in_graph_mode
  def test_saver_restores_sonnet_1_36_checkpoint(self, case):
    module = case.make_module()
    outputs = self.connect(case, module)
    self.init()
    saver = tf.compat.v1.train.Saver(module.variables)
    saver.restore(tf.compat.v1.get_default_session(),
                  checkpoint_cases.prefix(case))
    self.assertRecordedOutputs(case, outputs)

  @parameterized.named_parameters(*CASES)
  @test_utils.in_all_modes
  def test_assign_from_checkpoint_reader(self, case):
    module = case.make_module()
    outputs = self.connect(case, module)
    self.init()
    reader = tf.train.load_checkpoint(checkpoint_cases.prefix(case))
    self.evaluate([
        tf.compat.v1.assign(v, reader.get_tensor(test_utils.variable_name(v)))
        for v in module.variables])
    if self.eager:
      outputs = self.connect(case, module)
    self.assertRecordedOutputs(case, outputs)

  @parameterized.parameters("linear", "conv_2d", "gru")
  @test_utils.in_all_modes
  def test_restore_initializer(self, name):
    case = _BY_NAME[name]
    with tf.Graph().as_default():  # Leaves this test's names alone.
      module_class = type(case.make_module())
    prefix = checkpoint_cases.prefix(case)
    module = case.make_module(
        initializers={
            key: snt.restore_initializer(prefix, key)
            for key in module_class.get_possible_initializer_keys()})
    outputs = self.connect(case, module)
    self.init()
    self.assertRecordedOutputs(case, outputs)


if __name__ == "__main__":
  test_utils.main()
