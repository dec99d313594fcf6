"""Sonnet modules exported as SavedModels and run where sonnet is not.

A fresh Python process that imports TensorFlow only loads each export and
runs it; its outputs must equal those of the exporting process.
"""

import os

import numpy as np
import sonnet as snt
from sonnet.src import test_utils
from sonnet.src.scaling import scaling_test_utils as scaling
import tensorflow as tf

_BATCH, _TIME, _INPUT = 3, 4, 5

# Runs in the fresh process: argv is (kind, export dir, inputs, outputs).
_LOAD_AND_RUN = """
import sys
import numpy as np
import tensorflow as tf
kind, export_dir, inputs_path, outputs_path = sys.argv[1:]
inputs = np.load(inputs_path)
if kind == "tf2":
  loaded = tf.saved_model.load(export_dir)
  outputs = loaded.signatures["serving_default"](x=tf.constant(inputs))
  outputs = {k: v.numpy() for k, v in outputs.items()}
  again = loaded(tf.constant(inputs))
  assert all(np.array_equal(again[k].numpy(), outputs[k]) for k in outputs)
else:
  with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
    meta = tf.compat.v1.saved_model.loader.load(sess, ["serve"], export_dir)
    signature = meta.signature_def["serving_default"]
    names = sorted(signature.outputs)
    values = sess.run([signature.outputs[k].name for k in names],
                      {signature.inputs["x"].name: inputs})
    outputs = dict(zip(names, values))
assert "sonnet" not in sys.modules, "sonnet was imported"
np.savez(outputs_path, **outputs)
print("loaded without sonnet")
"""


class _Model:
  """An MLP and an LSTM unrolled over the inputs' time axis."""

  def __init__(self):
    self.mlp = snt.nets.MLP([6, 2])
    self.lstm = snt.LSTM(3)

  def __call__(self, x):
    """`x` is `[batch, time, input]`; returns a dict of two outputs."""
    batch_size = tf.shape(x)[0]
    sequence, _ = snt.dynamic_unroll(self.lstm, tf.transpose(x, [1, 0, 2]),
                                     self.lstm.initial_state(batch_size))
    return {"mlp": self.mlp(x[:, 0]), "lstm": tf.transpose(sequence, [1, 0, 2])}


class _Exported(tf.Module):
  """What `tf.saved_model.save` writes: the model behind a signature."""

  def __init__(self, model):
    super().__init__()
    self.mlp = model.mlp
    self.lstm = model.lstm
    self._model = model

  @tf.function(input_signature=[
      tf.TensorSpec([None, _TIME, _INPUT], tf.float32, name="x")])
  def __call__(self, x):
    return self._model(x)


class SavedModelTest(test_utils.TestCase):

  def setUp(self):
    super().setUp()
    self.inputs = np.random.RandomState(0).normal(
        size=[_BATCH, _TIME, _INPUT]).astype(np.float32)

  def load_elsewhere(self, kind, export_dir):
    """Runs the export in a fresh process; returns its outputs."""
    directory = self.get_temp_dir()
    inputs_path = os.path.join(directory, kind + "_inputs.npy")
    outputs_path = os.path.join(directory, kind + "_outputs.npz")
    np.save(inputs_path, self.inputs)
    returncode, output = scaling.finish(
        scaling.run_python(_LOAD_AND_RUN,
                           args=(kind, export_dir, inputs_path, outputs_path)))
    self.assertEqual(returncode, 0, output)
    self.assertIn("loaded without sonnet", output)
    with np.load(outputs_path) as outputs:
      return dict(outputs)

  @test_utils.in_eager_mode
  def test_tf2_saved_model_of_a_signature(self):
    model = _Model()
    exported = _Exported(model)
    expected = {
        k: v.numpy() for k, v in exported(tf.constant(self.inputs)).items()}
    export_dir = os.path.join(self.get_temp_dir(), "tf2")
    tf.saved_model.save(exported, export_dir,
                        signatures=exported.__call__.get_concrete_function())
    saved = tf.train.list_variables(
        os.path.join(export_dir, "variables", "variables"))
    self.assertCountEqual(
        [shape for _, shape in saved if shape],
        [v.shape.as_list() for v in model.mlp.variables + model.lstm.variables])
    outputs = self.load_elsewhere("tf2", export_dir)
    self.assertEqual(sorted(outputs), ["lstm", "mlp"])
    for key, value in expected.items():
      self.assertAllEqual(outputs[key], value)

  @test_utils.in_graph_mode
  def test_tf1_simple_save_from_a_session(self):
    model = _Model()
    x = tf.compat.v1.placeholder(tf.float32, [None, _TIME, _INPUT])
    outputs = model(x)
    self.init()
    sess = tf.compat.v1.get_default_session()
    expected = sess.run(outputs, {x: self.inputs})
    export_dir = os.path.join(self.get_temp_dir(), "tf1")
    tf.compat.v1.saved_model.simple_save(sess, export_dir, inputs={"x": x},
                                         outputs=outputs)
    got = self.load_elsewhere("tf1", export_dir)
    self.assertEqual(sorted(got), ["lstm", "mlp"])
    for key, value in expected.items():
      self.assertAllEqual(got[key], value)


if __name__ == "__main__":
  test_utils.main()
