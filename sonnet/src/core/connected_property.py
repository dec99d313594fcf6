"""Read-only properties that exist once a module is connected."""


def connected_property(attribute, doc):
  """A property returning `self.<attribute>`, refusing before connection.

  Sonnet modules expose what they learn from their first connection (shapes,
  variables, submodules) as read-only properties that raise
  `snt.NotConnectedError` until then.

  Args:
    attribute: the name of the instance attribute holding the value.
    doc: the property's docstring.

  Returns:
    A `property`.

  >>> class Scale(snt.AbstractModule):
  ...   s = connected_property("_s", "The scale variable.")
  ...   def _build(self, x):
  ...     self._s = tf.compat.v1.get_variable("s", [], initializer=tf.ones)
  ...     return x * self._s
  >>> scale = Scale()
  >>> _ = scale(tf.ones([2]))
  >>> scale.s.name
  'scale/s:0'
  """

  def get(module):
    module._ensure_is_connected()  # pylint: disable=protected-access
    return getattr(module, attribute)

  return property(get, doc=doc)
