"""NumPy references of Sonnet 1.36's transformer equations (test-only).

Parameters are dicts from variable names (relative to a module's scope,
without ":0") to arrays; see `randomize`.
"""

import zlib

import numpy as np
from sonnet.src import numpy_reference as refs
from sonnet.src import test_utils
import tensorflow as tf


def randomize(test_case, module, scale=0.5, scope=None):
  """Gives every variable of a connected module seeded uniform values.

  Args:
    test_case: the running `test_utils.TestCase` (graph mode: after
      `init()`).
    module: the module.
    scale: the values are uniform in `[-scale, scale]`.
    scope: the scope the names are relative to (default: the module's).

  Returns:
    A dict from the variables' names relative to `scope` to the new values.
  """
  scope = module.scope_name if scope is None else scope
  params = {}
  for variable in module.get_all_variables(
      tf.compat.v1.GraphKeys.GLOBAL_VARIABLES):
    name = test_utils.variable_name(variable, scope)
    rng = np.random.RandomState(zlib.crc32(name.encode()))
    value = rng.uniform(-scale, scale, variable.shape.as_list())
    test_case.evaluate(variable.assign(value.astype(np.float32)))
    params[name] = value
  return params


def randomized_run(test_case, core, inputs, is_training=False):
  """Runs a memory core over a sequence with seeded variable values.

  The core is connected once to make its variables, which `randomize` then
  sets (emptying the "auxiliary_losses" collection of what that connection
  added), and then to each input in turn, from its initial state.

  Args:
    test_case: the running `test_utils.TestCase`.
    core: the core (TransformerXL or CompressiveTransformer).
    inputs: NumPy inputs, one `[B, ...]` entry per connection.
    is_training: passed to each connection.

  Returns:
    `(parameters, outputs, states)`: the parameters by name (see
    `randomize`), and the list of outputs and of states (tensors).
  """
  batch_size = inputs[0].shape[0]
  core(tf.constant(inputs[0]), core.initial_state(batch_size),
       is_training=False)
  test_case.init()
  params = randomize(test_case, core)
  tf.compat.v1.get_default_graph().clear_collection("auxiliary_losses")
  state = core.initial_state(batch_size)
  outputs, states = [], []
  for x in inputs:
    output, state = core(tf.constant(x), state, is_training=is_training)
    outputs.append(output)
    states.append(state)
  return params, outputs, states


def sub_params(params, prefix):
  """The entries under `prefix/`, with the prefix removed."""
  prefix += "/"
  return {k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)}


def mlp(x, params, num_layers, activate_final=False):
  for i in range(num_layers):
    x = x @ params["linear_%d/w" % i] + params["linear_%d/b" % i]
    if i < num_layers - 1 or activate_final:
      x = np.maximum(x, 0.)
  return x


def position_encodings(length, width, clamp=0):
  """Sines then cosines of the positions length - 1, ..., 0: [1, T, D]."""
  positions = np.arange(length - 1, -1, -1.)
  if clamp > 0:
    positions = np.minimum(positions, clamp)
  angles = positions[:, None] / 10000.**(np.arange(0, width, 2.) / width)
  return np.concatenate([np.sin(angles), np.cos(angles)], -1)[None]


def rel_shift(x):
  """Transformer-XL's shift: prepend a zero column, re-read the rows."""
  b, h, n, t = x.shape
  padded = np.concatenate([np.zeros([b, h, n, 1]), x], -1)
  return padded.reshape([b, h, t + 1, n])[:, :, 1:].reshape([b, h, n, t])


def future_mask(n):
  return np.triu(np.full([n, n], -1e6), 1)[None, None]


def causal_mask(chunk, memory, equal_window=False):
  """The mask of `create_mask` for one memory of `memory` slots."""
  mask = np.concatenate([np.zeros([1, 1, chunk, memory]),
                         future_mask(chunk)], 3)
  if equal_window:
    start = np.tril(np.full([chunk, chunk], -1e6), -1)
    mask[0, 0, :, :chunk] += start
  return mask


def heads(x, w, num_heads):
  """`x [B, T, D] @ w [D, H * S]` as `[B, H, T, S]`."""
  y = x @ w
  return y.reshape(x.shape[:2] + (num_heads, -1)).transpose([0, 2, 1, 3])


