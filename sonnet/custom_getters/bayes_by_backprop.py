"""`snt.custom_getters.bayes_by_backprop`: Bayes by Backprop helpers.

>>> bbb = snt.custom_getters.bayes_by_backprop
>>> linear = snt.Linear(3, custom_getter=bbb.bayes_by_backprop_getter(
...     kl_builder=bbb.analytic_kl_builder))
>>> y = linear(tf.ones([1, 2]))
>>> sorted(v.name for v in linear.get_variables())[:2]
['linear/b/posterior_loc:0', 'linear/b/posterior_scale:0']
"""

from sonnet.src.custom_getters.bayes_by_backprop import bayes_by_backprop_getter
from sonnet.src.custom_getters.bayes_by_backprop import EstimatorModes
from sonnet.src.custom_getters.bayes_by_backprop import get_total_kl_cost
from sonnet.src.custom_getters.bayes_by_backprop import get_variable_metadata
from sonnet.src.custom_getters.bbb_builders import adaptive_gaussian_prior_builder
from sonnet.src.custom_getters.bbb_builders import analytic_kl_builder
from sonnet.src.custom_getters.bbb_builders import diagonal_gaussian_posterior_builder
from sonnet.src.custom_getters.bbb_builders import fixed_gaussian_prior_builder
from sonnet.src.custom_getters.bbb_builders import inverse_softplus
from sonnet.src.custom_getters.bbb_builders import scale_variable_initializer
from sonnet.src.custom_getters.bbb_builders import stochastic_kl_builder

__all__ = [
    "EstimatorModes",
    "adaptive_gaussian_prior_builder",
    "analytic_kl_builder",
    "bayes_by_backprop_getter",
    "diagonal_gaussian_posterior_builder",
    "fixed_gaussian_prior_builder",
    "get_total_kl_cost",
    "get_variable_metadata",
    "inverse_softplus",
    "scale_variable_initializer",
    "stochastic_kl_builder",]
