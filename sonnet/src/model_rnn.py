"""`ModelRNN`: a core that ignores its inputs and applies a model to its state."""

import tensorflow as tf

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

  def __init__(self, model, name="model_rnn"):
    """Stores the model.

    Args:
      model: a callable from a state to the next state, with an
        `output_size` attribute (an int or `TensorShape`, without batch
        dimension), e.g. an `snt.Linear`.
      name: the module's name.

    Raises:
      TypeError: if `model` is not callable or has no `output_size`.
    """
    super().__init__(name=name)
    if not callable(model):
      raise TypeError("ModelRNN's model must be callable, got %r." % (model,))
    if not hasattr(model, "output_size"):
      raise TypeError("ModelRNN's model must have an output_size attribute "
                      "(the state size), got %r." % (model,))
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
    """The model's output size."""
    return tf.TensorShape(self._model.output_size)

  @property
  def output_size(self):
    """The model's output size."""
    return tf.TensorShape(self._model.output_size)
