"""Labels, units and the figure style shared by the plotting scripts of tools/
(plot_timeseries.py, plot_targets.py), so that every figure names its quantities and units
the same way:

    from lobule import plotting
    fields = plotting.field_table(run.config)          # field -> (title, unit)
    q = plotting.quantity("tgfb_mean", fields)         # Quantity("TGF-β", "ng/mL", 1.0)
    ax.set_ylabel(q.label)                             # "TGF-β (ng/mL)"
    with plotting.style():                             # tools/lobule.mplstyle
        fig = plotting.new_figure(89, 60)              # width, height in mm
        ...
        plotting.save(fig, "cpa.png", dpi=300)

Axis labels have the form "TITLE (UNIT)". Titles and units come from the run's config.yaml
(build.fields: {NAME: {title, unit}}) where it has them, else from FIELDS below. Column units:
<field>_mean in the field's unit; the totals as the observables compute them (msc_total in
cells, ev_total in particles, ev_cargo_total in a.u. x 10^6 um^3; any other <field>_total in
unit x um^3); cpa a fraction, shown in %; collagen_zone1..3 in relative scar density; time in
s, shown in days.

The label helpers need nothing beyond the standard library; the figure helpers need
matplotlib (3.6 or newer).
"""
import collections
import contextlib
import math
import os
import re
import struct

from ._env import REPO

# The figure style of every plot: fonts, sizes, line widths, colour cycle, spines.
STYLE = os.path.join(REPO, "tools", "lobule.mplstyle")

DAY = 86400.0
MM = 1.0 / 25.4  # inches per mm
DEFAULT_DPI = 300

# The liver model's fields: name -> (title, unit) (lobule/fields.py).
from .fields import FIELDS  # noqa: E402

# The units of the <field>_total columns as host/model/liver_observables.cpp computes them
# (docs/liver_model.md, "Totals"): the density times the volume, converted.
TOTAL_UNITS = {"msc": "cells", "ev": "particles", "ev_cargo": "a.u. × 10⁶ µm³"}

AGENTS = {"msc": "MSC", "ev": "EV"}
ROUTES = {"portal_vein": "portal vein", "peripheral_iv": "peripheral IV",
          "intrahepatic": "intrahepatic"}

INJURY_COLOUR = "0.55"
INJURY_ALPHA = 0.18

_SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")


class Quantity(collections.namedtuple("Quantity", "title unit scale")):
    """What a column holds: a readable title, the unit it is shown in, and the factor from the
    column's values to that unit (cpa: 100, to %)."""

    @property
    def label(self):
        return axis_label(self.title, self.unit)


# A therapy entry of model.therapy: times in s (repeats expanded), the agent, the amount
# (cells or particles), the route, and the interval of the repeats (0 for one dose).
from .results import DoseSeries  # noqa: E402,F401 (one entry of model.therapy)
# An injury period of model.injury, in s.
Injury = collections.namedtuple("Injury", "start end pattern")


# --- labels and units ---------------------------------------------------------------------------
def superscript(text):
    """Digits and signs as Unicode superscripts: "-3" -> "⁻³"."""
    return str(text).translate(_SUPERSCRIPT)


def pretty_unit(unit):
    """A unit as written in config.yaml, for print: "1e9 particles/mL" -> "10⁹ particles/mL",
    "cells per 1e6 um^3" -> "cells per 10⁶ µm³", "um^2/s" -> "µm²/s"."""
    u = str(unit)
    u = re.sub(r"(?<![\w.])1e([-+]?)0*(\d+)\b",
               lambda m: "10" + superscript(("-" if m.group(1) == "-" else "") + m.group(2)), u)
    u = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)e([-+]?)0*(\d+)\b",
               lambda m: f"{m.group(1)} × 10"
               + superscript(("-" if m.group(2) == "-" else "") + m.group(3)), u)
    u = re.sub(r"\bum\b", "µm", u)
    u = re.sub(r"\^\(?([-+]?\d+)\)?", lambda m: superscript(m.group(1)), u)
    return u


def axis_label(title, unit):
    """The journal form of an axis label: "TGF-β (ng/mL)"; the title alone without a unit."""
    return f"{title} ({pretty_unit(unit)})" if unit else str(title)


