#!/usr/bin/env python3
"""Plots the time series of one or more liver-model runs overlaid, to compare therapy arms:

  python3 tools/plot_timeseries.py runs/untreated runs/msc_portal runs/ev_portal --out-dir plots
  python3 tools/plot_timeseries.py results/demo --plots cpa,ev --format png --from-day 80

Each run is one colour; its legend entry is the run's name (with the directory's name added
where runs share a scenario name). Time is in days. Each therapy dose of a run (model.therapy
of its config.yaml, repeats expanded) is a dashed vertical line in the run's colour (the runs'
dashes interleave where they dose on the same day). The figures, one file per plot and format,
DIR/<plot>.<ext>:

  cpa        collagen proportionate area (column cpa) in % of the tissue
  zones      mean scar per lobular zone: collagen_zone1 (periportal), 2, 3 (pericentral)
  cytokines  one small panel per cytokine: tgfb, tnfa, il10, hgf, vegf, egf, mmp, timp (_mean)
  ev         extracellular vesicles: free in the tissue (ev_total, solid) and taken up by the
             cells (ev_cargo_total, dashed), log scale

Without --plots it draws every plot whose columns all runs have. In the SVG files each run's
curve is the group id="series_<plot>_run<N>[_<what>]" and each dose marker
id="dose_<plot>_run<N>_<K>[_<panel>]" (N, K from 0; N in the order of the arguments), for scripts that
check the figures.

Needs numpy, PyYAML and matplotlib (Debian: python3-numpy python3-yaml python3-matplotlib).
Exit status 0; 2 for bad arguments, a directory that is not a run, or a run that lacks the
columns of a requested plot.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PROG = "plot_timeseries.py"
DAY = 86400.0

CYTOKINES = ["tgfb", "tnfa", "il10", "hgf", "vegf", "egf", "mmp", "timp"]
# Plot name -> the timeseries.csv columns it draws (besides time).
PLOTS = {
    "cpa": ["cpa"],
    "zones": ["collagen_zone1", "collagen_zone2", "collagen_zone3"],
    "cytokines": [c + "_mean" for c in CYTOKINES],
    "ev": ["ev_total", "ev_cargo_total"],
}
FORMATS = ("png", "svg", "pdf")


def fail(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(2)


def csv_list(text, allowed, what):
    items = [x.strip() for x in text.split(",") if x.strip()]
    if not items:
        fail(f"{what}: empty list (choose from {', '.join(allowed)})")
    for x in items:
        if x not in allowed:
            fail(f"{what}: unknown '{x}' (choose from {', '.join(allowed)})")
    return list(dict.fromkeys(items))


class Figure:
    """Draws the runs into the axes of one plot: common x range, colours and dose markers."""

    def __init__(self, plot, runs, labels, args):
        self.plot, self.runs, self.labels, self.args = plot, runs, labels, args

    def window(self, run):
        import numpy as np
        days = run.series["time"] / DAY
        keep = np.ones(len(days), dtype=bool)
        if self.args.from_day is not None:
            keep &= days >= self.args.from_day
        if self.args.to_day is not None:
            keep &= days <= self.args.to_day
        return days, keep

    def line(self, ax, n, run, column, scale=1.0, what=None, **kw):
        days, keep = self.window(run)
        y = run.series[column] * scale
        (ln,) = ax.plot(days[keep], y[keep], color=f"C{n % 10}", **kw)
        ln.set_gid(f"series_{self.plot}_run{n}" + (f"_{what}" if what else ""))
        return ln

    def doses(self, ax, n, run, panel=None):
        for k, d in enumerate(run.doses()):
            day = d.time / DAY
            if self.args.from_day is not None and day < self.args.from_day:
                continue
            if self.args.to_day is not None and day > self.args.to_day:
                continue
            # Dashes offset per run: doses of several runs on the same day (all arms dosed on
            # day 84) interleave their colours instead of hiding each other.
            k_runs = len(self.runs)
            ls = ":" if k_runs == 1 else (2.0 * n, (2.0, 2.0 * (k_runs - 1)))
            ln = ax.axvline(day, color=f"C{n % 10}", ls=ls, lw=1.5)
            ln.set_gid(f"dose_{self.plot}_run{n}_{k}" + (f"_{panel}" if panel else ""))

    def finish(self, ax):
        ax.set_xlabel("time [d]")
        if self.args.from_day is not None or self.args.to_day is not None:
            lo, hi = ax.get_xlim()
            ax.set_xlim(self.args.from_day if self.args.from_day is not None else lo,
                        self.args.to_day if self.args.to_day is not None else hi)


def dose_legend_handle():
    from matplotlib.lines import Line2D
    return Line2D([], [], color="0.3", ls=":", lw=1.2, label="therapy dose")


def draw_cpa(fig_obj, plt):
    fig, ax = plt.subplots(figsize=(7.5, 4.5), constrained_layout=True)
    for n, run in enumerate(fig_obj.runs):
        fig_obj.line(ax, n, run, "cpa", 100.0, label=fig_obj.labels[n])
        fig_obj.doses(ax, n, run)
    ax.set_ylabel("CPA [% of tissue]")
    ax.set_title("Collagen proportionate area")
    fig_obj.finish(ax)
    h, _ = ax.get_legend_handles_labels()
    ax.legend(handles=h + [dose_legend_handle()], fontsize=8)
    return fig


def draw_zones(fig_obj, plt):
    fig, axs = plt.subplots(1, 3, figsize=(13, 4.2), sharey=True, constrained_layout=True)
    titles = ["zone 1 (periportal)", "zone 2 (mid-lobular)", "zone 3 (pericentral)"]
    for z, ax in enumerate(axs):
        for n, run in enumerate(fig_obj.runs):
            fig_obj.line(ax, n, run, f"collagen_zone{z + 1}", what=f"zone{z + 1}",
                         label=fig_obj.labels[n])
            fig_obj.doses(ax, n, run, panel=f"zone{z + 1}")
        ax.set_title(titles[z])
        fig_obj.finish(ax)
    axs[0].set_ylabel("mean scar density (collagen_zoneN)")
    h, _ = axs[0].get_legend_handles_labels()
    axs[0].legend(handles=h + [dose_legend_handle()], fontsize=8)
    return fig


def draw_cytokines(fig_obj, plt):
    fig, axs = plt.subplots(2, 4, figsize=(14, 6.2), sharex=True, constrained_layout=True)
    for c, ax in zip(CYTOKINES, axs.flat):
        for n, run in enumerate(fig_obj.runs):
            fig_obj.line(ax, n, run, c + "_mean", what=c, label=fig_obj.labels[n], lw=1.2)
            fig_obj.doses(ax, n, run, panel=c)
        ax.set_title(f"{c} (mean)", fontsize=10)
        ax.tick_params(labelsize=8)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4))
        fig_obj.finish(ax)
    for ax in axs[0]:
        ax.set_xlabel("")
    axs[0][0].legend(handles=axs[0][0].get_legend_handles_labels()[0] + [dose_legend_handle()],
                     fontsize=7)
    fig.supylabel("mean over the tissue [concentration units]", fontsize=10)
    return fig


def draw_ev(fig_obj, plt):
    import numpy as np
    from matplotlib.lines import Line2D
    fig, ax = plt.subplots(figsize=(7.5, 4.5), constrained_layout=True)
    top = 0.0
    for n, run in enumerate(fig_obj.runs):
        fig_obj.line(ax, n, run, "ev_total", what="free", ls="-", label=fig_obj.labels[n])
        fig_obj.line(ax, n, run, "ev_cargo_total", what="cargo", ls="--")
        fig_obj.doses(ax, n, run)
        _, keep = fig_obj.window(run)
        for col in ("ev_total", "ev_cargo_total"):
            v = run.series[col][keep]
            if v.size and np.isfinite(v).any():
                top = max(top, float(np.nanmax(v)))
    if top > 0:  # log scale; a range of 8 decades below the largest value (EVs decay to ~0)
        ax.set_yscale("log", nonpositive="mask")
        ax.set_ylim(top * 1e-8, top * 3)
    ax.set_ylabel("total in the tissue [EV units]")
    ax.set_title("Extracellular vesicles: free (solid) and taken up as cargo (dashed)")
    fig_obj.finish(ax)
    h, _ = ax.get_legend_handles_labels()
    h += [Line2D([], [], color="0.3", ls="-", label="free (ev_total)"),
          Line2D([], [], color="0.3", ls="--", label="taken up (ev_cargo_total)"),
          dose_legend_handle()]
    ax.legend(handles=h, fontsize=8)
    return fig


DRAW = {"cpa": draw_cpa, "zones": draw_zones, "cytokines": draw_cytokines, "ev": draw_ev}


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", metavar="RUN", help="run directories (lobule run -o RUN)")
    ap.add_argument("--plots", help=f"comma-separated, of {','.join(PLOTS)} "
                                    "(default: all that every run's columns allow)")
    ap.add_argument("--out-dir", default=".", metavar="DIR",
                    help="where to write DIR/<plot>.<ext> (made if missing; default .)")
    ap.add_argument("--format", default="png,svg",
                    help=f"comma-separated, of {','.join(FORMATS)} (default png,svg)")
    ap.add_argument("--from-day", type=float, metavar="D", help="first day shown")
    ap.add_argument("--to-day", type=float, metavar="D", help="last day shown")
    ap.add_argument("--title", help="a title over every figure")
    args = ap.parse_args()

    formats = csv_list(args.format, FORMATS, "--format")
    if args.from_day is not None and args.to_day is not None and args.from_day >= args.to_day:
        fail(f"--from-day {args.from_day:g} is not before --to-day {args.to_day:g}")

    try:
        from lobule_results import Run, ResultsError, display_names
    except ImportError as e:
        fail(f"cannot import tools/lobule_results.py: {e}")
    runs = []
    for path in args.runs:
        try:
            run = Run(path)
        except ResultsError as e:
            fail(str(e))
        if "time" not in run.series:
            fail(f"{run.path}/timeseries.csv has no column 'time'")
        if len(run) == 0:
            fail(f"{run.path}/timeseries.csv has no rows")
        try:
            run.doses()
        except ResultsError as e:
            fail(str(e))
        runs.append(run)

    def missing(run, plot):
        return [c for c in PLOTS[plot] if c not in run.series]

    if args.plots:
        plots = csv_list(args.plots, list(PLOTS), "--plots")
        for plot in plots:
            for run in runs:
                lack = missing(run, plot)
                if lack:
                    fail(f"{run.path} (run '{run.name}') cannot give the {plot} plot: "
                         f"timeseries.csv has no column {', '.join(lack)}")
    else:
        plots = [p for p in PLOTS if not any(missing(r, p) for r in runs)]
        if not plots:
            need = "; ".join(f"{p}: {', '.join(c)}" for p, c in PLOTS.items())
            fail(f"no plot has all its columns in every run ({need}): "
                 "are these liver-model runs?")

    if args.from_day is not None or args.to_day is not None:
        lo = -float("inf") if args.from_day is None else args.from_day
        hi = float("inf") if args.to_day is None else args.to_day
        if not any(((r.series["time"] / DAY >= lo) & (r.series["time"] / DAY <= hi)).any()
                   for r in runs):
            where = " and ".join(w for w in (
                f"from day {args.from_day:g}" if args.from_day is not None else "",
                f"to day {args.to_day:g}" if args.to_day is not None else "") if w)
            fail(f"no output of the runs lies in the days asked for ({where})")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail("matplotlib is not installed (Debian: apt-get install python3-matplotlib)")
    matplotlib.rcParams["svg.hashsalt"] = "lobule"  # stable ids in the SVG files
    try:
        os.makedirs(args.out_dir, exist_ok=True)
    except OSError as e:
        fail(f"cannot make --out-dir {args.out_dir}: {e.strerror}")

    labels = display_names(runs)
    for plot in plots:
        fig = DRAW[plot](Figure(plot, runs, labels, args), plt)
        if args.title:
            fig.suptitle(args.title)
        for ext in formats:
            out = os.path.join(args.out_dir, f"{plot}.{ext}")
            try:
                fig.savefig(out, dpi=110)
            except OSError as e:
                fail(f"cannot write {out}: {e.strerror or e}")
            print(out)
        plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
