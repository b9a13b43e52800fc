"""Renders a lobule run's collagen scar in 3D beside one field on a mid-plane slice, one PNG
per output time, optionally a movie of them.

Run with ParaView's pvbatch (headless):
    tools/pvbatch.sh tools/render_scar.py results/demo                  # last output
    tools/pvbatch.sh tools/render_scar.py results/demo --day 14 --field mmp --out d14.png
    tools/pvbatch.sh tools/render_scar.py results/demo --all --camera top --out-dir frames
    tools/pvbatch.sh tools/render_scar.py results/demo --movie scar.mp4   # needs ffmpeg
    tools/pvbatch.sh tools/render_scar.py RUN --day 84 --camera zonal --describe --out z.png

Left: the lobule (translucent grey), its central vein (blue), portal vein (violet), hepatic
artery (red) and bile duct (green), and the scar, the cells with collagen + collagen_x at or
above --threshold, coloured by the cross-linked fraction collagen_x / (collagen + collagen_x)
(yellow: fresh, brown: cross-linked; fixed 0..1, bar "cross-linked fraction [–]"). Right:
--field on a z slice through the middle voxel layer, on a colour range fixed across the
frames (--range, default: the field's range over the tissue at the chosen times), its colour
bar titled with the field's name and unit (RUN/config.yaml's build.fields, else a built-in
table: "TGF-β [ng/mL]"). Both panels: a white background (--background), a title with the
time in days, a scale bar in µm (--scale-bar), colour-bar ticks at round values in one format.

Cameras (--camera), orthographic and framed from the grid alone, so that every frame and every
run of the same geometry (e.g. the production lobule of inputs/lobule_F0.yaml, 600 x 520 x
100 µm) is framed alike: iso or oblique (the 3D scar surface from the front right, 48 deg up;
field panel from above), top (both from above), zonal (the x-z plane through the middle voxel
row: for one lobule, portal triad - central vein - portal triad; the 3D scene cut there, whole
voxels behind the plane, seen face-on, and the field on that plane).

A time must be an output of the run: --day or --time without an output there is refused
(exit 2) with the nearest output times named; --nearest renders the nearest output instead and
says which. --describe writes FILE.json beside each PNG: what the views show, read back from
the ParaView view objects (background, colour-bar titles and tick labels, the time label, the
scale bar's label and where it lies, the camera). The pipeline is tools/lobule_pipeline.py,
the same as tools/lobule_state.py sets up in the ParaView GUI.

Exit status: 0 when every file was written; 2 for a wrong path, an unknown field, a time
without an output, a bad option or a missing ffmpeg (a message, no traceback); 1 when ffmpeg
failed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PROG = "render_scar"


class UsageError(Exception):
    pass


def parse(argv):
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0],
                                 epilog="Run it through tools/pvbatch.sh; see the top of "
                                        "tools/render_scar.py for more.")
    ap.add_argument("run", help="a lobule run folder (lobule run ... -o DIR) or its fields.pvd")
    ap.add_argument("--field", default="hgf",
                    help="cell array on the slice, e.g. hgf, mmp, ev, tgfb (default hgf)")
    ap.add_argument("--threshold", type=float, default=0.5,
                    help="scar = cells with collagen + collagen_x >= this (default 0.5)")
    when = ap.add_mutually_exclusive_group()
    when.add_argument("--time", type=float, metavar="SECONDS",
                      help="tissue time of the frame [s] (default: the last output)")
    when.add_argument("--day", type=float, metavar="D", help="the same in days")
    when.add_argument("--all", action="store_true", help="one frame per output time")
    ap.add_argument("--nearest", action="store_true",
                    help="render the output nearest --day/--time when none is there (it says "
                         "which); without it such a time is an error")
    ap.add_argument("--camera", choices=["iso", "oblique", "top", "zonal"], default="iso",
                    help="iso or oblique: the 3D scar from the front right (default); top: "
                         "from above; zonal: the portal-central x-z cut, face-on")
    ap.add_argument("--azimuth", type=float, default=0.0, help="turn the camera [deg]")
    ap.add_argument("--elevation", type=float, default=0.0, help="tilt the camera [deg]")
    ap.add_argument("--zoom", type=float, default=1.0, help="> 1 zooms in (default 1)")
    ap.add_argument("--size", type=int, nargs=2, default=[1000, 500], metavar=("W", "H"),
                    help="image size in pixels, both panels (default 1000 500)")
    ap.add_argument("--background", default="white", metavar="COLOUR",
                    help="white (default), black or R,G,B (0..1 or 0..255); text and scale "
                         "bar take the contrasting ink")
    ap.add_argument("--scale-bar", type=float, metavar="UM", dest="scale_bar",
                    help="scale bar length in µm (default: a round length near a quarter of "
                         "the grid; 0: none)")
    ap.add_argument("--describe", action="store_true",
                    help="also write FILE.json beside each PNG: what the views show, read "
                         "from ParaView's view objects")
    out = ap.add_mutually_exclusive_group()
    out.add_argument("--out", metavar="FILE.png", help="the PNG of a single frame")
    out.add_argument("--out-dir", metavar="DIR",
                     help="folder for frames scar_NNNNNN.png (NNNNNN: the output's index, as "
                          "in fields/NNNNNN.vti); default RUN/renders")
    ap.add_argument("--movie", metavar="FILE.mp4",
                    help="also encode the frames with ffmpeg (implies --all unless a time is "
                         "given; frames go to --out-dir or a temporary folder)")
    ap.add_argument("--fps", type=float, default=4.0, help="movie frames per second (4)")
    ap.add_argument("--range", type=float, nargs=2, metavar=("LO", "HI"),
                    help="colour range of the field (default: its range over the frames)")
    a = ap.parse_args(argv)
    try:
        a.background_rgb = parse_background(a.background)
    except ValueError as e:
        raise UsageError(str(e))
    if a.scale_bar is not None and (a.scale_bar < 0 or not a.scale_bar < 1e9):
        raise UsageError(f"--scale-bar {a.scale_bar:g}: give a length in µm > 0 (0: none)")
    if a.nearest and a.all:
        raise UsageError("--nearest goes with --day or --time, not --all")
    if a.size[0] < 64 or a.size[1] < 64 or a.size[0] > 8192 or a.size[1] > 8192:
        raise UsageError(f"--size {a.size[0]} {a.size[1]}: each side must be 64 .. 8192 px")
    if a.range and not a.range[1] > a.range[0]:
        raise UsageError(f"--range {a.range[0]:g} {a.range[1]:g}: needs LO < HI")
    if a.zoom <= 0:
        raise UsageError("--zoom must be > 0")
    if a.fps <= 0:
        raise UsageError("--fps must be > 0")
    if a.movie and a.time is None and a.day is None:
        a.all = True
    if a.all and a.out:
        raise UsageError("--all writes several frames: use --out-dir DIR, not --out")
    if a.movie and a.out:
        raise UsageError("--movie takes its frames from --out-dir (or a temporary folder), "
                         "not --out")
    if a.movie and not a.movie.lower().endswith((".mp4", ".mkv", ".mov", ".avi", ".webm")):
        raise UsageError(f"--movie {a.movie}: give a movie file name, e.g. scar.mp4")
    if a.out and not a.out.lower().endswith(".png"):
        raise UsageError(f"--out {a.out}: give a .png file name")
    return a


def parse_background(text):
    """lobule_pipeline.parse_background without ParaView (so that a bad value is refused
    before the run is opened)."""
    t = str(text).strip().lower()
    if t in ("white", "black"):
        return (1.0, 1.0, 1.0) if t == "white" else (0.0, 0.0, 0.0)
    try:
        rgb = [float(v) for v in t.split(",")]
    except ValueError:
        rgb = []
    if len(rgb) != 3 or any(not 0 <= v <= 255 for v in rgb):
        raise ValueError(f"--background {text}: give white, black or R,G,B (0..1 or 0..255)")
    return tuple(v / 255 for v in rgb) if any(v > 1 for v in rgb) else tuple(rgb)


def pick_times(a, times, day_label, prog=PROG):
    """Indices of the frames to render. A time with no output is refused (UsageError naming
    the nearest outputs) unless a.nearest, which takes the nearest and says so."""
    if getattr(a, "all", False):
        return list(range(len(times)))
    if a.time is None and a.day is None:
        return [len(times) - 1]
    t = a.time if a.time is not None else a.day * 86400.0
    asked = f"t = {a.time:g} s" if a.time is not None else f"day {a.day:g}"
    span = times[-1] - times[0]
    tol = 1e-6 * max(span, 1.0)
    if t < times[0] - tol or t > times[-1] + tol:
        raise UsageError(f"{asked} is outside the run: its outputs go from t = {times[0]:g} "
                         f"to {times[-1]:g} s ({day_label(times[0])} .. {day_label(times[-1])})")
    i = min(range(len(times)), key=lambda k: (abs(times[k] - t), k))
    if abs(times[i] - t) <= tol:
        return [i]
    before = max((k for k in range(len(times)) if times[k] < t), default=None)
    after = min((k for k in range(len(times)) if times[k] > t), default=None)
    near = [k for k in (before, after) if k is not None]

    def label(k):
        text = day_label(times[k])
        return text if text.endswith(" s") else f"{text} (t = {times[k]:.10g} s)"

    named = " and ".join(label(k) for k in near)
    if not a.nearest:
        raise UsageError(f"no output at {asked}" + ("" if a.time is not None else
                                                     f" (t = {t:.10g} s)") +
                         ": the nearest outputs are "
                         f"{named}; ask for one of those, or add --nearest to render the "
                         "nearest")
    print(f"{prog}: no output at {asked}; --nearest: rendering the nearest output, {label(i)}")
    return [i]


def ffmpeg_command(frames_dir, first, fps, movie):
    ff = shutil.which("ffmpeg")
    enc = subprocess.run([ff, "-hide_banner", "-encoders"], capture_output=True, text=True).stdout
    codec = ["-c:v", "libx264", "-crf", "20"] if "libx264" in enc else ["-q:v", "3"]
    return [ff, "-y", "-hide_banner", "-loglevel", "error", "-framerate", f"{fps:g}",
            "-start_number", str(first), "-i", os.path.join(frames_dir, "scar_%06d.png"),
            "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p", *codec, movie]


def render(a):
    try:
        from paraview import simple as pv
        import lobule_pipeline as lp
    except ImportError as e:
        raise UsageError(f"ParaView's Python modules are missing ({e}); run it through "
                         "tools/pvbatch.sh")
    if a.movie and shutil.which("ffmpeg") is None:
        raise UsageError("--movie needs ffmpeg, which is not installed (apt-get install "
                         "ffmpeg); without --movie, --all --out-dir DIR writes the frames")
    try:
        p = lp.build(a.run, a.field, a.threshold)
    except lp.RunError as e:
        raise UsageError(str(e))
    if p.labels_from.get(a.field) != "config.yaml":
        how = "the built-in table" if a.field in p.labels else "none known: its name only"
        print(f"{PROG}: {a.field}: name and unit from {how} (the run's config.yaml has no "
              "build.fields entry for it)")
    frames = pick_times(a, p.times, lp.day_label)
    chosen = [p.times[i] for i in frames]
    if a.range:
        lo, hi = a.range
        how = "--range"
    else:
        lo, hi = lp.field_range(p, chosen)
        how = f"its range over the tissue at {len(chosen)} time{'s' if len(chosen) > 1 else ''}"
    print(f"{PROG}: {a.field} colour range {lo:.4g} .. {hi:.4g} ({how})")

    tmp = None
    if a.out:
        out_dir = None
    elif a.out_dir:
        out_dir = a.out_dir
    elif a.movie:
        out_dir = None  # a temporary folder, made below
    else:
        out_dir = os.path.join(p.run_dir, "renders")
    for d in (out_dir, os.path.dirname(os.path.abspath(a.out)) if a.out else None,
              os.path.dirname(os.path.abspath(a.movie)) if a.movie else None):
        try:
            if d:
                os.makedirs(d, exist_ok=True)
        except OSError as e:
            raise UsageError(f"cannot make the output folder: {e}")
    if a.movie and out_dir is None:
        out_dir = tmp = tempfile.mkdtemp(prefix="render_scar.")
    try:
        written = _frames(a, p, pv, lp, frames, chosen, lo, hi, out_dir, quiet=tmp is not None)
        if a.movie:
            cmd = ffmpeg_command(out_dir, frames[0], a.fps, a.movie)
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0 or not os.path.isfile(a.movie) or \
                    os.path.getsize(a.movie) == 0:
                print(f"{PROG}: ffmpeg failed ({' '.join(cmd)}):\n{r.stderr}",
                      file=sys.stderr)
                return 1
            plural = "s" if written != 1 else ""
            print(f"{PROG}: wrote {a.movie} ({written} frame{plural} at {a.fps:g} per second)")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _frames(a, p, pv, lp, frames, chosen, lo, hi, out_dir, quiet):
    """Renders the frames into a.out or out_dir; returns how many."""
    w, h = a.size
    left = w // 2
    style = lp.Style(background=a.background_rgb, font=lp.font_size([left, h]))
    camera = lp.camera_name(a.camera)
    zonal = camera == "zonal"
    scar_view = pv.CreateView("RenderView")
    field_view = pv.CreateView("RenderView")
    layout = None
    try:
        scar_view.ViewSize = [left, h]
        field_view.ViewSize = [w - left, h]
        lp.show_scar(p, scar_view, style=style, cut=zonal, scale_bar=a.scale_bar)
        lp.show_field(p, field_view, lo, hi, style=style, cut=zonal, scale_bar=a.scale_bar)
        for v in (scar_view, field_view):
            v.ViewTime = chosen[0]
        lp.set_camera(scar_view, p.bounds, camera, a.azimuth, a.elevation, a.zoom,
                      points=lp.frame_points(p, zonal))
        lp.set_camera(field_view, p.bounds, "zonal" if zonal else "top",
                      points=lp.frame_points(p, zonal))
        layout = pv.CreateLayout("scar")
        layout.SplitHorizontal(0, left / w)
        layout.AssignView(1, scar_view)
        layout.AssignView(2, field_view)
        layout.SetSize(w, h)
        # A thin rule between the panels, in a grey between ink and background.
        rule = [0.8 * b + 0.2 * i for b, i in zip(style.background, style.ink)]
        for i in frames:
            t = p.times[i]
            for v in (scar_view, field_view):
                v.ViewTime = t
            n = lp.count_cells(p.scar_cells, t)
            path = a.out if a.out else os.path.join(out_dir, f"scar_{i:06d}.png")
            side = os.path.splitext(path)[0] + ".json"
            try:
                for old in (path, side) if a.describe else (path,):
                    if os.path.isfile(old):
                        os.remove(old)  # so that a failed save cannot pass for a written one
            except OSError as e:
                raise UsageError(f"cannot replace {path}: {e}")
            saved = pv.SaveScreenshot(path, layout, ImageResolution=[w, h],
                                      TransparentBackground=0, CompressionLevel="5",
                                      SeparatorWidth=1, SeparatorColor=rule)
            if saved is False or not os.path.isfile(path):
                raise UsageError(f"could not write {path}")
            if a.describe:
                lp.write_json(side, {
                    "file": os.path.abspath(path), "size": [w, h], "run": p.pvd,
                    "time_s": t, "day": t / lp.DAY, "output_index": i,
                    "field": a.field, "field_range": [lo, hi], "threshold": a.threshold,
                    "scar_cells": n, "camera": camera, "font_file": style.font_file,
                    "labels_from": p.labels_from.get(a.field, "none"),
                    "views": [lp.describe_view(scar_view, "scar"),
                              lp.describe_view(field_view, "field")]})
            if not quiet:
                print(f"{PROG}: wrote {path} ({lp.day_label(t)}, t = {t:g} s; scar: {n} cells "
                      f"with C >= {a.threshold:g})" + (f"; described in {side}"
                                                        if a.describe else ""))
    finally:
        # Release the views before exit: left to interpreter shutdown, their OpenGL context
        # goes after the X connection (GLXBadContext, exit status 1).
        if layout is not None:
            pv.RemoveLayout(layout)
        for v in (scar_view, field_view):
            pv.Delete(v)
    return len(frames)


def main(argv):
    try:
        return render(parse(argv))
    except UsageError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
