"""`snt.custom_getters`: custom getters to pass as a module's `custom_getter`.

>>> linear = snt.Linear(3, custom_getter=snt.custom_getters.non_trainable)
>>> _ = linear(tf.ones([1, 2]))
>>> linear.trainable_variables
()
"""

from sonnet.custom_getters import bayes_by_backprop
from sonnet.src.custom_getters.context import Context
from sonnet.src.custom_getters.float32_master_weights import float32_master_weights
from sonnet.src.custom_getters.non_trainable import non_trainable
from sonnet.src.custom_getters.override_args import override_args
from sonnet.src.custom_getters.override_args import override_default_args
from sonnet.src.custom_getters.restore_initializer import restore_initializer
from sonnet.src.custom_getters.stop_gradient import stop_gradient

__all__ = [
    "Context",
    "bayes_by_backprop",
    "float32_master_weights",
    "non_trainable",
    "override_args",
    "override_default_args",
    "restore_initializer",
    "stop_gradient",]
