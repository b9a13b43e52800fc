#!/usr/bin/env python3
"""Grid and time-step convergence of the liver model's target figures (MODEL.md targets 1-3,
and 2's twelve-week CPA and 4 with --long): the same scenarios as tools/targets.py, each run
from its own healthy start, at several voxel sizes and time steps, in one table.

Every run uses the production lobule's cross-section (radius 300 um as shipped, plates 25 um,
sinusoids 7 um wide, drawn one voxel wide where the voxels are coarser) with volume fractions
(docs/geometry.md), 60 um high (2 voxels at 30 um, 12 at 5 um), so that only the spacing
changes between the rows. The time-step rows run at the coarsest spacing.

  python3 tools/convergence.py                          # 30, 20, 15, 10 um; dt 15 min, 1 h, 2 h
  python3 tools/convergence.py --spacings 30 20 --dts 1h 2h   # minutes (CTest tools.convergence)
  python3 tools/convergence.py --long --spacings 30 20 10      # + the 12-week scenario, target 4
  python3 tools/convergence.py --out results/convergence   # convergence_table.md and .csv there

Each figure is compared with the finest spacing's (and with the 15-minute step's): coarse
within 10 % (CPA within 1 point), the next finest within 5 %, the shipped 1-hour step within 5 %
of the 15-minute one; the table marks each. A figure that does not converge is reported, not
hidden: the exit status is 0 when every run gave every figure, 1 when a comparison fails and
--strict is given, 2 for bad arguments or a failed run. Needs Python 3 and the lobule executable.
"""
import argparse
import csv
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import targets as T  # noqa: E402  (the scenarios, their runs and their figures)

# The production cross-section at any spacing, with volume fractions; 60 um high.
COMMON = [
    "geometry.volume_fractions=true",
    "geometry.height=60 um",
    "geometry.sinusoids.plate_thickness=25 um",
    "geometry.sinusoids.allow_coarse=true",
]
# Figures that are CPA (a share of the tissue): compared in points as well as relative.
CPA_FIGURES = {"1.healthy_cpa", "2.ccl4_4wk_cpa_d28", "2.ccl4_12wk_cpa_d84"}
# Noise-floor figures (a largest drift near 1e-4) say nothing about convergence.
SKIP = {"1.largest_drift"}


def figures_for(lobule, sets, targets, workdir, tag):
    """Runs the targets' scenarios with `sets` and returns {figure: value}."""
    args = argparse.Namespace(lobule=lobule, quick=False, set=COMMON + sets, inputs=T.INPUTS)
    runs = {}
    scenarios = {"healthy", "ccl4_4wk"} | ({"ccl4_12wk"} if 4 in targets else set())
    for s in sorted(scenarios):
        runs[s] = T.run_scenario(args, s, os.path.join(workdir, tag))
    T.FIGURES.clear()
    results = []
    for t in targets:
        {1: T.target1, 2: T.target2, 3: T.target3, 4: T.target4}[t](runs, results)
    return {k: v for k, v in T.FIGURES.items() if k not in SKIP}


def relative(a, ref):
    """|a - ref| / |ref| (0 when both are 0, infinite when only ref is)."""
    if ref == 0:
        return 0.0 if a == 0 else math.inf
    return abs(a - ref) / abs(ref)


def verdict(name, value, ref, tolerance):
    """Within `tolerance` relative of ref, or, for a CPA figure, within 1 point.

    >>> verdict("2.ccl4_4wk_cpa_d28", 0.12, 0.125, 0.05)
    True
    >>> verdict("3.timp_mean_d28", 0.30, 0.35, 0.10)
    False
    """
    if name in CPA_FIGURES and abs(value - ref) <= 0.01:
        return True
    return relative(value, ref) <= tolerance


def parse_dt(text):
    """'15min', '1h', '2 h' -> the YAML time string and minutes.

    >>> parse_dt("15min")
    ('15 min', 15.0)
    >>> parse_dt("2h")
    ('2 h', 120.0)
    """
    t = text.replace(" ", "")
    for unit, minutes in (("min", 1.0), ("h", 60.0)):
        if t.endswith(unit):
            n = float(t[: -len(unit)])
            return f"{n:g} {unit}", n * minutes
    raise ValueError(f"time step {text!r}: give minutes or hours, e.g. 15min or 1h")


