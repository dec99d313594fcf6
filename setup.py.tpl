"""Packaging for Sonnet. Bazel turns this template into setup.py (//:setup_py).

Do not run this file from the source tree: build wheels with

    bazel build :install && ./bazel-bin/install /tmp/wheels

(add --define gpu=true for dm-sonnet-gpu). See docs/building.md.
"""

import os
import re

import setuptools

# "cpu" or "gpu": filled in by the //:setup_py genrule from --define gpu=true.
VARIANT = "@VARIANT@"

_HERE = os.path.dirname(os.path.abspath(__file__))

# What every variant needs besides TensorFlow. Ranges, not pins: a library
# must install beside whatever versions the user's program already uses.
_COMMON = [
    "absl-py>=1.0.0",
    "numpy>=1.26.0",
]
_TENSORFLOW = ">=2.21,<3"

if VARIANT == "gpu":
  NAME = "dm-sonnet-gpu"
  # The GPU package brings its TensorFlow, with the CUDA libraries.
  INSTALL_REQUIRES = _COMMON + ["tensorflow[and-cuda]" + _TENSORFLOW]
  EXTRAS_REQUIRE = {}
else:
  NAME = "dm-sonnet"
  # TensorFlow ships as `tensorflow` and as `tensorflow-cpu`; requiring
  # either one would make pip install it beside the other. The CPU package
  # therefore requires neither: `import sonnet` says what to install when
  # TensorFlow is missing, and the extras pick one on request:
  #   pip install dm-sonnet[tensorflow]   or   dm-sonnet[tensorflow-cpu]
  INSTALL_REQUIRES = list(_COMMON)
  EXTRAS_REQUIRE = {
      "tensorflow": ["tensorflow" + _TENSORFLOW],
      "tensorflow-cpu": ["tensorflow-cpu" + _TENSORFLOW],
  }


def _version():
  """Reads __version__ from sonnet/version.py without importing sonnet."""
  with open(os.path.join(_HERE, "sonnet", "version.py")) as f:
    match = re.search(r'^__version__ = "([^"]+)"', f.read(), re.MULTILINE)
  if not match:
    raise RuntimeError("sonnet/version.py has no __version__ line.")
  return match.group(1)


def _long_description():
  path = os.path.join(_HERE, "README.md")
  if not os.path.exists(path):
    return ""
  with open(path, encoding="utf-8") as f:
    return f.read()


setuptools.setup(
    name=NAME,
    version=_version(),
    description=("Sonnet 1: a library for building neural networks from "
                 "reusable modules, on TensorFlow 2.21."),
    long_description=_long_description(),
    long_description_content_type="text/markdown",
    license="Apache 2.0",
    license_files=["LICENSE"],
    packages=setuptools.find_packages(include=["sonnet", "sonnet.*"]),
    python_requires=">=3.10",
    install_requires=INSTALL_REQUIRES,
    extras_require=EXTRAS_REQUIRE,
    zip_safe=False,
    classifiers=[
        "Development Status :: 5 - Production/Stable",
        "Intended Audience :: Developers",
        "Intended Audience :: Science/Research",
        "License :: OSI Approved :: Apache Software License",
        "Operating System :: OS Independent",
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
        "Topic :: Software Development :: Libraries :: Python Modules",
    ],
    keywords="tensorflow neural networks machine learning sonnet",
)
