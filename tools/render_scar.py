"""Renders a lobule run's collagen scar in 3D beside one field on a mid-plane slice, one PNG
per output time, optionally a movie of them.

Run with ParaView's pvbatch (headless):
    tools/pvbatch.sh tools/render_scar.py results/demo                  # last output
    tools/pvbatch.sh tools/render_scar.py results/demo --day 14 --field mmp --out d14.png
    tools/pvbatch.sh tools/render_scar.py results/demo --all --camera top --out-dir frames
    tools/pvbatch.sh tools/render_scar.py results/demo --movie scar.mp4   # needs ffmpeg

Left: the lobule (translucent grey), its central vein (blue), portal vein (violet), hepatic
artery (red) and bile duct (green), and the scar, the cells with collagen + collagen_x at or
above --threshold, coloured by the cross-linked fraction collagen_x / (collagen + collagen_x)
(yellow: fresh, brown: cross-linked; fixed 0..1). Right: --field on a z slice through the
middle voxel layer, on a colour range fixed across the frames (--range, default: the field's
range over the tissue at the chosen times). The pipeline is tools/lobule_pipeline.py, the
same as tools/lobule_state.py sets up in the ParaView GUI.

Exit status: 0 when every file was written; 2 for a wrong path, an unknown field, a time
outside the run, a bad option or a missing ffmpeg (a message, no traceback); 1 when ffmpeg
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
    ap.add_argument("--camera", choices=["iso", "top"], default="iso",
                    help="3D view: oblique (iso, default) or from above (top)")
    ap.add_argument("--azimuth", type=float, default=0.0, help="turn the camera [deg]")
    ap.add_argument("--elevation", type=float, default=0.0, help="tilt the camera [deg]")
    ap.add_argument("--zoom", type=float, default=1.0, help="> 1 zooms in (default 1)")
    ap.add_argument("--size", type=int, nargs=2, default=[1000, 500], metavar=("W", "H"),
                    help="image size in pixels, both panels (default 1000 500)")
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


def pick_times(a, times, day_label):
    """Indices of the frames to render."""
    if a.all:
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
    i = min(range(len(times)), key=lambda k: abs(times[k] - t))
    if abs(times[i] - t) > tol:
        print(f"{PROG}: no output at {asked}; using the nearest, t = {times[i]:g} s "
              f"({day_label(times[i])})")
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
    font = lp.font_size([left, h])
    scar_view = pv.CreateView("RenderView")
    field_view = pv.CreateView("RenderView")
    layout = None
    try:
        scar_view.ViewSize = [left, h]
        field_view.ViewSize = [w - left, h]
        lp.show_scar(p, scar_view, font)
        lp.show_field(p, field_view, lo, hi, font)
        for v in (scar_view, field_view):
            v.ViewTime = chosen[0]
        lp.set_camera(scar_view, p.bounds, a.camera, a.azimuth, a.elevation, a.zoom)
        lp.set_camera(field_view, p.bounds, "top")
        layout = pv.CreateLayout("scar")
        layout.SplitHorizontal(0, left / w)
        layout.AssignView(1, scar_view)
        layout.AssignView(2, field_view)
        layout.SetSize(w, h)
        for i in frames:
            t = p.times[i]
            for v in (scar_view, field_view):
                v.ViewTime = t
            n = lp.count_cells(p.scar_cells, t)
            path = a.out if a.out else os.path.join(out_dir, f"scar_{i:06d}.png")
            try:
                if os.path.isfile(path):
                    os.remove(path)  # so that a failed save cannot pass for a written one
            except OSError as e:
                raise UsageError(f"cannot replace {path}: {e}")
            saved = pv.SaveScreenshot(path, layout, ImageResolution=[w, h],
                                      TransparentBackground=0, CompressionLevel="5")
            if saved is False or not os.path.isfile(path):
                raise UsageError(f"could not write {path}")
            if not quiet:
                print(f"{PROG}: wrote {path} ({lp.day_label(t)}, t = {t:g} s; scar: {n} cells "
                      f"with C >= {a.threshold:g})")
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
