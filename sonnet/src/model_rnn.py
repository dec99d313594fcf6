"""`ModelRNN`: a core that applies a model to its state, ignoring inputs."""

from typing import Any, Callable

from sonnet.src import rnn_core


class ModelRNN(rnn_core.RNNCore):
  """Runs `model` on the previous state: `state' = output = model(state)`.

  Useful to unroll a transition model (e.g. a learned simulator) with the
  RNN machinery; the step's inputs are ignored.

  >>> model = snt.Linear(3)
  >>> core = snt.ModelRNN(model)
  >>> out, state = core(tf.zeros([2, 1]), tf.ones([2, 3]))
  >>> out.shape.as_list()
  [2, 3]
  """

  def __init__(self, model: Callable[..., Any], name: str = "model_rnn"):
    """Stores the model and its output size.

    Args:
      model: a callable from a state to the next state, with an
        `output_size` attribute (an int or `TensorShape`, without batch
        dimension), e.g. an `snt.Linear`; not an `RNNCore`.
      name: the module's name.

    Raises:
      TypeError: if `model` is not callable or is an `RNNCore`.
      AttributeError: if `model` has no `output_size`.
    """
    super().__init__(name=name)
    if not callable(model):
      raise TypeError("Model must be callable.")
    if isinstance(model, rnn_core.RNNCore):
      raise TypeError("Model should not be an RNNCore.")
    try:
      self._output_size = model.output_size
    except AttributeError:
      raise AttributeError(
          "Model should have an output_size attribute.") from None
    self._model = model

  def _build(self, inputs, prev_state):
    """Applies the model to the previous state.

    Args:
      inputs: ignored (kept for the core interface).
      prev_state: a tensor `[batch_size] + output_size`.

    Returns:
      `(output, next_state)`: both `model(prev_state)`.
    """
    del inputs  # Unused.
    output = self._model(prev_state)
    return output, output

  @property
  def state_size(self):
    """The model's `output_size`, as read at construction."""
    return self._output_size

  @property
  def output_size(self):
    """The model's `output_size`, as read at construction."""
    return self._output_size
