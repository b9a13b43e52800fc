"""Opens a lobule results folder in ParaView and renders one field on a mid-plane slice, drawn
for print.

Run with ParaView's pvbatch (headless):
    tools/pvbatch.sh tools/render_fields.py results/pulse/fields.pvd --array tgfb --out tgfb.png
    tools/pvbatch.sh tools/render_fields.py results/demo --array hgf --day 14 --describe --out h.png

It checks what a user would see when opening fields.pvd in ParaView: the time steps, the
cell arrays and their ranges at the chosen time, and writes a PNG of the slice (z normal,
through the cell centres of the middle voxel layer; tissue cells only where the run has a
`label` array), seen from above with an orthographic camera framed on the slice: a white
background (--background), a colour bar titled with the field's name and unit (the run's
config.yaml build.fields, else a built-in table: "TGF-β [ng/mL]") with ticks at round values in
one format, a title with the time (in days for runs of a day or longer; else s, min or h), and a
scale bar in µm (--scale-bar). --describe writes FILE.json beside the PNG: what the view shows,
read back from ParaView's view objects (tools/lobule_pipeline.py, describe_view).

A time must be an output of the run: --time or --day without an output there is refused (exit
2) with the nearest output times named; --nearest renders the nearest output and says which.

Exit status: 0 when the file opened, every listed check passed and the PNG was written; 2 for a
wrong path, an unknown array, a time without an output or a bad option (a message, no
traceback); 1 when ParaView could not read the run or write the picture.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PROG = "render_fields"
DAY = 86400.0


class UsageError(Exception):
    pass


def parse(argv):
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0],
                                 epilog="Run it through tools/pvbatch.sh; see the top of "
                                        "tools/render_fields.py for more.")
    ap.add_argument("pvd", help="DIR/fields.pvd of a lobule run, or the run folder DIR")
    ap.add_argument("--array", required=True,
                    help="cell array to show (a species name or label)")
    when = ap.add_mutually_exclusive_group()
    when.add_argument("--time", type=float, default=None, metavar="SECONDS",
                      help="tissue time [s]; default: the last output")
    when.add_argument("--day", type=float, default=None, metavar="D", help="the same in days")
    ap.add_argument("--nearest", action="store_true",
                    help="render the output nearest --time/--day when none is there (it says "
                         "which); without it such a time is an error")
    ap.add_argument("--out", default=None, metavar="FILE.png", help="PNG to write")
    ap.add_argument("--size", type=int, nargs=2, default=[800, 700], metavar=("W", "H"),
                    help="image size in pixels (default 800 700)")
    ap.add_argument("--range", type=float, nargs=2, metavar=("LO", "HI"),
                    help="colour range (default: the array's range over the cells at the time)")
    ap.add_argument("--background", default="white", metavar="COLOUR",
                    help="white (default), black or R,G,B (0..1 or 0..255)")
    ap.add_argument("--scale-bar", type=float, metavar="UM", dest="scale_bar",
                    help="scale bar length in µm (default: a round length near a quarter of "
                         "the grid; 0: none)")
    ap.add_argument("--describe", action="store_true",
                    help="also write FILE.json beside the PNG: what the view shows, read from "
                         "ParaView's view objects")
    a = ap.parse_args(argv)
    from render_scar import parse_background
    try:
        a.background_rgb = parse_background(a.background)
    except ValueError as e:
        raise UsageError(str(e))
    if a.size[0] < 64 or a.size[1] < 64 or a.size[0] > 8192 or a.size[1] > 8192:
        raise UsageError(f"--size {a.size[0]} {a.size[1]}: each side must be 64 .. 8192 px")
    if a.range and not a.range[1] > a.range[0]:
        raise UsageError(f"--range {a.range[0]:g} {a.range[1]:g}: needs LO < HI")
    if a.scale_bar is not None and (a.scale_bar < 0 or not a.scale_bar < 1e9):
        raise UsageError(f"--scale-bar {a.scale_bar:g}: give a length in µm > 0 (0: none)")
    if a.out and not a.out.lower().endswith(".png"):
        raise UsageError(f"--out {a.out}: give a .png file name")
    if a.describe and not a.out:
        raise UsageError("--describe describes the picture: give --out FILE.png")
    return a


def time_label(t, last):
    """The time for the picture's title: in days when the run lasts a day or more (as
    render_scar.py), else in h (runs of 3 h or more), min (10 min or more) or s."""
    if last >= DAY:
        d = t / DAY
        return f"day {d:.0f}" if abs(d - round(d)) < 1e-6 else f"day {d:.2f}"
    for unit, sec in (("h", 3600.0), ("min", 60.0)):
        if last >= 3 * sec if unit == "h" else last >= 10 * sec:
            return f"t = {t / sec:.4g} {unit}"
    return f"t = {t:.4g} s"


def run(a):
    try:
        from paraview import simple as pv
        import lobule_pipeline as lp
    except ImportError as e:
        raise UsageError(f"ParaView's Python modules are missing ({e}); run it through "
                         "tools/pvbatch.sh")
    from render_scar import pick_times, UsageError as ScarUsageError
    path = os.path.abspath(os.path.expanduser(a.pvd))
    pvd = os.path.join(path, "fields.pvd") if os.path.isdir(path) else path
    if not os.path.isfile(pvd):
        raise UsageError(f"{a.pvd}: no such fields.pvd or run folder")
    reader = pv.OpenDataFile(pvd)
    if reader is None:
        print(f"{PROG}: ParaView cannot open {pvd}", file=sys.stderr)
        return 1
    steps = reader.TimestepValues
    if isinstance(steps, (int, float)):
        steps = [steps]
    times = [float(t) for t in steps] if steps else [0.0]
    try:
        i = pick_times(a, times, lambda t: time_label(t, times[-1]), PROG)[0]
    except ScarUsageError as e:
        raise UsageError(str(e))
    t = times[i]
    reader.UpdatePipeline(t)
    info = reader.GetDataInformation()
    cells = reader.CellData
    names = [cells.GetArray(k).Name for k in range(len(cells))]
    print(f"time steps: {len(times)} ({times[0]:g} .. {times[-1]:g} s)")
    print(f"cells: {info.GetNumberOfCells()}, arrays: {', '.join(names)}")
    if info.GetNumberOfCells() == 0:
        print(f"{PROG}: ParaView read no cells from {pvd}", file=sys.stderr)
        return 1
    if a.array not in names:
        raise UsageError(f"no cell array '{a.array}'; the run has: {' '.join(names)}")
    lo, hi = cells[a.array].GetRange()
    print(f"{a.array} at t = {t:g} s: range {lo:.6g} .. {hi:.6g}")
    if not a.out:
        return 0
    if a.range:
        lo, hi = a.range
    lo, hi = lp.padded_range(lo, hi)
    labels, labels_from = lp.field_labels(os.path.dirname(pvd))
    if labels_from.get(a.array) != "config.yaml":
        how = "the built-in table" if a.array in labels else "none known: its name only"
        print(f"{PROG}: {a.array}: name and unit from {how} (the run's config.yaml has no "
              "build.fields entry for it)")
    try:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        side = os.path.splitext(a.out)[0] + ".json"
        for old in (a.out, side) if a.describe else (a.out,):
            if os.path.isfile(old):
                os.remove(old)  # so that a failed save cannot pass for a written one
    except OSError as e:
        raise UsageError(f"cannot write {a.out}: {e}")

    bounds = info.GetBounds()
    ext = info.GetExtent()
    nz = max(ext[5] - ext[4], 1)
    z = bounds[4] + (nz // 2 + 0.5) * (bounds[5] - bounds[4]) / nz  # middle layer's centres
    sl = pv.Slice(Input=reader)
    sl.SliceType = "Plane"
    sl.SliceType.Origin = [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, z]
    sl.SliceType.Normal = [0, 0, 1]
    sl.Triangulatetheslice = 0
    shown = sl
    if "label" in names and a.array != "label":
        shown = pv.Threshold(Input=sl, Scalars=["CELLS", "label"], ThresholdMethod="Between",
                             LowerThreshold=0, UpperThreshold=lp.OUTSIDE - 1)
    w, h = a.size
    style = lp.Style(background=a.background_rgb, font=lp.font_size([w, h]))
    view = pv.CreateView("RenderView")
    try:
        view.ViewSize = [w, h]
        view.ViewTime = t
        name = labels.get(a.array, (a.array, None))[0]
        lp.show_array(view, shown, a.array, lo, hi, lp.bar_title(labels, a.array),
                      f"{name} at z = {z:.0f} µm\n{time_label(t, times[-1])}", style,
                      a.scale_bar)
        points = None
        try:
            import numpy as np
            from paraview import servermanager as sm
            from vtkmodules.util.numpy_support import vtk_to_numpy
            shown.UpdatePipeline(t)
            data = sm.Fetch(shown)
            if data is not None and data.GetPoints() is not None:
                points = np.array(vtk_to_numpy(data.GetPoints().GetData()), float)
        except Exception:  # noqa: BLE001 - frame the grid's bounds instead
            points = None
        lp.set_camera(view, bounds, "top", points=points)
        saved = pv.SaveScreenshot(a.out, view, ImageResolution=[w, h], TransparentBackground=0)
        if saved is False or not os.path.isfile(a.out):
            print(f"{PROG}: could not write {a.out}", file=sys.stderr)
            return 1
        print(f"wrote {a.out}")
        if a.describe:
            lp.write_json(side, {"file": os.path.abspath(a.out), "size": [w, h], "run": pvd,
                                 "time_s": t, "day": t / DAY, "output_index": i,
                                 "array": a.array, "range": [lo, hi],
                                 "font_file": style.font_file,
                                 "labels_from": labels_from.get(a.array, "none"),
                                 "views": [lp.describe_view(view, "field")]})
            print(f"{PROG}: described in {side}")
    finally:
        pv.Delete(view)  # before exit: its OpenGL context must go before the X connection
    return 0


def main(argv):
    try:
        return run(parse(argv))
    except UsageError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
