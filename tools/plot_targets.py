#!/usr/bin/env python3
"""Plots the liver model's calibration runs against targets 2-4 of MODEL.md, from the run
directories that `tools/targets.py --keep DIR` leaves (DIR/ccl4_4wk, DIR/ccl4_12wk):

  python3 tools/targets.py --keep runs && python3 tools/plot_targets.py runs --out targets.png

Three panels: CPA over time in both scenarios with the target windows (target 2, and the
25 % of day 84 that target 4 asks at day 264); the 12-week scar split into fibrillar and
cross-linked collagen (target 4); activated HSCs and the MMP/TIMP ratio of the 4-week run on a
log scale (target 3). Needs matplotlib (Debian: python3-matplotlib). Exit status 0, or 2 for a
missing run or column.
"""
import argparse
import os
import sys


def fail(msg):
    print(f"plot_targets.py: {msg}", file=sys.stderr)
    sys.exit(2)


def read(run_dir):
    path = os.path.join(run_dir, "timeseries.csv")
    if not os.path.isfile(path):
        fail(f"no {path} (run tools/targets.py --keep DIR first)")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from lobule_results import read_csv_rows  # drops a last row cut short by a full disk
    table = read_csv_rows(path)
    header = table[0] if table else []
    for n, r in enumerate(table[1:], start=2):
        if r and len(r) != len(header):
            fail(f"{path} line {n}: {len(r)} values for {len(header)} columns")
    rows = [dict(zip(header, r)) for r in table[1:] if r]
    if not rows:
        fail(f"{path} has no rows")
    cols = {k: [float(r[k]) for r in rows] for k in rows[0]}
    for k in ("time_d", "cpa", "collagen_mean", "collagen_x_mean", "hsc_mean", "mmp_mean", "timp_mean"):
        if k not in cols:
            fail(f"{path} has no column {k}")
    return cols


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", help="the directory tools/targets.py --keep wrote")
    p.add_argument("--out", default="liver_targets.png", help="the image to write (.png, .svg, .pdf)")
    args = p.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail("matplotlib is not installed (Debian: apt-get install python3-matplotlib)")
    wk4 = read(os.path.join(args.runs, "ccl4_4wk"))
    wk12 = read(os.path.join(args.runs, "ccl4_12wk"))

    fig, ax = plt.subplots(1, 3, figsize=(14, 4.2), constrained_layout=True)
    # Target 2 and 4: CPA with the windows.
    a = ax[0]
    a.plot(wk4["time_d"], [100 * c for c in wk4["cpa"]], label="ccl4_4wk")
    a.plot(wk12["time_d"], [100 * c for c in wk12["cpa"]], label="ccl4_12wk")
    a.add_patch(plt.Rectangle((27, 5), 2, 10, color="C0", alpha=0.25, label="target 2: day 28"))
    a.add_patch(plt.Rectangle((83, 13), 2, 32, color="C1", alpha=0.25, label="target 2: day 84"))
    day84 = min(range(len(wk12["time_d"])), key=lambda i: abs(wk12["time_d"][i] - 84))
    floor = 25 * wk12["cpa"][day84]
    a.plot([260, 268], [floor, floor], color="C3", lw=3, label="target 4: ≥ 25 % of day 84")
    a.set(xlabel="time [d]", ylabel="CPA [% of tissue]", title="Collagen proportionate area")
    a.legend(fontsize=8)
    # Target 4: what the 12-week scar is made of.
    a = ax[1]
    a.plot(wk12["time_d"], wk12["collagen_mean"], label="fibrillar (collagen_mean)")
    a.plot(wk12["time_d"], wk12["collagen_x_mean"], label="cross-linked (collagen_x_mean)")
    a.axvline(84, color="grey", ls=":", lw=1)
    a.set(xlabel="time [d]", ylabel="mean over tissue [scar density]",
          title="ccl4_12wk: scar that stays is cross-linked")
    a.legend(fontsize=8)
    # Target 3: the cells and the protease balance during regression.
    a = ax[2]
    a.semilogy(wk4["time_d"], wk4["hsc_mean"], label="hsc_mean")
    a.semilogy(wk4["time_d"], [m / t for m, t in zip(wk4["mmp_mean"], wk4["timp_mean"])],
               label="mmp_mean / timp_mean")
    a.axvline(28, color="grey", ls=":", lw=1)
    a.set(xlabel="time [d]", title="ccl4_4wk: regression after the injury stops")
    a.legend(fontsize=8)
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
