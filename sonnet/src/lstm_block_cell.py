"""`LSTMBlockCell`: an LSTM step on TensorFlow's fused LSTMBlockCell kernel."""

import collections
from typing import Optional

import tensorflow as tf

from sonnet.src import fused_lstm
from sonnet.src import reflection
from sonnet.src import rnn_cell_wrapper
from sonnet.src import rnn_core

tf1 = tf.compat.v1

# The state layout of TensorFlow 1's LSTM cells: cell first, then hidden.
LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ["c", "h"])


def _lstm_block_cell_grad(op, *grads):
  """Gradient of the fused `LSTMBlockCell` op from `LSTMBlockCellGrad`."""
  x, cs_prev, h_prev, w, wci, wcf, wco, b = op.inputs
  i, cs, f, o, ci, co, _ = op.outputs
  d_cs, d_h = grads[1], grads[6]
  if d_cs is None:
    d_cs = tf.zeros_like(cs)
  if d_h is None:
    d_h = tf.zeros_like(h_prev)
  d_cs_prev, dicfo, d_wci, d_wcf, d_wco = tf.raw_ops.LSTMBlockCellGrad(
      x=x, cs_prev=cs_prev, h_prev=h_prev, w=w, wci=wci, wcf=wcf, wco=wco, b=b,
      i=i, cs=cs, f=f, o=o, ci=ci, co=co, cs_grad=d_cs, h_grad=d_h,
      use_peephole=op.get_attr("use_peephole"))
  d_xh = tf.matmul(dicfo, w, transpose_b=True)
  input_size = tf.shape(x)[1]
  d_x = d_xh[:, :input_size]
  d_h_prev = d_xh[:, input_size:]
  d_w = tf.matmul(tf.concat([x, h_prev], axis=1), dicfo, transpose_a=True)
  d_b = tf.reduce_sum(dicfo, axis=0)
  return d_x, d_cs_prev, d_h_prev, d_w, d_wci, d_wcf, d_wco, d_b


# TensorFlow defines this op's gradient in a module it does not import by
# default; register ours unless a gradient is already there.
try:
  tf.RegisterGradient("LSTMBlockCell")(_lstm_block_cell_grad)
except KeyError:
  pass


class _LSTMBlockCellImpl:
  """A duck-typed RNN cell calling the fused kernel; get_variable variables."""

  def __init__(self, num_units: int, forget_bias: float = 1.0,
               cell_clip: Optional[float] = None, use_peephole: bool = False,
               dtype: Optional[tf.DType] = None, reuse: Optional[bool] = None,
               name: str = "lstm_cell"):
    """Configures the cell.

    Args:
      num_units: the cell size.
      forget_bias: added to the forget gate's pre-activation.
      cell_clip: if set, the cell state is clipped to [-value, value].
      use_peephole: whether the gates see the cell state.
      dtype: the variables' dtype; by default the inputs'.
      reuse: ignored (variables are shared through the wrapping module).
      name: the cell's variable scope inside the module ("lstm_cell"); a
        name given to `snt.LSTMBlockCell` also names the module.
    """
    del reuse  # Sharing comes from the wrapping module's scope.
    self._scope_name = name
    self._num_units = num_units
    self._forget_bias = forget_bias
    self._cell_clip = cell_clip
    self._use_peephole = use_peephole
    self._dtype = dtype

  @property
  def cell_clip(self):
    return self._cell_clip

  @property
  def state_size(self):
    return LSTMStateTuple(c=self._num_units, h=self._num_units)

  @property
  def output_size(self):
    return self._num_units

  def __call__(self, inputs, state, project_inputs=None):
    with tf1.variable_scope(self._scope_name):
      return self._step(inputs, state, project_inputs)

  def _step(self, inputs, state, project_inputs):
    c, h = state
    input_size = inputs.shape[-1]
    dtype = self._dtype or inputs.dtype
    units = self._num_units
    w = tf1.get_variable("kernel", [input_size + units, 4 * units], dtype=dtype)
    b = self._bias = tf1.get_variable("bias", [4 * units], dtype=dtype,
                                      initializer=tf1.zeros_initializer())
    if self._use_peephole:
      wci, wcf, wco = (tf1.get_variable(n, [units], dtype=dtype)
                       for n in ("w_i_diag", "w_f_diag", "w_o_diag"))
    else:
      wci = wcf = wco = tf.zeros([units], dtype=dtype)
    if project_inputs is not None:
      return self._unfused_step(inputs, state, w, b, (wci, wcf, wco),
                                project_inputs)
    _, new_c, _, _, _, _, new_h = tf.raw_ops.LSTMBlockCell(
        x=inputs, cs_prev=c, h_prev=h, w=w, wci=wci, wcf=wcf, wco=wco, b=b,
        forget_bias=self._forget_bias,
        cell_clip=-1. if self._cell_clip is None else self._cell_clip,
        use_peephole=self._use_peephole)
    return new_h, LSTMStateTuple(c=new_c, h=new_h)

  def fused_layer(self, kept):
    """A `fused_lstm.Layer` from an unroll's kept weights, or None.

    None with peepholes or a cell clip.
    """
    if self._use_peephole or self._cell_clip is not None or kept is None:
      return None
    w_x, w_h = kept
    return fused_lstm.Layer(w_x, tf.convert_to_tensor(self._bias), w_h,
                            self._forget_bias)

  def _unfused_step(self, inputs, state, w, b, peepholes, project_inputs):
    """The kernel's maths in separate ops, the inputs through an unroll.

    `project_inputs` is the core's `_project_inputs`: the input rows of
    `kernel` multiply all time steps at once (see `snt.RNNCore`).
    """
    c, h = state
    input_size = tf.compat.dimension_value(inputs.shape[-1])

    def weights():
      return tf.split(tf.convert_to_tensor(w), [input_size, self._num_units])

    projected, (_, w_h) = project_inputs(
        inputs, weights, lambda x, ws: tf.nn.bias_add(tf.matmul(x, ws[0]), b))
    i, ci, f, o = tf.split(projected + tf.matmul(h, w_h), 4, axis=1)
    wci, wcf, wco = peepholes
    if self._use_peephole:
      i += wci * c
      f += wcf * c
    new_c = tf.sigmoid(f + self._forget_bias) * c + tf.sigmoid(i) * tf.tanh(ci)
    if self._use_peephole:
      o += wco * new_c
    new_h = tf.sigmoid(o) * tf.tanh(new_c)
    return new_h, LSTMStateTuple(c=new_c, h=new_h)


