r"""Writes Shakespeare from a SavedModel of rnn_shakespeare, without Sonnet.

    bazel run //examples:rnn_shakespeare -- --mode=eager \
        --export_dir=/tmp/shakespeare_model
    bazel run //examples:sample_shakespeare -- \
        --export_dir=/tmp/shakespeare_model --length=500

Only TensorFlow is needed: `--export_dir` saved the model's variables and
its `sample` signature (prime text, number of characters, temperature,
seed -> text), the vocabulary included. The same seed gives the same text;
temperature 0 picks the most likely character each time.
"""

import sys

if __name__ == "__main__":
  # Before TensorFlow is imported: hide its start-up lines (see console.py).
  from examples import console
  console.quiet_tensorflow(sys.argv)

# pylint: disable=wrong-import-position,ungrouped-imports
from absl import app
from absl import flags
import tensorflow as tf
# pylint: enable=wrong-import-position,ungrouped-imports

FLAGS = flags.FLAGS

flags.DEFINE_string("export_dir", "/tmp/shakespeare_model",
                    "The SavedModel rnn_shakespeare --export_dir wrote.")
flags.DEFINE_string("prime", "ROMEO:\n",
                    "Text the model reads first (characters it knows).")
flags.DEFINE_integer("length", 300, "Characters to write.")
flags.DEFINE_float("temperature", 0.5,
                   "Softmax temperature; 0 picks the most likely character.")
flags.DEFINE_integer("seed", 0, "Sampling seed: the same seed, the same text.")


def sample(export_dir, prime, length, temperature, seed):
  """Loads the SavedModel and returns `length` characters after `prime`.

  Args:
    export_dir: the SavedModel's folder.
    prime: the text to start from (non-empty).
    length: how many characters to write.
    temperature: the softmax temperature (0: greedy).
    seed: the sampling seed.

  Returns:
    The written text (without the prime).

  >>> sample("/tmp/shakespeare_model", "ROMEO:", 20, 0.5, 0)  # doctest: +SKIP
  ' what the heart to th'
  """
  loaded = tf.saved_model.load(export_dir)  # Keeps the variables alive.
  text = loaded.signatures["sample"](
      prime=tf.constant(prime), num_steps=tf.constant(length),
      temperature=tf.constant(temperature,
                              tf.float32), seed=tf.constant(seed, tf.int64))
  return next(iter(text.values())).numpy().decode()


def main(argv):
  del argv  # Unused.
  print(FLAGS.prime + sample(FLAGS.export_dir, FLAGS.prime, FLAGS.length,
                             FLAGS.temperature, FLAGS.seed))


if __name__ == "__main__":
  app.run(main)