def table(rows, ref_of, tolerance_of):
    """Markdown: one column per row label, one line per figure, each value with its difference
    from its reference and a mark (ok / x)."""
    names = sorted({n for _, f in rows for n in f})
    out = ["| figure | " + " | ".join(label for label, _ in rows) + " |",
           "|---|" + "---|" * len(rows)]
    for n in names:
        cells = []
        for label, f in rows:
            v = f.get(n)
            ref = ref_of(label)
            if v is None:
                cells.append("—")
            elif ref is None or label == ref[0]:
                cells.append(f"{v:.4g}")
            else:
                r = ref[1].get(n)
                tol = tolerance_of(label)
                ok = r is not None and verdict(n, v, r, tol)
                cells.append(f"{v:.4g} ({100 * (v - r) / r if r else 0:+.1f} %{'' if ok else ' ✗'})")
        out.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lobule", default=None, help="the lobule executable (default: build/lobule, "
                   "else build-cpu/lobule)")
    p.add_argument("--spacings", nargs="*", type=float, default=[30, 20, 15, 10],
                   help="voxel sizes in um, coarse to fine (default 30 20 15 10)")
    p.add_argument("--dts", nargs="*", default=["15min", "1h", "2h"],
                   help="time steps at the coarsest spacing (default 15min 1h 2h; none: skip)")
    p.add_argument("--long", action="store_true", help="also the 12-week scenario (targets 2, 4)")
    p.add_argument("--out", default=None, help="folder for convergence_table.md and convergence.csv")
    p.add_argument("--keep", default=None, help="keep the runs in this folder")
    p.add_argument("--strict", action="store_true", help="exit 1 when a comparison fails")
    p.add_argument("--test", action="store_true", help="run the script's own doctests and stop")
    a = p.parse_args()
    if a.test:
        import doctest
        return 1 if doctest.testmod().failed else 0
    lobule = a.lobule
    if lobule is None:
        for b in ("build", "build-cpu"):
            c = os.path.join(T.ROOT, b, "lobule")
            if os.access(c, os.X_OK):
                lobule = c
                break
    if not lobule or not os.access(lobule, os.X_OK):
        T.fail("no lobule executable (build it, or give --lobule)")
    if not a.spacings or sorted(a.spacings, reverse=True) != a.spacings:
        T.fail("--spacings: give one or more voxel sizes, coarse to fine (e.g. 30 20 10)")
    try:
        dts = [parse_dt(d) for d in a.dts]
    except ValueError as e:
        T.fail(str(e))
    targets = [1, 2, 3] + ([4] if a.long else [])
    workdir = a.keep or tempfile.mkdtemp(prefix="lobule-convergence-")
    grid_rows, dt_rows = [], []
    for h in a.spacings:
        label = f"{h:g} um"
        print(f"convergence: {label} ...", flush=True)
        grid_rows.append((label, figures_for(lobule, [f"grid.spacing={h:g} um"], targets,
                                             workdir, f"h{h:g}")))
    coarse = a.spacings[0]
    for text, minutes in dts:
        label = f"dt {text}"
        print(f"convergence: {coarse:g} um, {label} ...", flush=True)
        dt_rows.append((label, figures_for(
            lobule, [f"grid.spacing={coarse:g} um", f"time.dt={text}"], targets, workdir,
            f"dt{minutes:g}")))
    # References: the finest spacing; the shortest step.
    finest = grid_rows[-1]
    shortest = dt_rows[min(range(len(dts)), key=lambda i: dts[i][1])] if dt_rows else None
    n = len(grid_rows)
    grid_tol = {lab: (0.05 if i == n - 2 else 0.10) for i, (lab, _) in enumerate(grid_rows)}
    md = [f"Spacing (reference: {finest[0]}; the next finest within 5 %, coarser within 10 %, "
          "CPA within 1 point):", "",
          table(grid_rows, lambda lab: finest, lambda lab: grid_tol[lab])]
    if dt_rows:
        md += ["", f"Time step at {coarse:g} um (reference: {shortest[0]}; within 5 %):", "",
               table(dt_rows, lambda lab: shortest, lambda lab: 0.05)]
    failed = [(lab, name) for rows, ref, tol in
              ((grid_rows, finest, grid_tol), (dt_rows, shortest, None))
              for lab, f in rows if ref and lab != ref[0]
              for name, v in f.items() if name in ref[1] and not verdict(
                  name, v, ref[1][name], tol[lab] if tol else 0.05)]
    text = "\n".join(md)
    print(text)
    print(f"{len(failed)} comparisons outside their tolerance" if failed
          else "every figure within its tolerance")
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "convergence_table.md"), "w") as f:
            f.write(text + "\n")
        with open(os.path.join(a.out, "convergence.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["run", "figure", "value"])
            for lab, fig in grid_rows + dt_rows:
                for name, v in sorted(fig.items()):
                    w.writerow([lab, name, f"{v:.9g}"])
        print(f"wrote {a.out}/convergence_table.md and convergence.csv")
    missing = [(lab, name) for lab, f in grid_rows + dt_rows for name in finest[1]
               if name not in f or not math.isfinite(f[name])]
    if missing:
        T.fail(f"figures missing or not finite: {missing}")
    return 1 if failed and a.strict else 0


if __name__ == "__main__":
    sys.exit(main())
