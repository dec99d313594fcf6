"""Two small Bazel macros: one library target and one test file per module.

    load("//tools:build_defs.bzl", "snt_py_library", "snt_py_test")

    snt_py_library(name = "linear", deps = [":base"])
    snt_py_test(name = "linear_test", deps = [":linear", ":test_utils"])
"""

# The test utilities read this variable at import time and, when it is "1",
# switch TensorFlow to its TF1 behaviour (tf.compat.v1.disable_v2_behavior()).
TF1_BEHAVIOR_ENV = "SONNET_TEST_TF1_BEHAVIOR"

def snt_py_library(name, srcs = None, deps = [], **kwargs):
    """A py_library whose source defaults to `<name>.py`.

    Args:
      name: target name; also the file name (without `.py`) when srcs is None.
      srcs: source files; None means `[name + ".py"]`.
      deps: other py_library targets this one imports.
      **kwargs: passed on to py_library (visibility, data, ...).
    """
    if srcs == None:
        srcs = [name + ".py"]
    native.py_library(
        name = name,
        srcs = srcs,
        deps = deps,
        srcs_version = "PY3",
        **kwargs
    )

def snt_py_test(
        name,
        srcs = None,
        deps = [],
        tags = [],
        size = "medium",
        tf1 = True,
        **kwargs):
    """One test file, run in TF2 behaviour and (by default) again in TF1's.

    Makes `name`, run as TensorFlow 2.21 behaves out of the box, and, unless
    `tf1` is False, `name + "_tf1"`, the same file run with the environment
    variable SONNET_TEST_TF1_BEHAVIOR=1 so that the test utilities turn on
    TF1 behaviour before any test starts.

    Args:
      name: name of the TF2 target; the file is `<name>.py` when srcs is None.
      srcs: source files; None means `[name + ".py"]`.
      deps: py_library targets the test imports.
      tags: tags for both targets (e.g. "gpu" to skip them unless
        --config=gpu is given).
      size: Bazel test size, which sets the timeout. The default, "medium"
        (300 s), holds every test file that imports TensorFlow: on a loaded
        2-core machine (load 7-10) they took 13-120 s, most of them over
        30 s, half of "small"'s 60 s. A file that needs more is split with
        `shard_count` (absltest spreads its test methods over that many
        processes).
      tf1: False makes only the TF2 target, for tests with no TF1 meaning.
      **kwargs: passed on to both py_test targets. `env` entries are kept;
        `main` defaults to the first source.
    """
    if srcs == None:
        srcs = [name + ".py"]
    main = kwargs.pop("main", srcs[0])
    env = kwargs.pop("env", {})

    native.py_test(
        name = name,
        srcs = srcs,
        main = main,
        deps = deps,
        tags = tags,
        size = size,
        env = env,
        python_version = "PY3",
        srcs_version = "PY3",
        **kwargs
    )
    if tf1:
        tf1_env = dict(env)
        tf1_env[TF1_BEHAVIOR_ENV] = "1"
        native.py_test(
            name = name + "_tf1",
            srcs = srcs,
            main = main,
            deps = deps,
            tags = tags,
            size = size,
            env = tf1_env,
            python_version = "PY3",
            srcs_version = "PY3",
            **kwargs
        )