def field_table(*configs):
    """Field name -> (title, unit): FIELDS, overridden by build.fields of the given run
    configurations (config.yaml as a mapping; the first that names a field wins)."""
    table = dict(FIELDS)
    seen = set()
    for config in configs:
        build = config.get("build") if isinstance(config, dict) else None
        fields = build.get("fields") if isinstance(build, dict) else None
        if not isinstance(fields, dict):
            continue
        for name, entry in fields.items():
            if name in seen or not isinstance(entry, dict):
                continue
            title, unit = table.get(name, (name, ""))
            title = entry.get("title", title)
            unit = entry.get("unit", unit)
            table[str(name)] = (str(title) if title not in (None, "") else str(name),
                                "" if unit is None else str(unit))
            seen.add(name)
    return table


def quantity(column, fields=None):
    """The Quantity of a timeseries.csv column (see the module's docstring for the units)."""
    fields = FIELDS if fields is None else fields
    if column == "time":
        return Quantity("time", "d", 1.0 / DAY)
    if column == "time_d":
        return Quantity("time", "d", 1.0)
    if column == "cpa":
        return Quantity("CPA", "%", 100.0)
    m = re.fullmatch(r"collagen_zone(\d+)", column)
    if m:
        return Quantity(f"scar, zone {m.group(1)}", "relative scar density", 1.0)
    if column in ("ev_septum_mean", "ev_parenchyma_mean"):
        title, unit = fields.get("ev", FIELDS["ev"])
        where = "scar" if column == "ev_septum_mean" else "parenchyma"
        return Quantity(f"{title} in {where}", unit, 1.0)
    m = re.fullmatch(r"(.+)_(mean|total)", column)
    if m and m.group(1) in fields:
        title, unit = fields[m.group(1)]
        if m.group(2) == "mean":
            return Quantity(title, unit, 1.0)
        total = TOTAL_UNITS.get(m.group(1))
        if total is None:
            total = f"{unit} × µm³" if unit else "µm³"
        return Quantity(title, total, 1.0)
    return Quantity(column, "", 1.0)


def format_amount(x):
    """A dose amount for print: 5e5 -> "5×10⁵", 1e10 -> "1×10¹⁰", 250 -> "250"."""
    if x is None or not math.isfinite(x):
        return ""
    if x == 0 or 1e-2 <= abs(x) < 1e4:
        return f"{x:g}"
    exp = int(math.floor(math.log10(abs(x))))
    mant = x / 10 ** exp
    if round(mant, 2) >= 10:
        mant, exp = mant / 10, exp + 1
    return f"{mant:.3g}×10{superscript(exp)}"


def format_interval(seconds):
    """An interval for print: "7 d", "12 h", "30 min", "45 s"."""
    for unit, s in (("d", DAY), ("h", 3600.0), ("min", 60.0)):
        if seconds >= s and abs(seconds / s - round(seconds / s, 2)) < 1e-9:
            return f"{seconds / s:g} {unit}"
    return f"{seconds:g} s"


def dose_text(agent, dose, route, count=1, every=0.0):
    """The label of a dose: "MSC 5×10⁵, portal vein"; of a series of repeats
    "EV 1×10¹⁰, portal vein, 4× every 7 d"."""
    name = AGENTS.get(str(agent), str(agent).upper())
    amount = format_amount(dose)
    text = f"{name} {amount}".strip()
    if route:
        text += ", " + ROUTES.get(str(route), str(route).replace("_", " "))
    if count > 1:
        text += f", {count}× every {format_interval(every)}"
    return text


def dose_series(config):
    """The entries of model.therapy as DoseSeries (times in s, repeats expanded), in the order
    of config.yaml. Entries it cannot read are left out (lobule.results.Run.doses() reports
    them)."""
    from .results import dose_series as parse
    return parse(config, skip_bad=True)


def injuries(config):
    """The periods of model.injury as Injury(start, end, pattern), in s (from defaults to 0)."""
    from .results import ResultsError, parse_seconds
    model = config.get("model") if isinstance(config, dict) else None
    periods = model.get("injury") if isinstance(model, dict) else None
    out = []
    for entry in periods if isinstance(periods, list) else []:
        if not isinstance(entry, dict) or "to" not in entry:
            continue
        try:
            start = parse_seconds(entry.get("from", 0))
            end = parse_seconds(entry["to"])
        except ResultsError:
            continue
        if end > start:
            out.append(Injury(start, end, str(entry.get("pattern", ""))))
    return out


def injury_spans(configs, names):
    """The injury periods of several runs, merged: [(start_d, end_d, legend label)], one per
    distinct period. A period that not every run has names the runs that have it."""
    spans = collections.OrderedDict()
    for config, name in zip(configs, names):
        for p in injuries(config):
            key = (p.start / DAY, p.end / DAY, p.pattern)
            spans.setdefault(key, []).append(name)
    out = []
    for (start, end, pattern), who in spans.items():
        label = "injury" + (f", {pattern}" if pattern else "") + f", days {start:g}–{end:g}"
        if len(who) < len(names):
            label += f" ({', '.join(dict.fromkeys(who))})"
        out.append((start, end, label))
    return out


