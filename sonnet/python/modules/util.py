"""Sonnet 1 path `sonnet.python.modules.util`."""

# pylint: disable=unused-import
from sonnet.src.arg_checks import check_initializers
from sonnet.src.arg_checks import check_partitioners
from sonnet.src.arg_checks import check_regularizers
from sonnet.src.convert_gradient import convert_gradient_to_tensor
from sonnet.src.core.custom_getter_router import custom_getter_router
from sonnet.src.core.naming import name_for_callable
from sonnet.src.core.naming import to_snake_case
from sonnet.src.reflection import deprecation_warning
from sonnet.src.reflection import has_variable_scope
from sonnet.src.reflection import MAYBE_SUPPORTED
from sonnet.src.reflection import NOT_SUPPORTED
from sonnet.src.reflection import parse_string_to_constructor
from sonnet.src.reflection import remove_unsupported_kwargs
from sonnet.src.reflection import SUPPORTED
from sonnet.src.reflection import supports_kwargs
from sonnet.src.core.reuse_variables import reuse_variables
from sonnet.src.variable_format import format_variable_map
from sonnet.src.variable_format import format_variables
from sonnet.src.variable_format import log_variables
from sonnet.src.variable_format import (num_bytes_to_human_readable as
                                        _num_bytes_to_human_readable)
from sonnet.src.variable_format import summarize_variables
from sonnet.src.variable_utils import count_variables_by_type
from sonnet.src.variable_utils import get_normalized_variable_map
from sonnet.src.variable_utils import get_saver
from sonnet.src.variable_utils import get_variable_scope_name
from sonnet.src.variable_utils import get_variables_in_module
from sonnet.src.variable_utils import get_variables_in_scope
from sonnet.src.variable_utils import is_scope_prefix as _is_scope_prefix
from sonnet.src.variable_utils import notify_about_new_variables
from sonnet.src.variable_utils import sort_by_name
from sonnet.src.variable_utils import variable_map_items
