#!/usr/bin/env python3
"""Pixel checks of a picture a tool wrote, so that a blank or near-blank picture fails:

  check_png.py PNG [--size WxH] [--colours N] [--drawn F] [--coloured F]
                   [--drawn-box X0,Y0,X1,Y1 F] [--coloured-box X0,Y0,X1,Y1 F]

--size: the picture's width and height; --colours: at least N distinct RGB colours; --drawn: at
least the fraction F of the pixels differ from the background (the most common colour) by more
than 0.1 in a channel; --coloured: at least the fraction F of the pixels are clearly coloured
(channels apart by more than 0.25: the data of a plot, not its black and grey axes and text);
--drawn-box, --coloured-box: the same within a box given in fractions of the width and height
(0,0 top left), e.g. each panel of a figure. Prints what it measured beside each bound; exit 1 when a check fails, 2 when the
file is no PNG. Reads with Pillow, else VTK.
"""
import argparse
import sys

import numpy as np


def read_png(path):
    try:
        from PIL import Image
        return np.asarray(Image.open(path).convert("RGB"), dtype=float) / 255
    except ImportError:
        import vtk
        from vtk.util.numpy_support import vtk_to_numpy
        r = vtk.vtkPNGReader()
        r.SetFileName(path)
        r.Update()
        img = r.GetOutput()
        w, h, _ = img.GetDimensions()
        a = vtk_to_numpy(img.GetPointData().GetScalars()).reshape(h, w, -1)
        return a[::-1, :, :3].astype(float) / 255


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("png")
    p.add_argument("--size")
    p.add_argument("--colours", type=int, default=0)
    p.add_argument("--drawn", type=float, default=0.0)
    p.add_argument("--coloured", type=float, default=0.0)
    p.add_argument("--drawn-box", nargs=2, action="append", default=[], metavar=("BOX", "F"))
    p.add_argument("--coloured-box", nargs=2, action="append", default=[], metavar=("BOX", "F"))
    a = p.parse_args()
    try:
        img = read_png(a.png)
    except Exception as e:  # noqa: BLE001 - any reader error means no picture
        print(f"check_png: {a.png}: not a readable PNG ({e})")
        return 2
    h, w = img.shape[:2]
    ok = True

    def check(cond, what):
        nonlocal ok
        print(f"check_png: {'ok:  ' if cond else 'FAIL:'} {what}")
        ok = ok and bool(cond)

    if a.size:
        want = tuple(int(v) for v in a.size.split("x"))
        check((w, h) == want, f"size {w}x{h} (want {want[0]}x{want[1]})")
    q = (img * 255).round().astype(np.uint8).reshape(-1, 3)
    colours, counts = np.unique(q, axis=0, return_counts=True)
    check(len(colours) >= a.colours, f"{len(colours)} distinct colours (>= {a.colours})")
    background = colours[counts.argmax()].astype(float) / 255
    drawn = np.abs(img - background).max(axis=2) > 0.1
    check(drawn.mean() >= a.drawn, f"{100 * drawn.mean():.1f}% of the pixels drawn, not background "
          f"rgb{tuple(int(v) for v in background * 255)} (>= {100 * a.drawn:g}%)")
    coloured = (img.max(axis=2) - img.min(axis=2)) > 0.25
    check(coloured.mean() >= a.coloured,
          f"{100 * coloured.mean():.2f}% of the pixels coloured (>= {100 * a.coloured:g}%)")
    for what, mask, boxes in (("drawn", drawn, a.drawn_box), ("coloured", coloured, a.coloured_box)):
        for box, f in boxes:
            x0, y0, x1, y1 = (float(v) for v in box.split(","))
            part = mask[int(y0 * h):int(y1 * h), int(x0 * w):int(x1 * w)]
            frac = part.mean() if part.size else 0.0
            check(frac >= float(f), f"{100 * frac:.2f}% {what} in the box {box} (>= {100 * float(f):g}%)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
