#!/usr/bin/env bash
# Builds the Sonnet wheel from what Bazel built.
#
#   bazel build :install [--define gpu=true]
#   ./bazel-bin/install DIR [PYTHON]
#
# Writes dm_sonnet-<version>-py3-none-any.whl (dm_sonnet_gpu-... after
# --define gpu=true) into DIR. PYTHON (default: python3) runs the build and
# needs pip, setuptools and wheel; the .venv made by ./configure has them.
# The wheel holds the `sonnet` package only: no tests, test helpers, examples.
set -euo pipefail

usage() {
  cat >&2 <<'EOF'
usage: ./bazel-bin/install DIR [PYTHON]

Builds the Sonnet wheel into DIR (created if missing) using PYTHON
(default: python3, which needs pip, setuptools and wheel; .venv/bin/python
from ./configure has them). Build the launcher first:

  bazel build :install                    # dm-sonnet (CPU)
  bazel build :install --define gpu=true  # dm-sonnet-gpu
EOF
  exit 2
}

die() { echo "install: error: $*" >&2; exit 1; }

[[ $# -ge 1 && $# -le 2 && -n "$1" ]] || usage
DEST="$1"
PYTHON="${2:-python3}"

# Under `bazel run`, the working directory is the runfiles tree; relative
# paths mean the directory the user ran Bazel from.
if [[ "${DEST}" != /* && -n "${BUILD_WORKING_DIRECTORY:-}" ]]; then
  DEST="${BUILD_WORKING_DIRECTORY}/${DEST}"
fi
if [[ "${PYTHON}" == */* && "${PYTHON}" != /* && -n "${BUILD_WORKING_DIRECTORY:-}" ]]; then
  PYTHON="${BUILD_WORKING_DIRECTORY}/${PYTHON}"
fi

# Absolute paths: the build below runs in another directory. (Symlinks are
# kept: a virtualenv's bin/python is one.)
if [[ "${PYTHON}" == */* ]]; then
  [[ -x "${PYTHON}" ]] || die "no Python interpreter at ${PYTHON}."
  PYTHON="$(cd "$(dirname "${PYTHON}")" && pwd)/$(basename "${PYTHON}")"
fi
mkdir -p "${DEST}"
DEST="$(cd "${DEST}" && pwd)"

# Find the files Bazel gathered for this launcher (its runfiles).
if [[ -n "${RUNFILES_DIR:-}" && -d "${RUNFILES_DIR}/sonnet" ]]; then
  RUNFILES="${RUNFILES_DIR}/sonnet"
elif [[ -d "$0.runfiles/sonnet" ]]; then
  RUNFILES="$0.runfiles/sonnet"
else
  die "cannot find this launcher's runfiles next to $0. Run \`bazel build :install\`, then ./bazel-bin/install."
fi
[[ -f "${RUNFILES}/setup.py" && -f "${RUNFILES}/sonnet/version.py" ]] ||
  die "the runfiles in ${RUNFILES} lack setup.py or sonnet/; rebuild with \`bazel build :install\`."

command -v "${PYTHON}" >/dev/null 2>&1 || die "no Python interpreter \`${PYTHON}\`."
if ! "${PYTHON}" -c 'import setuptools, wheel, pip' 2>/dev/null; then
  die "${PYTHON} lacks pip, setuptools or wheel, which building a wheel needs." \
    "Install them (${PYTHON} -m pip install setuptools wheel), or pass the" \
    "interpreter ./configure set up: ./bazel-bin/install ${1} .venv/bin/python"
fi

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/sonnet-wheel.XXXXXX")"
trap 'rm -rf "${STAGE}"' EXIT

# Real copies (runfiles are symlinks), leaving out anything test-only.
cp -L "${RUNFILES}/setup.py" "${RUNFILES}/LICENSE" "${RUNFILES}/README.md" "${STAGE}/"
(
  cd "${RUNFILES}"
  find -L sonnet -name '*.py' ! -name '*_test.py' ! -name 'test_utils*' -print0 |
    xargs -0 cp -L --parents -t "${STAGE}"
)
chmod -R u+w "${STAGE}"

echo "install: building the wheel with ${PYTHON}" >&2
(
  cd "${STAGE}"
  "${PYTHON}" -m pip wheel --quiet --no-deps --no-build-isolation --no-index \
    --wheel-dir "${STAGE}/dist" . >&2
)

shopt -s nullglob
wheels=("${STAGE}"/dist/*.whl)
[[ ${#wheels[@]} -eq 1 ]] || die "expected one wheel in ${STAGE}/dist, found ${#wheels[@]}."
WHEEL="${wheels[0]}"

# Every staged module must be in the wheel: a package directory without an
# __init__.py would otherwise be dropped without a word.
(cd "${STAGE}" && find sonnet -name '*.py' | sort) > "${STAGE}/staged.txt"
"${PYTHON}" - "${WHEEL}" "${STAGE}/staged.txt" <<'EOF'
import sys
import zipfile

wheel, staged_list = sys.argv[1:]
with open(staged_list) as f:
  staged = set(f.read().split())
with zipfile.ZipFile(wheel) as z:
  packed = {n for n in z.namelist() if n.endswith(".py")}
missing = sorted(staged - packed)
extra = sorted(packed - staged)
if missing or extra:
  for name in missing:
    print("install: error: not in the wheel (no __init__.py in its "
          "directory?): " + name, file=sys.stderr)
  for name in extra:
    print("install: error: unexpected file in the wheel: " + name,
          file=sys.stderr)
  sys.exit(1)
EOF

cp "${WHEEL}" "${DEST}/"
echo "${DEST}/$(basename "${WHEEL}")"