class LSTMBlockCell(rnn_cell_wrapper.RNNCellWrapper):
  """An LSTM core computed by TensorFlow's fused `LSTMBlockCell` op.

  Same maths as `snt.LSTM` (gate order i, j, f, o; optional peepholes and
  cell clipping), one kernel per step. As in Sonnet 1 (a TensorFlow cell in
  the module's scope), the variables are `lstm_block_cell/lstm_cell/kernel`
  (`[input_size + num_units, 4 * num_units]`, default glorot uniform),
  `.../bias` and, with peepholes, `w_i_diag` / `w_f_diag` / `w_o_diag`; a
  `name` names both levels (`foo/foo/kernel`).
  The state is `LSTMStateTuple(c, h)` (cell first, as in TensorFlow 1).
  In `snt.dynamic_unroll` / `snt.static_unroll` (without `cell_clip`) the
  same maths runs as separate ops, so that the input rows of `kernel`
  multiply all time steps in one matmul before the loop (as for
  `snt.LSTM`).

  >>> cell = snt.LSTMBlockCell(4)
  >>> out, state = cell(tf.ones([2, 3]), cell.initial_state(2))
  >>> out.shape.as_list()
  [2, 4]
  """

  @reflection.with_doc(_LSTMBlockCellImpl.__init__)
  def __init__(self, *args, **kwargs):
    # As in Sonnet 1.36, the signature shown is the cell's; a `name` names
    # the module and the cell, and without one they are "lstm_block_cell"
    # (the class's) and "lstm_cell".
    super().__init__(_LSTMBlockCellImpl, *args, **kwargs)

  def _build(self, inputs, prev_state):
    """Runs one step of the cell.

    Args:
      inputs: the step's inputs `[batch_size, input_size]`.
      prev_state: an `LSTMStateTuple(c, h)`.

    Returns:
      `(outputs, next_state)` from the cell.
    """
    # With a cell clip, the kernel's gradient (which TensorFlow computes as
    # if there were none) stays the fused op's.
    if (rnn_core.InputProjection.current(self) is None or
        self._cell.cell_clip is not None):
      return self._cell(inputs, prev_state)
    return self._cell(inputs, prev_state, project_inputs=self._project_inputs)

  def _fused_lstm_layers(self, offer):
    """The cell without peepholes or cell clip, as one layer."""
    if fused_lstm.overrides(self, LSTMBlockCell, "_build"):
      return None
    layer = self._cell.fused_layer(offer.kept)
    if layer is None:
      return None
    return fused_lstm.Stack.of_layer(
        layer, lambda state: (state[1], state[0]),
        lambda pair: LSTMStateTuple(c=pair[1], h=pair[0]))
