#!/usr/bin/env bash
# tools/plot_timeseries.py on three small synthetic run directories (config.yaml with a therapy
# list and an injury period, days 0-3, timeseries.csv with the liver model's columns, days
# 0..10): it writes exactly the files asked for (PNG and SVG), the PNG at the resolution asked
# for, and the CPA figure has one data line per run, the runs' doses, each dose series labelled
# (agent, amount, route) at the top of its line without the labels overlapping, the injury
# period shaded, the y label with its unit; the EV plot starts shortly before the first dose
# (day 3 for a first dose on day 4).
#
# How the SVG is checked: the script gives each run's curve the SVG id series_<plot>_run<N> and
# each dose marker dose_<plot>_run<N>_<K> (matplotlib's gid). The test counts the series_cpa_*
# groups (one per run, each a path of more than 2 points), checks that no other line2d group
# outside the legend (whose sample lines have 3 points) has a path of more than 2 points (a
# curve drawn without its id), and checks each dose marker:
# a vertical 2-point path, in its run's colour, at the x of its day (the day -> pixel map comes
# from the first and last points of the curves, days 0 and 10). The dose labels are the text
# groups doselabel_<plot>_run<N>_<S>, the injury periods the patches injury_<plot>_<K> (text
# stays text in the SVG). A run without the cpa column asked for the cpa plot is exit 2 with a
# message.
#   test_plot_timeseries.sh LOBULE_EXE SOURCE_DIR   (exit 77 = skipped: no Python with numpy,
#                                                    PyYAML and matplotlib; LOBULE_EXE unused)
set -euo pipefail
src=$2
. "$(dirname "$0")/common.sh"
python_with numpy yaml matplotlib
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tool=$src/tools/plot_timeseries.py

# Three runs: untreated (no dose), msc (one dose on day 4), ev (3 doses from day 4, every 2 d);
# and nocpa, a run whose timeseries.csv lacks the cpa column.
"$py" - "$tmp" "$src/tools" <<'EOF'
import os, sys
tmp = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from lobule_results import LIVER_COLUMNS as cols
therapy = {
    "untreated": "  therapy:\n    []\n",
    "msc": "  therapy:\n    - agent: msc\n      dose: 500000\n      at: 345600 s\n"
           "      route: portal_vein\n",
    "ev": "  therapy:\n    - agent: ev\n      dose: 10000000000\n      at: 345600 s\n"
          "      route: portal_vein\n      repeat:\n        every: 172800 s\n        count: 3\n",
}
for k, (name, th) in enumerate(list(therapy.items()) + [("nocpa", therapy["msc"])]):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    with open(os.path.join(d, "config.yaml"), "w") as f:
        f.write("# Resolved configuration written by lobule; units are um and s.\n"
                f"name: {name}\nmodel:\n  name: liver_fibrosis\n  injury:\n"
                "    - pattern: pericentral\n      rate: 3.5e-06 1/s\n      from: 0 s\n"
                f"      to: 259200 s\n{th}")
    use = [c for c in cols if not (name == "nocpa" and c == "cpa")]
    with open(os.path.join(d, "timeseries.csv"), "w") as f:
        f.write(",".join(use) + "\n")
        for day in range(11):
            v = {c: 0.01 * (j + 1) * (1 + 0.1 * k) * (1 + 0.05 * day * (day % 3)) for j, c in
                 enumerate(cols)}
            v["time"], v["time_d"] = day * 86400, day
            v["cpa"] = 0.05 + 0.01 * k + 0.02 * day * (day % 2) - 0.003 * day
            f.write(",".join(f"{v[c]:.10g}" for c in use) + "\n")
EOF

# Exactly the files asked for, and their paths on stdout.
out=$("$py" "$tool" "$tmp/untreated" "$tmp/msc" "$tmp/ev" --plots cpa,ev --format png,svg \
      --out-dir "$tmp/plots" --title "synthetic" --dpi 200)
echo "$out"
want=$(printf '%s\n' "$tmp/plots/cpa.png" "$tmp/plots/cpa.svg" "$tmp/plots/ev.png" "$tmp/plots/ev.svg")
[ "$(sort <<<"$out")" = "$(sort <<<"$want")" ] || { echo "FAILED: printed paths"; exit 1; }
[ "$(cd "$tmp/plots" && ls | sort | tr '\n' ' ')" = "cpa.png cpa.svg ev.png ev.svg " ] \
  || { echo "FAILED: files written: $(ls "$tmp/plots")"; exit 1; }
