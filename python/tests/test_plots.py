"""The figures of tools/plot_timeseries.py and tools/plot_targets.py, by their content: axis
labels with units (from config.yaml's build.fields, or the model's field table for runs without
it), the CPA axis from 0, dose labels with agent, amount and route that do not overlap, the
injury period shaded, the EV plot starting shortly before the first dose, the PNG's resolution,
the style; plot_targets' HSC fraction and MMP/TIMP ratio on panels of their own, each with its y
label and unit. The time series come from two short runs of the executable (to day 90, each a
dose on day 84); plot_targets draws small synthetic runs."""
import importlib.util
import os
import shutil
import subprocess

import pytest
import yaml

from conftest import INPUTS, REPO
from lobule import plotting

TOOLS = os.path.join(REPO, "tools")


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(TOOLS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pt():
    pytest.importorskip("matplotlib")
    return load_tool("plot_timeseries")


@pytest.fixture(scope="module")
def runs(exe, tmp_path_factory):
    """msc_portal and ev_portal to day 90 (injury days 0-84, the dose on day 84)."""
    root = tmp_path_factory.mktemp("plots")
    out = []
    env = dict(os.environ, OMP_NUM_THREADS="1")
    for name in ("msc_portal", "ev_portal"):
        d = str(root / name)
        subprocess.run([exe, "run", os.path.join(INPUTS, name + ".yaml"), "-o", d, "-q",
                        "--set", "time.end=90 d", "--set", "output.fields=[hep]"],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        out.append(d)
    return out


@pytest.fixture(scope="module")
def figures(pt, runs):
    return pt.make_figures(runs)


def data_axes(fig):
    """The axes that hold data (not the legend's)."""
    return [ax for ax in fig.axes if ax.axison]


def texts(fig):
    out = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return [t for t in out if t]


def gid_of(artist):
    return artist.get_gid() or ""


def x_extent(patch):
    """The x range (days) a patch covers: a Rectangle (matplotlib >= 3.9) or a Polygon."""
    v = patch.get_patch_transform().transform(patch.get_path().vertices)
    return float(v[:, 0].min()), float(v[:, 0].max())


# --- labels and units ---------------------------------------------------------------------------
def test_units_and_titles_of_columns():
    assert plotting.quantity("tgfb_mean").label == "TGF-β (ng/mL)"
    assert plotting.quantity("cpa") == plotting.Quantity("CPA", "%", 100.0)
    assert plotting.quantity("time").label == "time (d)"
    assert plotting.quantity("collagen_zone3").unit == "relative scar density"
    assert plotting.quantity("ev_total").label == "EVs (particles)"
    assert plotting.quantity("msc_total").unit == "cells"
    assert plotting.quantity("hsc_mean").label == "activated HSCs (fraction of capacity)"
    assert plotting.pretty_unit("cells per 1e6 um^3") == "cells per 10⁶ µm³"
    assert plotting.pretty_unit("1e9 particles/mL") == "10⁹ particles/mL"
    assert plotting.format_amount(5e5) == "5×10⁵"
    assert plotting.format_amount(2.5e10) == "2.5×10¹⁰"
    assert plotting.dose_text("msc", 5e5, "portal_vein") == "MSC 5×10⁵, portal vein"
    assert (plotting.dose_text("ev", 1e10, "peripheral_iv", 4, 7 * 86400.0)
            == "EV 1×10¹⁰, peripheral IV, 4× every 7 d")


def test_build_fields_of_the_config_come_first():
    config = {"build": {"fields": {"tgfb": {"title": "TGF-β1", "unit": "pg/mL"},
                                   "ev": {"title": "vesicles"}}}}
    table = plotting.field_table(config)
    assert table["tgfb"] == ("TGF-β1", "pg/mL")
    assert table["ev"] == ("vesicles", "1e9 particles/mL")  # the unit from the table
    assert table["tnfa"] == ("TNF-α", "ng/mL")
    assert plotting.field_table({"build": {"git": "x"}}) == plotting.FIELDS


def test_the_fallback_table_mirrors_the_model():
    """FIELDS has the model's fields with the titles and units of
    host/model/liver_fibrosis.cpp (kFieldNames, kFieldTitles, kFieldUnits)."""
    src = open(os.path.join(REPO, "host", "model", "liver_fibrosis.cpp"), encoding="utf-8").read()

    def table(name):
        body = src.split(f"{name}[kLiverFields] = {{", 1)[1].split("};", 1)[0]
        return [v.strip().strip('"') for v in body.split(",") if v.strip()]

    names = table("kFieldNames")
    assert names == list(plotting.FIELDS)
    assert table("kFieldUnits") == [plotting.FIELDS[n][1] for n in names]
    if "kFieldTitles[kLiverFields]" in src:
        assert table("kFieldTitles") == [plotting.FIELDS[n][0] for n in names]


# --- plot_timeseries ----------------------------------------------------------------------------
def test_every_plot_is_made(figures):
    assert list(figures) == ["cpa", "zones", "cytokines", "ev"]


def test_cytokine_panels_have_readable_labels_with_units(figures):
    fig = figures["cytokines"]
    labels = [ax.get_ylabel() for ax in data_axes(fig)]
    assert labels == ["TGF-β (ng/mL)", "TNF-α (ng/mL)", "IL-10 (ng/mL)", "HGF (ng/mL)",
                      "VEGF (ng/mL)", "EGF (ng/mL)", "MMP (ng/mL)", "TIMP (ng/mL)"]
    # No code names anywhere in the figure.
    for t in texts(fig):
        assert "_mean" not in t and "tgfb" not in t and "concentration units" not in t, t
    for ax in data_axes(fig):
        assert ax.get_ylim()[0] == 0.0


def test_every_axis_has_a_label_with_a_unit(figures):
    for name, fig in figures.items():
        for ax in data_axes(fig):
            if not ax.get_ylabel():  # a panel that shares its y axis with a labelled one
                ax = next(o for o in data_axes(fig) if ax.get_shared_y_axes().joined(ax, o)
                          and o.get_ylabel())
            assert "(" in ax.get_ylabel() and ax.get_ylabel().endswith(")"), (name, ax)
        assert any(ax.get_xlabel() == "time (d)" for ax in data_axes(fig)), name
    ev = [ax.get_ylabel() for ax in data_axes(figures["ev"])]
    assert ev == ["EVs (particles)", "EV cargo (a.u. × 10⁶ µm³)"]
    assert "EV units" not in " ".join(texts(figures["ev"]))


def test_cpa_axis_starts_at_zero(figures):
    (ax,) = data_axes(figures["cpa"])
    assert ax.get_ylabel() == "CPA (%)"
    assert ax.get_ylim()[0] == 0.0
    top = max(max(ln.get_ydata()) for ln in ax.get_lines() if gid_of(ln).startswith("series"))
    assert ax.get_ylim()[1] > top  # room for the dose labels above the curves


def test_doses_are_labelled_without_overlap(figures):
    for plot in ("cpa", "ev"):
        fig = figures[plot]
        ax = data_axes(fig)[0]
        labels = {gid_of(t): t for t in ax.texts if gid_of(t).startswith("doselabel_")}
        assert {k: t.get_text() for k, t in labels.items()} == {
            f"doselabel_{plot}_run0_0": "MSC 5×10⁵, portal vein",
            f"doselabel_{plot}_run1_0": "EV 1×10¹⁰, portal vein"}
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = [t.get_window_extent(renderer) for t in labels.values()]
        assert not boxes[0].overlaps(boxes[1]), boxes
        # Each at the top of its dose line (day 84), in the run's colour, inside the axes.
        for k, t in labels.items():
            assert t.xy[0] == 84.0 and t.xy[1] == 1.0
            run = int(k.split("_run")[1].split("_")[0])
            line = next(ln for ln in ax.get_lines() if gid_of(ln) == f"dose_{plot}_run{run}_0")
            assert t.get_color() == line.get_color()
            assert ax.bbox.contains(*t.get_window_extent(renderer).corners()[0])


def test_injury_period_is_shaded_with_a_legend_entry(figures):
    for plot, fig in figures.items():
        for ax in data_axes(fig):
            spans = [p for p in ax.patches if gid_of(p).startswith(f"injury_{plot}_")]
            assert len(spans) == 1, (plot, [gid_of(p) for p in ax.patches])
            lo, hi = x_extent(spans[0])
            assert (lo, hi) == (0.0, 84.0), (plot, lo, hi)
        assert "injury, pericentral, days 0–84" in texts(fig), plot


def test_ev_plot_starts_shortly_before_the_first_dose(figures):
    for ax in data_axes(figures["ev"]):
        lo, hi = ax.get_xlim()
        assert 80.0 <= lo < 84.0 and hi == 90.0
    assert data_axes(figures["cpa"])[0].get_xlim() == (0.0, 90.0)


def test_day_window_options(pt, runs):
    fig = pt.make_figures(runs, plots=["ev", "cpa"], from_day=70, to_day=88)
    assert list(fig) == ["cpa", "ev"]
    for f in fig.values():
        for ax in data_axes(f):
            assert ax.get_xlim() == (70.0, 88.0)


def test_style_is_applied(figures):
    ax = data_axes(figures["cpa"])[0]
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    colours = [ln.get_color().lower() for ln in ax.get_lines() if gid_of(ln).startswith("series")]
    assert colours == ["#0072b2", "#d55e00"]  # Okabe and Ito's blue and vermilion
    assert ax.yaxis.label.get_fontsize() == 7.0


def test_png_states_the_resolution_asked_for(pt, figures, tmp_path):
    paths = pt.save_figures({"cpa": figures["cpa"]}, str(tmp_path), ["png", "svg", "pdf"],
                            dpi=150)
    assert sorted(os.path.basename(p) for p in paths) == ["cpa.pdf", "cpa.png", "cpa.svg"]
    dpi = plotting.png_dpi(str(tmp_path / "cpa.png"))
    assert dpi == pytest.approx((150, 150), abs=0.1)
    try:
        from PIL import Image
    except ImportError:
        return
    img = Image.open(tmp_path / "cpa.png")
    assert img.info["dpi"] == pytest.approx((150, 150), abs=0.1)
    assert abs(img.size[0] - 89 / 25.4 * 150) <= 1  # 89 mm wide
    svg = open(tmp_path / "cpa.svg", encoding="utf-8").read()
    assert "MSC 5×10⁵, portal vein" in svg  # text kept as text


def test_units_from_the_config_and_without_it(pt, runs, tmp_path):
    """build.fields of config.yaml gives the titles and units; a run without it falls back to
    the model's field table."""
    withf, without = str(tmp_path / "with"), str(tmp_path / "without")
    for d in (withf, without):
        shutil.copytree(runs[0], d, ignore=shutil.ignore_patterns("fields", "*.vti"))
    for d, fields in ((withf, {"tgfb": {"title": "TGF-β1", "unit": "pg/mL"}}), (without, None)):
        path = os.path.join(d, "config.yaml")
        config = yaml.safe_load(open(path))
        config.setdefault("build", {}).pop("fields", None)
        if fields:
            config["build"]["fields"] = fields
        yaml.safe_dump(config, open(path, "w"), allow_unicode=True)
    label = data_axes(pt.make_figures([withf], plots=["cytokines"])["cytokines"])[0].get_ylabel()
    assert label == "TGF-β1 (pg/mL)"
    label = data_axes(pt.make_figures([without], plots=["cytokines"])["cytokines"])[0]
    assert label.get_ylabel() == "TGF-β (ng/mL)"


def test_help_states_the_dpi():
    r = subprocess.run([os.sys.executable, os.path.join(TOOLS, "plot_timeseries.py"), "--help"],
                       capture_output=True, text=True, check=True)
    assert "dots per inch" in r.stdout and "default 300" in r.stdout


# --- plot_targets -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    pytest.importorskip("matplotlib")
    tool = load_tool("plot_targets")
    root = tmp_path_factory.mktemp("targets")
    runs = {}
    for name, stop, end in (("ccl4_4wk", 28, 56), ("ccl4_12wk", 84, 264)):
        d = root / name
        d.mkdir()
        (d / "config.yaml").write_text(
            f"name: {name}\nmodel:\n  name: liver_fibrosis\n  injury:\n"
            f"    - {{pattern: pericentral, rate: 3.5e-06 1/s, from: 0 s, to: {stop * 86400} s}}\n")
        rows = ["time,time_d,cpa,collagen_mean,collagen_x_mean,hsc_mean,mmp_mean,timp_mean"]
        for day in range(0, end + 1, 4):
            up = min(day, stop) / stop
            rows.append(f"{day * 86400},{day},{0.02 + 0.1 * up},{0.1 * up},{0.05 * up},"
                        f"{0.001 + 0.05 * up * (day <= stop)},{0.02 + 0.03 * (day > stop)},"
                        f"{0.1 + 0.2 * up * (day <= stop)}")
        (d / "timeseries.csv").write_text("\n".join(rows) + "\n")
        runs[name] = tool.read_run(str(d))
    return tool, tool.make_figure(runs["ccl4_4wk"], runs["ccl4_12wk"])


def test_targets_panels_have_y_labels_with_units(targets):
    _, fig = targets
    axes = data_axes(fig)
    assert [ax.get_ylabel() for ax in axes] == [
        "CPA (%)", "collagen (relative scar density)", "activated HSCs (fraction of capacity)",
        "MMP/TIMP ratio (dimensionless)"]
    for ax in axes:
        assert ax.get_xlabel() == "time (d)"


def test_targets_keep_hsc_and_the_ratio_apart(targets):
    _, fig = targets
    hsc, ratio = data_axes(fig)[2:]
    assert [gid_of(ln) for ln in hsc.get_lines()] == ["series_hsc"]
    assert [gid_of(ln) for ln in ratio.get_lines()] == ["series_mmp_timp"]
    assert hsc.get_yscale() == ratio.get_yscale() == "log"
    assert not hsc.get_shared_y_axes().joined(hsc, ratio)
    # The injury periods: days 0-28 on the 4-week panels, 0-84 on the 12-week scar.
    for ax, end in ((hsc, 28.0), (ratio, 28.0), (data_axes(fig)[1], 84.0)):
        (span,) = [p for p in ax.patches if gid_of(p).startswith("injury_")]
        assert x_extent(span) == (0.0, end)


def test_targets_write_the_resolution_asked_for(targets, tmp_path):
    _, fig = targets
    plotting.save(fig, str(tmp_path / "t.png"), dpi=200)
    assert plotting.png_dpi(str(tmp_path / "t.png")) == pytest.approx((200, 200), abs=0.1)
