"""`RNNCellWrapper`: a duck-typed RNN cell as a Sonnet core."""

from typing import Any, Callable

from sonnet.src import rnn_core


class RNNCellWrapper(rnn_core.RNNCore):
  """Wraps an RNN cell object so it behaves as an `snt.RNNCore`.

  The cell is any object with `state_size`, `output_size` and
  `__call__(inputs, state) -> (outputs, next_state)` that makes its variables
  with `tf.compat.v1.get_variable`; it is built in this module's variable
  scope, so its variables are named `<name>/...` and shared between
  connections. (`tf.compat.v1.nn.rnn_cell` cells need Keras 2 and do not
  work with TensorFlow 2.21; `snt.LSTMBlockCell` is an example built on
  this.)

  >>> class Sum:
  ...   state_size = output_size = 3
  ...   def __call__(self, inputs, state):
  ...     return inputs + state, inputs + state
  >>> core = snt.RNNCellWrapper(Sum)
  >>> out, state = core(tf.ones([2, 3]), core.zero_state(2, tf.float32))
  >>> out.shape.as_list()
  [2, 3]
  """

  def __init__(self, cell_ctor: Callable[..., Any], *args: Any, **kwargs: Any):
    """Constructs the cell in this module's variable scope.

    Args:
      cell_ctor: the cell's class (or a function returning a cell).
      *args: positional arguments of `cell_ctor`.
      **kwargs: keyword arguments of `cell_ctor`; `name` (if given) is also
        this module's name, which defaults to the snake_case class name
        ("rnn_cell_wrapper", or a subclass's); `custom_getter` (if given) is
        this module's only, not passed to `cell_ctor`.
    """
    super().__init__(name=kwargs.get("name"),
                     custom_getter=kwargs.pop("custom_getter", None))
    with self._enter_variable_scope():
      self._cell = cell_ctor(*args, **kwargs)

  def _build(self, inputs, prev_state):
    """Runs one step of the cell.

    Args:
      inputs: the step's inputs.
      prev_state: the cell's state.

    Returns:
      `(outputs, next_state)` from the cell.
    """
    return self._cell(inputs, prev_state)

  @property
  def state_size(self):
    """The cell's `state_size`."""
    return self._cell.state_size

  @property
  def output_size(self):
    """The cell's `output_size`."""
    return self._cell.output_size
