"""Records what Sonnet 1.36 made for each golden in `goldens.py`.

Run it against the ORIGINAL Sonnet 1.36 with the conformance kit, from the
project root (the kit at ../shared/conformance, the original prepared with
its `prepare_original.sh`):

  ORIGINAL_SONNET=/path/to/original ../shared/conformance/oracle.sh \
      sonnet/src/conformance/make_goldens.py \
      sonnet/src/conformance/testdata/goldens.json

It loads `goldens.py` by path (so `import sonnet` there is the original;
see `oracle_support.py` for the one TF 2.21 gap it fills), connects each
golden in TF1 graph mode with a batch of 2 and writes the module's variables
(name, shape, dtype, trainable), its own-scope variables, the graph's global
and local variables, the number of UPDATE_OPS and the outputs' structure,
shapes and dtypes; then connects it again with a batch of 3 and writes the
module's and the graph's variable names. A golden the original cannot build
is recorded with its error.
"""

import json
import sys

import oracle_support  # pylint: disable=import-error
import sonnet as snt
import tensorflow as tf


def _names(variables):
  return sorted(v.name.split(":")[0] for v in variables)


def _record(goldens, golden):
  """Connects one golden twice in a fresh graph and describes the result."""
  with tf.Graph().as_default() as graph:
    module = golden.make_module()
    outputs = goldens.connect(golden, module, 2)
    keys = tf.compat.v1.GraphKeys
    trainable = graph.get_collection(keys.TRAINABLE_VARIABLES)
    record = {
        "class": type(module).__name__,
        "variables": [[
            v.name.split(":")[0],
            v.shape.as_list(), v.dtype.base_dtype.name,
            any(v is t for t in trainable)] for v in module.variables],
        "own_variables": _names(module.get_variables(keys.GLOBAL_VARIABLES)),
        "graph_variables": _names(graph.get_collection(keys.GLOBAL_VARIABLES)),
        "local_variables": _names(graph.get_collection(keys.LOCAL_VARIABLES)),
        "update_ops": len(graph.get_collection(keys.UPDATE_OPS)),
        "outputs": {
            "structure": goldens.describe_structure(outputs),
            "leaves": goldens.describe_leaves(outputs)},}
    goldens.connect(golden, module, 3)
    record["second_connection"] = {
        "variables": _names(module.variables),
        "graph_variables": _names(graph.get_collection(keys.GLOBAL_VARIABLES)),}
    return record


def _dump(records):
  """JSON with one line per variable, output leaf or name list."""
  lines = [
      "{",
      ' "sonnet": "%s", "tensorflow": "%s",' %
      (snt.__version__, tf.__version__), ' "goldens": {']
  for i, (name, record) in enumerate(sorted(records.items())):
    fields = []
    for key, value in record.items():
      if key == "variables":
        rows = ",\n".join("    " + json.dumps(v) for v in value)
        fields.append('   "variables": [\n%s\n   ]' %
                      rows if rows else '   "variables": []')
      else:
        fields.append("   %s: %s" % (json.dumps(key), json.dumps(value)))
    comma = "," if i < len(records) - 1 else ""
    lines.append('  %s: {\n%s\n  }%s' %
                 (json.dumps(name), ",\n".join(fields), comma))
  lines += [" }", "}"]
  return "\n".join(lines) + "\n"


def main(argv):
  oracle_support.restore_initialized_value()
  goldens = oracle_support.load("goldens")
  records = {}
  for golden in goldens.GOLDENS:
    try:
      records[golden.name] = _record(goldens, golden)
    except Exception as e:  # pylint: disable=broad-except
      records[golden.name] = {"error": "%s: %s" % (type(e).__name__, e)}
    print(golden.name, records[golden.name].get("error", "ok"))
  with open(argv[1], "w", encoding="utf-8") as f:
    f.write(_dump(records))


if __name__ == "__main__":
  main(sys.argv)
