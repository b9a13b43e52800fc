"""lobule.sensitivity: PRCC ranks a synthetic function's inputs as its coefficients do, Sobol'
indices of the Ishigami function match their analytic values, and a finished sweep's
directory (design.json + summary.csv) gives sensitivity.csv and the plots."""
import csv
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from SALib.test_functions import Ishigami

from lobule.sensitivity import SensitivityError, prcc, sensitivity, sobol
from lobule.sweep import make_design

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,
# V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V13 = b^2 pi^8 (1/18 - 1/50), V3 = 0.
_A, _B = 7.0, 0.1
_V = _A ** 2 / 8 + _B * math.pi ** 4 / 5 + _B ** 2 * math.pi ** 8 / 18 + 0.5
_V1 = 0.5 * (1 + _B * math.pi ** 4 / 5) ** 2
_V2 = _A ** 2 / 8
_V13 = _B ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
ISHIGAMI_S1 = [_V1 / _V, _V2 / _V, 0.0]                          # 0.314, 0.442, 0
ISHIGAMI_ST = [(_V1 + _V13) / _V, _V2 / _V, _V13 / _V]            # 0.558, 0.442, 0.244


def linear_sample(n=200, seed=1):
    from scipy.stats import qmc
    X = qmc.LatinHypercube(4, rng=seed).random(n)
    noise = np.random.default_rng(seed).normal(0.0, 0.1, n)
    y = 10 * X[:, 0] + X[:, 1] - 5 * X[:, 2] + noise        # x4 does nothing
    return X, y


def test_prcc_ranks_inputs_by_their_monotone_influence():
    X, y = linear_sample()
    t = prcc(X, y, ["x1", "x2", "x3", "x4"], ["y"])
    assert t["output"] == ["y"] * 4 and t["input"] == ["x1", "x2", "x3", "x4"]
    assert t["n"] == [200] * 4
    r = dict(zip(t["input"], t["prcc"]))
    p = dict(zip(t["input"], t["prcc_p"]))
    assert r["x1"] > r["x2"] > 0 > r["x3"]
    assert abs(r["x1"]) > abs(r["x3"]) > abs(r["x2"]) > abs(r["x4"])
    assert abs(r["x4"]) < 0.2 and p["x4"] > 0.01           # the irrelevant input
    assert max(p["x1"], p["x2"], p["x3"]) < 1e-6
    for lo, v, hi in zip(t["prcc_ci_low"], t["prcc"], t["prcc_ci_high"]):
        assert lo <= v <= hi


def test_prcc_is_a_rank_measure_and_skips_missing_outputs():
    X, y = linear_sample()
    # a monotone transform of the output leaves the ranks, hence PRCC, unchanged
    a = prcc(X, y, list("abcd"), ["y"])["prcc"]
    b = prcc(X, np.exp(y / 3), list("abcd"), ["y"])["prcc"]
    assert a == pytest.approx(b, abs=1e-12)
    Y = np.column_stack([y, -y])
    Y[:10, 1] = np.nan                                       # failed points
    t = prcc(X, Y, list("abcd"), ["y", "minus_y"])
    assert t["n"] == [200] * 4 + [190] * 4
    assert np.sign(t["prcc"][4:]).tolist() == (-np.sign(t["prcc"][:4])).tolist()
    with pytest.raises(SensitivityError, match="at least 7"):
        prcc(X[:6], y[:6], list("abcd"), ["y"])


def test_prcc_of_an_output_monotone_in_one_input_is_that_sign():
    # The ranks' covariance is singular when the output is a monotone function of one input;
    # PRCC is then exactly +-1 with the sign of the dependence (a 12-point LHS, as a small
    # sweep gives).
    from scipy.stats import qmc
    X = qmc.LatinHypercube(3, rng=2).random(12)
    down, up = 1.0 / (0.01 + X[:, 0]), np.exp(X[:, 1])
    t = prcc(X, np.column_stack([down, up]), ["a", "b", "c"], ["down", "up"])
    r = dict(zip(zip(t["output"], t["input"]), t["prcc"]))
    assert r[("down", "a")] == pytest.approx(-1.0) and r[("up", "b")] == pytest.approx(1.0)
    assert abs(r[("down", "b")]) < 1 and abs(r[("up", "a")]) < 1


def ishigami_design(n=1024, seed=1):
    from SALib.sample import sobol as salib_sobol
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    X = salib_sobol.sample(problem, n, calc_second_order=False, seed=seed)
    return problem, X, Ishigami.evaluate(X)


