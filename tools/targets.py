#!/usr/bin/env python3
"""Runs the liver model's scenarios and prints each calibration target of MODEL.md (1-4) with
its measured value and PASS/FAIL.

  python3 tools/targets.py                      # all targets, the scenarios as shipped
  python3 tools/targets.py --quick              # coarse time steps (the default ctest version)
  python3 tools/targets.py --only 3 --keep runs # one target; keep the run directories
  python3 tools/targets.py --set grid.spacing="20 um"   # passed to every run

Exit status: 0 when every target checked holds, 1 when one fails, 2 for bad arguments or a run
that fails. Needs only Python 3 and the lobule executable (--lobule, default build/lobule).
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Per scenario: the --set options of the quick version (longer steps, fewer outputs).
QUICK = {
    "healthy": ["time.end=7 d", "output.every=1 d"],
    "ccl4_4wk": ["time.dt=2 h"],
    "ccl4_12wk": ["output.every=4 d"],
}
# Outputs needed for each target's days: the quick 12-week run writes every 4 days (84 and 264
# are multiples of 4).
TARGET_SCENARIOS = {1: ["healthy"], 2: ["ccl4_4wk", "ccl4_12wk"], 3: ["ccl4_4wk"], 4: ["ccl4_12wk"]}


def fail(msg):
    print(f"targets.py: {msg}", file=sys.stderr)
    sys.exit(2)


def run_scenario(args, name, workdir):
    out = os.path.join(workdir, name)
    cmd = [args.lobule, "run", os.path.join(ROOT, "inputs", name + ".yaml"), "-o", out, "--quiet",
           "--set", "output.fields=[hep, collagen, collagen_x]"]
    for s in (QUICK.get(name, []) if args.quick else []) + args.set:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{' '.join(cmd)} failed with exit {r.returncode}:\n{r.stdout}{r.stderr}")
    rows = {}
    with open(os.path.join(out, "timeseries.csv")) as f:
        for row in csv.DictReader(f):
            rows[round(float(row["time_d"]), 6)] = {k: float(v) for k, v in row.items()}
    return rows


def at(rows, day, scenario):
    if day not in rows:
        fail(f"{scenario}: no output at day {day} (outputs at {sorted(rows)[:5]}...)")
    return rows[day]


def scar(r):
    return r["collagen_mean"] + r["collagen_x_mean"]


def check(results, label, value, ok, want):
    results.append(ok)
    print(f"  {'PASS' if ok else 'FAIL'}  {label}: {value}  (target: {want})")


def target1(runs, results):
    rows = runs["healthy"]
    first = rows[min(rows)]
    worst, where = 0.0, ""
    for day, r in rows.items():
        for k, v in r.items():
            if k in ("time", "time_d"):
                continue
            v0 = first[k]
            dev = abs(v - v0) / abs(v0) if abs(v0) > 1e-6 else abs(v - v0) / 1e-6 * 0.01
            if dev > worst:
                worst, where = dev, f"{k} at day {day:g}"
    check(results, "1 homeostasis, largest drift of a column from day 0",
          f"{100 * worst:.3g}% ({where})", worst <= 0.01, "<= 1% (1e-6 absolute from 0)")
    cpa = max(r["cpa"] for r in rows.values())
    check(results, "1 homeostasis, CPA", f"{100 * cpa:.3g}%", cpa < 0.03, "< 3%")


def target2(runs, results):
    r28 = at(runs["ccl4_4wk"], 28, "ccl4_4wk")
    check(results, "2 injury, ccl4_4wk CPA at day 28", f"{100 * r28['cpa']:.3g}%",
          0.05 <= r28["cpa"] <= 0.15, "5-15%")
    ratio = r28["collagen_zone3"] / max(r28["collagen_zone1"], 1e-30)
    check(results, "2 injury, ccl4_4wk collagen_zone3 / collagen_zone1 at day 28", f"{ratio:.3g}",
          ratio > 2, "> 2")
    r84 = at(runs["ccl4_12wk"], 84, "ccl4_12wk")
    check(results, "2 injury, ccl4_12wk CPA at day 84", f"{100 * r84['cpa']:.3g}%",
          0.13 <= r84["cpa"] <= 0.45, "13-45%")


def target3(runs, results):
    rows = runs["ccl4_4wk"]
    base, r28, r31, r56 = (at(rows, d, "ccl4_4wk") for d in (0, 28, 31, 56))
    fall = 1 - (scar(r56) - scar(base)) / max(scar(r28) - scar(base), 1e-30)
    check(results, "3 regression, fall of the excess collagen, days 28-56", f"{100 * fall:.3g}%",
          fall >= 0.70, ">= 70%")
    hsc = r28["hsc_mean"] / max(r56["hsc_mean"], 1e-30)
    check(results, "3 regression, hsc_mean day 28 / day 56", f"{hsc:.3g}-fold", hsc >= 8, ">= 8-fold")
    check(results, "3 regression, timp_mean day 31 vs day 28",
          f"{r31['timp_mean']:.4g} vs {r28['timp_mean']:.4g}", r31["timp_mean"] < r28["timp_mean"],
          "lower")
    q31, q28 = r31["mmp_mean"] / r31["timp_mean"], r28["mmp_mean"] / r28["timp_mean"]
    check(results, "3 regression, mmp/timp day 31 vs day 28", f"{q31:.4g} vs {q28:.4g}", q31 > q28,
          "higher")


def target4(runs, results):
    rows = runs["ccl4_12wk"]
    r84, r264 = at(rows, 84, "ccl4_12wk"), at(rows, 264, "ccl4_12wk")
    share = r264["cpa"] / max(r84["cpa"], 1e-30)
    check(results, "4 incomplete regression, CPA day 264 / day 84", f"{100 * share:.3g}%",
          share >= 0.25, ">= 25%")
    x = r264["collagen_x_mean"] / max(scar(r264), 1e-30)
    check(results, "4 incomplete regression, cross-linked share at day 264", f"{100 * x:.3g}%",
          x >= 0.5, ">= 50%")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lobule", default=os.path.join(ROOT, "build", "lobule"), help="the lobule executable")
    p.add_argument("--quick", action="store_true", help="longer time steps (the default ctest version)")
    p.add_argument("--only", type=int, action="append", choices=[1, 2, 3, 4], help="check only these targets")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="passed to every run")
    p.add_argument("--keep", metavar="DIR", help="keep the run directories in DIR")
    args = p.parse_args()
    if not os.access(args.lobule, os.X_OK):
        fail(f"no lobule executable at {args.lobule} (build it, or give --lobule)")
    targets = sorted(set(args.only or [1, 2, 3, 4]))
    workdir = args.keep or tempfile.mkdtemp(prefix="lobule-targets-")
    os.makedirs(workdir, exist_ok=True)
    try:
        runs = {}
        for t in targets:
            for s in TARGET_SCENARIOS[t]:
                if s not in runs:
                    runs[s] = run_scenario(args, s, workdir)
        results = []
        print(f"liver model targets ({'quick' if args.quick else 'as shipped'}):")
        for t in targets:
            {1: target1, 2: target2, 3: target3, 4: target4}[t](runs, results)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"{sum(results)} of {len(results)} checks pass")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