# --- figures ------------------------------------------------------------------------------------
def style():
    """A context manager with the figure style (tools/lobule.mplstyle) in force; without the
    file (a copy of the package alone), matplotlib's defaults."""
    import matplotlib.style
    if os.path.isfile(STYLE):
        return matplotlib.style.context(STYLE)
    return contextlib.nullcontext()


def colours():
    """The colour cycle of the style in force (run N takes colours()[N % len])."""
    import matplotlib
    cyc = matplotlib.rcParams["axes.prop_cycle"].by_key().get("color")
    return list(cyc) if cyc else ["C0"]


def run_colour(n):
    c = colours()
    return c[n % len(c)]


def new_figure(width_mm, height_mm):
    """A figure of the given size (mm) with constrained layout and its own Agg canvas (not
    registered with pyplot: nothing to close)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width_mm * MM, height_mm * MM), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def text_width_mm(text, size=None):
    """The width (mm) of a line of text in the style's font at `size` points (default the
    legend's)."""
    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath
    size = points(matplotlib.rcParams["legend.fontsize"] if size is None else size)
    try:
        width = TextPath((0, 0), str(text), size=size, prop=FontProperties()).get_extents().width
    except Exception:  # noqa: BLE001 - a glyph the font lacks: estimate
        width = 0.6 * size * len(str(text))
    return width / 72 * 25.4


