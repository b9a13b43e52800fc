"""Renders a lobule geometry (.vti from `lobule geometry`) to a PNG with three panels:
the labels and the zone on a z slice, and a 3D view of the sinusoid network with the
vessels, portal tracts and septa.

Run headless through ParaView's pvbatch:
    tools/pvbatch.sh tools/render_geometry.py GEOMETRY.vti OUT.png [--title TEXT]
        [--width 1500] [--height 520] [--slice-z 0.5]
"""
import argparse
import os
import sys

from paraview import simple as pv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lobule_pipeline import Style, length_label, nice_length  # noqa: E402

# Label values and colours; the values are lobule's output format (geometry/labels.hpp).
LABELS = [
    (0, "parenchyma", (0.93, 0.85, 0.72)),
    (1, "sinusoid", (0.80, 0.10, 0.10)),
    (2, "portal_vein", (0.15, 0.30, 0.85)),
    (3, "hepatic_artery", (1.00, 0.55, 0.00)),
    (4, "bile_duct", (0.10, 0.65, 0.20)),
    (5, "central_vein", (0.45, 0.10, 0.60)),
    (6, "portal_tract", (0.60, 0.78, 0.95)),
    (7, "septum", (0.35, 0.35, 0.45)),
]


def label_lut():
    lut = pv.GetColorTransferFunction("label")
    lut.InterpretValuesAsCategories = 1
    lut.Annotations = sum(([str(v), name] for v, name, _ in LABELS), [])
    lut.IndexedColors = sum((list(c) for _, _, c in LABELS), [])
    return lut


def threshold(source, lo, hi):
    t = pv.Threshold(Input=source)
    t.Scalars = ["CELLS", "label"]
    t.LowerThreshold = lo
    t.UpperThreshold = hi
    t.ThresholdMethod = "Between"
    return pv.ExtractSurface(Input=t)


def white_view(size, title):
    """A render view with a white background and a title in its upper left corner."""
    view = pv.CreateView("RenderView")
    view.ViewSize = size
    view.OrientationAxesVisibility = 0
    view.UseColorPaletteForBackground = 0
    view.Background = [1, 1, 1]
    t = pv.Show(pv.Text(Text=title), view)
    t.Color = [0, 0, 0]
    t.FontSize = 14
    t.WindowLocation = "Upper Left Corner"
    return view


def legend(lut, view, display, position, length):
    bar = pv.GetScalarBar(lut, view)
    bar.Title = ""
    bar.ComponentTitle = ""
    bar.LabelColor = [0, 0, 0]
    bar.WindowLocation = "Any Location"
    bar.Position = position
    bar.ScalarBarLength = length
    display.SetScalarBarVisibility(view, True)
    return bar


def slice_view(reader, bounds, array, size, title, slice_z):
    """Top view of the tissue (labels 0..7) on the plane z = slice_z of the height."""
    view = white_view(size, title)
    cut = pv.Slice(Input=reader)
    cut.SliceType = "Plane"
    cut.SliceType.Origin = [0.5 * (bounds[0] + bounds[1]), 0.5 * (bounds[2] + bounds[3]),
                            bounds[4] + slice_z * (bounds[5] - bounds[4])]
    cut.SliceType.Normal = [0, 0, 1]
    tissue = pv.Threshold(Input=cut)
    tissue.Scalars = ["CELLS", "label"]
    tissue.LowerThreshold, tissue.UpperThreshold = 0, 7
    tissue.ThresholdMethod = "Between"
    d = pv.Show(tissue, view)
    pv.ColorBy(d, ("CELLS", array))
    if array == "label":
        d.LookupTable = label_lut()
        legend(d.LookupTable, view, d, [0.83, 0.05], 0.6).LabelFontSize = 11
    else:
        lut = pv.GetColorTransferFunction("zone")
        lut.ApplyPreset("Viridis (matplotlib)", True)
        lut.RescaleTransferFunction(0.0, 1.0)
        bar = legend(lut, view, d, [0.86, 0.1], 0.33)
        bar.AutomaticLabelFormat = 0
        bar.LabelFormat = bar.RangeLabelFormat = "%.1f"
    view.CameraPosition = [cut.SliceType.Origin[0], cut.SliceType.Origin[1], bounds[5] + 5000]
    view.CameraFocalPoint = cut.SliceType.Origin
    view.CameraViewUp = [0, 1, 0]
    view.CameraParallelProjection = 1
    view.ResetCamera()
    # Leave the right quarter of the panel to the legend.
    cam = view.GetActiveCamera()
    scale = cam.GetParallelScale() * 1.2
    shift = 0.3 * scale * size[0] / size[1]
    cam.SetParallelScale(scale)
    px, py, pz = cam.GetPosition()
    fx, fy, fz = cam.GetFocalPoint()
    cam.SetPosition(px + shift, py, pz)
    cam.SetFocalPoint(fx + shift, fy, fz)
    scale_bar(view, bounds, cut.SliceType.Origin[2])
    return view


