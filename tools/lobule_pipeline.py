"""The ParaView pipeline shared by tools/render_scar.py (pvbatch) and tools/lobule_state.py
(GUI): a lobule run's scar, vessels and one field on a slice, drawn for print.

    p = lobule_pipeline.build("results/demo", field="hgf", threshold=0.5)
    style = lobule_pipeline.Style(background=(1, 1, 1), font=12)
    lobule_pipeline.show_scar(p, view3d, style=style)          # 3D: lobule, vessels, scar
    lobule_pipeline.show_field(p, view2d, lo, hi, style=style)  # the field on the slice
    lobule_pipeline.set_camera(view3d, p.bounds, "iso")         # fixed framing, scale bar
    lobule_pipeline.describe_view(view3d)                       # what the view shows (dict)

What it makes, from the run's fields.pvd (cell arrays, timesteps in seconds):
  - C = collagen + collagen_x and xlinked_fraction = collagen_x / max(C, 1e-12) (two cell
    Calculators);
  - the scar: a Threshold of the cells with C >= threshold, as a surface coloured by the
    cross-linked fraction on a fixed 0..1 yellow-orange-brown map (yellow: fresh collagen,
    brown: cross-linked);
  - the lobule (label != 255) as a translucent grey surface, and the central vein (label 5),
    portal vein (2), hepatic artery (3) and bile duct (4) as opaque surfaces in fixed colours;
  - a z-normal slice through the cell centres of the middle voxel layer (a plane on a cell
    face, e.g. the bottom of a one-voxel-thick grid, cuts nothing), tissue only, coloured by
    the chosen field on Viridis with its own colour bar;
  - on request (add_zonal), the zonal cut: the x-z plane through the cell centres of the
    middle voxel row, which for one lobule runs from the portal triad at one corner through
    the central vein to the opposite triad (portal - central - portal): the 3D scene cut there
    (whole voxels kept behind the plane) and the field on that plane.

Every view is drawn for print: one background (white by default), text and scale bar in the
contrasting ink, DejaVu Sans (Greek letters, superscripts, µ) where installed, colour bars
titled with the field's name and unit (DIR/config.yaml's build.fields, else FIELD_LABELS) and
labelled at round ticks in one format, a title with the time in days, and a scale bar: a
screen-horizontal ruler of a round length in µm (ParaView's Ruler; ParaView 5.11 has no legend
grid). The cameras are orthographic and framed from the grid's bounds alone (not from what is
visible), so every frame of a run, and every run of the same geometry, is framed alike; in an
orthographic view a screen-horizontal bar is true to scale at any depth.

Errors a user can cause (a wrong path, a folder that is not a run, an unknown field) raise
RunError with a message meant for the user.
"""
import json
import math
import os
import re

from paraview import simple as pv

DAY = 86400.0
OUTSIDE = 255  # label of the voxels outside the tissue
# (label, pipeline name, colour): the vessels drawn opaque in the 3D view.
VESSELS = [
    (5, "central vein", (0.10, 0.25, 0.85)),
    (2, "portal vein", (0.55, 0.25, 0.75)),
    (3, "hepatic artery", (0.85, 0.08, 0.08)),
    (4, "bile duct", (0.10, 0.60, 0.20)),
]
VESSEL_COLOUR_NAMES = {5: "blue", 2: "violet", 3: "red", 4: "green"}
LOBULE_COLOUR = (0.55, 0.55, 0.55)
LOBULE_OPACITY = 0.15
# Cross-linked fraction 0..1: yellow (fresh) - orange - brown (cross-linked). No white end
# (it stays visible on the white background), and none of the vessels' or Viridis' hues.
SCAR_RGB_POINTS = [0.0, 1.00, 0.85, 0.10,
                   0.5, 0.95, 0.50, 0.05,
                   1.0, 0.45, 0.18, 0.02]
SCAR_ARRAY = "xlinked_fraction"
SCAR_BAR_TITLE = "cross-linked fraction [–]"
FIELD_PRESET = "Viridis (matplotlib)"
NEEDED = ("collagen", "collagen_x", "label")
# Name and unit of each field for its colour bar, used where the run's config.yaml has no
# build.fields entry for it (runs made before lobule wrote that mapping): the package's table
# (python/lobule/fields.py, loaded by path: ParaView's Python need not have the package's
# dependencies), and the arrays the pipeline derives.
def _field_table():
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python", "lobule",
                        "fields.py")
    spec = importlib.util.spec_from_file_location("lobule_fields", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FIELDS


FIELD_LABELS = {
    **_field_table(),
    "C": ("collagen + collagen_x", "relative scar density"),
    SCAR_ARRAY: ("cross-linked fraction", "–"),
    "zone": ("zone", "–"),
    "label": ("label", "–"),
}
# Text in DejaVu Sans where installed: VTK's own Arial lacks Greek letters and superscripts.
FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/TTF/DejaVuSans.ttf",
              "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf")
BACKGROUNDS = {"white": (1.0, 1.0, 1.0), "black": (0.0, 0.0, 0.0)}
# Camera presets: (view direction, view up). iso (alias oblique): from the front right, 48 deg
# above the tissue plane; top: down the z axis; zonal: face-on to the zonal cut (x-z plane),
# looking along +y.
CAMERAS = {
    "iso": ((-1.0, 1.7, -2.2), (0.0, 0.0, 1.0)),
    "top": ((0.0, 0.0, -1.0), (0.0, 1.0, 0.0)),
    "zonal": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
}
CAMERA_ALIASES = {"oblique": "iso"}


class RunError(Exception):
    """A problem with what the user asked for; the message says what."""


class Pipeline:
    """The sources of one run's pipeline; see build()."""


def run_pvd(path):
    """fields.pvd of a run given as its folder or the .pvd itself; RunError if missing."""
    path = os.path.abspath(os.path.expanduser(path))
    pvd = os.path.join(path, "fields.pvd") if os.path.isdir(path) else path
    if not os.path.isfile(pvd):
        if os.path.isdir(path):
            raise RunError(f"{path} has no fields.pvd: not a lobule run folder "
                           "(lobule run SCENARIO.yaml -o DIR writes one)")
        raise RunError(f"{path}: no such run folder or fields.pvd")
    return pvd


