#!/usr/bin/env python3
"""Plots the time series of one or more liver-model runs overlaid, to compare therapy arms, as
figures for print:

  python3 tools/plot_timeseries.py runs/untreated runs/msc_portal runs/ev_portal --out-dir plots
  python3 tools/plot_timeseries.py results/demo --plots cpa,ev --format png,pdf --from-day 80

Each run is one colour; its legend entry is the run's name (with the directory's name added
where runs share a scenario name), or the text given with --label. Time is in days. The
quantities carry readable names and units, "TGF-β (ng/mL)", taken from the run's config.yaml
(build.fields) or, for runs written before it listed them, from the model's field table
(python/lobule/plotting.py). Each therapy dose of a run (model.therapy of its config.yaml,
repeats expanded) is a dashed vertical line in the run's colour (the runs' dashes interleave
where they dose on the same day), labelled at its top with the agent, amount and route ("MSC
5×10⁵, portal vein"; a series of repeats once, "EV 1×10¹⁰, portal vein, 4× every 7 d"); in
the figures of several panels the doses are listed in the legend instead. The injury periods
of each run's config.yaml (model.injury) are shaded grey, with a legend entry. The style (fonts,
sizes, line widths, a colour cycle for colour-blind readers) is tools/lobule.mplstyle.

The figures, one file per plot and format, DIR/<plot>.<ext>:

  cpa        collagen proportionate area (column cpa) in %, from 0; 89 mm wide
  zones      mean scar per lobular zone: collagen_zone1 (periportal), 2, 3 (pericentral);
             183 mm wide
  cytokines  one panel per cytokine, the tissue mean: TGF-β, TNF-α, IL-10, HGF, VEGF, EGF, MMP,
             TIMP (columns <name>_mean); 183 mm wide
  ev         extracellular vesicles: free in the tissue (ev_total, particles, log scale) above,
             taken up by the cells (ev_cargo_total) below; 89 mm wide. Without --from-day it
             starts shortly before the runs' first dose (10 % of the time from that dose to the
             end before it, at least a day)

Without --plots it draws every plot whose columns all runs have. In the SVG files each run's
curve is the group id="series_<plot>_run<N>[_<what>]", each dose marker
id="dose_<plot>_run<N>_<K>[_<panel>]", each dose label id="doselabel_<plot>_run<N>_<S>" and each
injury period id="injury_<plot>_<K>[_<panel>]" (N, K, S from 0; N in the order of the arguments,
K the dose, S the entry of model.therapy), for scripts that check the figures. Text stays text
in SVG and PDF.

As a module (importlib from tools/): make_figures(runs, ...) returns the matplotlib Figures by
plot name, save_figures(figures, out_dir, formats, dpi) writes them.

Needs numpy, PyYAML and matplotlib 3.6 or newer (Debian: python3-numpy python3-yaml
python3-matplotlib). Exit status 0; 2 for bad arguments, a directory that is not a run, or a run
that lacks the columns of a requested plot.
"""
import argparse
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "python"))

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
DEFAULT_DPI = 300
# Plot name -> (width, height of the panels without the legend) in mm, as drawn by default.
SIZES = {"cpa": (89.0, 58.0), "zones": (183.0, 50.0), "cytokines": (183.0, 82.0),
         "ev": (89.0, 82.0)}
ZONE_TITLES = ["zone 1 (periportal)", "zone 2 (mid-lobular)", "zone 3 (pericentral)"]


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


def _plotting():
    from lobule import plotting
    return plotting


def first_dose_day(runs):
    """The day of the earliest dose of any run, None without doses."""
    days = [d.time / DAY for r in runs for d in r.doses()]
    return min(days) if days else None


def day_range(plot, runs, from_day=None, to_day=None):
    """The days a plot shows: --from-day/--to-day where given, else the runs' first and last
    rows; the ev plot starts by default shortly before the first dose (10 % of the time from it
    to the end before it, at least a day, on a whole day)."""
    starts = [float(r.series["time"][0]) / DAY for r in runs if len(r)]
    ends = [float(r.series["time"][-1]) / DAY for r in runs if len(r)]
    lo = min(starts) if starts else 0.0
    hi = max(ends) if ends else 1.0
    if to_day is not None:
        hi = to_day
    if from_day is not None:
        lo = from_day
    elif plot == "ev":
        first = first_dose_day(runs)
        if first is not None and lo < first < hi:
            lo = max(lo, math.floor(first - max(1.0, 0.1 * (hi - first))))
    if hi <= lo:
        hi = lo + 1.0
    return lo, hi


