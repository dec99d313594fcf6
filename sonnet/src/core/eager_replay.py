"""Fast later connections in eager mode: `_build` with its variables known.

In eager mode every connection runs `_build` again, and with it
`tf.compat.v1.get_variable`'s lookup through the template, the variable
scopes and the custom getters: several times the cost of the ops themselves
for a small layer. After a module's first connection its variables are
known, so later eager connections can run `_build` in a variable scope whose
`get_variable` answers from that record. Anything else `_build` does (nested
scopes, submodules) still goes through TensorFlow's machinery, in the
module's own variable store.
"""

import contextlib

import tensorflow as tf

from sonnet.src.core import tf_shim

tf1 = tf.compat.v1


class ReplayScope(tf1.VariableScope):
  """A copy of a module's variable scope that returns known variables."""

  def __init__(self, scope, known_variables):
    """Copies `scope`.

    Args:
      scope: the module's `VariableScope`.
      known_variables: a dict from names relative to the scope to variables.
    """
    super().__init__(
        tf1.AUTO_REUSE, name=scope.name, initializer=scope.initializer,
        regularizer=scope.regularizer, caching_device=scope.caching_device,
        partitioner=scope.partitioner, custom_getter=scope.custom_getter,
        name_scope=scope.original_name_scope, dtype=scope.dtype,
        use_resource=scope.use_resource, constraint=scope.constraint)
    self._known_variables = known_variables

  def get_variable(self, var_store, name, *args, **kwargs):  # pylint: disable=arguments-differ
    variable = self._known_variables.get(name)
    if variable is not None:
      return variable
    return super().get_variable(var_store, name, *args, **kwargs)


@contextlib.contextmanager
def replaying(template, replay_scope):
  """Makes `replay_scope` current, as entering the template's scope would.

  Args:
    template: the module's `EagerTemplate` (for its variable store).
    replay_scope: the module's `ReplayScope`.

  Yields:
    None.
  """
  scopes = tf_shim.variable_scope_store()
  previous_scope = scopes.current_scope
  previous_counts = dict(scopes.variable_scopes_count)
  scopes.current_scope = replay_scope
  try:
    with tf_shim.eager_template_store(template).as_default():
      yield
  finally:
    scopes.variable_scopes_count = previous_counts
    scopes.current_scope = previous_scope
