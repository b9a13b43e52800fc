#!/usr/bin/env python3
"""Runs the liver model's scenarios and prints each calibration target of MODEL.md (1-5) with
its measured value and PASS/FAIL.

Target 5 (therapy) compares the arms at their end (day 112): CPA for MSC portal against
untreated; for the orderings (IV between none and portal; EVs below MSC portal, growing with
dose and repetition) the mean scar C = collagen_mean + collagen_x_mean, whose changes are
continuous where CPA counts voxels. Its quick version runs the untreated scenario once and
starts every arm from its day-84 state (the arms share those 84 days), 28 days each.

  python3 tools/targets.py                      # all targets, the scenarios as shipped
  python3 tools/targets.py --quick              # coarse time steps (the default ctest version)
  python3 tools/targets.py --only 3 --keep runs # one target; keep the run directories
  python3 tools/targets.py --set grid.spacing="20 um"   # passed to every run
  python3 tools/targets.py --quick --only 5 --seeds 20  # MSC arms as whole cells, mean of 20 seeds
  python3 tools/targets.py --inputs inputs/production   # the production lobule (a GPU's work)

Every figure is also a regression value: with --regression FILE each must lie within 2 % of the
value pinned in FILE (tests/data/liver_regression.csv, one row per mode, quick or full, and
figure), so that a model change that moves a figure inside its target window is still seen.
When a change is meant to move them, tools/regen_regression.sh (--write-regression FILE) pins
the new values.

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
INPUTS = os.path.join(ROOT, "inputs")  # the shipped scenarios (--inputs)

# Per scenario: the --set options of the quick version (longer steps, fewer outputs).
QUICK = {
    "healthy": ["time.end=7 d", "output.every=1 d"],
    "ccl4_4wk": ["time.dt=2 h"],
    "ccl4_12wk": ["output.every=4 d"],
}
# Outputs needed for each target's days: the quick 12-week run writes every 4 days (84 and 264
# are multiples of 4).
TARGET_SCENARIOS = {1: ["healthy"], 2: ["ccl4_4wk", "ccl4_12wk"], 3: ["ccl4_4wk"], 4: ["ccl4_12wk"],
                    5: []}
# Target 5's arms: name -> (scenario, extra --set options). The EV dose is 1e10 as shipped.
ARMS = {
    "untreated": ("regression_untreated", []),
    "msc_portal": ("msc_portal", []),
    "msc_iv": ("msc_iv", []),
    "ev_1e9": ("ev_portal", ["model.therapy[0].dose=1e9"]),
    "ev_portal": ("ev_portal", ["output.every=6 h"]),
    "ev_1e11": ("ev_portal", ["model.therapy[0].dose=1e11"]),
    "ev_repeated": ("ev_repeated", []),
}
THERAPY_DAY = 84
# The regression values: relative tolerance, and the figures of this invocation (name -> value).
REGRESSION_TOLERANCE = 0.02
FIGURES = {}


def fail(msg):
    print(f"targets.py: {msg}", file=sys.stderr)
    sys.exit(2)


def run_scenario(args, name, workdir, extra=(), out_name=None, quick=None):
    out = os.path.join(workdir, out_name or name)
    cmd = [args.lobule, "run", os.path.join(args.inputs, name + ".yaml"), "-o", out, "--quiet",
           "--set", "output.fields=[hep, collagen, collagen_x]"]
    if quick is None:
        quick = QUICK.get(name, []) if args.quick else []
    for s in quick + list(extra) + args.set:
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


def check(results, label, value, ok, want, **figures):
    """One target check; `figures` (name=value) are the numbers behind it, kept as regression
    values under "<target>.<name>"."""
    results.append(ok)
    print(f"  {'PASS' if ok else 'FAIL'}  {label}: {value}  (target: {want})")
    for name, v in figures.items():
        FIGURES[f"{label.split()[0]}.{name}"] = float(v)


def read_pins(path):
    """{(mode, figure): value} from a regression file (mode,figure,value rows)."""
    pins = {}
    if os.path.exists(path):
        with open(path) as f:
            for row in csv.DictReader(row for row in f if not row.startswith("#")):
                pins[(row["mode"], row["figure"])] = float(row["value"])
    return pins


def check_regression(path, mode, results):
    pins = read_pins(path)
    if not pins:
        fail(f"no regression values in {path} (tools/regen_regression.sh writes them)")
    print(f"regression values ({mode}, within {100 * REGRESSION_TOLERANCE:g}% of {path}):")
    for name, v in sorted(FIGURES.items()):
        pinned = pins.get((mode, name))
        if pinned is None:
            results.append(False)
            print(f"  FAIL  {name}: {v:.6g}, not pinned (tools/regen_regression.sh pins it)")
            continue
        ok = abs(v - pinned) <= REGRESSION_TOLERANCE * abs(pinned) + 1e-12
        results.append(ok)
        dev = (v - pinned) / pinned if pinned else 0.0
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {v:.6g}  (pinned {pinned:.6g}, "
              f"{100 * dev:+.3g}%)")


def write_regression(path, mode):
    pins = read_pins(path)
    for name, v in FIGURES.items():
        pins[(mode, name)] = v
    with open(path, "w") as f:
        f.write("# Regression values of the liver targets (tools/targets.py --regression): each\n"
                "# figure must stay within 2% of its value here. Written by tools/regen_regression.sh;\n"
                "# regenerate when a model change is meant to move them, and say so in the commit.\n")
        f.write("mode,figure,value\n")
        for (m, name), v in sorted(pins.items()):
            f.write(f"{m},{name},{v:.9g}\n")
    print(f"wrote {len(FIGURES)} {mode} regression values to {path}")


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
          f"{100 * worst:.3g}% ({where})", worst <= 0.01, "<= 1% (1e-6 absolute from 0)",
          largest_drift=worst)
    cpa = max(r["cpa"] for r in rows.values())
    check(results, "1 homeostasis, CPA", f"{100 * cpa:.3g}%", cpa < 0.03, "< 3%", healthy_cpa=cpa)


def target2(runs, results):
    r28 = at(runs["ccl4_4wk"], 28, "ccl4_4wk")
    check(results, "2 injury, ccl4_4wk CPA at day 28", f"{100 * r28['cpa']:.3g}%",
          0.05 <= r28["cpa"] <= 0.15, "5-15%", ccl4_4wk_cpa_d28=r28["cpa"])
    ratio = r28["collagen_zone3"] / max(r28["collagen_zone1"], 1e-30)
    check(results, "2 injury, ccl4_4wk collagen_zone3 / collagen_zone1 at day 28", f"{ratio:.3g}",
          ratio > 2, "> 2", ccl4_4wk_zone3_over_zone1_d28=ratio)
    if "ccl4_12wk" not in runs:  # tools/convergence.py: the four-week figures alone
        return
    r84 = at(runs["ccl4_12wk"], 84, "ccl4_12wk")
    check(results, "2 injury, ccl4_12wk CPA at day 84", f"{100 * r84['cpa']:.3g}%",
          0.13 <= r84["cpa"] <= 0.45, "13-45%", ccl4_12wk_cpa_d84=r84["cpa"])


def target3(runs, results):
    rows = runs["ccl4_4wk"]
    base, r28, r31, r56 = (at(rows, d, "ccl4_4wk") for d in (0, 28, 31, 56))
    fall = 1 - (scar(r56) - scar(base)) / max(scar(r28) - scar(base), 1e-30)
    check(results, "3 regression, fall of the excess collagen, days 28-56", f"{100 * fall:.3g}%",
          fall >= 0.70, ">= 70%", excess_collagen_fall_d28_d56=fall)
    hsc = r28["hsc_mean"] / max(r56["hsc_mean"], 1e-30)
    check(results, "3 regression, hsc_mean day 28 / day 56", f"{hsc:.3g}-fold", hsc >= 8, ">= 8-fold",
          hsc_d28_over_d56=hsc)
    check(results, "3 regression, timp_mean day 31 vs day 28",
          f"{r31['timp_mean']:.4g} vs {r28['timp_mean']:.4g}", r31["timp_mean"] < r28["timp_mean"],
          "lower", timp_mean_d31=r31["timp_mean"], timp_mean_d28=r28["timp_mean"])
    q31, q28 = r31["mmp_mean"] / r31["timp_mean"], r28["mmp_mean"] / r28["timp_mean"]
    check(results, "3 regression, mmp/timp day 31 vs day 28", f"{q31:.4g} vs {q28:.4g}", q31 > q28,
          "higher", mmp_over_timp_d31=q31, mmp_over_timp_d28=q28)


def target4(runs, results):
    rows = runs["ccl4_12wk"]
    r84, r264 = at(rows, 84, "ccl4_12wk"), at(rows, 264, "ccl4_12wk")
    share = r264["cpa"] / max(r84["cpa"], 1e-30)
    check(results, "4 incomplete regression, CPA day 264 / day 84", f"{100 * share:.3g}%",
          share >= 0.25, ">= 25%", cpa_d264_over_d84=share)
    x = r264["collagen_x_mean"] / max(scar(r264), 1e-30)
    check(results, "4 incomplete regression, cross-linked share at day 264", f"{100 * x:.3g}%",
          x >= 0.5, ">= 50%", crosslinked_share_d264=x)


MSC_ARMS = ("msc_portal", "msc_iv")


def mean_rows(all_rows):
    """Each column's mean over runs, at the days every run has."""
    days = set.intersection(*(set(r) for r in all_rows))
    return {d: {k: sum(r[d][k] for r in all_rows) / len(all_rows) for k in all_rows[0][d]}
            for d in days}


