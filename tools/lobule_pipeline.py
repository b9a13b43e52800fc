"""The ParaView pipeline shared by tools/render_scar.py (pvbatch) and tools/lobule_state.py
(GUI): a lobule run's scar, vessels and one field on a mid-plane slice.

    p = lobule_pipeline.build("results/demo", field="hgf", threshold=0.5)
    lobule_pipeline.show_scar(p, view3d)          # 3D: lobule, vessels, scar
    lobule_pipeline.show_field(p, view2d, lo, hi)  # the field on the slice, fixed range

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
    the chosen field on Viridis with its own colour bar.
Errors a user can cause (a wrong path, a folder that is not a run, an unknown field) raise
RunError with a message meant for the user.
"""
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
LOBULE_COLOUR = (0.55, 0.55, 0.55)
LOBULE_OPACITY = 0.15
# Cross-linked fraction 0..1: yellow (fresh) - orange - brown (cross-linked). No white end
# (it stays visible on the white background), and none of the vessels' or Viridis' hues.
SCAR_RGB_POINTS = [0.0, 1.00, 0.85, 0.10,
                   0.5, 0.95, 0.50, 0.05,
                   1.0, 0.45, 0.18, 0.02]
SCAR_ARRAY = "xlinked_fraction"
FIELD_PRESET = "Viridis (matplotlib)"
NEEDED = ("collagen", "collagen_x", "label")


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
    field_slice) and what it found (times, arrays, bounds, slice_z, field, threshold)."""
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
    nz = max(ext[5] - ext[4], 1)
    dz = (p.bounds[5] - p.bounds[4]) / nz
    # Centre of the middle voxel layer (for nz = 1 the only one, for even nz the upper one).
    p.slice_z = p.bounds[4] + (nz // 2 + 0.5) * dz

    p.collagen = pv.Calculator(Input=p.reader, AttributeType="Cell Data",
                               ResultArrayName="C", Function="collagen+collagen_x")
    pv.RenameSource("C = collagen + collagen_x", p.collagen)
    p.xlinked = pv.Calculator(Input=p.collagen, AttributeType="Cell Data",
                              ResultArrayName=SCAR_ARRAY,
                              Function="collagen_x/max(C,1e-12)")
    pv.RenameSource("cross-linked fraction", p.xlinked)

    p.tissue = _label_threshold(p.xlinked, 0, OUTSIDE - 1, "tissue (label != 255)")
    p.lobule = pv.ExtractSurface(Input=p.tissue)
    pv.RenameSource("lobule", p.lobule)
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
    p.scar_title = _time_text(p.reader, f"scar: collagen + collagen_x >= {p.threshold:g}",
                              "scar title")
    p.field_title = _time_text(p.reader, f"{field} at z = {p.slice_z:.0f} um", "field title")
    # The vessels the geometry has (a coarse grid may lack arteries and ducts), for the legend.
    p.vessels_present = [(name, colour) for (label, _, _), (name, surf, colour)
                         in zip(VESSELS, p.vessels) if count_cells(surf, p.times[0]) > 0]
    return p


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


def white_view(view):
    view.OrientationAxesVisibility = 0
    view.UseColorPaletteForBackground = 0
    view.Background = [1, 1, 1]
    return view


def _title(view, source, font):
    d = pv.Show(source, view)
    d.Color = [0, 0, 0]
    d.FontSize = font
    d.WindowLocation = "Upper Left Corner"
    d.Justification = "Left"
    return d


def _bar(lut, view, title, font):
    bar = pv.GetScalarBar(lut, view)
    bar.Title = title
    bar.ComponentTitle = ""
    bar.TitleColor = bar.LabelColor = [0, 0, 0]
    bar.TitleFontSize = font
    bar.LabelFontSize = font
    bar.TitleBold = 1
    bar.HorizontalTitle = 1  # above the bar; a vertical title leaves the view at the right
    bar.TitleJustification = "Right"  # ends at the labels: stays inside narrow views
    bar.WindowLocation = "Any Location"
    bar.Orientation = "Vertical"
    bar.Position = [0.74, 0.08]
    bar.ScalarBarLength = 0.62
    bar.ScalarBarThickness = max(8, font)
    bar.Visibility = 1
    return bar


def font_size(view_size):
    """Text size for a panel of view_size pixels: legible at 320 px, not huge at 1000."""
    return int(min(16, max(10, min(view_size) / 26)))


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
    if not hi > lo:  # a constant field (e.g. no EVs in an MSC run): still a valid bar
        hi = lo + (abs(lo) if lo else 1.0)
    lut.RescaleTransferFunction(lo, hi)
    return lut


def show_scar(p, view, font=12):
    """3D scene: translucent lobule, opaque vessels, the scar coloured by xlinked_fraction,
    its colour bar and a title with the day."""
    white_view(view)
    d = pv.Show(p.lobule, view)
    d.ColorArrayName = ["POINTS", ""]  # solid colour
    d.AmbientColor = d.DiffuseColor = list(LOBULE_COLOUR)
    d.Opacity = LOBULE_OPACITY
    for _, surf, colour in p.vessels:
        d = pv.Show(surf, view)
        d.ColorArrayName = ["POINTS", ""]  # solid colour
        d.AmbientColor = d.DiffuseColor = list(colour)
    d = pv.Show(p.scar, view)
    pv.ColorBy(d, ("CELLS", SCAR_ARRAY))
    d.LookupTable = scar_lut()
    bar = _bar(d.LookupTable, view, "cross-linked\nfraction", font)
    bar.AutomaticLabelFormat = 0
    bar.LabelFormat = bar.RangeLabelFormat = "%.1f"
    d.SetScalarBarVisibility(view, True)
    _title(view, p.scar_title, font)
    colour_names = {VESSELS[0][2]: "blue", VESSELS[1][2]: "violet", VESSELS[2][2]: "red",
                    VESSELS[3][2]: "green"}
    if p.vessels_present:
        legend = pv.Text(Text=", ".join(f"{n} ({colour_names[c]})"
                                        for n, c in p.vessels_present))
        pv.RenameSource("vessel legend", legend)
        t = pv.Show(legend, view)
        t.Color = [0.25, 0.25, 0.25]
        t.FontSize = max(9, font - 2)
        t.WindowLocation = "Lower Left Corner"
    return d


def show_field(p, view, lo, hi, font=12):
    """2D scene: the field on the slice (tissue cells), fixed colour range lo..hi."""
    white_view(view)
    d = pv.Show(p.field_slice, view)
    pv.ColorBy(d, ("CELLS", p.field))
    d.LookupTable = field_lut(p, lo, hi)
    bar = _bar(d.LookupTable, view, p.field, font)
    bar.AutomaticLabelFormat = 0
    bar.LabelFormat = bar.RangeLabelFormat = "%.2g"
    d.SetScalarBarVisibility(view, True)
    _title(view, p.field_title, font)
    return d


def set_camera(view, bounds, kind="iso", azimuth=0.0, elevation=0.0, zoom=1.0):
    """Points the camera at the lobule: 'top' (looking down z, parallel projection) or 'iso'
    (oblique from the front right), then azimuth/elevation [deg] and zoom; the lobule sits in
    the left four fifths of the view, leaving the right to the colour bar."""
    c = [0.5 * (bounds[0] + bounds[1]), 0.5 * (bounds[2] + bounds[3]),
         0.5 * (bounds[4] + bounds[5])]
    r = max(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4])
    if kind == "top":
        view.CameraPosition = [c[0], c[1], c[2] + 4 * r]
        view.CameraViewUp = [0, 1, 0]
        view.CameraParallelProjection = 1
    elif kind == "iso":
        view.CameraPosition = [c[0] + 1.0 * r, c[1] - 1.7 * r, c[2] + 2.2 * r]  # 48 deg up
        view.CameraViewUp = [0, 0, 1]
        view.CameraParallelProjection = 0
    else:
        raise RunError(f"unknown camera '{kind}' (iso or top)")
    view.CameraFocalPoint = c
    view.ResetCamera(False)
    cam = view.GetActiveCamera()
    if azimuth:
        cam.Azimuth(azimuth)
    if elevation:
        cam.Elevation(elevation)
        cam.OrthogonalizeViewUp()
    view.ResetCamera(False)
    # Room for the colour bar on the right and the title on top: zoom out, shift left.
    w, h = view.ViewSize
    aspect = w / h if h else 1.0
    cam.Zoom((0.82 if kind == "top" else 0.95) * zoom)
    scale = cam.GetParallelScale() if view.CameraParallelProjection else \
        cam.GetDistance() * math.tan(math.radians(cam.GetViewAngle() / 2))
    right = _right_vector(cam)
    shift = 0.17 * scale * aspect
    pos, foc = cam.GetPosition(), cam.GetFocalPoint()
    cam.SetPosition(*[pos[i] + shift * right[i] for i in range(3)])
    cam.SetFocalPoint(*[foc[i] + shift * right[i] for i in range(3)])
    up = cam.GetViewUp()
    down = 0.06 * scale
    pos, foc = cam.GetPosition(), cam.GetFocalPoint()
    cam.SetPosition(*[pos[i] + down * up[i] for i in range(3)])
    cam.SetFocalPoint(*[foc[i] + down * up[i] for i in range(3)])


def _right_vector(cam):
    pos, foc, up = cam.GetPosition(), cam.GetFocalPoint(), cam.GetViewUp()
    d = [foc[i] - pos[i] for i in range(3)]
    r = [d[1] * up[2] - d[2] * up[1], d[2] * up[0] - d[0] * up[2], d[0] * up[1] - d[1] * up[0]]
    n = math.sqrt(sum(x * x for x in r)) or 1.0
    return [x / n for x in r]


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
