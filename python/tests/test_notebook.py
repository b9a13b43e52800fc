"""The tutorial notebook (docs/tutorial.ipynb) runs top to bottom with this interpreter's kernel,
and what it prints holds: three arms from one day-84 state, four dose points, a PRCC table."""
import os

import pytest

from conftest import REPO

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def test_tutorial_runs_top_to_bottom(tmp_path, exe, monkeypatch):
    src = os.path.join(REPO, "docs", "tutorial.ipynb")
    nb = nbformat.read(src, as_version=4)
    monkeypatch.setenv("LOBULE_TUTORIAL_OUT", str(tmp_path / "out"))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the notebook's inline figures
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError naming the cell on any error
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []) if o.get("output_type") == "stream")
    assert "CPA at day 84" in text
    for arm in ("untreated", "msc_portal", "ev_portal"):
        assert arm in text
    assert os.path.isdir(tmp_path / "out" / "arms" / "base")
    assert len(os.listdir(tmp_path / "out" / "dose" / "points")) == 4
    assert os.path.isfile(tmp_path / "out" / "lhs" / "sensitivity.csv")
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) == 3  # the run, the arms, the dose-response