def run_arm(args, arm, scenario, extra, workdir, quick=None):
    """One arm's rows; an MSC arm with --seeds N is its cells placed whole (placement: cells)
    with seeds 1..N, the rows the mean over seeds (the spread printed)."""
    if not (args.seeds and arm in MSC_ARMS):
        return run_scenario(args, scenario, workdir, extra, out_name=arm, quick=quick)
    seeds = []
    for k in range(1, args.seeds + 1):
        placed = list(extra) + ["model.therapy[0].placement=cells", f"model.therapy[0].seed={k}"]
        seeds.append(run_scenario(args, scenario, workdir, placed, out_name=f"{arm}_seed{k}",
                                  quick=quick))
    rows = mean_rows(seeds)
    end = max(rows)
    for name, f in (("CPA", lambda r: 100 * r["cpa"]), ("mean scar C", scar)):
        v = [f(r[end]) for r in seeds]
        m = sum(v) / len(v)
        sd = (sum((x - m) ** 2 for x in v) / len(v)) ** 0.5
        print(f"  {arm} over {len(v)} placement seeds, day {end:g}: {name} {m:.4g} +- {sd:.3g} "
              f"(min {min(v):.4g}, max {max(v):.4g})")
    return rows


def run_arms(args, workdir):
    """The runs of target 5 and the day on which each arm's doses start."""
    runs = {}
    if not args.quick:
        for arm, (scenario, extra) in ARMS.items():
            runs[arm] = run_arm(args, arm, scenario, extra, workdir)
        return runs, THERAPY_DAY
    # Quick: the untreated scenario to day 84 with every field written, then each arm from that
    # state for 28 days with its doses at day 0.
    run_scenario(args, "regression_untreated", workdir, out_name="to_day84",
                 quick=["time.end=84 d", "output.every=84 d", "output.fields=all"])
    start = os.path.join(workdir, "to_day84", "fields", "000001.vti")
    for arm, (scenario, extra) in ARMS.items():
        shift = [f"model.initial={{file: {start}}}", "model.injury=[]", "time.end=28 d"]
        if scenario != "regression_untreated":
            shift.append("model.therapy[0].at=0 d")
        runs[arm] = run_arm(args, arm, scenario, extra, workdir, quick=shift)
    return runs, 0


