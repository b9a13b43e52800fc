#!/usr/bin/env bash
# Pins the liver targets' regression values (tests/data/liver_regression.csv) anew: run it when
# a model change is meant to move the figures, look at the diff, and commit it with the change.
#   tools/regen_regression.sh [--full] [LOBULE]
# Without --full it writes the quick values (the ones liver.targetN.quick checks: a few minutes on
# two cores); with --full also the values of the scenarios as shipped (liver.targetN.full, label
# long: about half an hour). LOBULE is the executable (default: build/lobule, else build-cpu/lobule).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
full=0
if [ "${1:-}" = --full ]; then full=1; shift; fi
exe=${1:-}
if [ -z "$exe" ]; then
  for b in build build-cpu; do [ -x "$root/$b/lobule" ] && { exe=$root/$b/lobule; break; }; done
fi
[ -n "$exe" ] && [ -x "$exe" ] || { echo "regen_regression.sh: no lobule executable (give its path)" >&2; exit 2; }
file=$root/tests/data/liver_regression.csv
py=$(command -v python3)
modes=(--quick)
[ "$full" = 1 ] && modes+=("")
for mode in "${modes[@]}"; do
  # The targets' own PASS/FAIL does not stop the pinning (exit 1): a meant change may move a
  # figure out of its window, and the targets tests will say so.
  "$py" "$root/tools/targets.py" --lobule "$exe" $mode --write-regression "$file" || [ $? = 1 ]
done
echo "regen_regression.sh: review with: git diff -- tests/data/liver_regression.csv"