for f in cpa ev; do
  head -c 8 "$tmp/plots/$f.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" \
    || { echo "FAILED: $f.png is not a PNG"; exit 1; }
  # Not blank: the three runs' curves in their colours (measured with matplotlib 3.6 at 200 dpi:
  # 2704 and 1531 colours, 4.9 and 3.0% of the pixels coloured; the axes, text and injury
  # shading alone are black and grey).
  "$py" "$(dirname "$0")/check_png.py" "$tmp/plots/$f.png" --colours 300 --drawn 0.03 --coloured 0.007 \
    || { echo "FAILED: $f.png pixels"; exit 1; }
  # The resolution asked for, in the PNG's pHYs chunk (pixels per metre).
  "$py" - "$tmp/plots/$f.png" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
i = data.index(b"pHYs")
x, y, unit = struct.unpack(">IIB", data[i + 4:i + 13])
if unit != 1 or x != y or abs(x * 0.0254 - 200) > 0.5:
    print(f"FAILED: {sys.argv[1]}: {x * 0.0254:.2f} dpi, want 200")
    sys.exit(1)
EOF
done

"$py" - "$tmp/plots/cpa.svg" <<'EOF'
import re, sys
import xml.etree.ElementTree as ET
SVG = "{http://www.w3.org/2000/svg}"
def check(cond, what):
    if not cond:
        print(f"FAILED: {what}")
        sys.exit(1)
def points(g):
    p = g.find(SVG + "path")
    if p is None or not p.get("d"):
        return []
    return [tuple(map(float, xy)) for xy in re.findall(r"[ML] ([-\d.e]+) ([-\d.e]+)", p.get("d"))]
def colour(g):
    return re.search(r"stroke: (#[0-9a-f]{6})", g.find(SVG + "path").get("style")).group(1)
groups = {g.get("id"): g for g in ET.parse(sys.argv[1]).getroot().iter(SVG + "g") if g.get("id")}
series = sorted(i for i in groups if i.startswith("series_cpa_"))
print("data lines:", series)
check(series == ["series_cpa_run0", "series_cpa_run1", "series_cpa_run2"],
      f"one data line per run, got {series}")
for i in series:
    check(len(points(groups[i])) > 2, f"{i}: a path of {len(points(groups[i]))} points")
# Other curves (matplotlib's own ids line2d_N) outside the legend, whose handles are 3-point lines.
in_legend = {g.get("id") for lg in groups.values() if (lg.get("id") or "").startswith("legend_")
             for g in lg.iter(SVG + "g")}
stray = [i for i, g in groups.items()
         if i.startswith("line2d_") and i not in in_legend and len(points(g)) > 2]
check(not stray, f"data lines without their id: {stray}")
# Day -> x pixel, from the curves' ends (day 0 and day 10).
x0 = {points(groups[i])[0][0] for i in series}
x10 = {points(groups[i])[-1][0] for i in series}
check(len(x0) == 1 and len(x10) == 1, f"curves start/end at different x: {x0} {x10}")
x0, x10 = x0.pop(), x10.pop()
doses = sorted(i for i in groups if i.startswith("dose_cpa_"))
print("dose markers:", doses)
want = {"dose_cpa_run1_0": 4, "dose_cpa_run2_0": 4, "dose_cpa_run2_1": 6, "dose_cpa_run2_2": 8}
check(doses == sorted(want), f"dose markers {doses}, want {sorted(want)}")
for i, day in want.items():
    pts = points(groups[i])
    check(len(pts) == 2 and pts[0][0] == pts[1][0], f"{i}: not a vertical line: {pts}")
    x = x0 + (x10 - x0) * day / 10
    check(abs(pts[0][0] - x) < 0.01, f"{i}: at x {pts[0][0]}, day {day} is at {x:.3f}")
    run = i.split("_")[2]
    check(colour(groups[i]) == colour(groups[f"series_cpa_{run}"]),
          f"{i}: colour {colour(groups[i])}, its run's line {colour(groups['series_cpa_' + run])}")
print("cpa.svg: 3 data lines, 4 dose markers at days 4, 4, 6, 8 in their runs' colours")
# Dose labels: one per therapy entry, at the top of its first line, in its run's colour, on
# rows of their own (both runs dose on day 4).
def text_of(g):
    t = g.find(".//" + SVG + "text")
    return t, "".join(t.itertext())
