"""Opens a lobule run in the ParaView GUI with the scar pipeline of tools/render_scar.py ready:
left, the lobule (translucent), its vessels and the scar (collagen + collagen_x >= 0.5,
coloured by the cross-linked fraction); right, a field on the mid-plane slice; colour bars on,
the time series ready to play (the field's colour range fixed over all outputs).

In the GUI: tools/paraview.sh RUN [FIELD [THRESHOLD]], which does this (ParaView's Python
modules live under /opt/lobule/paraview-python, see tools/install-deps.sh):
    PYTHONPATH=/opt/lobule/paraview-python/usr/lib/python3/dist-packages \\
    LOBULE_RUN=results/demo paraview --script=tools/lobule_state.py
  optional: LOBULE_FIELD=mmp (default hgf), LOBULE_THRESHOLD=0.3 (default 0.5);
  LOBULE_TOOLS=DIR if not started from the repository root (the folder of lobule_pipeline.py).

Headless, to check that the pipeline builds (prints the sources, arrays and time steps):
    tools/pvbatch.sh tools/lobule_state.py RUN --check [--field F] [--threshold X]
Exit status (pvbatch): 0 when the pipeline was built, 2 for a wrong path or an unknown field.
"""
import os
import sys

PROG = "lobule_state"


def _tools_dir():
    """Folder of lobule_pipeline.py: next to this script (pvbatch), else LOBULE_TOOLS, else
    ./tools (the GUI runs --script without __file__)."""
    here = globals().get("__file__")
    candidates = [os.path.dirname(os.path.abspath(here))] if here else []
    candidates += [os.environ.get("LOBULE_TOOLS", ""), os.path.join(os.getcwd(), "tools"),
                   os.getcwd()]
    for d in candidates:
        if d and os.path.isfile(os.path.join(d, "lobule_pipeline.py")):
            return d
    return None


def _options(argv):
    """(run, field, threshold, check) from argv (pvbatch) or the LOBULE_* variables (GUI)."""
    import argparse
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    ap.add_argument("run", nargs="?", default=os.environ.get("LOBULE_RUN"),
                    help="run folder or its fields.pvd (default: $LOBULE_RUN)")
    ap.add_argument("--field", default=os.environ.get("LOBULE_FIELD", "hgf"))
    ap.add_argument("--threshold", type=float,
                    default=float(os.environ.get("LOBULE_THRESHOLD", "0.5")))
    ap.add_argument("--check", action="store_true",
                    help="build the pipeline headless, print what it made, exit")
    return ap.parse_args(argv)


def setup(run, field="hgf", threshold=0.5):
    """Builds the pipeline and its two views; returns (pipeline, scar view, field view,
    field colour range)."""
    from paraview import simple as pv
    import lobule_pipeline as lp
    p = lp.build(run, field, threshold)
    lo, hi = lp.field_range(p, p.times)
    scar_view = pv.GetActiveView()
    if scar_view is None or scar_view.GetXMLName() != "RenderView":
        scar_view = pv.CreateView("RenderView")
    pv.RenameView("scar (3D)", scar_view)
    layout = pv.GetLayout(scar_view)
    if layout is None:
        layout = pv.CreateLayout("lobule")
        pv.AssignViewToLayout(view=scar_view, layout=layout, hint=0)
    # Split first, then make the view and assign it (as ParaView's own traces do): the GUI
    # puts a new view into the active layout itself.
    loc = layout.GetViewLocation(scar_view)
    layout.SplitHorizontal(loc, 0.5)
    pv.SetActiveView(None)
    field_view = pv.CreateView("RenderView")
    pv.RenameView(f"{field} slice", field_view)
    pv.AssignViewToLayout(view=field_view, layout=layout, hint=2 * loc + 2)
    lp.show_scar(p, scar_view, 14)
    lp.show_field(p, field_view, lo, hi, 14)
    scene = pv.GetAnimationScene()
    scene.UpdateAnimationUsingDataTimeSteps()
    scene.AnimationTime = p.times[0]
    for v in (scar_view, field_view):
        v.ViewTime = p.times[0]
    lp.set_camera(scar_view, p.bounds, "iso")
    lp.set_camera(field_view, p.bounds, "top")
    pv.SetActiveView(scar_view)
    pv.SetActiveSource(p.scar)
    return p, scar_view, field_view, (lo, hi), layout


def main(argv):
    tools = _tools_dir()
    if tools is None:
        print(f"{PROG}: cannot find lobule_pipeline.py: start from the repository root or set "
              "LOBULE_TOOLS to the lobule tools folder", file=sys.stderr)
        return 2
    sys.path.insert(0, tools)
    a = _options(argv)
    if not a.run:
        print(f"{PROG}: which run? Set LOBULE_RUN=results/NAME (GUI) or give the run folder "
              "(pvbatch)", file=sys.stderr)
        return 2
    import lobule_pipeline as lp
    try:
        p, scar_view, field_view, (lo, hi), layout = setup(a.run, a.field, a.threshold)
    except lp.RunError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    if a.check:
        from paraview import simple as pv
        for line in lp.describe(p):
            print(f"{PROG}: {line}")
        print(f"{PROG}: sources: " + "; ".join(lp.sources()))
        first, last = p.times[0], p.times[-1]
        print(f"{PROG}: scar cells: {lp.count_cells(p.scar_cells, first)} at "
              f"{lp.day_label(first)}, {lp.count_cells(p.scar_cells, last)} at "
              f"{lp.day_label(last)}")
        p.scar.UpdatePipeline(last)
        print(f"{PROG}: scar surface arrays: "
              + " ".join(p.scar.CellData.GetArray(i).Name for i in range(len(p.scar.CellData))))
        print(f"{PROG}: {a.field} colour range over the run: {lo:.4g} .. {hi:.4g}")
        print(f"{PROG}: views: {len(pv.GetViews())} (scar 3D, {a.field} slice), animation "
              f"over {len(pv.GetAnimationScene().TimeKeeper.TimestepValues)} time steps")
        pv.RemoveLayout(layout)  # views released before exit (see render_scar.py)
        for v in (scar_view, field_view):
            pv.Delete(v)
        print(f"{PROG}: pipeline ok")
    else:
        print(f"{PROG}: {p.pvd}: {len(p.times)} time steps, scar and {a.field} views ready; "
              "press Play")
    return 0


if __name__ == "__main__":
    _rc = main(sys.argv[1:] if len(sys.argv) > 1 or sys.argv[0] else [])
    if _rc and sys.argv[0]:  # pvbatch; in the GUI the message is in the Output Messages
        sys.exit(_rc)