def legend_columns(labels, width_mm, most=None):
    """How many legend columns of these labels fit across width_mm (each column is as wide as
    its widest entry; this assumes the widest of all in every column, so that any order
    fits), at most `most`."""
    import matplotlib
    size = points(matplotlib.rcParams["legend.fontsize"])
    rc = matplotlib.rcParams
    extra = (rc["legend.handlelength"] + rc["legend.handletextpad"]
             + rc["legend.columnspacing"]) * size / 72 * 25.4
    widest = max([text_width_mm(t) for t in labels] + [1.0]) + extra
    n = max(1, int((width_mm - 4.0) // widest))
    return max(1, min(n, len(labels), most or len(labels)))


def legend_rows(n, ncol):
    return max(1, -(-n // max(1, ncol)))


def points(size):
    """A font size of the rc parameters (a number or "small", "x-small", ...) in points."""
    if isinstance(size, str):
        from matplotlib.font_manager import FontProperties
        return FontProperties(size=size).get_size_in_points()
    return float(size)


def legend_height_mm(n, ncol):
    """The height (mm) a legend of n entries in ncol columns takes in the style's font."""
    import matplotlib
    size = points(matplotlib.rcParams["legend.fontsize"])
    spacing = matplotlib.rcParams["legend.labelspacing"]
    return (legend_rows(n, ncol) * size * (1 + spacing) + size) / 72 * 25.4 + 1.0


def put_legend(ax, handles, ncol):
    """A legend of `handles` filling `ax`, an axes of its own (no frame, no ticks)."""
    ax.axis("off")
    if handles:
        ax.legend(handles=handles, loc="upper center", ncol=ncol, borderaxespad=0.0,
                  frameon=False)


def shade_injuries(ax, spans, gid=None, suffix=""):
    """Shades each injury period (injury_spans) over the axes' full height. Returns the patches
    (legend handles); their SVG ids are <gid>_<K><suffix>."""
    patches = []
    for k, (start, end, label) in enumerate(spans):
        p = ax.axvspan(start, end, facecolor=INJURY_COLOUR, alpha=INJURY_ALPHA, lw=0,
                       zorder=0, label=label)
        if gid:
            p.set_gid(f"{gid}_{k}{suffix}")
        patches.append(p)
    return patches


def day_axis(ax, lo, hi, label=True, intervals=8):
    """x from day lo to day hi, ticks at whole days or weeks (at most `intervals` between
    them)."""
    from matplotlib.ticker import MultipleLocator
    ax.set_xlim(lo, hi)
    span = hi - lo
    for step in (0.25, 0.5, 1, 2, 7, 14, 28, 56, 84, 112, 168, 224, 336, 448):
        if span / step <= intervals:
            ax.xaxis.set_major_locator(MultipleLocator(step))
            break
    if label:
        ax.set_xlabel(quantity("time").label)


def log_ticks(ax, axis="y"):
    """A log axis with ticks at 1, 2 and 5 times the powers of ten, written as plain numbers
    (0.002, 0.05, 1, 20) where that stays short, else as 2×10⁻⁵."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    def plain(v, _pos=None):
        if v <= 0:
            return ""
        if 1e-3 <= v < 1e4:
            return f"{v:g}"
        return format_amount(v).replace("1×10", "10")

    a = ax.yaxis if axis == "y" else ax.xaxis
    lo, hi = sorted(ax.get_ylim() if axis == "y" else ax.get_xlim())
    decades = math.log10(hi / lo) if lo > 0 else 99
    subs = (1.0, 2.0, 5.0) if decades <= 2.5 else (1.0,)
    a.set_major_locator(LogLocator(base=10.0, subs=subs))
    a.set_major_formatter(FuncFormatter(plain))
    a.set_minor_formatter(NullFormatter())


def label_doses(ax, items, lines=(), fontsize=None):
    """Writes each dose's label at the top of its dashed line, in the line's colour:
    items are (day, text, colour, gid). Labels that would overlap (doses on the same or nearby
    days) go on rows one below the other; a label that would leave the axes on the right is
    written to the left of its line. Then raises the axes' top so that the data stay below the
    labels, and ends the dose lines (`lines`, made by axvline) that would cross a label below
    it. Returns the Text artists."""
    import matplotlib
    items = [it for it in items if min(ax.get_xlim()) <= it[0] <= max(ax.get_xlim())]
    if not items:
        return []
    fig = ax.figure
    fig.canvas.draw()  # the layout: the axes' final size
    renderer = fig.canvas.get_renderer()
    if fontsize is None:
        fontsize = points(matplotlib.rcParams["legend.fontsize"])
    lo, hi = ax.get_xlim()
    width_px = ax.bbox.width
    px_per_pt = fig.dpi / 72.0
    pad, line = 2.0, fontsize * 1.3  # points
    rows = []  # per row: the occupied x intervals, in axes fractions
    texts, placed = [], []
    for day, text, colour, gid in sorted(items, key=lambda it: it[0]):
        t = ax.annotate(text, xy=(day, 1.0), xycoords=ax.get_xaxis_transform(),
                        xytext=(pad, -pad), textcoords="offset points", ha="left", va="top",
                        color=colour, fontsize=fontsize, annotation_clip=False)
        t.set_in_layout(False)
        if gid:
            t.set_gid(gid)
        x = (day - lo) / (hi - lo)
        w = (t.get_window_extent(renderer).width + 2 * pad * px_per_pt) / width_px
        if x + w <= 1.0 or x - w < 0.0:
            span, left = (x, x + w), True
        else:
            span, left = (x - w, x), False
            t.set_ha("right")
        row = 0
        while row < len(rows) and any(a < span[1] and span[0] < b for a, b in rows[row]):
            row += 1
        if row == len(rows):
            rows.append([])
        rows[row].append(span)
        t.xyann = ((pad if left else -pad), -pad - row * line)
        texts.append(t)
        placed.append((span, row))
    # A dose line that runs through a label (not its own: that is at the label's edge) ends
    # below the label.
    height_pt = max(ax.bbox.height, 1.0) / px_per_pt
    for ln in lines:
        xl = (float(ln.get_xdata()[0]) - lo) / (hi - lo)
        crossed = [row for (a, b), row in placed if a + 1e-6 < xl < b - 1e-6]
        if crossed:
            ln.set_ydata([0.0, 1.0 - (pad + (max(crossed) + 1) * line) / height_pt])
    # Head room: the labels' block takes the top `frac` of the axes.
    frac = (2 * pad + len(rows) * line) * px_per_pt / max(ax.bbox.height, 1.0) + 0.02
    frac = min(frac, 0.6)
    y0, y1 = ax.get_ylim()
    if ax.get_yscale() == "log":
        l0, l1 = math.log10(y0), math.log10(y1)
        ax.set_ylim(y0, 10 ** (l0 + (l1 - l0) / (1 - frac)))
    else:
        ax.set_ylim(y0, y0 + (y1 - y0) / (1 - frac))
    return texts


def save(fig, path, dpi=DEFAULT_DPI):
    """Writes the figure; the format from the file's extension (png, svg, pdf). A PNG is
    rendered at `dpi` and says so in its metadata (pHYs)."""
    with style():
        fig.savefig(path, dpi=dpi)


def png_dpi(path):
    """The (x, y) resolution a PNG states in its pHYs chunk, in dots per inch; None without
    one."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"pHYs" and length >= 9:
            x, y, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            return (x * 0.0254, y * 0.0254) if unit == 1 else None
        if kind == b"IDAT":
            return None
        pos += 12 + length
    return None
