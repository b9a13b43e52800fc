"""lobule.calibrate: a logistic model's parameters recovered from noisy synthetic data within the
95 % intervals (and the intervals' coverage over many data sets near 95 %), intervals that
shrink with more data, bounds held, a reproducible history, the data file's format, and a
calibration file run by `python -m lobule calibrate` against the executable."""
import csv
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import yaml

from conftest import TINY
from scipy import stats

from lobule.calibrate import CalibrationError, calibrate, read_data

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRUE = {"K": 2.0, "r": 0.5, "t0": 10.0}
SIGMA = 0.05
PARAMS = {"K": {"start": 1.0, "bounds": [0.1, 10.0], "source": "test"},
          "r": {"start": 0.2, "bounds": [0.01, 5.0], "log": True},
          "t0": {"start": 5.0, "bounds": [0.0, 20.0]}}


def logistic(p, t):
    return p["K"] / (1.0 + np.exp(-p["r"] * (t - p["t0"])))


def model_at(times):
    """The model callable: parameters -> {(observable, time): value}."""
    return lambda p: {("y", float(t)): float(v) for t, v in zip(times, logistic(p, times))}


def synthetic(n, seed, sd=True):
    times = np.linspace(0.0, 25.0, n)
    y = logistic(TRUE, times) + np.random.default_rng(seed).normal(0.0, SIGMA, n)
    data = [{"observable": "y", "time": float(t), "mean": float(v),
             "sd": SIGMA if sd else None} for t, v in zip(times, y)]
    return model_at(times), data


def width(fit, name):
    lo, hi = fit.intervals[name]
    return hi - lo


def test_recovers_the_parameters_within_their_intervals():
    model, data = synthetic(20, seed=0)
    fit = calibrate(model, PARAMS, data)
    assert fit.success
    for name, true in TRUE.items():
        lo, hi = fit.intervals[name]
        assert lo < fit.values[name] < hi
        assert lo <= true <= hi, (name, fit.intervals[name])
        assert not fit.at_bound[name]
    assert fit.sd_given and not fit.scaled and fit.dof == 17
    assert fit.table["source"] == ["test", None, None]
    # a log parameter's interval is symmetric in log10, not in the value
    lo, hi = fit.intervals["r"]
    assert math.log10(fit.values["r"]) - math.log10(lo) == \
        pytest.approx(math.log10(hi) - math.log10(fit.values["r"]))


def test_the_intervals_cover_the_true_values_about_95_percent_of_the_time():
    covered = total = 0
    for seed in range(40):
        model, data = synthetic(20, seed)
        fit = calibrate(model, PARAMS, data)
        for name, true in TRUE.items():
            lo, hi = fit.intervals[name]
            covered += lo <= true <= hi
            total += 1
    # 120 intervals at 95 %: fewer than 104 covered has probability below 1e-4
    assert covered >= 104, (covered, total)


def test_intervals_shrink_with_more_data():
    fits = []
    for n in (12, 48):
        model, data = synthetic(n, seed=3)
        fits.append(calibrate(model, PARAMS, data))
    for name in TRUE:
        assert width(fits[1], name) < 0.75 * width(fits[0], name), name
    # four times the data: about half the width
    assert width(fits[1], "K") / width(fits[0], "K") == pytest.approx(0.5, abs=0.15)


def test_without_sd_the_residual_scatter_sets_the_intervals():
    model, data = synthetic(30, seed=5, sd=False)
    fit = calibrate(model, PARAMS, data)
    assert fit.scaled and not fit.sd_given
    assert math.sqrt(fit.chi2_reduced) == pytest.approx(SIGMA, rel=0.35)   # the noise level
    with_sd = calibrate(model, PARAMS, [dict(d, sd=SIGMA) for d in data])
    # the same fit; the scaled interval is the sd's times (scatter / sd) and Student's t
    # (27 degrees of freedom) in place of the normal quantile
    expected = math.sqrt(fit.chi2_reduced) / SIGMA * stats.t.ppf(0.975, 27) / stats.norm.ppf(0.975)
    for name, true in TRUE.items():
        assert fit.values[name] == pytest.approx(with_sd.values[name], rel=1e-4)
        lo, hi = fit.intervals[name]
        assert lo <= true <= hi
        if name == "r":     # fitted in log10
            ratio = math.log(hi / lo) / math.log(with_sd.intervals[name][1] /
                                                 with_sd.intervals[name][0])
        else:
            ratio = width(fit, name) / width(with_sd, name)
        assert ratio == pytest.approx(expected, rel=0.02), name


def test_bounds_hold_at_every_evaluation():
    model, data = synthetic(20, seed=1)
    params = dict(PARAMS, r={"start": 0.2, "bounds": [0.1, 0.4]})   # excludes r = 0.5
    fit = calibrate(model, params, data)
    assert fit.values["r"] == pytest.approx(0.4) and fit.at_bound["r"]
    for row in fit.history:
        for name, p in params.items():
            assert p["bounds"][0] <= row[name] <= p["bounds"][1]
    with pytest.raises(CalibrationError, match="outside its bounds"):
        calibrate(model, dict(PARAMS, K={"start": 20.0, "bounds": [0.1, 10.0]}), data)


