#!/usr/bin/env bash
# tools/compare_runs.py on three synthetic run directories with known numbers, checked in both
# the CSV and the Markdown table:
#   ev6h       EV dose on day 2, outputs every 6 h: CPA 10 % -> 4 % (-6 pp, -60 %); the excess
#              scar (over day 0's 0.2) is 0.8 at day 2 and first falls to <= 0.4 on day 5.25
#              (0.35: halved after 3.25 d; the rows before stay >= 0.5, and the total scar
#              would halve only on day 5.75); hep_mean 0.8765 at the end; at day 2.25 (6 h after
#              the dose) ev_septum_mean / ev_parenchyma_mean = 0.03 / 0.12 = 0.25 (other rows
#              give 0.5).
#   daily      MSC dose on day 1 and an EV dose on day 3, daily outputs: no output within 1 h
#              of day 3.25, so EV penetration n/a; constant scar: not reached.
#   untreated  no dose: starts at the earliest first dose of the others (day 1), marked; CPA
#              2 % -> 7 % (+5 pp, +250 %).
# Then --start 2 for every run, no dose anywhere (exit 2 asking for --start), a missing column
# (exit 2), --help.
#   test_compare_runs.sh LOBULE_EXE SOURCE_DIR   (exit 77 = skipped: no Python with numpy and
#                                                 PyYAML; LOBULE_EXE unused)
set -euo pipefail
src=$2
. "$(dirname "$0")/common.sh"
python_with numpy yaml
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tool=$src/tools/compare_runs.py

"$py" - "$tmp" "$src/tools" <<'EOF'
import os, sys
tmp = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from lobule_results import LIVER_COLUMNS as cols
def dose(agent, at_s, count=None):
    s = (f"    - agent: {agent}\n      dose: 1000\n      at: {at_s} s\n"
         f"      route: portal_vein\n")
    return s + (f"      repeat:\n        every: 86400 s\n        count: {count}\n" if count else "")
def write(name, therapy, days, row):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    with open(os.path.join(d, "config.yaml"), "w") as f:
        f.write("# Resolved configuration written by lobule; units are um and s.\n"
                f"name: {name}\nmodel:\n  name: liver_fibrosis\n  therapy:\n"
                + (therapy or "    []\n"))
    with open(os.path.join(d, "timeseries.csv"), "w") as f:
        f.write(",".join(cols) + "\n")
        for i, t in enumerate(days):
            v = dict.fromkeys(cols, 0.01)
            v.update(time=t * 86400, time_d=t, hep_mean=0.9, ev_septum_mean=0.05,
                     ev_parenchyma_mean=0.1)
            row(v, t, i == len(days) - 1)
            f.write(",".join(f"{v[c]:.10g}" for c in cols) + "\n")
def split(v, scar):
    v["collagen_mean"], v["collagen_x_mean"] = 0.75 * scar, 0.25 * scar

def ev6h(v, t, last):
    v["cpa"] = 0.02 + 0.04 * t if t <= 2 else 0.10 - 0.015 * (t - 2)
    if t <= 2:
        excess = 0.4 * t
    elif t < 5.25:
        excess = 0.8 - 0.1 * (t - 2)
    elif t < 5.75:  # halved; the total scar 0.55 is not yet half of the 1.0 at the start
        excess = 0.35
    else:
        excess = 0.2
    split(v, 0.2 + excess)
    if t == 2.25:
        v["ev_septum_mean"], v["ev_parenchyma_mean"] = 0.03, 0.12
    if last:
        v["hep_mean"] = 0.8765
write("ev6h", dose("ev", 172800), [k / 4 for k in range(25)], ev6h)

def daily(v, t, last):
    v["cpa"] = 0.1
    split(v, 0.2 + (0.5 if t >= 1 else 0))
    if last:
        v["hep_mean"] = 0.95
write("daily", dose("msc", 86400) + dose("ev", 259200, 2), list(range(7)), daily)

def untreated(v, t, last):
    v["cpa"] = 0.01 * (t + 1)
    split(v, 0.2 + 0.1 * t)
    if last:
        v["hep_mean"] = 0.5
write("untreated", None, list(range(7)), untreated)
EOF

"$py" "$tool" "$tmp/ev6h" "$tmp/daily" "$tmp/untreated" --csv "$tmp/table.csv" > "$tmp/table.md"
"$py" "$tool" "$tmp/ev6h" "$tmp/daily" "$tmp/untreated" --markdown "$tmp/table2.md"
cat "$tmp/table.md" "$tmp/table.csv"
cmp -s "$tmp/table.md" "$tmp/table2.md" || { echo "FAILED: --markdown FILE differs from stdout"; exit 1; }

