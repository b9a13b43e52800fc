#!/usr/bin/env bash
# tools/plot_targets.py on two small timeseries.csv files in the layout tools/targets.py --keep
# leaves: it writes the image, with the curves drawn (pixels: more than a blank canvas and its
# axes), and a missing run is exit 2 with a message.
#   test_plot_targets.sh SOURCE_DIR      (exit 77 = skipped: no Python with matplotlib)
set -euo pipefail
src=$1
. "$(dirname "$0")/common.sh"
python_with matplotlib numpy PIL
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for run in ccl4_4wk ccl4_12wk; do
  mkdir -p "$tmp/runs/$run"
  { echo "time,time_d,cpa,collagen_mean,collagen_x_mean,hsc_mean,mmp_mean,timp_mean"
    for d in 0 28 56 84 264; do
      echo "$((d * 86400)),$d,0.0$((d % 9 + 1)),0.1,0.05,0.0$((d % 7 + 1)),0.02,0.1"
    done; } > "$tmp/runs/$run/timeseries.csv"
done
"$py" "$src/tools/plot_targets.py" "$tmp/runs" --out "$tmp/targets.png"
# Each of the three panels holds its curves in their colours (measured: 0.98, 0.83, 0.93% of a
# panel's pixels; 0.39, 0, 0.43% with the data curves left out and only the target windows drawn).
"$py" "$(dirname "$0")/check_png.py" "$tmp/targets.png" --colours 400 --drawn 0.04 \
  --coloured-box 0,0.05,0.33,0.95 0.006 --coloured-box 0.33,0.05,0.66,0.95 0.005 \
  --coloured-box 0.66,0.05,1,0.95 0.005
rm -r "$tmp/runs/ccl4_12wk"
set +e
err=$("$py" "$src/tools/plot_targets.py" "$tmp/runs" --out "$tmp/x.png" 2>&1); rc=$?
set -e
[ "$rc" = 2 ] || { echo "missing run: exit $rc, want 2"; exit 1; }
grep -q "no .*ccl4_12wk/timeseries.csv" <<<"$err"
echo "plot_targets: ok"
