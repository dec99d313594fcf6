"""The Linear + relu stack the module-system benchmarks time, two ways.

`snt_stack` is written with Sonnet modules; `template_stack` is the same
network by hand, with `tf.compat.v1.make_template` and `get_variable`: the
same variables, initializers and ops.

>>> network = template_stack(depth=2, width=4)
>>> network(tf.ones([1, 3])).shape.as_list()
[1, 4]
"""

import sonnet as snt
import tensorflow as tf

tf1 = tf.compat.v1

WIDTH = 64


def snt_stack(depth, width=WIDTH):
  """`depth` layers of `snt.Linear(width)` and relu, as one module.

  Args:
    depth: the number of layers.
    width: the output size of every layer.

  Returns:
    An `snt.Sequential`.
  """
  layers = []
  for _ in range(depth):
    layers += [snt.Linear(width), tf.nn.relu]
  return snt.Sequential(layers)


def template_stack(depth, width=WIDTH):
  """`snt_stack` written with `make_template` and `get_variable`.

  Args:
    depth: the number of layers.
    width: the output size of every layer.

  Returns:
    A function from inputs to outputs; its variables are made on the first
    call and shared by later ones.
  """

  def layer(inputs):
    w = tf1.get_variable(
        "w", [inputs.shape[-1], width],
        initializer=tf1.truncated_normal_initializer(stddev=width**-0.5))
    b = tf1.get_variable("b", [width], initializer=tf1.zeros_initializer())
    return tf.nn.relu(tf.matmul(inputs, w) + b)

  templates = [tf1.make_template("layer", layer) for _ in range(depth)]

  def network(inputs):
    for template in templates:
      inputs = template(inputs)
    return inputs

  return network
