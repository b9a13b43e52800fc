"""Opens a lobule results folder in ParaView and renders one field on a mid-plane slice.

Run with ParaView's pvbatch (headless):
    tools/pvbatch.sh tools/render_fields.py results/pulse/fields.pvd --array tgfb --out tgfb.png

It checks what a user would see when opening fields.pvd in ParaView: the time steps, the
cell arrays and their ranges at the chosen time, and writes a PNG of the slice. Exit code 0
when the file opened and every listed check passed, 1 otherwise.
"""
import argparse
import sys

from paraview import simple


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pvd", help="DIR/fields.pvd of a lobule run")
    ap.add_argument("--array", required=True, help="cell array to show (a species name or label)")
    ap.add_argument("--time", type=float, default=None, help="tissue time [s]; default: the last")
    ap.add_argument("--out", default=None, help="PNG to write")
    ap.add_argument("--size", type=int, nargs=2, default=[800, 700])
    args = ap.parse_args()

    reader = simple.OpenDataFile(args.pvd)
    if reader is None:
        print(f"render_fields: ParaView cannot open {args.pvd}", file=sys.stderr)
        return 1
    times = list(reader.TimestepValues) if reader.TimestepValues else [0.0]
    t = times[-1] if args.time is None else min(times, key=lambda x: abs(x - args.time))
    reader.UpdatePipeline(t)
    info = reader.GetDataInformation()
    cells = reader.CellData
    names = [cells.GetArray(i).Name for i in range(len(cells))]
    print(f"time steps: {len(times)} ({times[0]:g} .. {times[-1]:g} s)")
    print(f"cells: {info.GetNumberOfCells()}, arrays: {', '.join(names)}")
    if args.array not in names:
        print(f"render_fields: no cell array '{args.array}'", file=sys.stderr)
        return 1
    lo, hi = cells[args.array].GetRange()
    print(f"{args.array} at t = {t:g} s: range {lo:.6g} .. {hi:.6g}")

    if args.out:
        bounds = info.GetBounds()
        mid = [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, (bounds[4] + bounds[5]) / 2]
        sl = simple.Slice(Input=reader)
        sl.SliceType = "Plane"
        sl.SliceType.Origin = mid
        sl.SliceType.Normal = [0, 0, 1]
        view = simple.CreateRenderView()
        view.ViewSize = args.size
        view.ViewTime = t
        view.OrientationAxesVisibility = 0
        disp = simple.Show(sl, view)
        simple.ColorBy(disp, ("CELLS", args.array))
        disp.RescaleTransferFunctionToDataRange(True, False)
        disp.SetScalarBarVisibility(view, True)
        bar = simple.GetScalarBar(simple.GetColorTransferFunction(args.array), view)
        bar.Title = f"{args.array}  (t = {t:g} s)"
        bar.ComponentTitle = ""
        view.CameraPosition = [mid[0], mid[1], mid[2] + 4 * (bounds[1] - bounds[0])]
        view.CameraFocalPoint = mid
        view.CameraViewUp = [0, 1, 0]
        simple.ResetCamera(view)
        simple.SaveScreenshot(args.out, view, ImageResolution=args.size)
        print(f"wrote {args.out}")
        simple.Delete(disp)
        simple.Delete(view)
    return 0


if __name__ == "__main__":
    sys.exit(main())
