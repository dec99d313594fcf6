#!/usr/bin/env bash
# Formats the Python sources with yapf (Google style, see .style.yapf).
#
#   tools/format.sh                  # reformat every file in place
#   tools/format.sh --check          # list the files that would change; exit 1 if any
#   tools/format.sh [--check] FILE...   # only these files
#
# Without FILE arguments it covers the Python files git knows under sonnet/,
# examples/, benchmarks/, docs/ and tools/. Uses the interpreter ./configure
# set up (PYTHON_BIN_PATH, else .venv), where tools/requirements-dev.txt put
# yapf.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON_BIN_PATH:-.venv/bin/python}"

check=0
if [[ "${1:-}" == "--check" ]]; then
  check=1
  shift
fi
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files 'sonnet/*.py' 'examples/*.py' \
    'benchmarks/*.py' 'docs/*.py' 'tools/*.py')
fi

if [[ ${check} -eq 0 ]]; then
  exec "${PYTHON}" -m yapf --in-place --parallel "${files[@]}"
fi

# --diff prints a unified diff per file that would change and exits 1 then.
set +e
diff="$("${PYTHON}" -m yapf --diff --parallel "${files[@]}")"
rc=$?
set -e
if [[ ${rc} -eq 0 ]]; then
  exit 0
fi
if [[ -z "${diff}" ]]; then
  exit "${rc}"  # yapf failed (e.g. a syntax error); it said why.
fi
changed="$(sed -n 's|^+++ \(.*\)\t(reformatted)$|\1|p' <<<"${diff}")"
echo "format: these files are not formatted (run tools/format.sh):" >&2
sed 's/^/  /' <<<"${changed}" >&2
echo "format: $(wc -l <<<"${changed}") files, $(grep -c '^-[^-]' <<<"${diff}") lines to change" >&2
exit 1
