"""Writes Sonnet 1.36 checkpoints of the modules in `checkpoint_cases.py`.

Run it against the ORIGINAL Sonnet 1.36 with the conformance kit, from the
project root (the kit at ../shared/conformance, the original prepared with
its `prepare_original.sh`):

  ORIGINAL_SONNET=/path/to/original ../shared/conformance/oracle.sh \
      sonnet/src/conformance/make_checkpoints.py \
      sonnet/src/conformance/testdata/checkpoints

For each case it builds the module in TF1 graph mode, connects it to the
case's fixed NumPy inputs, gives every floating-point variable fixed values
(uniform, from a seeded NumPy generator; positive for variances and EMA
cluster sizes), runs it once, and writes into `<output dir>/<case>/`:
`model.index` and `model.data-00000-of-00001` (a `tf.compat.v1.train.Saver`
checkpoint, without meta graph or state file) and `data.npz` (the input
arrays `input_<i>` and the flattened outputs `output_<i>`).
"""

import os
import sys

import numpy as np
import oracle_support  # pylint: disable=import-error
import tensorflow as tf


def _values(variables):
  """Fixed values for the floating-point variables, by variable."""
  rng = np.random.RandomState(5678)
  values = {}
  for variable in sorted(variables, key=lambda v: v.name):
    dtype = variable.dtype.base_dtype
    if dtype.is_floating:
      positive = ("variance" in variable.name or
                  "cluster_size" in variable.name)
      low = 0.5 if positive else -0.5
      values[variable] = rng.uniform(low, low + 1,
                                     size=variable.shape.as_list()).astype(
                                         dtype.as_numpy_dtype)
  return values


def _write(cases, case, out_dir):
  """Builds, runs and saves one case."""
  with tf.Graph().as_default(), tf.compat.v1.Session() as session:
    module = case.make_module()
    inputs = cases.inputs(case, module)
    outputs = module(*cases.to_tensors(inputs), **(case.call_kwargs or {}))
    session.run([
        tf.compat.v1.global_variables_initializer(),
        tf.compat.v1.local_variables_initializer()])
    for variable, value in _values(module.variables).items():
      variable.load(value, session)
    results = session.run(tf.nest.flatten(outputs))
    case_dir = os.path.join(out_dir, case.name)
    if not os.path.isdir(case_dir):
      os.makedirs(case_dir)
    saver = tf.compat.v1.train.Saver(module.variables)
    saver.save(session, os.path.join(case_dir, "model"), write_meta_graph=False,
               write_state=False)
    arrays = {"input_%d" % i: x for i, x in enumerate(cases.arrays(inputs))}
    arrays.update({"output_%d" % i: x for i, x in enumerate(results)})
    np.savez(os.path.join(case_dir, "data.npz"), **arrays)
    print(case.name, sorted(v.name for v in module.variables))


def main(argv):
  oracle_support.restore_initialized_value()
  cases = oracle_support.load("checkpoint_cases")
  for case in cases.CASES:
    _write(cases, case, argv[1])


if __name__ == "__main__":
  main(sys.argv)