def test_history_and_results_are_reproducible(tmp_path):
    model, data = synthetic(20, seed=2)
    a = calibrate(model, PARAMS, data, out=tmp_path / "a")
    b = calibrate(model, PARAMS, data, out=tmp_path / "b")
    for name in ("history.csv", "calibration.csv", "fit.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    with open(tmp_path / "a" / "history.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["eval", "K", "r", "t0", "cost"]
    assert len(rows) - 1 == a.evaluations == len(a.history)
    assert [float(x) for x in rows[1][1:4]] == [1.0, pytest.approx(0.2), 5.0]   # the start
    costs = [float(r[4]) for r in rows[1:]]
    assert min(costs) == pytest.approx(a.cost)
    assert a.values == b.values
    doc = json.loads((tmp_path / "a" / "calibration.json").read_text())
    assert doc["parameters"][0]["parameter"] == "K" and doc["dof"] == 17


def test_data_files_with_units_comments_and_errors(tmp_path):
    f = tmp_path / "data.csv"
    f.write_text("# CPA of three biopsies\ntime,observable,mean,sd,note\n"
                 "28 d,cpa,0.062,0.012,a\n2419200,collagen_mean,0.31,0.05,\n84d,cpa,0.1,0.02,\n")
    targets = read_data(str(f))
    assert [(t.observable, t.time, t.mean, t.sd) for t in targets] == [
        ("cpa", 28 * 86400.0, 0.062, 0.012), ("collagen_mean", 2419200.0, 0.31, 0.05),
        ("cpa", 84 * 86400.0, 0.1, 0.02)]
    f.write_text("time,observable,mean,sd\n28 d,cpa,0.062,0.012\n56 d,cpa,0.05,\n")
    with pytest.raises(CalibrationError, match="1 of the 2 targets have an sd"):
        read_data(str(f))
    f.write_text("time,observable,mean\n28 parsecs,cpa,0.062\n")
    with pytest.raises(CalibrationError, match="not a time"):
        read_data(str(f))
    f.write_text("t,observable,mean\n")
    with pytest.raises(CalibrationError, match="lacks time"):
        read_data(str(f))




def test_a_calibration_file_fits_a_scenario(tmp_path, exe):
    import lobule
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(yaml.safe_dump(TINY, sort_keys=False))
    # data: the scenario's own mean at a decay of 48 per minute (0.8 1/s)
    ref = lobule.run(scenario, tmp_path / "ref", {"species[0].decay": "48 1/min"},
                     engine="executable")
    rows = ["time,observable,mean,sd"] + [
        f"{t} s,u_mean,{ref.value('u_mean', t)!r},0.002" for t in (0.5, 1.0, 2.0)]
    (tmp_path / "data.csv").write_text("\n".join(rows) + "\n")
    cal = {"scenario": "tiny.yaml",
           "parameters": {"species[0].decay": {"start": 6.0, "bounds": [1.0, 120.0],
                                               "unit": "1/min", "log": True,
                                               "source": "a test range"}},
           "data": "data.csv", "out": "cal"}
    (tmp_path / "cal.yaml").write_text(yaml.safe_dump(cal, sort_keys=False))
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "lobule", "calibrate", "cal.yaml", "--quiet"]
    r = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("species[0].decay = ")
    with open(tmp_path / "cal" / "calibration.csv", newline="") as f:
        row = next(csv.DictReader(f))
    assert float(row["value"]) == pytest.approx(48.0, rel=1e-3)
    assert float(row["ci_low"]) <= 48.0 <= float(row["ci_high"])
    assert row["unit"] == "1/min" and row["source"] == "a test range"
    evals = sorted(os.listdir(tmp_path / "cal" / "evals"))
    first = yaml.safe_load((tmp_path / "cal" / "evals" / evals[0] / "config.yaml").read_text())
    assert first["species"][0]["decay"] == "0.1 1/s"          # the start, 6 per minute
    with open(tmp_path / "cal" / "history.csv", newline="") as f:
        assert len(list(csv.reader(f))) - 1 == len(evals)
    # a second calibration into the same directory reuses every run
    mtimes = {e: (tmp_path / "cal" / "evals" / e / "log.txt").stat().st_mtime_ns for e in evals}
    r = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path / "cal" / "evals")) == evals
    assert all((tmp_path / "cal" / "evals" / e / "log.txt").stat().st_mtime_ns == m
               for e, m in mtimes.items())
    # an edited scenario reuses nothing: the first evaluation runs again with the new content
    scenario.write_text(yaml.safe_dump(dict(TINY, name="tiny_edited"), sort_keys=False))
    r = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "cal" / "evals" / evals[0] / "log.txt").stat().st_mtime_ns != \
        mtimes[evals[0]]
    assert "tiny_edited" in (tmp_path / "cal" / "evals" / evals[0] / "config.yaml").read_text()
    # bad input: exit 2 with the message
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(dict(cal, parameters={
        "species[0].decay": {"start": 500.0, "bounds": [1.0, 120.0]}})))
    r = subprocess.run([sys.executable, "-m", "lobule", "calibrate", "bad.yaml"], cwd=tmp_path,
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2 and r.stderr.startswith("lobule: ")
    assert "outside its bounds" in r.stderr
