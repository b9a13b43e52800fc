#!/usr/bin/env python3
"""Dose-response of the therapy arms (docs/therapy.md, "Dose-response"): runs the MSC and EV
dose sweeps (inputs/sweeps/msc_dose.yaml, inputs/sweeps/ev_dose.yaml: portal doses at day 84,
followed to day 264) and the untreated arm to the same day, then tabulates per dose the CPA at
day 112, the mean scar C = collagen + collagen_x at day 112 and its share of the untreated
arm's excess, and the time to halve the excess scar, and plots them.

  .venv/bin/python tools/dose_response.py --work runs/dose --out docs/images/dose_response.png \\
      --table docs/dose_response.md

The excess scar is C − C_healthy (C_healthy: the scenario's day-0 value, the healthy start);
the time to halve it counts from the dose (day 84) to the first day where the excess is at
most half its value at the dose (linear between daily rows), "> 180 d" when it does not halve
by day 264. Runs already in --work are reused (the sweeps skip finished points; the untreated
run is kept). Needs the project's Python (.venv: numpy, PyYAML, matplotlib) and a built
lobule (LOBULE_BUILD_DIR or build/). Exit status 0, 1 when a run failed, 2 for bad input.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

from lobule.results import Run  # noqa: E402
from lobule.runner import RunError, run  # noqa: E402
from lobule.sweep import sweep  # noqa: E402

DOSE_DAY, READ_DAY, END_DAY = 84.0, 112.0, 264.0
ARMS = (("MSC, portal vein", "msc_dose.yaml", "cells"), ("EV, portal vein", "ev_dose.yaml",
                                                         "particles"))


def scar(series, i):
    return series["collagen_mean"][i] + series["collagen_x_mean"][i]


def row_at(series, day):
    days = series["time_d"]
    for i, d in enumerate(days):
        if abs(d - day) < 1e-6:
            return i
    raise SystemExit(f"dose_response.py: no row at day {day:g} (days {days[0]:g}..{days[-1]:g})")


def halving_days(series, healthy):
    """Days from the dose until the excess scar is half its value at the dose (None: never)."""
    days = series["time_d"]
    i0 = row_at(series, DOSE_DAY)
    half = 0.5 * (scar(series, i0) - healthy)
    prev = None
    for i in range(i0, len(days)):
        e = scar(series, i) - healthy
        if e <= half:
            if prev is None:
                return 0.0
            d0, e0 = prev
            return d0 + (days[i] - d0) * (e0 - half) / (e0 - e) - DOSE_DAY
        prev = (days[i], e)
    return None


def figures(series, healthy, untreated_excess):
    i = row_at(series, READ_DAY)
    c = scar(series, i)
    return {"cpa": series["cpa"][i], "scar": c,
            "excess_share": (c - healthy) / untreated_excess if untreated_excess > 0 else None,
            "halve": halving_days(series, healthy)}


def untreated_run(work):
    out = os.path.join(work, "untreated")
    if os.path.exists(os.path.join(out, "timeseries.csv")):
        return Run(out)
    try:
        return run(os.path.join(ROOT, "inputs", "regression_untreated.yaml"), out,
                   overrides={"time.end": f"{END_DAY:g} d"}, engine="executable")
    except RunError as e:
        print(f"dose_response.py: the untreated run ({out}) failed: {e}", file=sys.stderr)
        raise SystemExit(1)


def fmt_halve(h):
    return f"> {END_DAY - DOSE_DAY:g} d" if h is None else f"{h:.1f} d"


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", default=os.path.join("results", "dose_response"),
                   help="where the runs go (reused when there)")
    p.add_argument("--out", help="the plot (.png, .svg or .pdf)")
    p.add_argument("--table", help="write the table (markdown) here too")
    p.add_argument("--jobs", type=int, default=None, help="sweep runs at a time")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    untreated = untreated_run(a.work)
    us = untreated.series
    healthy = scar(us, 0)
    untreated_excess = scar(us, row_at(us, READ_DAY)) - healthy
    u = figures(us, healthy, untreated_excess)
    rows = [("untreated", "—", u)]
    curves = {}
    failed = False
    for label, path, unit in ARMS:
        res = sweep(os.path.join(ROOT, "inputs", "sweeps", path),
                    out=os.path.join(a.work, os.path.splitext(path)[0]), jobs=a.jobs)
        pts = []
        for pt in res.points:
            if pt["status"] != "done":
                failed = True
                print(f"dose_response.py: {label} {pt['name']}: {pt['error']}", file=sys.stderr)
                continue
            dose = pt["values"]["model.therapy[0].dose"]
            f = figures(Run(pt["path"]).series, healthy, untreated_excess)
            rows.append((label, f"{dose:.3g} {unit}", f))
            pts.append((dose, f))
        curves[label] = sorted(pts, key=lambda x: x[0])
    lines = [f"| arm | dose | CPA day {READ_DAY:g} | scar C day {READ_DAY:g} | excess scar, share "
             "of untreated | time to halve the excess scar |", "|---|---|---|---|---|---|"]
    for label, dose, f in rows:
        share = "—" if f["excess_share"] is None else f"{100 * f['excess_share']:.1f} %"
        lines.append(f"| {label} | {dose} | {100 * f['cpa']:.2f} % | {f['scar']:.4f} | {share} | "
                     f"{fmt_halve(f['halve'])} |")
    table = "\n".join(lines)
    print(table)
    print(f"(healthy scar C {healthy:.4f}; untreated excess at day {READ_DAY:g}: "
          f"{untreated_excess:.4f})")
    if a.table:
        with open(a.table, "w") as fh:
            fh.write(table + "\n")
    if a.out:
        plot(curves, u, a.out)
    return 1 if failed else 0


def plot(curves, u, out):
    """Rows: the arms (each dose in its own unit); columns: CPA and excess scar at day 112, the
    time to halve the excess scar; the untreated arm dashed."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    style = os.path.join(ROOT, "tools", "lobule.mplstyle")
    if os.path.exists(style):
        plt.style.use(style)
    fig, ax = plt.subplots(len(curves), 3, figsize=(183 / 25.4, 110 / 25.4),
                           constrained_layout=True, squeeze=False)
    span = END_DAY - DOSE_DAY
    untreated = (100 * u["cpa"], 100.0, span if u["halve"] is None else u["halve"])
    for r, (label, unit) in enumerate((a[0], a[2]) for a in ARMS):
        pts = curves.get(label, [])
        doses = [d for d, _ in pts]
        ys = ([100 * f["cpa"] for _, f in pts], [100 * f["excess_share"] for _, f in pts],
              [span if f["halve"] is None else f["halve"] for _, f in pts])
        names = (f"CPA at day {READ_DAY:g} (%)", f"excess scar at day {READ_DAY:g}\n(% of untreated)",
                 "days to halve the\nexcess scar after the dose")
        for c in range(3):
            axis = ax[r][c]
            axis.plot(doses, ys[c], marker="o", color=f"C{r}", label=label)
            axis.axhline(untreated[c], color="0.4", ls="--", label="untreated")
            axis.set_xscale("log")
            axis.set_xlabel(f"{label}: dose at day {DOSE_DAY:g} ({unit})")
            axis.set_ylabel(names[c])
            axis.text(-0.3, 1.02, "abcdef"[3 * r + c], transform=axis.transAxes,
                      fontweight="bold")
        ax[r][2].legend(frameon=False)
    fig.savefig(out, dpi=200)


if __name__ == "__main__":
    sys.exit(main())