def day_label(t):
    d = t / DAY
    return f"day {d:.0f}" if abs(d - round(d)) < 1e-6 else f"day {d:.2f}"


def build(run, field="hgf", threshold=0.5):
    """Opens RUN (folder or fields.pvd) and builds the pipeline; returns a Pipeline with the
    sources (reader, collagen, xlinked, tissue, lobule, vessels, scar_cells, scar,
    field_slice) and what it found (times, arrays, bounds, cells, spacing, slice_z, field,
    threshold, labels: {array: (name, unit)} and where they came from)."""
    p = Pipeline()
    p.pvd = run_pvd(run)
    p.run_dir = os.path.dirname(p.pvd)
    p.field, p.threshold = field, float(threshold)
    p.reader = pv.PVDReader(FileName=p.pvd)
    pv.RenameSource(os.path.basename(p.run_dir) + "/fields.pvd", p.reader)
    steps = p.reader.TimestepValues
    if isinstance(steps, (int, float)):  # a single time step comes as a number
        steps = [steps]
    p.times = [float(t) for t in steps] if steps else [0.0]
    p.reader.UpdatePipeline(p.times[0])
    info = p.reader.GetDataInformation()
    if info.GetNumberOfCells() == 0:
        raise RunError(f"{p.pvd}: ParaView read no cells (an empty or broken run?)")
    p.arrays = [p.reader.CellData.GetArray(i).Name for i in range(len(p.reader.CellData))]
    missing = [a for a in NEEDED if a not in p.arrays]
    if missing:
        raise RunError(f"{p.pvd} lacks the cell arrays {', '.join(missing)}: not a "
                       "liver_fibrosis run?")
    if field not in p.arrays:
        raise RunError(f"unknown field '{field}'; the run has: {' '.join(p.arrays)}")
    p.bounds = info.GetBounds()
    ext = info.GetExtent()
    p.cells = [max(ext[2 * k + 1] - ext[2 * k], 1) for k in range(3)]
    p.spacing = [(p.bounds[2 * k + 1] - p.bounds[2 * k]) / p.cells[k] for k in range(3)]
    # Centre of the middle voxel layer (for nz = 1 the only one, for even nz the upper one).
    p.slice_z = p.bounds[4] + (p.cells[2] // 2 + 0.5) * p.spacing[2]
    # The zonal cut (add_zonal): the centre of the middle voxel row in y.
    p.zonal_y = p.bounds[2] + (p.cells[1] // 2 + 0.5) * p.spacing[1]
    p.labels, p.labels_from = field_labels(p.run_dir)
    p.zonal = None

    p.collagen = pv.Calculator(Input=p.reader, AttributeType="Cell Data",
                               ResultArrayName="C", Function="collagen+collagen_x")
    pv.RenameSource("C = collagen + collagen_x", p.collagen)
    p.xlinked = pv.Calculator(Input=p.collagen, AttributeType="Cell Data",
                              ResultArrayName=SCAR_ARRAY,
                              Function="collagen_x/max(C,1e-12)")
    pv.RenameSource("cross-linked fraction", p.xlinked)

    p.tissue = _label_threshold(p.xlinked, 0, OUTSIDE - 1, "tissue (label != 255)")
    p.lobule = _outset(pv.ExtractSurface(Input=p.tissue), p, "lobule")
    p.vessels = []
    for label, name, colour in VESSELS:
        surf = pv.ExtractSurface(Input=_label_threshold(p.xlinked, label, label,
                                                        f"{name} cells (label {label})"))
        pv.RenameSource(name, surf)
        p.vessels.append((name, surf, colour))

    p.scar_cells = pv.Threshold(Input=p.xlinked, Scalars=["CELLS", "C"],
                                ThresholdMethod="Above Upper Threshold",
                                UpperThreshold=p.threshold)
    pv.RenameSource(f"scar cells (C >= {p.threshold:g})", p.scar_cells)
    p.scar = pv.ExtractSurface(Input=p.scar_cells)
    pv.RenameSource("scar", p.scar)

    cut = pv.Slice(Input=p.xlinked)
    cut.SliceType = "Plane"
    cut.SliceType.Origin = [0.5 * (p.bounds[0] + p.bounds[1]),
                            0.5 * (p.bounds[2] + p.bounds[3]), p.slice_z]
    cut.SliceType.Normal = [0, 0, 1]
    cut.Triangulatetheslice = 0
    pv.RenameSource(f"slice z = {p.slice_z:g} um", cut)
    p.slice = cut
    p.field_slice = _label_threshold(cut, 0, OUTSIDE - 1, f"{field} on the slice (tissue)")

    # Titles that follow the time (GUI animation and pvbatch alike).
    p.scar_title = _time_text(p.reader, f"scar: collagen + collagen_x ≥ {p.threshold:g}",
                              "scar title")
    name = p.labels.get(field, (field, None))[0]
    p.field_title = _time_text(p.reader, f"{name} at z = {p.slice_z:.0f} µm", "field title")
    # The vessels the geometry has (a coarse grid may lack arteries and ducts), for the legend.
    p.vessels_present = [(name, colour) for (label, _, _), (name, surf, colour)
                         in zip(VESSELS, p.vessels) if count_cells(surf, p.times[0]) > 0]
    return p


def add_zonal(p):
    """Adds the zonal cut to the pipeline (once): p.zonal with the 3D scene cut at the x-z
    plane y = p.zonal_y (whole voxels kept on the far side, +y, so that the cut face shows the
    middle row's voxels) and the field on that plane (tissue cells)."""
    if p.zonal is not None:
        return p.zonal
    z = Pipeline()
    centre = [0.5 * (p.bounds[0] + p.bounds[1]), p.zonal_y, 0.5 * (p.bounds[4] + p.bounds[5])]
    z.clip = pv.Clip(Input=p.xlinked)
    z.clip.ClipType = "Plane"
    z.clip.ClipType.Origin = centre
    z.clip.ClipType.Normal = [0, 1, 0]
    z.clip.Invert = 0  # keep y >= the plane
    z.clip.Crinkleclip = 1  # whole voxels
    pv.RenameSource(f"zonal cut y >= {p.zonal_y:g} um", z.clip)
    z.lobule = _outset(pv.ExtractSurface(Input=_label_threshold(z.clip, 0, OUTSIDE - 1,
                                                                "zonal cut: tissue")),
                       p, "zonal cut: lobule")
    z.vessels = []
    for label, name, colour in VESSELS:
        surf = pv.ExtractSurface(Input=_label_threshold(z.clip, label, label,
                                                        f"zonal cut: {name} cells"))
        pv.RenameSource(f"zonal cut: {name}", surf)
        z.vessels.append((name, surf, colour))
    cells = pv.Threshold(Input=z.clip, Scalars=["CELLS", "C"],
                         ThresholdMethod="Above Upper Threshold", UpperThreshold=p.threshold)
    pv.RenameSource("zonal cut: scar cells", cells)
    z.scar = pv.ExtractSurface(Input=cells)
    pv.RenameSource("zonal cut: scar", z.scar)
    cut = pv.Slice(Input=p.xlinked)
    cut.SliceType = "Plane"
    cut.SliceType.Origin = centre
    cut.SliceType.Normal = [0, 1, 0]
    cut.Triangulatetheslice = 0
    pv.RenameSource(f"slice y = {p.zonal_y:g} um", cut)
    z.field_slice = _label_threshold(cut, 0, OUTSIDE - 1, f"{p.field} on the zonal plane")
    name = p.labels.get(p.field, (p.field, None))[0]
    z.field_title = _time_text(p.reader, f"{name} at y = {p.zonal_y:.0f} µm (zonal)",
                               "zonal field title")
    z.scar_title = _time_text(p.reader, f"scar (C ≥ {p.threshold:g}), cut at y = "
                              f"{p.zonal_y:.0f} µm", "zonal scar title")
    p.zonal = z
    return z


def _outset(surface, p, name):
    """The translucent lobule's surface moved outwards by a twentieth of a voxel (a scaling
    about the grid's centre), so that it never lies in the plane of a scar or vessel face
    beneath it (coincident faces flicker between the two: streaks in the picture)."""
    c = [0.5 * (p.bounds[2 * k] + p.bounds[2 * k + 1]) for k in range(3)]
    ext = [max(p.bounds[2 * k + 1] - p.bounds[2 * k], 1e-9) for k in range(3)]
    s = [1.0 + 2 * 0.05 * p.spacing[k] / ext[k] for k in range(3)]
    t = pv.Transform(Input=surface)
    t.Transform = "Transform"
    t.Transform.Scale = s
    t.Transform.Translate = [c[k] * (1.0 - s[k]) for k in range(3)]
    pv.RenameSource(name, t)
    return t


def _label_threshold(source, lo, hi, name):
    t = pv.Threshold(Input=source, Scalars=["CELLS", "label"], ThresholdMethod="Between",
                     LowerThreshold=lo, UpperThreshold=hi)
    pv.RenameSource(name, t)
    return t


def _time_text(source, first_line, name):
    """Two lines: first_line, then the day of the time shown."""
    a = pv.PythonAnnotation(Input=source)
    a.ArrayAssociation = "Cell Data"
    a.Expression = (f"{first_line!r} + chr(10) + ('day %.0f' % (t_value / {DAY}) "
                    f"if abs(t_value / {DAY} - round(t_value / {DAY})) < 1e-6 "
                    f"else 'day %.2f' % (t_value / {DAY}))")
    pv.RenameSource(name, a)
    return a


def count_cells(source, t):
    source.UpdatePipeline(t)
    return source.GetDataInformation().GetNumberOfCells()


def _header_range(p, times):
    """(lo, hi) of the field from the RangeMin/RangeMax that lobule writes into each .vti's
    XML header (no data read); None when a file or an attribute is missing."""
    try:
        collection = open(p.pvd, encoding="utf-8", errors="replace").read()
    except OSError:
        return None
    files = {}
    for m in re.finditer(r'<DataSet\b[^>]*>', collection):
        ts = re.search(r'timestep="([^"]*)"', m.group(0))
        fn = re.search(r'file="([^"]*)"', m.group(0))
        if ts and fn:
            files[float(ts.group(1))] = os.path.join(p.run_dir, fn.group(1))
    pattern = re.compile(r'<DataArray\b[^>]*\bName="%s"[^>]*>' % re.escape(p.field))
    lo, hi = math.inf, -math.inf
    for t in times:
        f = files.get(t) or next((v for k, v in files.items()
                                  if abs(k - t) <= 1e-9 * max(1.0, abs(t))), None)
        if f is None:
            return None
        try:
            with open(f, "rb") as fh:
                head = fh.read(65536).split(b"<AppendedData")[0].decode("utf-8", "replace")
        except OSError:
            return None
        m = pattern.search(head)
        if not m:
            return None
        rmin = re.search(r'RangeMin="([^"]*)"', m.group(0))
        rmax = re.search(r'RangeMax="([^"]*)"', m.group(0))
        if not (rmin and rmax):
            return None
        lo, hi = min(lo, float(rmin.group(1))), max(hi, float(rmax.group(1)))
    return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else None


def field_range(p, times):
    """(lo, hi) of the field at the given times: from the .vti headers when they have it
    (the whole grid; lobule's fields are 0 outside the tissue), else read through the
    pipeline (the tissue's cells)."""
    if p.field != "label":  # label is 255 outside the tissue
        r = _header_range(p, times)
        if r is not None:
            return r
    lo, hi = math.inf, -math.inf
    for t in times:
        p.tissue.UpdatePipeline(t)
        a = p.tissue.CellData[p.field]
        if a is None:
            continue
        r = a.GetRange()
        lo, hi = min(lo, r[0]), max(hi, r[1])
    if not math.isfinite(lo):
        lo, hi = 0.0, 1.0
    return lo, hi


# ---------------------------------------------------------------------------------------------
# Names and units of the fields.

def run_config(run_dir):
    """DIR/config.yaml as a dict ({} when missing or unreadable)."""
    path = os.path.join(run_dir, "config.yaml")
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return {}
    try:
        import yaml
        data = yaml.safe_load(text)
        return data if isinstance(data, dict) else {}
    except ImportError:
        return {"build": {"fields": _config_fields_without_yaml(text)}}
    except Exception:  # noqa: BLE001 - a damaged config.yaml: fall back to the table
        return {}


def _config_fields_without_yaml(text):
    """build.fields of a config.yaml read without PyYAML: entries `name: {title: T, unit: U}`
    or blocks `name:` / `title: T` / `unit: U`."""
    fields, inside, cur, indent = {}, None, None, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        depth = len(line) - len(line.lstrip())
        if depth == 0:
            inside = "build" if line.startswith("build:") else None
            continue
        if inside == "build" and line.strip() == "fields:":
            inside, indent = "fields", None
            continue
        if inside != "fields":
            continue
        if indent is None:
            indent = depth
        if depth < indent:
            inside = "build"
            continue
        key, _, rest = line.strip().partition(":")
        unq = lambda s: s.strip().strip("'\"")
        if depth == indent:
            cur = fields.setdefault(unq(key), {})
            m = re.match(r"\{(.*)\}\s*$", rest.strip())
            if m:
                for part in re.findall(r"(\w+)\s*:\s*(\"[^\"]*\"|'[^']*'|[^,]*)", m.group(1)):
                    cur[part[0]] = unq(part[1])
        elif cur is not None:
            cur[unq(key)] = unq(rest)
    return fields


def field_labels(run_dir):
    """({array: (name, unit)}, {array: where from}): the run's config.yaml build.fields
    ({name: {title, unit}}) where it has the array, else FIELD_LABELS."""
    labels = dict(FIELD_LABELS)
    source = {k: "built-in table" for k in labels}
    build = run_config(run_dir).get("build") or {}
    fields = build.get("fields") if isinstance(build, dict) else None
    if isinstance(fields, dict):
        for name, entry in fields.items():
            if not isinstance(entry, dict):
                continue
            title = entry.get("title")
            unit = entry.get("unit")
            old = labels.get(str(name), (str(name), None))
            labels[str(name)] = (str(title) if title not in (None, "") else old[0],
                                 str(unit) if unit not in (None, "") else old[1])
            source[str(name)] = "config.yaml"
    return labels, source


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def pretty_unit(unit):
    """A unit for print: um -> µm, ^3 -> ³, 1e9 -> 10⁹, "" or None -> – (dimensionless)."""
    if unit is None or not str(unit).strip():
        return "–"
    u = str(unit).strip()
    u = re.sub(r"(?<![A-Za-z])um(?![A-Za-z])", "µm", u)
    u = re.sub(r"\^\(?(-?\d+)\)?", lambda m: m.group(1).translate(_SUPERSCRIPT), u)
    u = re.sub(r"(?<![\w.])1e\+?(-?\d+)(?![\w.])",
               lambda m: "10" + str(int(m.group(1))).translate(_SUPERSCRIPT), u)
    return "–" if u in ("-", "1", "none", "dimensionless") else u


def bar_title(p_or_labels, name):
    """Colour-bar title of an array: "TGF-β [ng/mL]"."""
    labels = p_or_labels.labels if hasattr(p_or_labels, "labels") else p_or_labels
    title, unit = labels.get(name, (name, None))
    return f"{title} [{pretty_unit(unit)}]"


# ---------------------------------------------------------------------------------------------
# Style: background, ink, fonts.

def parse_background(text):
    """(r, g, b) in 0..1 from 'white', 'black' or 'R,G,B' (0..1, or 0..255 when any is > 1);
    ValueError with a message otherwise."""
    t = str(text).strip().lower()
    if t in BACKGROUNDS:
        return BACKGROUNDS[t]
    parts = t.split(",")
    try:
        rgb = [float(v) for v in parts]
    except ValueError:
        rgb = []
    if len(rgb) != 3 or any(not math.isfinite(v) or v < 0 for v in rgb):
        raise ValueError(f"--background {text}: give white, black or R,G,B (0..1 or 0..255)")
    if any(v > 1 for v in rgb):
        if any(v > 255 for v in rgb):
            raise ValueError(f"--background {text}: each of R,G,B is 0..1 or 0..255")
        rgb = [v / 255 for v in rgb]
    return tuple(rgb)


class Style:
    """How a view is drawn: background, ink (black on light backgrounds, white on dark ones),
    font size [px] and font file."""

    def __init__(self, background=(1.0, 1.0, 1.0), font=12):
        self.background = [float(c) for c in background]
        r, g, b = self.background
        light = 0.2126 * r + 0.7152 * g + 0.0722 * b >= 0.5
        self.ink = [0.0, 0.0, 0.0] if light else [1.0, 1.0, 1.0]
        self.muted = [0.7 * i + 0.3 * c for i, c in zip(self.ink, self.background)]
        self.font = int(font)
        self.font_file = next((f for f in FONT_FILES if os.path.isfile(f)), None)

    def apply_font(self, proxy, prefix=""):
        if self.font_file:
            setattr(proxy, prefix + "FontFamily", "File")
            setattr(proxy, prefix + "FontFile", self.font_file)


def _style(style, font):
    return style if style is not None else Style(font=font)


# What each view shows beyond its representations: its style, scale bar, title, role.
_EXTRAS = {}


def _key(view):
    return view.SMProxy.GetGlobalIDAsString()


def _extras(view):
    return _EXTRAS.setdefault(_key(view), {})


def style_view(view, style):
    """Background (the palette's off), no orientation axes."""
    view.OrientationAxesVisibility = 0
    view.UseColorPaletteForBackground = 0
    if hasattr(view, "BackgroundColorMode"):
        view.BackgroundColorMode = "Single Color"
    view.Background = list(style.background)
    _extras(view)["style"] = style
    return view


def white_view(view):
    return style_view(view, Style())


def _title(view, source, style):
    d = pv.Show(source, view)
    d.Color = list(style.ink)
    d.FontSize = style.font
    style.apply_font(d)
    d.WindowLocation = "Upper Left Corner"
    d.Justification = "Left"
    _extras(view)["title"] = d
    return d


def font_size(view_size):
    """Text size for a panel of view_size pixels: legible at 240 px, not huge at 1000."""
    return int(min(16, max(10, min(view_size) / 26)))


# ---------------------------------------------------------------------------------------------
# Colour bars: round ticks in one format.

def nice_ticks(lo, hi, n=6):
    """(ticks, printf format): round values (1, 2, 5 x 10^k apart) in lo..hi, as near n of
    them as such a step gives (3 .. 8), all printed with the same number of decimals (or all
    in exponent form for values below 1e-3 or from 1e5)."""
    if not hi > lo:
        return [lo], "%g"
    k = math.floor(math.log10((hi - lo) / n))
    steps = [m * 10.0 ** e for e in (k - 1, k, k + 1, k + 2) for m in (1, 2, 5)]

    def count(step):
        return math.floor(hi / step + 1e-9) - math.ceil(lo / step - 1e-9) + 1

    fits = [s for s in steps if 3 <= count(s) <= 8] or steps
    step = min(fits, key=lambda s: (abs(count(s) - n), -s))
    k0, k1 = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    ticks = [round(j * step, 12) for j in range(k0, k1 + 1)]
    ticks = [0.0 if abs(t) < 1e-9 * step else t for t in ticks]
    big = max(abs(lo), abs(hi))
    if big >= 1e5 or big < 1e-3:
        mant = step / 10.0 ** math.floor(math.log10(big))
        return ticks, f"%.{min(max(0, -math.floor(math.log10(mant) + 1e-9)), 4)}e"
    return ticks, f"%.{max(0, -math.floor(math.log10(step) + 1e-9))}f"


def _wrap_title(title, width_px, font):
    """The title on two lines, split at the space that balances them, when one line would be
    longer than width_px."""
    if len(title) * 0.6 * font <= width_px or " " not in title:
        return title
    spaces = [i for i, ch in enumerate(title) if ch == " "]
    i = min(spaces, key=lambda k: max(k, len(title) - k - 1))
    return title[:i] + "\n" + title[i + 1:]


def _bar(lut, view, title, style, lo, hi):
    """A vertical colour bar at the right of the view, its title written along it beside the
    tick labels (reading upwards), ticks at round values in one format."""
    bar = pv.GetScalarBar(lut, view)
    w, h = view.ViewSize if min(view.ViewSize) >= 64 else (500, 500)
    font = style.font
    ex = _extras(view)
    bottom = _legend_room(view, font) / h + 0.05
    top = 1.0 - (2 * 1.3 * font + 14) / h  # level with the title's lower line
    length = max(0.25, top - bottom)
    bar.Title = _wrap_title(title, 0.95 * length * h, font)
    bar.ComponentTitle = ""
    bar.TitleColor = bar.LabelColor = list(style.ink)
    bar.TitleFontSize = font
    bar.LabelFontSize = font
    bar.TitleBold = 0
    style.apply_font(bar, "Title")
    style.apply_font(bar, "Label")
    bar.HorizontalTitle = 0
    bar.TitleJustification = "Centered"
    bar.WindowLocation = "Any Location"
    bar.Orientation = "Vertical"
    ticks, fmt = nice_ticks(lo, hi)
    bar.AutomaticLabelFormat = 0
    bar.LabelFormat = bar.RangeLabelFormat = fmt
    bar.UseCustomLabels = 1
    bar.CustomLabels = ticks
    bar.AddRangeLabels = 0
    bar.DrawTickMarks = 1
    bar.DrawTickLabels = 1
    if hasattr(bar, "DrawScalarBarOutline"):
        bar.DrawScalarBarOutline = 1
        bar.ScalarBarOutlineColor = list(style.ink)
    label_px = max(len(fmt % t) for t in ticks) * 0.62 * font + 6
    thickness = max(8, font)
    title_px = (bar.Title.count("\n") + 1) * 1.25 * font + 4
    x = 1.0 - (thickness + label_px + title_px + 8) / w
    bar.Position = [x, bottom]
    bar.ScalarBarLength = length
    bar.ScalarBarThickness = thickness
    bar.Visibility = 1
    ex["bar_left"] = x
    return bar


def _legend_room(view, font):
    n = len(_extras(view).get("legend_lines", []))
    return n * 1.25 * max(9, font - 2) + (6 if n else 0)


def scar_lut():
    lut = pv.GetColorTransferFunction(SCAR_ARRAY)
    lut.RGBPoints = SCAR_RGB_POINTS
    lut.ColorSpace = "RGB"
    lut.AutomaticRescaleRangeMode = "Never"
    lut.RescaleTransferFunction(0.0, 1.0)
    return lut


def field_lut(p, lo, hi):
    lut = pv.GetColorTransferFunction(p.field)
    lut.ApplyPreset(FIELD_PRESET, True)
    lut.AutomaticRescaleRangeMode = "Never"
    lo, hi = padded_range(lo, hi)
    lut.RescaleTransferFunction(lo, hi)
    return lut


def padded_range(lo, hi):
    """A constant field (e.g. no EVs in an MSC run) still gets a valid bar."""
    if not hi > lo:
        hi = lo + (abs(lo) if lo else 1.0)
    return lo, hi


# ---------------------------------------------------------------------------------------------
# Scale bar.

def nice_length(extent):
    """A round length (1, 2, 5 x 10^k µm) nearest, on a log scale, a quarter of extent."""
    want = max(extent, 1e-9) / 4
    k = math.floor(math.log10(want))
    cands = [m * 10.0 ** e for e in (k - 1, k, k + 1) for m in (1, 2, 5)]
    return min(cands, key=lambda c: abs(math.log(c / want)))


def length_label(um):
    if um >= 1000:
        return f"{um / 1000:g} mm"
    return f"{um:g} µm"


def add_scale_bar(view, style, length=None):
    """A ruler (ParaView's Ruler source) of `length` µm (None: round, about a quarter of the
    grid; 0: none), placed by set_camera() at the lower left, horizontal on the screen."""
    ex = _extras(view)
    ex["scale_length"] = length
    if length == 0:
        return None
    r = pv.Ruler(Point1=[0, 0, 0], Point2=[1, 0, 0])
    pv.RenameSource("scale bar", r)
    d = pv.Show(r, view)
    d.AxisColor = list(style.ink)
    d.Color = list(style.ink)
    d.AxisLineWidth = 2.0 if style.font < 14 else 3.0
    d.NumberOfTicks = 2
    d.FontSize = style.font
    style.apply_font(d)
    ex["scale_bar"] = (r, d)
    return d


def _place_scale_bar(view, cam_info, bounds):
    ex = _extras(view)
    if "scale_bar" not in ex:
        return
    r, d = ex["scale_bar"]
    right, up, direction, focal, half_w, half_h, box = cam_info
    extent = max(bounds[1] - bounds[0], bounds[3] - bounds[2])
    length = ex.get("scale_length")
    if not length:
        # Automatic: never longer than the room left of the colour bar (1, 2, 5 x 10^k).
        length = nice_length(extent)
        room = (ex.get("bar_left", 0.8) - 0.06) * 2 * half_w
        while length > room and length > 1e-6:
            k = math.floor(math.log10(length) + 1e-9)
            m = round(length / 10.0 ** k)
            length = (2 if m == 5 else 1 if m == 2 else 0.5) * 10.0 ** k
    style = ex.get("style") or Style()
    # The bar's left end at the content box's left edge, half way down the margin below it.
    sx = box[0]
    sy = 0.5 * box[1] + 0.5 * (style.font + 6) / max(view.ViewSize[1], 1)
    start = [focal[i] + (2 * sx - 1) * half_w * right[i] + (2 * sy - 1) * half_h * up[i]
             for i in range(3)]
    r.Point1 = start
    r.Point2 = [start[i] + length * right[i] for i in range(3)]
    if length >= 1000:
        d.Scale = 1e-3
        d.LabelFormat = "%g mm"
    else:
        d.Scale = 1.0
        d.LabelFormat = "%g µm"
    ex["scale_bar_length"] = length


# ---------------------------------------------------------------------------------------------
# Scenes.

def show_scar(p, view, font=12, style=None, cut=False, scale_bar=None):
    """3D scene: translucent lobule, opaque vessels, the scar coloured by xlinked_fraction,
    its colour bar, a title with the day, a vessel legend and a scale bar (scale_bar: its
    length in µm, None automatic, 0 none). cut: the zonal cut (add_zonal) instead of the
    whole lobule."""
    style = _style(style, font)
    style_view(view, style)
    src = add_zonal(p) if cut else p
    ex = _extras(view)
    ex["role"] = "scar"
    d = pv.Show(src.lobule, view)
    d.ColorArrayName = ["POINTS", ""]  # solid colour
    d.AmbientColor = d.DiffuseColor = list(LOBULE_COLOUR)
    d.Opacity = LOBULE_OPACITY
    for _, surf, colour in src.vessels:
        d = pv.Show(surf, view)
        d.ColorArrayName = ["POINTS", ""]  # solid colour
        d.AmbientColor = d.DiffuseColor = list(colour)
    lines = [f"{name} ({VESSEL_COLOUR_NAMES[label]})" for label, name, _ in VESSELS
             if name in [n for n, _ in p.vessels_present]]
    ex["legend_lines"] = lines
    if lines:
        legend = pv.Text(Text="\n".join(lines))
        pv.RenameSource("vessel legend", legend)
        t = pv.Show(legend, view)
        t.Color = list(style.muted)
        t.FontSize = max(9, style.font - 2)
        style.apply_font(t)
        t.WindowLocation = "Lower Right Corner"
        t.Justification = "Right"
        ex["legend"] = t
    d = pv.Show(src.scar, view)
    pv.ColorBy(d, ("CELLS", SCAR_ARRAY))
    d.LookupTable = scar_lut()
    _bar(d.LookupTable, view, SCAR_BAR_TITLE, style, 0.0, 1.0)
    d.SetScalarBarVisibility(view, True)
    _title(view, src.scar_title, style)
    add_scale_bar(view, style, scale_bar)
    return d


def show_field(p, view, lo, hi, font=12, style=None, cut=False, scale_bar=None):
    """2D scene: the field on the slice (tissue cells; cut: on the zonal plane), fixed colour
    range lo..hi, its colour bar with the unit, a title with the day and a scale bar."""
    style = _style(style, font)
    style_view(view, style)
    src = add_zonal(p) if cut else p
    ex = _extras(view)
    ex["role"] = "field"
    ex["legend_lines"] = []
    d = pv.Show(src.field_slice, view)
    pv.ColorBy(d, ("CELLS", p.field))
    d.LookupTable = field_lut(p, lo, hi)
    _bar(d.LookupTable, view, bar_title(p, p.field), style, *padded_range(lo, hi))
    d.SetScalarBarVisibility(view, True)
    _title(view, src.field_title, style)
    add_scale_bar(view, style, scale_bar)
    return d


def show_array(view, source, array, lo, hi, title, heading, style, scale_bar=None):
    """Any run's cell array on a source (render_fields.py): Viridis on lo..hi, a colour bar
    titled `title` (e.g. bar_title()), the text `heading` at the upper left (its last line the
    time) and a scale bar."""
    style_view(view, style)
    ex = _extras(view)
    ex["role"] = "field"
    ex["legend_lines"] = []
    d = pv.Show(source, view)
    pv.ColorBy(d, ("CELLS", array))
    lut = pv.GetColorTransferFunction(array)
    lut.ApplyPreset(FIELD_PRESET, True)
    lut.AutomaticRescaleRangeMode = "Never"
    lut.RescaleTransferFunction(lo, hi)
    d.LookupTable = lut
    _bar(lut, view, title, style, lo, hi)
    d.SetScalarBarVisibility(view, True)
    text = pv.Text(Text=heading)
    pv.RenameSource("title", text)
    _title(view, text, style)
    add_scale_bar(view, style, scale_bar)
    return d


# ---------------------------------------------------------------------------------------------
# Cameras.

def camera_name(kind):
    kind = CAMERA_ALIASES.get(kind, kind)
    if kind not in CAMERAS:
        raise RunError(f"unknown camera '{kind}' (iso or oblique, top, zonal)")
    return kind


def content_box(view):
    """(x0, y0, x1, y1): the part of the view, in fractions, left to the data: below the
    title, above the scale bar, left of the colour bar."""
    w, h = view.ViewSize
    if w < 64 or h < 64:  # not laid out yet (the GUI): assume a mid-sized view
        w, h = 500, 500
    ex = _extras(view)
    style = ex.get("style") or Style()
    f = style.font
    title_lines = 2
    top = 1.0 - (title_lines * 1.3 * f + 14) / h
    bottom = (2.3 * f + 16) / h if "scale_bar" in ex else 0.04
    right = ex.get("bar_left", 0.85) - 0.03
    left = 0.04
    return (left, bottom, right, top)


def frame_points(p, cut=False):
    """Points that the cameras frame: the lobule's surface (the tissue, label != 255; cut: the
    zonal cut's), read once; it does not change with time, so neither does the framing. None
    when it cannot be read (then the grid's corners are framed)."""
    attr = "frame_points_cut" if cut else "frame_points_all"
    if getattr(p, attr, None) is None:
        try:
            import numpy as np
            from paraview import servermanager as sm
            from vtkmodules.util.numpy_support import vtk_to_numpy
            src = add_zonal(p).lobule if cut else p.lobule
            src.UpdatePipeline(p.times[0])
            data = sm.Fetch(src)
            pts = data.GetPoints() if data is not None else None
            arr = vtk_to_numpy(pts.GetData()) if pts is not None else None
            setattr(p, attr, np.array(arr, float) if arr is not None and len(arr) else False)
        except Exception:  # noqa: BLE001 - framing falls back to the grid's corners
            setattr(p, attr, False)
    pts = getattr(p, attr)
    return None if pts is False else pts


def set_camera(view, bounds, kind="iso", azimuth=0.0, elevation=0.0, zoom=1.0, points=None):
    """Points an orthographic camera at the grid's bounds: 'iso' (alias 'oblique': from the
    front right, 48 deg up), 'top' (down z) or 'zonal' (face-on to the x-z plane), then
    azimuth/elevation [deg] and zoom (> 1 closer); frames the bounds in the part of the view
    the title, colour bar and scale bar leave (content_box), from the bounds alone (or the
    fixed points, frame_points(), e.g. the lobule's surface rather than the grid's empty
    corners), so that the framing does not depend on what is visible at a time; places the
    view's scale bar."""
    kind = camera_name(kind)
    direction, up = CAMERAS[kind]
    c = [0.5 * (bounds[0] + bounds[1]), 0.5 * (bounds[2] + bounds[3]),
         0.5 * (bounds[4] + bounds[5])]
    r = max(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4], 1e-9)
    n = math.sqrt(sum(x * x for x in direction))
    direction = [x / n for x in direction]
    view.CameraParallelProjection = 1
    view.CameraFocalPoint = c
    view.CameraPosition = [c[i] - 4 * r * direction[i] for i in range(3)]
    view.CameraViewUp = list(up)
    cam = view.GetActiveCamera()
    cam.SetFocalPoint(*c)
    cam.SetPosition(*[c[i] - 4 * r * direction[i] for i in range(3)])
    cam.SetViewUp(*up)
    if azimuth:
        cam.Azimuth(azimuth)
    if elevation:
        cam.Elevation(elevation)
    cam.OrthogonalizeViewUp()
    pos, foc, vup = cam.GetPosition(), cam.GetFocalPoint(), cam.GetViewUp()
    d = [foc[i] - pos[i] for i in range(3)]
    nd = math.sqrt(sum(x * x for x in d))
    d = [x / nd for x in d]
    right = _cross(d, vup)
    nr = math.sqrt(sum(x * x for x in right)) or 1.0
    right = [x / nr for x in right]
    upv = _cross(right, d)
    if points is not None and len(points):
        pa, pb = (points - c) @ right, (points - c) @ upv
        a, b = [float(pa.min()), float(pa.max())], [float(pb.min()), float(pb.max())]
    else:
        corners = [(x, y, z) for x in bounds[0:2] for y in bounds[2:4] for z in bounds[4:6]]
        a = [sum((q[i] - c[i]) * right[i] for i in range(3)) for q in corners]
        b = [sum((q[i] - c[i]) * upv[i] for i in range(3)) for q in corners]
    w, h = view.ViewSize
    aspect = (w / h) if w > 0 and h > 0 else 1.0
    box = content_box(view)
    bw, bh = box[2] - box[0], box[3] - box[1]
    half_h = max((max(a) - min(a)) / (2 * aspect * bw), (max(b) - min(b)) / (2 * bh))
    half_h = max(half_h, 1e-9) / max(zoom, 1e-9)
    half_w = half_h * aspect
    # Centre of the bounds at the centre of the content box.
    ca, cb = 0.5 * (max(a) + min(a)), 0.5 * (max(b) + min(b))
    sa = ca - ((box[0] + box[2]) / 2 - 0.5) * 2 * half_w
    sb = cb - ((box[1] + box[3]) / 2 - 0.5) * 2 * half_h
    focal = [c[i] + sa * right[i] + sb * upv[i] for i in range(3)]
    position = [focal[i] - 4 * r * d[i] for i in range(3)]
    cam.SetFocalPoint(*focal)
    cam.SetPosition(*position)
    cam.SetViewUp(*upv)
    cam.SetParallelScale(half_h)
    view.CameraFocalPoint = focal
    view.CameraPosition = position
    view.CameraViewUp = upv
    view.CameraParallelScale = half_h
    ex = _extras(view)
    ex["camera"] = kind
    _place_scale_bar(view, (right, upv, d, focal, half_w, half_h, box), bounds)


def _cross(u, v):
    return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]