labels = {i: text_of(groups[i]) for i in groups if i.startswith("doselabel_cpa_")}
print("dose labels:", {i: t for i, (_, t) in labels.items()})
want = {"doselabel_cpa_run1_0": "MSC 5×10⁵, portal vein",
        "doselabel_cpa_run2_0": "EV 1×10¹⁰, portal vein, 3× every 2 d"}
check({i: t for i, (_, t) in labels.items()} == want, f"dose labels, want {want}")
ys = []
for i, (el, _) in labels.items():
    run = i.split("_")[2]
    fill = re.search(r"fill: (#[0-9a-f]{6})", el.get("style")).group(1)
    check(fill == colour(groups[f"series_cpa_{run}"]), f"{i}: colour {fill}")
    x, y = float(el.get("x")), float(el.get("y"))
    line_x = points(groups[f"dose_cpa_{run}_0"])[0][0]
    check(0 < x - line_x < 6, f"{i}: at x {x}, its dose line at {line_x}")
    check(y < min(p[1] for g in series for p in points(groups[g])),
          f"{i}: at y {y}, not above the curves")
    ys.append(y)
check(abs(ys[0] - ys[1]) > 5, f"dose labels on the same row: y {ys}")
# The injury period, days 0-3, over the axes' height; its legend entry; the y label.
spans = [i for i in groups if i.startswith("injury_cpa_")]
check(spans == ["injury_cpa_0"], f"injury periods {spans}")
xs = [p[0] for p in points(groups["injury_cpa_0"])]
check(abs(min(xs) - x0) < 0.01 and abs(max(xs) - (x0 + (x10 - x0) * 0.3)) < 0.01,
      f"injury period from x {min(xs)} to {max(xs)}, want days 0 to 3")
texts = ["".join(t.itertext()) for t in ET.parse(sys.argv[1]).getroot().iter(SVG + "text")]
check("injury, pericentral, days 0–3" in texts, "no legend entry for the injury period")
check("CPA (%)" in texts, "no y label 'CPA (%)'")
print("cpa.svg: 2 dose labels on rows of their own, the injury period over days 0-3")
EOF

# The EV plot starts shortly before the first dose (day 4): on day 3.
"$py" - "$tmp/plots/ev.svg" <<'EOF'
import re, sys
import xml.etree.ElementTree as ET
SVG = "{http://www.w3.org/2000/svg}"
groups = {g.get("id"): g for g in ET.parse(sys.argv[1]).getroot().iter(SVG + "g") if g.get("id")}
for run in range(3):
    d = groups[f"series_ev_run{run}_cargo"].find(SVG + "path").get("d")
    n = len(re.findall(r"[ML] ", d))
    if n != 8:
        print(f"FAILED: series_ev_run{run}_cargo has {n} points, want 8 (days 3..10)")
        sys.exit(1)
print("ev.svg: days 3..10")
EOF

# Default plots: all four when every run has their columns; without cpa, the other three.
out=$("$py" "$tool" "$tmp/untreated" "$tmp/msc" "$tmp/ev" --format svg --out-dir "$tmp/all")
[ "$(cd "$tmp/all" && ls | sort | tr '\n' ' ')" = "cpa.svg cytokines.svg ev.svg zones.svg " ] \
  || { echo "FAILED: default plots: $(ls "$tmp/all")"; exit 1; }
out=$("$py" "$tool" "$tmp/msc" "$tmp/nocpa" --format png --out-dir "$tmp/some")
[ "$(cd "$tmp/some" && ls | sort | tr '\n' ' ')" = "cytokines.png ev.png zones.png " ] \
  || { echo "FAILED: default plots without cpa: $(ls "$tmp/some")"; exit 1; }

expect_fail "nocpa.*cpa plot: timeseries.csv has no column cpa" \
  "$tmp/msc" "$tmp/nocpa" --plots cpa --out-dir "$tmp/none"
[ ! -e "$tmp/none" ] || { echo "FAILED: files written for a failed request"; exit 1; }
expect_fail "no such directory" "$tmp/nowhere" --out-dir "$tmp/none"
expect_fail "--plots: unknown 'cap'" "$tmp/msc" --plots cap --out-dir "$tmp/none"
expect_fail "--format: unknown 'jpg'" "$tmp/msc" --format jpg --out-dir "$tmp/none"
expect_fail "2 --label for 1 runs" "$tmp/msc" --label a --label b --out-dir "$tmp/none"
expect_fail "--dpi 0: must be a positive number" "$tmp/msc" --dpi 0 --out-dir "$tmp/none"
"$py" "$tool" --help | grep -q "dots per inch"
echo "plot_timeseries: ok"
