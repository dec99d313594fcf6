#!/bin/bash
# Stand-in for Bazel's coverage tools, which cannot be downloaded offline.
echo "bazel coverage is not supported in this offline build" \
  "(see third_party/README.md)." >&2
exit 1