# ---------------------------------------------------------------------------------------------
# What a view shows, read back from its objects.

def _shown_text(rep):
    """The text a text representation draws now (after a render)."""
    try:
        return rep.GetClientSideObject().GetTextWidgetRepresentation() \
            .GetRepresentation().GetText() or ""
    except AttributeError:
        src = rep.Input
        return getattr(src, "Text", "") or ""


def describe_view(view, name=None):
    """What the view shows, read from its objects (call after a render): background, colour
    bars (title, tick labels), texts, the title's time label, the scale bar (label, length,
    its ends on the screen), the camera."""
    ex = _EXTRAS.get(_key(view), {})
    out = {"name": name or ex.get("role", "view"),
           "size": [int(v) for v in view.ViewSize],
           "background": [round(float(v), 4) for v in view.Background],
           "background_from_palette": bool(view.UseColorPaletteForBackground),
           "orientation_axes": bool(view.OrientationAxesVisibility)}
    bars, texts = [], []
    scale = {"shown": False}
    for rep in view.Representations:
        xml = rep.SMProxy.GetXMLName()
        if xml == "ScalarBarWidgetRepresentation":
            if not rep.Visibility:
                continue
            fmt = rep.LabelFormat
            labels = [fmt % v for v in rep.CustomLabels] if rep.UseCustomLabels else []
            rgb = list(rep.LookupTable.RGBPoints)
            bars.append({"title": " ".join(rep.Title.split()),
                         "title_lines": rep.Title.split("\n"),
                         "label_format": fmt,
                         "labels": labels,
                         "range_labels": bool(rep.AddRangeLabels),
                         "range": [rgb[0], rgb[-4]] if rgb else None,
                         "position": [round(v, 4) for v in rep.Position],
                         "length": round(rep.ScalarBarLength, 4)})
        elif xml == "TextSourceRepresentation":
            if rep.Visibility:
                texts.append({"text": _shown_text(rep), "location": str(rep.WindowLocation)})
        elif xml == "RulerSourceRepresentation" and rep.Visibility:
            src = rep.Input
            p1, p2 = list(src.Point1), list(src.Point2)
            dist = math.sqrt(sum((p2[i] - p1[i]) ** 2 for i in range(3)))
            scale = {"shown": True,
                     "label": rep.LabelFormat % (dist * rep.Scale),
                     "length_um": round(dist, 6),
                     "ends_on_screen": [_to_screen(view, p1), _to_screen(view, p2)]}
            scale["inside_view"] = all(0 <= v <= 1 for e in scale["ends_on_screen"] for v in e)
    title = ex.get("title")
    title_text = _shown_text(title) if title is not None else ""
    out["title"] = title_text
    out["time_label"] = title_text.split("\n")[-1] if title_text else ""
    out["colour_bars"] = bars
    out["scale_bar"] = scale
    out["texts"] = texts
    out["camera"] = {"preset": ex.get("camera"),
                     "parallel_projection": bool(view.CameraParallelProjection),
                     "position": [round(v, 4) for v in view.CameraPosition],
                     "focal_point": [round(v, 4) for v in view.CameraFocalPoint],
                     "view_up": [round(v, 6) for v in view.CameraViewUp],
                     "parallel_scale": round(view.CameraParallelScale, 4)}
    return out


