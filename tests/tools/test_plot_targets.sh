#!/usr/bin/env bash
# tools/plot_targets.py on two small run directories in the layout tools/targets.py --keep
# leaves (timeseries.csv and a config.yaml with the injury period): it writes the image, with
# the curves drawn in each of the four panels (pixels: more than a blank canvas and its axes),
# the PNG states the resolution asked for, the SVG has each panel's y label with its unit, the
# HSC fraction and the MMP/TIMP ratio as separate curves and the injury periods shaded; a
# missing run or an unknown extension is exit 2 with a message.
#   test_plot_targets.sh SOURCE_DIR      (exit 77 = skipped: no Python with matplotlib, numpy,
#                                         PyYAML and Pillow)
set -euo pipefail
src=$1
. "$(dirname "$0")/common.sh"
python_with matplotlib numpy yaml PIL
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tool=$src/tools/plot_targets.py
for run in ccl4_4wk:28:56 ccl4_12wk:84:264; do
  name=${run%%:*} rest=${run#*:}; stop=${rest%%:*} end=${rest#*:}
  mkdir -p "$tmp/runs/$name"
  { echo "name: $name"
    echo "model:"
    echo "  name: liver_fibrosis"
    echo "  injury:"
    echo "    - { pattern: pericentral, rate: 3.5e-06 1/s, from: 0 s, to: $((stop * 86400)) s }"
  } > "$tmp/runs/$name/config.yaml"
  { echo "time,time_d,cpa,collagen_mean,collagen_x_mean,hsc_mean,mmp_mean,timp_mean"
    for d in $(seq 0 4 "$end"); do
      echo "$((d * 86400)),$d,0.0$((d % 9 + 1)),0.1,0.05,0.0$((d % 7 + 1)),0.02,0.1"
    done; } > "$tmp/runs/$name/timeseries.csv"
done
"$py" "$tool" "$tmp/runs" --out "$tmp/targets.png" --dpi 150
# Each of the four panels (2 x 2 above the legend) holds its curves in their colours (measured
# with matplotlib 3.6: 3.69, 1.72, 3.71, 0.97% of a panel's pixels; 0.42, 0.12, 0, 0% with the
# data curves left out, only the target windows and the legend's samples drawn).
"$py" "$(dirname "$0")/check_png.py" "$tmp/targets.png" --colours 300 --drawn 0.03 \
  --coloured-box 0.05,0.03,0.5,0.42 0.02 --coloured-box 0.55,0.03,1,0.42 0.008 \
  --coloured-box 0.05,0.47,0.5,0.85 0.015 --coloured-box 0.55,0.47,1,0.85 0.005
# The resolution asked for, in the PNG's pHYs chunk (pixels per metre).
"$py" - "$tmp/targets.png" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
i = data.index(b"pHYs")
x, y, unit = struct.unpack(">IIB", data[i + 4:i + 13])
dpi = x * 0.0254
print(f"PNG resolution: {dpi:.2f} dpi")
if unit != 1 or abs(dpi - 150) > 0.5 or x != y:
    print("FAILED: want 150 dpi")
    sys.exit(1)
EOF
# The SVG: the y labels with their units, one curve per quantity, the injury periods.
"$py" "$tool" "$tmp/runs" --out "$tmp/targets.svg"
"$py" - "$tmp/targets.svg" <<'EOF'
import sys
import xml.etree.ElementTree as ET
SVG = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
ids = [g.get("id") for g in root.iter(SVG + "g") if g.get("id")]
def check(cond, what):
    if not cond:
        print(f"FAILED: {what}")
        sys.exit(1)
for label in ("CPA (%)", "collagen (relative scar density)",
              "activated HSCs (fraction of capacity)", "MMP/TIMP ratio (dimensionless)"):
    check(label in texts, f"no y label '{label}' in {texts}")
for gid in ("series_cpa_4wk", "series_cpa_12wk", "series_collagen", "series_collagen_x",
            "series_hsc", "series_mmp_timp"):
    check(gid in ids, f"no curve {gid}")
injury = sorted(i for i in ids if i.startswith("injury_"))
check(injury == ["injury_cpa_0", "injury_cpa_1", "injury_hsc_0", "injury_ratio_0",
                 "injury_scar_0"], f"injury periods {injury}")
check(any("injury, pericentral, days 0–28 (ccl4_4wk)" == t for t in texts),
      "no legend entry for the 4-week injury")
print("targets.svg: y labels with units, 6 curves, 5 injury periods")
EOF
set +e
err=$("$py" "$tool" "$tmp/runs" --out "$tmp/x.jpg" 2>&1); rc=$?
set -e
[ "$rc" = 2 ] || { echo "unknown extension: exit $rc, want 2"; exit 1; }
grep -q "extension must be one of" <<<"$err"
rm -r "$tmp/runs/ccl4_12wk"
set +e
err=$("$py" "$tool" "$tmp/runs" --out "$tmp/x.png" 2>&1); rc=$?
set -e
[ "$rc" = 2 ] || { echo "missing run: exit $rc, want 2"; exit 1; }
grep -q "no .*ccl4_12wk/timeseries.csv" <<<"$err"
"$py" "$tool" --help | grep -q "dots per inch"
echo "plot_targets: ok"