"$py" - "$tmp/table.csv" "$tmp/table.md" <<'EOF'
import csv, sys
def check(cond, what):
    if not cond:
        print(f"FAILED: {what}")
        sys.exit(1)
NR, NA = "not reached", "n/a"
OTHERS = "earliest dose of the compared runs"
# run -> CSV column -> expected (a number, or a string)
want = {
    "ev6h": dict(start_d=2, start_from="first dose", end_d=6, cpa_start_pct=10, cpa_end_pct=4,
                 cpa_change_pp=-6, cpa_change_rel_pct=-60, scar_half_d=3.25, hep_end=0.8765,
                 ev_penetration=0.25, ev_penetration_at_d=2.25),
    "daily": dict(start_d=1, start_from="first dose", end_d=6, cpa_start_pct=10,
                  cpa_end_pct=10, cpa_change_pp=0, cpa_change_rel_pct=0, scar_half_d=NR,
                  hep_end=0.95, ev_penetration=NA, ev_penetration_at_d=NA),
    "untreated": dict(start_d=1, start_from=OTHERS, end_d=6, cpa_start_pct=2, cpa_end_pct=7,
                      cpa_change_pp=5, cpa_change_rel_pct=250, scar_half_d=NR, hep_end=0.5,
                      ev_penetration=NA, ev_penetration_at_d=NA),
}
with open(sys.argv[1]) as f:
    rows = {r["run"]: r for r in csv.DictReader(f)}
check(sorted(rows) == sorted(want), f"CSV runs {sorted(rows)}")
for run, cols in want.items():
    for col, v in cols.items():
        got = rows[run][col]
        if isinstance(v, str):
            check(got == v, f"CSV {run}.{col} = {got!r}, want {v!r}")
        else:
            check(abs(float(got) - v) <= 1e-9 * max(1, abs(v)), f"CSV {run}.{col} = {got}, want {v}")
print("CSV: as expected")
# Markdown: the cells as shown.
md_want = {
    "ev6h": ["2", "10.00", "4.00", "-6.00", "-60.0", "3.25", "0.8765", "0.25"],
    "daily": ["1", "10.00", "10.00", "+0.00", "+0.0", NR, "0.9500", NA],
    "untreated": ["1 †", "2.00", "7.00", "+5.00", "+250.0", NR, "0.5000", NA],
}
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
table = [[c.strip() for c in l.strip().strip("|").split("|")] for l in lines if l.startswith("|")]
check(table[0][0] == "run" and len(table[0]) == 9, f"header {table[0]}")
check(set(table[1][0]) <= set("-:"), "the separator row")
got = {r[0]: r[1:] for r in table[2:]}
check(sorted(got) == sorted(md_want), f"Markdown runs {sorted(got)}")
for run, cells in md_want.items():
    check(got[run] == cells, f"Markdown {run}: {got[run]}, want {cells}")
check(any(l.startswith("† ") and "earliest first dose" in l for l in lines), "the † note")
print("Markdown: as expected")
EOF

# --start for every run: untreated and daily start on day 2 as well.
out=$("$py" "$tool" "$tmp/ev6h" "$tmp/daily" "$tmp/untreated" --start 2)
echo "$out"
grep -q "^| untreated | 2 | 3.00 | 7.00 | +4.00 | +133.3 | not reached | 0.5000 | n/a |$" <<<"$out"
grep -q "^| ev6h | 2 | 10.00 | 4.00 | -6.00 | -60.0 | 3.25 | 0.8765 | 0.25 |$" <<<"$out"
if grep -q "†" <<<"$out"; then echo "FAILED: † with --start"; exit 1; fi

expect_fail "no run has a therapy dose.*--start" "$tmp/untreated"
"$py" "$tool" "$tmp/untreated" --start 1 | grep -q "^| untreated | 1 | 2.00 | 7.00 |"
sed -i 's/,hep_mean,/,hep_mass,/' "$tmp/daily/timeseries.csv"
expect_fail "daily/timeseries.csv has no column 'hep_mean'" "$tmp/ev6h" "$tmp/daily"
expect_fail "no such directory" "$tmp/nowhere"
expect_fail "after its last output" "$tmp/ev6h" --start 30
"$py" "$tool" --help >/dev/null
echo "compare_runs: ok"