def _to_screen(view, point):
    """(x, y) of a world point in fractions of the view (0, 0 lower left), orthographic."""
    foc, pos, up = view.CameraFocalPoint, view.CameraPosition, view.CameraViewUp
    d = [foc[i] - pos[i] for i in range(3)]
    nd = math.sqrt(sum(x * x for x in d)) or 1.0
    d = [x / nd for x in d]
    right = _cross(d, up)
    nr = math.sqrt(sum(x * x for x in right)) or 1.0
    right = [x / nr for x in right]
    upv = _cross(right, d)
    w, h = view.ViewSize
    half_h = view.CameraParallelScale
    half_w = half_h * (w / h if h else 1.0)
    rel = [point[i] - foc[i] for i in range(3)]
    x = 0.5 + sum(rel[i] * right[i] for i in range(3)) / (2 * half_w)
    y = 0.5 + sum(rel[i] * upv[i] for i in range(3)) / (2 * half_h)
    return [round(x, 4), round(y, 4)]


def write_json(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


def describe(p):
    """Lines saying what build() made."""
    t0, t1 = p.times[0], p.times[-1]
    lines = [f"run: {p.pvd}",
             f"time steps: {len(p.times)} ({t0:g} .. {t1:g} s, {day_label(t0)} .. {day_label(t1)})",
             f"cell arrays: {' '.join(p.arrays)}",
             "bounds [um]: " + " ".join(f"{b:.1f}" for b in p.bounds),
             f"derived: C = collagen + collagen_x, {SCAR_ARRAY} = collagen_x / max(C, 1e-12)",
             f"scar: cells with C >= {p.threshold:g}, coloured by {SCAR_ARRAY} (0..1)",
             f"lobule: label != {OUTSIDE}, grey, opacity {LOBULE_OPACITY:g}",
             "vessels: " + ", ".join(f"{n} (label {l})" for l, n, _ in VESSELS)
             + "; in this geometry: " + (", ".join(n for n, _ in p.vessels_present) or "none"),
             f"slice: {p.field} at z = {p.slice_z:g} um (normal z), tissue cells"]
    return lines


def sources():
    """Names of the pipeline's sources, as in the GUI's pipeline browser."""
    return sorted(name for name, _ in pv.GetSources().keys())
