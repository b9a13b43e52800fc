#!/usr/bin/env bash
# tools/plot_convergence.py on a small convergence.csv in the layout tools/convergence.py --out
# writes: the picture has its curves in both panels (grid, time step: pixels, more than the
# axes and the shaded tolerances), and a missing file, a file of other columns or a value that
# is not a number is exit 2 with a message.
#   test_plot_convergence.sh SOURCE_DIR   (exit 77 = skipped: no Python with matplotlib, numpy
#                                          and Pillow)
set -euo pipefail
src=$1
. "$(dirname "$0")/common.sh"
python_with matplotlib numpy PIL
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tool=$src/tools/plot_convergence.py
{ echo "run,figure,value"
  for r in "30 um:1.3" "20 um:1.1" "10 um:1.0" "dt 15 min:1.0" "dt 1 h:0.97" "dt 2 h:0.9"; do
    label=${r%%:*} f=${r#*:}
    echo "$label,2.ccl4_4wk_cpa_d28,$(awk "BEGIN{print 0.12*$f}")"
    echo "$label,3.timp_mean_d28,$(awk "BEGIN{print 0.2/$f}")"
    echo "$label,3.excess_collagen_fall_d28_d56,0.72"
  done; } > "$tmp/convergence.csv"
"$py" "$tool" "$tmp/convergence.csv" --out "$tmp/convergence.png" --dpi 100
# Both panels hold coloured curves (measured with matplotlib 3.6: 2.08 and 2.09 % of a panel's
# pixels; the shaded tolerances, the axes and the reference line are grey, not coloured).
"$py" "$(dirname "$0")/check_png.py" "$tmp/convergence.png" --colours 50 \
  --coloured-box 0.05,0.05,0.5,0.75 0.01 --coloured-box 0.55,0.05,1,0.75 0.01
expect_fail "no $tmp/missing.csv" "$tmp/missing.csv"
printf 'a,b\n1,2\n' > "$tmp/other.csv"
expect_fail "want the columns run, figure, value" "$tmp/other.csv"
printf 'run,figure,value\n10 um,x,abc\n' > "$tmp/bad.csv"
expect_fail "line 2: 'abc' is not a number" "$tmp/bad.csv"
echo "plot_convergence.py: ok"
