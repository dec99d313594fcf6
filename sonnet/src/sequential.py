"""`Sequential`: applies modules and ops one after the other."""

from typing import Any, Callable, Sequence

import tensorflow as tf

from sonnet.src.core import base


class Sequential(base.AbstractModule):
  """Feeds each layer's output to the next; layers may be modules or ops.

  A layer whose input is a tuple receives it unpacked as arguments.

  >>> mlp = snt.Sequential([snt.Linear(3), tf.nn.relu, snt.Linear(2)])
  >>> mlp(tf.ones([1, 4])).shape.as_list()
  [1, 2]
  """

  def __init__(self, layers: Sequence[Callable[..., Any]],
               name: str = "sequential"):
    """Stores the layers.

    Args:
      layers: an iterable of callables (modules, TF ops, functions).
      name: the module's name.

    Raises:
      TypeError: if a layer is not callable.
    """
    super().__init__(name=name)
    layers = tuple(layers)
    not_callable = [
        (i, layer) for i, layer in enumerate(layers) if not callable(layer)]
    if not_callable:
      raise TypeError("Items {} not callable with types: {}".format(
          ", ".join(str(i) for i, _ in not_callable),
          ", ".join(type(layer).__name__ for _, layer in not_callable)))
    self._layers = layers

  def _build(self, *args):
    """Applies the layers in order.

    Args:
      *args: the inputs of the first layer.

    Returns:
      The output of the last layer (the inputs themselves with no layers).
    """
    net = args
    if not self._layers:
      return args[0] if len(args) == 1 else args
    for layer in self._layers:
      net = layer(*net) if isinstance(net, tuple) else layer(net)
    return net

  @property
  def layers(self):
    """The layers, as a tuple."""
    return tuple(self._layers)

  def get_variables(self, *args, **kwargs):
    """Variables in the Sequential's own scope: usually none.

    The layers were built outside the Sequential, so their variables live
    in their own scopes. Use `get_all_variables()` to get those.

    Args:
      *args: as for `AbstractModule.get_variables`.
      **kwargs: as for `AbstractModule.get_variables`.

    Returns:
      A tuple of variables.
    """
    tf.compat.v1.logging.warning(
        "Calling Sequential.get_variables, which will always return an empty "
        "tuple: it returns only variables created in the Sequential's own "
        "scope, and its layers were constructed outside it. Use "
        "get_all_variables() for the layers' variables.")
    return super().get_variables(*args, **kwargs)
