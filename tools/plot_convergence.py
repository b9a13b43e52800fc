#!/usr/bin/env python3
"""Plots a convergence study (tools/convergence.py --out DIR): each target figure against the
voxel size (left) and the time step (right), as a ratio to its finest-grid or shortest-step
value, with the wanted tolerances shaded (5 % and 10 %). A figure that converges runs flat into
1 at the left end of each panel; one that drifts says so at a glance.

  .venv/bin/python tools/plot_convergence.py results/convergence/convergence.csv \\
      --out docs/images/convergence.png

Needs matplotlib (the project's .venv, tools/install-deps.sh). Exit status: 0 when the plot
was written, 2 for a missing or malformed CSV.
"""
import argparse
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROG = "plot_convergence.py"


def fail(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(2)


def read(path):
    """{run label: {figure: value}} in file order; ValueError naming what is wrong."""
    if not os.path.isfile(path):
        raise ValueError(f"no {path} (tools/convergence.py --out DIR writes DIR/convergence.csv)")
    runs = {}
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or set(rows[0]) != {"run", "figure", "value"}:
        raise ValueError(f"{path}: want the columns run, figure, value")
    for n, r in enumerate(rows, start=2):
        try:
            runs.setdefault(r["run"], {})[r["figure"]] = float(r["value"])
        except (TypeError, ValueError):
            raise ValueError(f"{path} line {n}: {r.get('value')!r} is not a number") from None
    return runs


def series(runs, unit):
    """[(x, label, figures)] of the runs whose label is '<x> um' or 'dt <x> <unit>'."""
    out = []
    for label, fig in runs.items():
        parts = label.split()
        if unit == "um" and len(parts) == 2 and parts[1] == "um":
            out.append((float(parts[0]), label, fig))
        elif unit == "min" and len(parts) == 3 and parts[0] == "dt":
            x = float(parts[1]) * (60 if parts[2] == "h" else 1)
            out.append((x, label, fig))
    return sorted(out)


def panel(ax, points, xlabel, title):
    ax.axhspan(0.9, 1.1, color="0.92", lw=0)
    ax.axhspan(0.95, 1.05, color="0.85", lw=0)
    ax.axhline(1.0, color="0.4", lw=0.8)
    if not points:
        ax.text(0.5, 0.5, "not measured", transform=ax.transAxes, ha="center")
        return
    ref = points[0][2]  # the finest grid, the shortest step
    names = [n for n in sorted(ref) if ref[n] != 0]  # a reference of 0 has no ratio
    for name in names:
        xs = [p[0] for p in points if name in p[2]]
        ys = [p[2][name] / ref[name] for p in points if name in p[2]]
        ax.plot(xs, ys, marker="o", ms=3, label=name)
    ax.set_xlabel(xlabel)
    if ax.get_subplotspec().is_first_col():
        ax.set_ylabel("figure / its reference")
    ax.set_title(title)
    ax.set_xticks([p[0] for p in points])


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("csv", help="convergence.csv of tools/convergence.py --out")
    p.add_argument("--out", default="convergence.png", help="the picture (png, svg or pdf)")
    p.add_argument("--dpi", type=int, default=300)
    a = p.parse_args()
    try:
        runs = read(a.csv)
    except ValueError as e:
        fail(str(e))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.style.use(os.path.join(HERE, "lobule.mplstyle"))
    plt.rcParams["figure.constrained_layout.use"] = False  # room for the legend, below
    grid, steps = series(runs, "um"), series(runs, "min")
    fig, (left, right) = plt.subplots(1, 2, figsize=(183 / 25.4, 100 / 25.4), sharey=True)
    panel(left, grid, "voxel size [µm]", f"grid (reference {grid[0][0]:g} µm)" if grid else "grid")
    panel(right, steps, "time step [min]",
          f"time step (reference {steps[0][0]:g} min)" if steps else "time step")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=6, frameon=False)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.93, bottom=0.3, wspace=0.06)
    fig.savefig(a.out, dpi=a.dpi)
    print(f"{PROG}: wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
