#!/usr/bin/env bash
# A run stopped by a full disk may leave timeseries.csv with its last row cut short (no newline
# at its end): the state docs/long-runs.md describes. The Python tools read such a run: they
# drop the cut row with a warning on stderr and go on (lobule_results.py, compare_runs.py,
# plot_timeseries.py, plot_targets.py). A damaged row that is not the last is still refused
# (exit 2, a message, no traceback).
#   test_cut_csv_row.sh LOBULE_EXE SOURCE_DIR   (exit 77 = skipped: no Python with numpy,
#                                                PyYAML and matplotlib)
set -euo pipefail
exe=$1; src=$2
. "$(dirname "$0")/common.sh"
python_with numpy yaml matplotlib
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

OMP_NUM_THREADS=1 "$exe" run "$src/inputs/demo.yaml" -o "$tmp/demo" -q --set time.end=3d \
  >/dev/null 2>&1
csv=$tmp/demo/timeseries.csv
rows=$(($(wc -l <"$csv") - 1))
[ "$rows" = 4 ] || { echo "FAILED: the demo to day 3 wrote $rows rows, want 4"; exit 1; }
# Cut the last row in the middle, as a full disk does: its newline and half its values go.
size=$(wc -c <"$csv"); last=$(tail -n 1 "$csv" | wc -c)
truncate -s $((size - last / 2)) "$csv"

# expect_warned TOOL ARGS...: exit 0, a warning on stderr that names the cut row, no traceback.
expect_warned() {
  local name err rc
  name=$(basename "$1")
  set +e; err=$("$py" "$@" 2>&1 >/dev/null); rc=$?; set -e
  [ "$rc" = 0 ] || { echo "FAILED: $name on a cut last row: exit $rc, want 0"; echo "$err"; exit 1; }
  grep -q "warning: .*timeseries.csv.*last row is cut short" <<<"$err" ||
    { echo "FAILED: $name gave no warning about the cut row: $err"; exit 1; }
  if grep -q Traceback <<<"$err"; then echo "FAILED: traceback from $name"; echo "$err"; exit 1; fi
  echo "as expected ($name): $err"
}

expect_warned "$src/tools/lobule_results.py" "$tmp/demo"
PYTHONPATH="$src/tools" "$py" - "$tmp/demo" 2>/dev/null <<'EOF'
import sys
from lobule_results import Run
run = Run(sys.argv[1])
n = len(run.series["time"])
if n != 3 or list(run.series["time_d"]) != [0.0, 1.0, 2.0]:
    print(f"FAILED: {n} rows read, days {list(run.series['time_d'])}; want the 3 whole rows")
    sys.exit(1)
print("lobule_results: the 3 whole rows")
EOF
expect_warned "$src/tools/compare_runs.py" "$tmp/demo"
expect_warned "$src/tools/plot_timeseries.py" "$tmp/demo" --out-dir "$tmp/plots" --format png
mkdir -p "$tmp/targets"
cp -r "$tmp/demo" "$tmp/targets/ccl4_4wk"; cp -r "$tmp/demo" "$tmp/targets/ccl4_12wk"
expect_warned "$src/tools/plot_targets.py" "$tmp/targets" --out "$tmp/targets.png"

# A damaged row in the middle is no full disk: refused.
tool=$src/tools/lobule_results.py
sed -i '3s/,[^,]*$//' "$csv"
expect_fail "line 3: .* values for .* columns" "$tmp/demo"
echo "cut CSV rows: ok"
