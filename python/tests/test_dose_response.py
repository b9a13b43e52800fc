"""tools/dose_response.py's arithmetic on series written out here: the time to halve the excess
scar (interpolated between rows, counted from the dose, None when it never halves) and the
excess scar's share of the untreated arm's."""
import importlib.util
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _tool():
    spec = importlib.util.spec_from_file_location(
        "dose_response", os.path.join(ROOT, "tools", "dose_response.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def _series(days, scar):
    return {"time_d": days, "collagen_mean": [0.25 * c for c in scar],
            "collagen_x_mean": [0.75 * c for c in scar], "cpa": [0.1] * len(days)}


def test_time_to_halve_is_interpolated_from_the_dose():
    m = _tool()
    # healthy 0.1; at the dose (day 84) 0.5, so half the excess is 0.3 (C = 0.3): between day
    # 86 (0.4) and day 87 (0.2), at 86.5, i.e. 2.5 days after the dose.
    s = _series([0.0, 84.0, 85.0, 86.0, 87.0, 88.0], [0.1, 0.5, 0.45, 0.4, 0.2, 0.15])
    assert m.halving_days(s, 0.1) == pytest.approx(2.5)
    never = _series([0.0, 84.0, 85.0, 86.0], [0.1, 0.5, 0.45, 0.4])
    assert m.halving_days(never, 0.1) is None
    assert m.fmt_halve(None) == "> 180 d"


def test_figures_read_day_112_and_share_of_the_untreated_excess():
    m = _tool()
    days = [0.0, 84.0] + [84.0 + k for k in range(1, 29)]
    scar = [0.1, 0.5] + [0.5 - 0.01 * k for k in range(1, 29)]
    f = m.figures(_series(days, scar), 0.1, untreated_excess=0.4)
    assert f["scar"] == pytest.approx(0.22)
    assert f["excess_share"] == pytest.approx(0.12 / 0.4)
    assert f["halve"] == pytest.approx(20.0)
    with pytest.raises(SystemExit, match="no row at day 112"):
        m.figures(_series([0.0, 84.0], [0.1, 0.5]), 0.1, 0.4)