def target5(runs, results):
    arms, day0 = runs["therapy"]
    end = {arm: at(rows, day0 + 28, arm) for arm, rows in arms.items()}
    cpa_u, cpa_m = end["untreated"]["cpa"], end["msc_portal"]["cpa"]
    check(results, "5 therapy, CPA at the end: MSC portal / untreated",
          f"{100 * cpa_m:.3g}% / {100 * cpa_u:.3g}% = {cpa_m / max(cpa_u, 1e-30):.3g}",
          cpa_m <= 0.6 * cpa_u, "<= 0.6", cpa_untreated=cpa_u, cpa_msc_portal=cpa_m)
    c = {arm: scar(r) for arm, r in end.items()}
    check(results, "5 therapy, mean scar C at the end: MSC portal < MSC IV < untreated",
          f"{c['msc_portal']:.4g} < {c['msc_iv']:.4g} < {c['untreated']:.4g}",
          c["msc_portal"] < c["msc_iv"] < c["untreated"] and cpa_m <= end["msc_iv"]["cpa"] <= cpa_u,
          "IV between portal and none (CPA too, or equal)", cpa_msc_iv=end["msc_iv"]["cpa"],
          **{f"scar_{arm}": v for arm, v in c.items()})
    check(results, "5 therapy, mean scar C at the end: EV 1e9 > 1e10 > 1e11 doses",
          f"{c['ev_1e9']:.4g} > {c['ev_portal']:.4g} > {c['ev_1e11']:.4g}",
          c["untreated"] > c["ev_1e9"] > c["ev_portal"] > c["ev_1e11"], "growing with dose")
    check(results, "5 therapy, mean scar C at the end: EV weekly x4 < once; MSC portal < EV",
          f"{c['ev_repeated']:.4g} < {c['ev_portal']:.4g}; {c['msc_portal']:.4g} < "
          f"{min(c['ev_repeated'], c['ev_1e11']):.4g}",
          c["ev_repeated"] < c["ev_portal"] and c["msc_portal"] < min(c["ev_repeated"], c["ev_1e11"]),
          "repetition helps; EVs less than MSC portal")
    r6 = at(arms["ev_portal"], day0 + 0.25, "ev_portal")
    sep, par = r6["ev_septum_mean"], r6["ev_parenchyma_mean"]
    check(results, "5 therapy, EV penetration 6 h after the dose: septum / parenchyma",
          f"{sep:.4g} / {par:.4g} = {sep / max(par, 1e-30):.3g}", par > 0 and sep <= 0.5 * par,
          "<= 0.5", ev_septum_6h=sep, ev_parenchyma_6h=par)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lobule", default=os.path.join(ROOT, "build", "lobule"), help="the lobule executable")
    p.add_argument("--quick", action="store_true", help="longer time steps (the default ctest version)")
    p.add_argument("--only", type=int, action="append", choices=[1, 2, 3, 4, 5], help="check only these targets")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="passed to every run")
    p.add_argument("--keep", metavar="DIR", help="keep the run directories in DIR")
    p.add_argument("--inputs", default=INPUTS, metavar="DIR",
                   help="the scenario files (default inputs/; inputs/production for the "
                        "production lobule)")
    p.add_argument("--seeds", type=int, default=0, metavar="N",
                   help="target 5: place the MSC arms' cells whole (placement: cells) with seeds "
                        "1..N and read the arms from the mean over seeds")
    p.add_argument("--regression", metavar="FILE",
                   help="check every figure against the values pinned in FILE (within 2%%)")
    p.add_argument("--write-regression", metavar="FILE",
                   help="pin this invocation's figures in FILE (other modes and figures stay)")
    args = p.parse_args()
    changed = args.set or args.seeds or os.path.abspath(args.inputs) != INPUTS
    if changed and (args.regression or args.write_regression):
        fail("--set, --seeds and --inputs change the runs: their figures are no regression values")
    if not os.path.isdir(args.inputs):
        fail(f"--inputs {args.inputs}: no such folder")
    if args.seeds < 0:
        fail("--seeds: the number of placement seeds, 1 or more")
    if not os.access(args.lobule, os.X_OK):
        fail(f"no lobule executable at {args.lobule} (build it, or give --lobule)")
    targets = sorted(set(args.only or [1, 2, 3, 4, 5]))
    workdir = args.keep or tempfile.mkdtemp(prefix="lobule-targets-")
    os.makedirs(workdir, exist_ok=True)
    try:
        runs = {}
        for t in targets:
            for s in TARGET_SCENARIOS[t]:
                if s not in runs:
                    runs[s] = run_scenario(args, s, workdir)
            if t == 5:
                runs["therapy"] = run_arms(args, workdir)
        results = []
        print(f"liver model targets ({'quick' if args.quick else 'as shipped'}):")
        for t in targets:
            {1: target1, 2: target2, 3: target3, 4: target4, 5: target5}[t](runs, results)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    mode = "quick" if args.quick else "full"
    if args.regression:
        check_regression(args.regression, mode, results)
    if args.write_regression:
        write_regression(args.write_regression, mode)
    print(f"{sum(results)} of {len(results)} checks pass")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