def attention(x, memories, p, num_heads, key_size, mask=None, encodings=None,
              relative=True):
  """Sonnet 1.36's multi-head attention.

  Args:
    x: inputs `[B, N, D]`.
    memories: list of memories `[B, M_i, D]` put before `x`.
    p: the attention module's parameters.
    num_heads: H.
    key_size: K.
    mask: None or `[1, 1, N, >= M + N]`.
    encodings: list of key position encodings `[1, T_i, D]`.
    relative: whether the encodings are relative (else added to the inputs).

  Returns:
    `(output [B, N, H*V], weights [B, H, N, M + N])`.
  """
  kv = np.concatenate(memories + [x], 1)
  n, total = x.shape[1], kv.shape[1]
  q_in, k_in = x, kv
  if encodings and not relative:
    k_in = kv + encodings[0]
    q_in = x + encodings[0][:, -n:]
  q = heads(q_in, p["query/linear/w"], num_heads) / np.sqrt(key_size)
  k = heads(k_in, p["key/linear/w"], num_heads)
  v = heads(kv, p["value/linear/w"], num_heads)
  logits = (q + p.get("r_w_bias", 0.)) @ k.transpose([0, 1, 3, 2])
  if relative:
    parts = []
    for i, keys in enumerate(encodings):
      suffix = "" if i == len(encodings) - 1 else "_%d" % i
      keys = keys[:, -total:]
      r = heads(keys, p["relative_keys%s/linear/w" % suffix], num_heads)
      part = rel_shift((q + p["r_r_bias" + suffix]) @ r.transpose([0, 1, 3, 2]))
      parts.append(part if suffix == "" else part[..., :-n])
    logits = logits + np.concatenate(parts, 3)
  if mask is not None:
    logits = logits + mask[..., -total:]
  weights = refs.softmax(logits)
  read = (weights @ v).transpose([0, 2, 1, 3]).reshape(x.shape[:2] + (-1,))
  return read @ p["linear/w"] + p["linear/b"], weights


def tower(x, p, config, memories=None, compressed=None):
  """Sonnet 1.36's `TransformerTower` with `is_training=False`.

  Args:
    x: inputs `[B, N, D]`.
    p: the tower's parameters.
    config: its constructor arguments (a dict).
    memories: None or a list of per-layer memories `[B, M, D]` (episodic,
      with `compressed`).
    compressed: None or a list of per-layer compressed memories.

  Returns:
    `(output, list of per-layer attention inputs)`.
  """
  num_layers = config["num_layers"]
  num_heads = config["num_heads"]
  key_size = config.get("key_size") or config["value_size"]
  layer_norm_mode = config.get("layer_norm", "input")
  chunk, width = x.shape[1:]
  sizes = [0]
  if memories is not None:
    sizes = [max(m.shape[1] for m in memories)]
    if compressed is not None:
      sizes = [max(m.shape[1] for m in compressed)] + sizes
  encodings = [
      position_encodings(chunk + s, width, config.get("clamp_time_range", 0))
      for s in sizes]
  mask = None
  if config.get("causal", True):
    mask = causal_mask(chunk,
                       sum(sizes) if memories is not None else 0,
                       config.get("same_attention_length", False))

  def block(inputs, scope, fn):
    normed = inputs
    names = iter(["layer_norm", "layer_norm_1"])
    if layer_norm_mode in ("input", "both"):
      name = next(names)
      normed = refs.layer_norm(inputs, p[scope + "/%s/gamma" % name],
                               p[scope + "/%s/beta" % name])
    out, extra = fn(normed)
    out = inputs + out
    if layer_norm_mode in ("output", "both"):
      name = next(names)
      out = refs.layer_norm(out, p[scope + "/%s/gamma" % name],
                            p[scope + "/%s/beta" % name])
    return out, extra

  hidden = x
  attended = []
  for i in range(num_layers):
    layer = "layer_%d" % (0 if config.get("shared_attention") else i)
    layer_memories = []
    if compressed is not None:
      layer_memories.append(compressed[i])
    if memories is not None:
      layer_memories.append(memories[i])
    att_p = sub_params(p, layer + "/multihead_attention")
    hidden, normed = block(
        hidden, layer + "/residual_dropout_wrapper",
        lambda normed, att_p=att_p, mems=layer_memories:
        (attention(normed, mems, att_p, num_heads, key_size, mask, encodings,
                   config.get("use_relative_positions", True))[0], normed))
    attended.append(normed)
    mlp_p = sub_params(p, "layer_%d/mlp" % i)
    wrapper = ("layer_%d/residual_dropout_wrapper" % i if layer != "layer_%d" %
               i else "layer_%d/residual_dropout_wrapper_1" % i)
    hidden, _ = block(
        hidden, wrapper, lambda normed, mlp_p=mlp_p:
        (mlp(normed, mlp_p,
             len(config["mlp_hidden_sizes"]) + 1), None))
  if config.get("output_size") is not None:
    hidden = hidden @ p["linear/w"]
  return hidden, attended