class Drawing:
    """Draws the runs into the axes of one plot: colours, the day window, dose markers and
    labels, injury periods, the legend."""

    def __init__(self, plot, runs, labels, lo, hi, fields):
        self.plot, self.runs, self.labels = plot, runs, labels
        self.lo, self.hi, self.fields = lo, hi, fields
        P = _plotting()
        self.P = P
        self.colours = [P.run_colour(n) for n in range(len(runs))]
        self.spans = [s for s in P.injury_spans([r.config for r in runs], labels)
                      if s[0] < hi and s[1] > lo]

    def window(self, run):
        import numpy as np
        days = run.series["time"] / DAY
        keep = (days >= self.lo - 1e-9) & (days <= self.hi + 1e-9)
        return days, keep if keep.any() else np.zeros(len(days), dtype=bool)

    def line(self, ax, n, run, column, what=None, **kw):
        days, keep = self.window(run)
        q = self.P.quantity(column, self.fields)
        y = run.series[column] * q.scale
        (ln,) = ax.plot(days[keep], y[keep], color=self.colours[n], **kw)
        ln.set_gid(f"series_{self.plot}_run{n}" + (f"_{what}" if what else ""))
        return ln

    def top(self, ax_columns, log=False):
        """The largest value shown of the given (run index, column) pairs."""
        import numpy as np
        top = 0.0
        for n, column in ax_columns:
            run = self.runs[n]
            _, keep = self.window(run)
            v = run.series[column][keep] * self.P.quantity(column, self.fields).scale
            v = v[np.isfinite(v)]
            if log:
                v = v[v > 0]
            if v.size:
                top = max(top, float(v.max()))
        return top

    def doses(self, ax, n, run, panel=None):
        """The run's doses in the window: dashed lines in its colour. Returns the lines."""
        k_runs = len(self.runs)
        lines = []
        for k, d in enumerate(run.doses()):
            day = d.time / DAY
            if not self.lo <= day <= self.hi:
                continue
            # Dashes offset per run: doses of several runs on the same day (all arms dosed on
            # day 84) interleave their colours instead of hiding each other.
            ls = (0, (3.0, 2.0)) if k_runs == 1 else (2.0 * n, (2.0, 2.0 * (k_runs - 1)))
            ln = ax.axvline(day, color=self.colours[n], ls=ls, lw=1.0, zorder=1.5)
            ln.set_gid(f"dose_{self.plot}_run{n}_{k}" + (f"_{panel}" if panel else ""))
            lines.append(ln)
        return lines

    def dose_items(self):
        """(day, label, colour, gid) of each therapy entry of each run: at its first dose in
        the window."""
        items = []
        for n, run in enumerate(self.runs):
            for s, series in enumerate(self.P.dose_series(run.config)):
                shown = [t / DAY for t in series.times if self.lo <= t / DAY <= self.hi]
                if not shown:
                    continue
                text = self.P.dose_text(series.agent, series.dose, series.route,
                                        len(series.times), series.every)
                items.append((shown[0], text, self.colours[n],
                              f"doselabel_{self.plot}_run{n}_{s}"))
        return items

    def dose_handles(self):
        """Legend entries for the doses (figures of several panels)."""
        from matplotlib.lines import Line2D
        out = []
        for day, text, colour, _ in sorted(self.dose_items(), key=lambda it: it[0]):
            out.append(Line2D([], [], color=colour, ls=(0, (3.0, 2.0)), lw=1.0,
                              label=f"{text} (day {day:g})"))
        return out

    def injuries(self, ax, panel=None):
        return self.P.shade_injuries(ax, self.spans, gid=f"injury_{self.plot}",
                                     suffix=f"_{panel}" if panel else "")

    def run_handles(self, ax):
        from matplotlib.lines import Line2D
        return [Line2D([], [], color=self.colours[n], lw=1.2, label=self.labels[n])
                for n in range(len(self.runs))]


