#!/usr/bin/env python3
"""Plots the liver model's calibration runs against targets 2-4 of MODEL.md, from the run
directories that `tools/targets.py --keep DIR` leaves (DIR/ccl4_4wk, DIR/ccl4_12wk):

  python3 tools/targets.py --keep runs && python3 tools/plot_targets.py runs --out targets.png
  python3 tools/plot_targets.py runs --out targets.pdf          # vector, for print

Four panels, 183 mm wide (two journal columns), each with its quantity and unit on the y axis:
  a  CPA (%) over time in both scenarios with the target windows (target 2, and the 25 % of
     day 84 that target 4 asks at day 264)
  b  the 12-week scar split into fibrillar and cross-linked collagen, relative scar density
     (target 4)
  c  activated HSCs of the 4-week run, fraction of capacity, log scale (target 3)
  d  the MMP/TIMP ratio of the 4-week run (ratio of the tissue means), log scale (target 3)
The injury periods of each run's config.yaml (model.injury) are shaded grey; titles and units
come from config.yaml (build.fields) where it has them, else from the model's field table
(python/lobule/plotting.py). The style is tools/lobule.mplstyle.

The format follows --out's extension: .png (raster, at --dpi), .svg or .pdf (vector, text kept
as text). As a module (importlib from tools/): read_run(DIR) and make_figure(wk4, wk12) return
the data and the matplotlib Figure.

Needs matplotlib 3.6 or newer (Debian: python3-matplotlib); PyYAML to read config.yaml (without
it: no injury shading, the field table's units). Exit status 0, or 2 for a missing run or
column or a bad option.
"""
import argparse
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "python"))

PROG = "plot_targets.py"
COLUMNS = ("time_d", "cpa", "collagen_mean", "collagen_x_mean", "hsc_mean", "mmp_mean",
           "timp_mean")
FORMATS = ("png", "svg", "pdf")
DEFAULT_DPI = 300
WIDTH, HEIGHT = 183.0, 118.0  # mm