def test_sobol_indices_of_the_ishigami_function():
    problem, _, Y = ishigami_design()
    t = sobol(problem, Y, ["f"])
    assert t["input"] == ["x1", "x2", "x3"]
    assert t["S1"] == pytest.approx(ISHIGAMI_S1, abs=0.04)
    assert t["ST"] == pytest.approx(ISHIGAMI_ST, abs=0.04)
    assert t["ST"][2] == pytest.approx(0.244, abs=0.03)     # x3 acts through x1 only
    # the bootstrap intervals are reproducible and cover the analytic values
    assert sobol(problem, Y, ["f"]) == t
    for key, exact in (("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)):
        for v, c, e in zip(t[key], t[key + "_conf"], exact):
            assert 0 < c < 0.15 and abs(v - e) <= c + 0.01
    with pytest.raises(SensitivityError, match="multiple of 5"):
        sobol(problem, Y[:-1], ["f"])


def write_sweep_dir(path, design, outputs, values, failed=()):
    """design.json and summary.csv as lobule.sweep writes them."""
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "design.json"), "w") as f:
        json.dump({"format": 1, **design}, f)
    keys = design["keys"]
    with open(os.path.join(path, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["point"] + keys + outputs + ["status", "wall_s", "exit_code", "error"])
        for i, p in enumerate(design["points"]):
            bad = i in failed
            w.writerow([p["name"]] + [repr(p["values"][k]) for k in keys] +
                       ["" if bad else repr(float(v)) for v in values[i]] +
                       ["failed" if bad else "done", "0.1", "4" if bad else "", "x" if bad else ""])


def test_sensitivity_of_a_saltelli_sweep_directory(tmp_path):
    design = make_design({"sample": {"method": "saltelli", "n": 512, "seed": 2, "bounds": {
        "model.a": [-math.pi, math.pi], "model.b": [-math.pi, math.pi],
        "model.c": [-math.pi, math.pi]}}})
    X = np.array([[p["values"][k] for k in design["keys"]] for p in design["points"]])
    f = Ishigami.evaluate(X)
    g = np.exp(X[:, 0]) - X[:, 1]
    write_sweep_dir(tmp_path, design, ["f", "g"], np.column_stack([f, g]))
    res = sensitivity(tmp_path)
    t = res["table"]
    assert res["method"] == "saltelli" and res["n"] == len(design["points"])
    rows = {(o, i): k for k, (o, i) in enumerate(zip(t["output"], t["input"]))}
    assert [t["S1"][rows[("f", k)]] for k in design["keys"]] == pytest.approx(ISHIGAMI_S1,
                                                                              abs=0.06)
    assert t["ST"][rows[("f", "model.c")]] == pytest.approx(0.244, abs=0.05)
    assert t["prcc"][rows[("g", "model.a")]] > 0.8
    assert t["prcc"][rows[("g", "model.b")]] < -0.8
    assert abs(t["prcc"][rows[("g", "model.c")]]) < 0.1
    with open(tmp_path / "sensitivity.csv", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["output", "input", "n", "prcc", "prcc_p", "prcc_ci_low", "prcc_ci_high",
                        "S1", "S1_conf", "ST", "ST_conf"]
    assert len(table) == 1 + 6
    for name in ("tornado.png", "sobol.png"):
        with open(tmp_path / name, "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_failed_points_leave_prcc_and_stop_sobol(tmp_path):
    lhs = make_design({"sample": {"method": "lhs", "n": 40, "seed": 1,
                                  "bounds": {"a": [0, 1], "b": [0, 1]}}})
    X = np.array([[p["values"][k] for k in lhs["keys"]] for p in lhs["points"]])
    write_sweep_dir(tmp_path / "lhs", lhs, ["y"], (X[:, 0] - 2 * X[:, 1])[:, None],
                    failed=(3, 7))
    res = sensitivity(tmp_path / "lhs")
    assert res["n"] == 38 and res["method"] == "lhs"
    assert res["table"]["S1"] == [None, None]
    r = dict(zip(res["table"]["input"], res["table"]["prcc"]))
    assert r["a"] > 0.9 and r["b"] < -0.9
    with open(tmp_path / "lhs" / "sensitivity.csv", newline="") as fh:
        assert list(csv.reader(fh))[1][7:] == ["", "", "", ""]

    sal = make_design({"sample": {"method": "saltelli", "n": 8, "seed": 1,
                                  "bounds": {"a": [0, 1], "b": [0, 1]}}})
    X = np.array([[p["values"][k] for k in sal["keys"]] for p in sal["points"]])
    write_sweep_dir(tmp_path / "sal", sal, ["y"], X.sum(axis=1)[:, None], failed=(5,))
    with pytest.raises(SensitivityError, match="1 of the 32 points have no value"):
        sensitivity(tmp_path / "sal")
    with pytest.raises(SensitivityError, match="not an observable"):
        sensitivity(tmp_path / "lhs", outputs=["cpa"])
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-m", "lobule", "sensitivity", str(tmp_path / "sal")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2 and r.stderr.startswith("lobule: ")
    r = subprocess.run([sys.executable, "-m", "lobule", "sensitivity", str(tmp_path / "nothing")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2 and "design.json is missing" in r.stderr