def _layout(width, height_panels, legend_labels, nrows, ncols):
    """A figure of the panels (nrows x ncols) above a row for the legend; returns the figure,
    the grid and the number of legend columns."""
    P = _plotting()
    ncol = P.legend_columns(legend_labels, width)
    leg_h = P.legend_height_mm(len(legend_labels), ncol)
    fig = P.new_figure(width, height_panels + leg_h)
    gs = fig.add_gridspec(nrows + 1, ncols,
                          height_ratios=[height_panels / nrows] * nrows + [leg_h])
    return fig, gs, ncol


def legend_labels(d, doses=()):
    return list(d.labels) + [s[2] for s in d.spans] + [h.get_label() for h in doses]


def intervals(width_mm):
    """At most this many day ticks' intervals on an axis width_mm wide."""
    return max(3, min(8, int(width_mm // 8)))


def draw_cpa(d, width, height):
    fig, gs, ncol = _layout(width, height, legend_labels(d), 1, 1)
    ax = fig.add_subplot(gs[0, 0])
    spans = d.injuries(ax)
    lines = []
    for n, run in enumerate(d.runs):
        d.line(ax, n, run, "cpa", label=d.labels[n])
        lines += d.doses(ax, n, run)
    ax.set_ylabel(d.P.quantity("cpa", d.fields).label)
    ax.set_title("Collagen proportionate area")
    d.P.day_axis(ax, d.lo, d.hi, intervals=intervals(width - 15))
    top = d.top([(n, "cpa") for n in range(len(d.runs))])
    ax.set_ylim(0.0, top * 1.05 if top > 0 else 1.0)
    d.P.put_legend(fig.add_subplot(gs[1, 0]), d.run_handles(ax) + spans, ncol)
    d.P.label_doses(ax, d.dose_items(), lines)
    return fig


def draw_zones(d, width, height):
    dose_h = d.dose_handles()
    fig, gs, ncol = _layout(width, height, legend_labels(d, dose_h), 1, 3)
    axs = []
    for z in range(3):
        ax = fig.add_subplot(gs[0, z], sharey=axs[0] if axs else None)
        spans = d.injuries(ax, panel=f"zone{z + 1}")
        for n, run in enumerate(d.runs):
            d.line(ax, n, run, f"collagen_zone{z + 1}", what=f"zone{z + 1}", label=d.labels[n])
            d.doses(ax, n, run, panel=f"zone{z + 1}")
        ax.set_title(ZONE_TITLES[z])
        d.P.day_axis(ax, d.lo, d.hi, intervals=intervals((width - 20) / 3))
        axs.append(ax)
    axs[0].set_ylabel(d.P.axis_label("scar", d.P.quantity("collagen_zone1").unit))
    for ax in axs[1:]:
        ax.tick_params(labelleft=False)
    top = d.top([(n, f"collagen_zone{z}") for n in range(len(d.runs)) for z in (1, 2, 3)])
    axs[0].set_ylim(0.0, top * 1.05 if top > 0 else 1.0)
    d.P.put_legend(fig.add_subplot(gs[1, :]), d.run_handles(axs[0]) + spans + dose_h, ncol)
    return fig


def draw_cytokines(d, width, height):
    dose_h = d.dose_handles()
    fig, gs, ncol = _layout(width, height, legend_labels(d, dose_h), 2, 4)
    axs = []
    for i, c in enumerate(CYTOKINES):
        ax = fig.add_subplot(gs[i // 4, i % 4], sharex=axs[0] if axs else None)
        spans = d.injuries(ax, panel=c)
        for n, run in enumerate(d.runs):
            d.line(ax, n, run, c + "_mean", what=c, label=d.labels[n])
            d.doses(ax, n, run, panel=c)
        ax.set_ylabel(d.P.quantity(c + "_mean", d.fields).label)
        d.P.day_axis(ax, d.lo, d.hi, label=i >= 4, intervals=intervals(width / 4 - 10))
        if i < 4:
            ax.tick_params(labelbottom=False)
        top = d.top([(n, c + "_mean") for n in range(len(d.runs))])
        ax.set_ylim(0.0, top * 1.05 if top > 0 else 1.0)
        axs.append(ax)
    fig.align_ylabels(axs)
    d.P.put_legend(fig.add_subplot(gs[2, :]), d.run_handles(axs[0]) + spans + dose_h, ncol)
    return fig


def draw_ev(d, width, height):
    fig, gs, ncol = _layout(width, height, legend_labels(d), 2, 1)
    free = fig.add_subplot(gs[0, 0])
    cargo = fig.add_subplot(gs[1, 0], sharex=free)
    spans, lines = [], []
    for ax, column, what, panel in ((free, "ev_total", "free", None),
                                    (cargo, "ev_cargo_total", "cargo", "cargo")):
        spans = d.injuries(ax, panel=panel) or spans
        for n, run in enumerate(d.runs):
            d.line(ax, n, run, column, what=what, label=d.labels[n])
            made = d.doses(ax, n, run, panel=panel)
            lines += made if ax is free else []
        ax.set_ylabel(d.P.quantity(column, d.fields).label)
    free.set_title("Free EVs in the tissue")
    cargo.set_title("EV cargo taken up by the cells")
    d.P.day_axis(free, d.lo, d.hi, label=False, intervals=intervals(width - 15))
    free.tick_params(labelbottom=False)
    d.P.day_axis(cargo, d.lo, d.hi, intervals=intervals(width - 15))
    top = d.top([(n, "ev_total") for n in range(len(d.runs))], log=True)
    if top > 0:  # log scale; 8 decades below the largest value (EVs decay to ~0)
        free.set_yscale("log", nonpositive="mask")
        free.set_ylim(top * 1e-8, top * 3)
    else:
        free.set_ylim(0.0, 1.0)
    top = d.top([(n, "ev_cargo_total") for n in range(len(d.runs))])
    cargo.set_ylim(0.0, top * 1.05 if top > 0 else 1.0)
    fig.align_ylabels([free, cargo])
    d.P.put_legend(fig.add_subplot(gs[2, 0]), d.run_handles(free) + spans, ncol)
    d.P.label_doses(free, d.dose_items(), lines)
    return fig


DRAW = {"cpa": draw_cpa, "zones": draw_zones, "cytokines": draw_cytokines, "ev": draw_ev}


def missing_columns(run, plot):
    return [c for c in PLOTS[plot] if c not in run.series]


def make_figures(runs, plots=None, from_day=None, to_day=None, title=None, labels=None,
                 width=None):
    """The figures of the runs: {plot name: matplotlib Figure}, in the order of PLOTS.

    runs: lobule.results.Run objects or run directories; plots: names of PLOTS (default: every
    plot whose columns all runs have); from_day, to_day: the days shown (default: the runs'
    rows; the ev plot from shortly before the first dose); title: over every figure; labels:
    the legend's names of the runs (default: their names); width: the figures' width in mm
    (default SIZES; the height scales with it). ValueError for a plot the runs cannot give."""
    P = _plotting()
    from lobule.results import Run, display_names
    runs = [r if isinstance(r, Run) else Run(r) for r in runs]
    if not runs:
        raise ValueError("no runs")
    if labels is None:
        labels = display_names(runs)
    elif len(labels) != len(runs):
        raise ValueError(f"{len(labels)} labels for {len(runs)} runs")
    if plots is None:
        plots = [p for p in PLOTS if not any(missing_columns(r, p) for r in runs)]
    for plot in plots:
        if plot not in PLOTS:
            raise ValueError(f"unknown plot '{plot}' (choose from {', '.join(PLOTS)})")
        for run in runs:
            lack = missing_columns(run, plot)
            if lack:
                raise ValueError(f"{run.path} (run '{run.name}') cannot give the {plot} plot: "
                                 f"timeseries.csv has no column {', '.join(lack)}")
    fields = P.field_table(*[r.config for r in runs])
    figures = {}
    with P.style():
        for plot in [p for p in PLOTS if p in plots]:
            lo, hi = day_range(plot, runs, from_day, to_day)
            w0, h0 = SIZES[plot]
            w = float(width) if width else w0
            fig = DRAW[plot](Drawing(plot, runs, list(labels), lo, hi, fields), w, h0 * w / w0)
            if title:
                fig.suptitle(title)
            figures[plot] = fig
    return figures


def save_figures(figures, out_dir, formats=("png", "svg"), dpi=DEFAULT_DPI):
    """Writes OUT_DIR/<plot>.<ext> for each figure and format; returns the paths."""
    P = _plotting()
    paths = []
    for plot, fig in figures.items():
        for ext in formats:
            out = os.path.join(out_dir, f"{plot}.{ext}")
            P.save(fig, out, dpi=dpi)
            paths.append(out)
    return paths


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", metavar="RUN", help="run directories (lobule run -o RUN)")
    ap.add_argument("--plots", help=f"comma-separated, of {','.join(PLOTS)} "
                                    "(default: all that every run's columns allow)")
    ap.add_argument("--out-dir", default=".", metavar="DIR",
                    help="where to write DIR/<plot>.<ext> (made if missing; default .)")
    ap.add_argument("--format", default="png,svg",
                    help=f"comma-separated, of {','.join(FORMATS)}: PNG is raster, SVG and PDF "
                         "vector with the text kept as text (default png,svg)")
    ap.add_argument("--dpi", type=float, default=DEFAULT_DPI, metavar="N",
                    help=f"resolution of the PNG files in dots per inch, also written into "
                         f"their metadata; 300 is the usual minimum for print, 600 for line "
                         f"art (default {DEFAULT_DPI}; SVG and PDF are vector)")
    ap.add_argument("--from-day", type=float, metavar="D",
                    help="first day shown (default: the runs' first row; for the ev plot "
                         "shortly before the first dose)")
    ap.add_argument("--to-day", type=float, metavar="D",
                    help="last day shown (default: the runs' last row)")
    ap.add_argument("--width", type=float, metavar="MM",
                    help="width of every figure in mm; the height scales with it (default: "
                         "89 mm, one journal column, for cpa and ev; 183 mm, two columns, "
                         "for zones and cytokines)")
    ap.add_argument("--label", action="append", metavar="TEXT",
                    help="the legend's name of a run, once per run in the order of the runs "
                         "(default: the runs' names)")
    ap.add_argument("--title", help="a title over every figure")
    args = ap.parse_args()

    formats = csv_list(args.format, FORMATS, "--format")
    if args.from_day is not None and args.to_day is not None and args.from_day >= args.to_day:
        fail(f"--from-day {args.from_day:g} is not before --to-day {args.to_day:g}")
    if not (args.dpi > 0 and math.isfinite(args.dpi)):
        fail(f"--dpi {args.dpi:g}: must be a positive number")
    if args.width is not None and not (20 <= args.width <= 1000):
        fail(f"--width {args.width:g}: want a width in mm between 20 and 1000")
    if args.label is not None and len(args.label) != len(args.runs):
        fail(f"{len(args.label)} --label for {len(args.runs)} runs: give one per run")

    try:
        from lobule_results import Run, ResultsError
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

    if args.plots:
        plots = csv_list(args.plots, list(PLOTS), "--plots")
        for plot in plots:
            for run in runs:
                lack = missing_columns(run, plot)
                if lack:
                    fail(f"{run.path} (run '{run.name}') cannot give the {plot} plot: "
                         f"timeseries.csv has no column {', '.join(lack)}")
    else:
        plots = [p for p in PLOTS if not any(missing_columns(r, p) for r in runs)]
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
    except ImportError:
        fail("matplotlib is not installed (Debian: apt-get install python3-matplotlib)")
    try:
        os.makedirs(args.out_dir, exist_ok=True)
    except OSError as e:
        fail(f"cannot make --out-dir {args.out_dir}: {e.strerror}")

    figures = make_figures(runs, plots, args.from_day, args.to_day, args.title, args.label,
                           args.width)
    for plot, fig in figures.items():
        try:
            for out in save_figures({plot: fig}, args.out_dir, formats, args.dpi):
                print(out)
        except OSError as e:
            fail(f"cannot write in {args.out_dir}: {e.strerror or e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
