#!/usr/bin/env bash
# The lint step of CI (.ci/run), and what to run before sending a change:
#
#   tools/lint.sh
#
# 1. pylint with .pylintrc (the Google Python style) over sonnet/, examples/,
#    benchmarks/, docs/*.py and tools/*.py;
# 2. tools/format.sh --check: yapf would change nothing (.style.yapf);
# 3. buildifier over the BUILD and .bzl files: formatted, and no lint
#    warnings (--lint=warn).
# Runs all three, prints what each found, exits 1 if any found something.
# Tools come from ./configure: pylint and yapf in its interpreter
# (tools/requirements-dev.txt), buildifier in .devtools/bin.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON_BIN_PATH:-.venv/bin/python}"
BUILDIFIER="${BUILDIFIER:-.devtools/bin/buildifier}"
JOBS="${LINT_JOBS:-2}"
failed=()

step() { printf '\n--- %s\n' "$*"; }

step "pylint (-j ${JOBS})"
mapfile -t py_files < <(git ls-files 'sonnet/*.py' 'examples/*.py' \
  'benchmarks/*.py' 'docs/*.py' 'tools/*.py')
if PYTHONPATH=. "${PYTHON}" -m pylint --rcfile=.pylintrc -j "${JOBS}" \
    "${py_files[@]}"; then
  echo "pylint: ${#py_files[@]} files clean"
else
  failed+=(pylint)
fi

step "format (yapf)"
if tools/format.sh --check; then
  echo "format: ${#py_files[@]} files formatted"
else
  failed+=(format)
fi

step "buildifier"
mapfile -t build_files < <(git ls-files 'BUILD' '*/BUILD' '*.bzl' \
  ':!third_party')
if [[ ! -x "${BUILDIFIER}" ]]; then
  echo "buildifier: ${BUILDIFIER} is missing; run ./configure" >&2
  failed+=(buildifier)
# Bazel 4 (see configure) has the Python and shell rules built in, with no
# rules_python or rules_shell to load them from: those two warnings are off.
elif "${BUILDIFIER}" --mode=check --lint=warn \
    --warnings=-native-py,-native-sh-binary "${build_files[@]}"; then
  echo "buildifier: ${#build_files[@]} files clean"
else
  failed+=(buildifier)
fi

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "lint: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "lint: clean"
