"""`DeepRNN`: a stack of cores (and plain ops) run as one core."""

import tensorflow as tf

from sonnet.src import errors
from sonnet.src import rnn_core


def _last_dim_sum(sizes):
  return sum(tf.TensorShape(s).as_list()[-1] for s in tf.nest.flatten(sizes))


def _concat(nests):
  """Concatenates the leaves of several nests along the last axis."""
  flat = [leaf for nest in nests for leaf in tf.nest.flatten(nest)]
  return flat[0] if len(flat) == 1 else tf.concat(flat, axis=-1)


class DeepRNN(rnn_core.RNNCore):
  """Runs several cores one after another within each time step.

  `cores` may mix `snt.RNNCore`s with plain callables (e.g. `tf.nn.relu` or
  an `snt.Linear`), which are applied to the previous output and hold no
  state. The state is a tuple with one entry per `RNNCore`.

  With `skip_connections`, every core after the first sees the step's input
  concatenated with the previous core's output, and the output is the
  concatenation of all cores' outputs (`concat_final_output_if_skip`) or
  the last core's output.

  >>> deep = snt.DeepRNN([snt.LSTM(4), snt.LSTM(5)])
  >>> out, state = deep(tf.ones([2, 3]), deep.initial_state(2))
  >>> out.shape.as_list()
  [2, 9]
  """

  def __init__(self, cores, skip_connections=True,
               concat_final_output_if_skip=True, name="deep_rnn"):
    """Configures the stack.

    Args:
      cores: a non-empty list of `snt.RNNCore`s and callables.
      skip_connections: whether to feed the input to every core and
        concatenate their outputs; only for stacks of `RNNCore`s.
      concat_final_output_if_skip: with skip connections, whether the output
        concatenates all cores' outputs (True) or is the last one's.
      name: the module's name.

    Raises:
      ValueError: if `cores` is empty, or `skip_connections` is used with a
        core that is not an `RNNCore`.
      TypeError: if a core is not callable.
    """
    super().__init__(name=name)
    cores = list(cores)
    if not cores:
      raise ValueError("DeepRNN needs at least one core.")
    for core in cores:
      if not callable(core):
        raise TypeError("DeepRNN's cores must be RNNCores or callables, got "
                        "%r." % (core,))
    self._is_recurrent = [isinstance(c, rnn_core.RNNCore) for c in cores]
    if skip_connections and not all(self._is_recurrent):
      raise ValueError(
          "skip_connections are only supported when all cores are RNNCores; "
          "got %r. Pass skip_connections=False to mix in plain modules."
          % (cores,))
    self._cores = tuple(cores)
    self._skip_connections = skip_connections
    self._concat_final_output_if_skip = concat_final_output_if_skip

  def _build(self, inputs, prev_state, **kwargs):
    """Runs each core once.

    Args:
      inputs: the step's inputs (a tensor, or a nest for the first core).
      prev_state: a tuple with one state per `RNNCore` in `cores`.
      **kwargs: extra arguments passed to every `RNNCore`.

    Returns:
      `(output, next_state)`.

    Raises:
      IncompatibleShapeError: if `prev_state` has not one entry per
        `RNNCore`.
    """
    num_recurrent = sum(self._is_recurrent)
    try:
      if (not isinstance(prev_state, (tuple, list)) or
          len(prev_state) != num_recurrent):
        raise ValueError("not one state per RNNCore")
      tf.nest.assert_same_structure(prev_state, self.state_size,
                                    check_types=False)
    except (ValueError, TypeError):
      raise errors.IncompatibleShapeError(
          "%s: prev_state must be a tuple of %d states (one per RNNCore) "
          "with the structure of state_size %s, got %r. Use "
          "initial_state(batch_size) to make one."
          % (self.scope_name, num_recurrent, self.state_size,
             prev_state)) from None
    next_states = []
    outputs = []
    current = inputs
    state_index = 0
    for i, (core, recurrent) in enumerate(zip(self._cores,
                                              self._is_recurrent)):
      if self._skip_connections and i > 0:
        current = _concat([inputs, current])
      if recurrent:
        current, state = core(current, prev_state[state_index], **kwargs)
        next_states.append(state)
        state_index += 1
      else:
        current = core(current)
      outputs.append(current)
    if self._skip_connections and self._concat_final_output_if_skip:
      output = _concat(outputs)
    else:
      output = current
    return output, tuple(next_states)

  def initial_state(self, batch_size, dtype=tf.float32, trainable=False,
                    trainable_initializers=None, trainable_regularizers=None,
                    name=None):
    """Returns a tuple of the `RNNCore`s' initial states.

    Args:
      batch_size: an int or a scalar int32 tensor.
      dtype: the dtype of the states.
      trainable: whether the initial states are learned.
      trainable_initializers: optional list with one entry per `RNNCore`.
      trainable_regularizers: optional list with one entry per `RNNCore`.
      name: optional prefix; core `i` uses `<name>_<i>`. By default each
        core uses its own name (`<core>_initial_state`).

    Returns:
      A tuple of states.

    Raises:
      ValueError: if a per-core list has the wrong length.
    """
    recurrent = [c for c, r in zip(self._cores, self._is_recurrent) if r]
    per_core = []
    for what, values in (("trainable_initializers", trainable_initializers),
                         ("trainable_regularizers", trainable_regularizers)):
      if values is None:
        values = [None] * len(recurrent)
      elif len(values) != len(recurrent):
        raise ValueError("%s must have one entry per RNNCore (%d), got %d."
                         % (what, len(recurrent), len(values)))
      per_core.append(values)
    return tuple(
        core.initial_state(
            batch_size, dtype=dtype, trainable=trainable,
            trainable_initializers=inits, trainable_regularizers=regs,
            name=None if name is None else "%s_%d" % (name, i))
        for i, (core, inits, regs) in enumerate(zip(recurrent, *per_core)))

  @property
  def state_size(self):
    """A tuple of the `RNNCore`s' state sizes."""
    return tuple(c.state_size for c, r in zip(self._cores, self._is_recurrent)
                 if r)

  @property
  def output_size(self):
    """The output size (needs the last core to have an `output_size`).

    Raises:
      ValueError: if it cannot be determined.
    """
    if self._skip_connections and self._concat_final_output_if_skip:
      return tf.TensorShape([_last_dim_sum([c.output_size
                                            for c in self._cores])])
    last = self._cores[-1]
    if hasattr(last, "output_size"):
      size = last.output_size
      return tf.TensorShape([size]) if isinstance(size, int) else size
    raise ValueError("%s: the output size is unknown because the last core "
                     "%r has no output_size." % (self.scope_name, last))

  @property
  def cores(self):
    """The cores, in order."""
    return self._cores