def scale_bar(view, bounds, z):
    """A ruler of a round length (about a quarter of the lobule's width) under the tissue's
    lower left corner, labelled in µm: the slices are top views in parallel projection."""
    length = nice_length(bounds[1] - bounds[0])
    y = bounds[2] - 0.06 * (bounds[3] - bounds[2])
    ruler = pv.Ruler(Point1=[bounds[0], y, z], Point2=[bounds[0] + length, y, z])
    d = pv.Show(ruler, view)
    d.Color = d.AxisColor = [0, 0, 0]
    d.AxisLineWidth = 2.0
    d.NumberOfTicks = 2
    d.FontSize = 12
    d.LabelFormat = "%g µm"
    Style(font=12).apply_font(d)
    print("scale bar:", length_label(length))
    return d


def network_view(reader, size, title):
    """Oblique 3D view: sinusoids and vessels opaque, portal tracts and septa translucent."""
    view = white_view(size, title)
    lut = label_lut()
    parts = [(threshold(reader, 1, 1), 1.0), (threshold(reader, 2, 5), 1.0),
             (threshold(reader, 6, 7), 0.35)]
    for source, opacity in parts:
        d = pv.Show(source, view)
        pv.ColorBy(d, ("CELLS", "label"))
        d.LookupTable = lut
        d.Opacity = opacity
    outline = pv.Show(pv.Outline(Input=threshold(reader, 0, 7)), view)
    outline.AmbientColor = outline.DiffuseColor = [0.3, 0.3, 0.3]
    view.CameraPosition = [0.3, -1.0, 0.9]
    view.CameraFocalPoint = [0, 0, 0]
    view.CameraViewUp = [0, 0, 1]
    view.ResetCamera()
    view.GetActiveCamera().Zoom(1.25)
    return view


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("vti")
    p.add_argument("png")
    p.add_argument("--title", default="")
    p.add_argument("--width", type=int, default=1500)
    p.add_argument("--height", type=int, default=520)
    p.add_argument("--slice-z", type=float, default=0.5,
                   help="height of the slice as a fraction of the lobule height")
    a = p.parse_args()

    reader = pv.XMLImageDataReader(FileName=[a.vti])
    reader.CellArrayStatus = ["label", "zone"]
    reader.UpdatePipeline()
    info = reader.GetDataInformation()
    bounds = info.GetBounds()
    cells = info.GetCellDataInformation()
    names = [cells.GetArrayInformation(i).GetName() for i in range(cells.GetNumberOfArrays())]
    print("arrays:", " ".join(names))
    print("label range: {:.0f} .. {:.0f}".format(*reader.CellData["label"].GetRange()))
    print("bounds [um]: " + " ".join("{:.1f}".format(b) for b in bounds))
    panel = [a.width // 3, a.height]
    prefix = a.title + ": " if a.title else ""
    where = "z = {:.0f} µm".format(bounds[4] + a.slice_z * (bounds[5] - bounds[4]))
    views = [slice_view(reader, bounds, "label", panel, prefix + "labels at " + where, a.slice_z),
             slice_view(reader, bounds, "zone", panel, "zone: 0 portal, 1 central", a.slice_z),
             network_view(reader, panel, "sinusoids, vessels, tracts and septa (3D)")]
    layout = pv.CreateLayout("geometry")
    layout.SplitHorizontal(0, 1.0 / 3)
    layout.SplitHorizontal(2, 0.5)
    for cell, view in zip((1, 5, 6), views):
        layout.AssignView(cell, view)
    layout.SetSize(a.width, a.height)
    pv.SaveScreenshot(a.png, layout, ImageResolution=[a.width, a.height],
                      TransparentBackground=0, CompressionLevel="9")
    print("wrote", a.png)


if __name__ == "__main__":
    main()
