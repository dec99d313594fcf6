"""Sonnet 1 path `sonnet.python.modules.batch_norm`."""

# pylint: disable=unused-import
from sonnet.src.batch_norm import BatchNorm
from sonnet.src.moving_stats import create_beta_initializer
from sonnet.src.moving_stats import create_gamma_initializer
from sonnet.src.moving_stats import create_mean_initializer
from sonnet.src.moving_stats import create_variance_initializer
