"""Sonnet 1 path `sonnet.python.modules.optimization_constraints`.

The path is the implementation module itself (not a copy of its names), so
that patching its private helpers, as Sonnet 1 code does with
`mock.patch.object(optimization_constraints, "_parametrize", ...)`, changes
what `get_lagrange_multiplier` uses.
"""

import sys

from sonnet.src import optimization_constraints

sys.modules[__name__] = optimization_constraints