def fail(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(2)


class RunData(dict):
    """The columns of a run's timeseries.csv (name -> list of floats); .config is its
    config.yaml as a mapping ({} where it is missing or cannot be read), .name the scenario."""

    config = {}
    name = ""


def read_run(run_dir):
    """The columns of RUN_DIR/timeseries.csv and its config.yaml. ValueError naming what is
    missing."""
    path = os.path.join(run_dir, "timeseries.csv")
    if not os.path.isfile(path):
        raise ValueError(f"no {path} (run tools/targets.py --keep DIR first)")
    from lobule_results import read_csv_rows  # drops a last row cut short by a full disk
    table = read_csv_rows(path)
    header = [h.strip() for h in table[0]] if table else []
    for n, r in enumerate(table[1:], start=2):
        if r and len(r) != len(header):
            raise ValueError(f"{path} line {n}: {len(r)} values for {len(header)} columns")
    rows = [r for r in table[1:] if r]
    if not rows:
        raise ValueError(f"{path} has no rows")
    for k in COLUMNS:
        if k not in header:
            raise ValueError(f"{path} has no column {k}")
    data = RunData()
    try:
        for i, k in enumerate(header):
            data[k] = [float(r[i]) for r in rows]
    except ValueError:
        raise ValueError(f"{path}: a value is not a number") from None
    data.config = {}
    cfg = os.path.join(run_dir, "config.yaml")
    if os.path.isfile(cfg):
        try:
            import yaml
            with open(cfg) as f:
                loaded = yaml.safe_load(f)
            data.config = loaded if isinstance(loaded, dict) else {}
        except Exception:  # noqa: BLE001 - no PyYAML or a broken file: plot without it
            data.config = {}
    data.name = str(data.config.get("name") or os.path.basename(os.path.normpath(run_dir)))
    return data


def _nearest(values, x):
    return min(range(len(values)), key=lambda i: abs(values[i] - x))


def make_figure(wk4, wk12, width=WIDTH):
    """The figure of targets 2-4 from the 4-week and 12-week runs (read_run); width in mm."""
    from lobule import plotting as P
    fields = P.field_table(wk4.config, wk12.config)
    names = [wk4.name or "ccl4_4wk", wk12.name or "ccl4_12wk"]
    with P.style():
        spans_all = P.injury_spans([wk4.config, wk12.config], names)
        legend = names + [s[2] for s in spans_all] + ["target 2: day 28, 5–15 %",
                                                        "target 2: day 84, 13–45 %",
                                                        "target 4: day 264 ≥ 25 % of day 84"]
        ncol = P.legend_columns(legend, width, most=4)
        leg_h = P.legend_height_mm(len(legend), ncol)
        height = HEIGHT * width / WIDTH
        fig = P.new_figure(width, height + leg_h)
        gs = fig.add_gridspec(3, 2, height_ratios=[height / 2, height / 2, leg_h])
        a, b = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
        c, d = fig.add_subplot(gs[1, 0]), fig.add_subplot(gs[1, 1])
        c4, c12 = P.run_colour(0), P.run_colour(1)
        time_label = P.quantity("time_d").label

        def injuries(ax, runs, gid):
            spans = P.injury_spans([r.config for r in runs], [r.name for r in runs])
            return P.shade_injuries(ax, spans, gid=gid)

        # a: targets 2 and 4, CPA with the windows.
        shaded = injuries(a, [wk4, wk12], "injury_cpa")
        cpa = P.quantity("cpa", fields)
        a.plot(wk4["time_d"], [cpa.scale * v for v in wk4["cpa"]], color=c4, label=names[0],
               gid="series_cpa_4wk")
        a.plot(wk12["time_d"], [cpa.scale * v for v in wk12["cpa"]], color=c12, label=names[1],
               gid="series_cpa_12wk")
        windows = [a.add_patch(_window(27, 5, 2, 10, c4, legend[-3])),
                   a.add_patch(_window(83, 13, 2, 32, c12, legend[-2]))]
        floor = 0.25 * cpa.scale * wk12["cpa"][_nearest(wk12["time_d"], 84)]
        windows += a.plot([260, 268], [floor, floor], color=P.run_colour(3), lw=2.5,
                          label=legend[-1])
        a.set_ylim(bottom=0)
        a.set(xlabel=time_label, ylabel=cpa.label)
        a.set_title(r"$\bf{a}$  Collagen proportionate area (targets 2, 4)")
        lines = a.get_lines()[:2]

        # b: target 4, what the 12-week scar is made of.
        injuries(b, [wk12], "injury_scar")
        fib = P.quantity("collagen_mean", fields)
        xl = P.quantity("collagen_x_mean", fields)
        b.plot(wk12["time_d"], wk12["collagen_mean"], color=c12, label=fib.title,
               gid="series_collagen")
        b.plot(wk12["time_d"], wk12["collagen_x_mean"], color=c12, ls="--", label=xl.title,
               gid="series_collagen_x")
        b.set_ylim(bottom=0)
        unit = fib.unit if fib.unit == xl.unit else ""
        b.set(xlabel=time_label, ylabel=P.axis_label("collagen", unit) if unit else
              f"{fib.label}; {xl.label}")
        b.set_title(rf"$\bf{{b}}$  {names[1]}: the scar that stays is cross-linked (target 4)")
        b.legend(loc="center right")

        # c, d: target 3, the cells and the protease balance during regression.
        hsc = P.quantity("hsc_mean", fields)
        injuries(c, [wk4], "injury_hsc")
        c.plot(wk4["time_d"], wk4["hsc_mean"], color=c4, gid="series_hsc")
        c.set_yscale("log", nonpositive="mask")
        c.set(xlabel=time_label, ylabel=hsc.label)
        c.set_title(rf"$\bf{{c}}$  {names[0]}: {hsc.title} (target 3)")

        mmp, timp = P.quantity("mmp_mean", fields), P.quantity("timp_mean", fields)
        ratio = [m / t if t else float("nan") for m, t in zip(wk4["mmp_mean"], wk4["timp_mean"])]
        unit = "dimensionless" if mmp.unit == timp.unit else f"{P.pretty_unit(mmp.unit)} per " \
            f"{P.pretty_unit(timp.unit)}"
        injuries(d, [wk4], "injury_ratio")
        d.plot(wk4["time_d"], ratio, color=c4, gid="series_mmp_timp")
        d.set_yscale("log", nonpositive="mask")
        d.set(xlabel=time_label, ylabel=f"{mmp.title}/{timp.title} ratio ({unit})")
        d.set_title(rf"$\bf{{d}}$  {names[0]}: protease balance (target 3)")
        for ax in (c, d):
            P.log_ticks(ax)
        end4, end12 = _last_day(wk4), _last_day(wk12)
        for ax, end in ((a, max(end4, end12)), (b, end12), (c, end4), (d, end4)):
            P.day_axis(ax, 0.0, end, intervals=8)
        fig.align_ylabels([a, c])
        fig.align_ylabels([b, d])
        P.put_legend(fig.add_subplot(gs[2, :]), lines + shaded + windows, ncol)
    return fig


def _last_day(run):
    days = [v for v in run["time_d"] if math.isfinite(v)]
    return max(days) if days and max(days) > 0 else 1.0


def _window(x, y, w, h, colour, label):
    """A target window: days x..x+w, values y..y+h."""
    from matplotlib.patches import Rectangle
    return Rectangle((x, y), w, h, facecolor=colour, edgecolor="none", alpha=0.3, label=label)


def main():
    p = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", help="the directory tools/targets.py --keep wrote")
    p.add_argument("--out", default="liver_targets.png",
                   help="the image to write, .png, .svg or .pdf (default liver_targets.png)")
    p.add_argument("--dpi", type=float, default=DEFAULT_DPI, metavar="N",
                   help=f"resolution of a PNG in dots per inch, also written into its metadata "
                        f"(default {DEFAULT_DPI}; SVG and PDF are vector)")
    p.add_argument("--width", type=float, default=WIDTH, metavar="MM",
                   help=f"the figure's width in mm; the height scales with it (default "
                        f"{WIDTH:g}, two journal columns)")
    args = p.parse_args()
    ext = os.path.splitext(args.out)[1].lower().lstrip(".")
    if ext not in FORMATS:
        fail(f"--out {args.out}: the extension must be one of .{', .'.join(FORMATS)}")
    if not (args.dpi > 0 and math.isfinite(args.dpi)):
        fail(f"--dpi {args.dpi:g}: must be a positive number")
    if not 20 <= args.width <= 1000:
        fail(f"--width {args.width:g}: want a width in mm between 20 and 1000")
    try:
        import matplotlib
        matplotlib.use("Agg")
    except ImportError:
        fail("matplotlib is not installed (Debian: apt-get install python3-matplotlib)")
    try:
        wk4 = read_run(os.path.join(args.runs, "ccl4_4wk"))
        wk12 = read_run(os.path.join(args.runs, "ccl4_12wk"))
    except ValueError as e:
        fail(str(e))
    fig = make_figure(wk4, wk12, args.width)
    from lobule import plotting
    try:
        plotting.save(fig, args.out, dpi=args.dpi)
    except OSError as e:
        fail(f"cannot write {args.out}: {e.strerror or e}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
