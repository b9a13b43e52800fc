#!/usr/bin/env bash
# tools/plot_targets.py on two small timeseries.csv files in the layout tools/targets.py --keep
# leaves: it writes the image, and a missing run is exit 2 with a message.
#   test_plot_targets.sh SOURCE_DIR      (exit 77 = skipped: no Python with matplotlib)
set -euo pipefail
src=$1
. "$(dirname "$0")/common.sh"
python_with matplotlib
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for run in ccl4_4wk ccl4_12wk; do
  mkdir -p "$tmp/runs/$run"
  { echo "time,time_d,cpa,collagen_mean,collagen_x_mean,hsc_mean,mmp_mean,timp_mean"
    for d in 0 28 56 84 264; do
      echo "$((d * 86400)),$d,0.0$((d % 9 + 1)),0.1,0.05,0.0$((d % 7 + 1)),0.02,0.1"
    done; } > "$tmp/runs/$run/timeseries.csv"
done
"$py" "$src/tools/plot_targets.py" "$tmp/runs" --out "$tmp/targets.png"
[ -s "$tmp/targets.png" ]
rm -r "$tmp/runs/ccl4_12wk"
set +e
err=$("$py" "$src/tools/plot_targets.py" "$tmp/runs" --out "$tmp/x.png" 2>&1); rc=$?
set -e
[ "$rc" = 2 ] || { echo "missing run: exit $rc, want 2"; exit 1; }
grep -q "no .*ccl4_12wk/timeseries.csv" <<<"$err"
echo "plot_targets: ok"
