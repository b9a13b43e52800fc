"""lobule.sweep: designs (names, Latin hypercube strata, log sampling, Saltelli sizes), and
against the executable on a tiny scenario: a 2 x 2 sweep whose summary is its runs' own
timeseries.csv, a branched sweep continuing the shared run, failures recorded, a sweep killed
with SIGKILL resuming without touching its finished points, a changed design refused."""
import csv
import json
import math
import os
import signal
import stat
import subprocess
import sys
import time

import numpy as np
import pytest
import yaml

from conftest import TINY

from lobule.sweep import SweepError, make_design, sweep

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))



def exact_mean(u0, decay, source, t):
    eq = source / decay
    return eq + (u0 - eq) * math.exp(-decay * t)


@pytest.fixture
def tiny(tmp_path, exe):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(TINY, sort_keys=False))
    check = subprocess.run([exe, "check", str(path)], capture_output=True, text=True,
                           timeout=60)
    assert check.returncode == 0, check.stderr
    return path


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def series(run_dir):
    header, rows = read_csv(os.path.join(run_dir, "timeseries.csv"))
    return {c: [float(r[i]) for r in rows] for i, c in enumerate(header)}


def write_sweep(tmp_path, name, spec):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


GRID = {
    "scenario": "tiny.yaml",
    "axes": {"species[0].decay": [0.5, 1.0], "species[0].source": [0.1, 0.2]},
    "observables": [{"column": "u_mean", "at": "2 s"},
                    {"column": "u_total", "stat": "max"},
                    {"column": "u_mean", "stat": "min", "name": "lowest"}],
    "jobs": 2,
}


# --- designs, no executable needed ------------------------------------------------------------

def test_grid_design_is_the_full_factorial_named_by_short_values():
    d = make_design({"axes": {"model.therapy[0].dose": [1.0e5, 5.0e5, 2.0e6],
                              "model.parameters.k_x": {"range": [0.1, 1.0], "num": 4}}})
    assert d["method"] == "grid" and len(d["points"]) == 12
    names = [p["name"] for p in d["points"]]
    assert names[0] == "dose=1e+05_k_x=0.1" and names[5] == "dose=5e+05_k_x=0.4"
    assert len(set(names)) == 12
    assert [p["values"]["model.parameters.k_x"] for p in d["points"][:4]] == \
        pytest.approx([0.1, 0.4, 0.7, 1.0])
    # the first axis varies slowest
    assert [p["values"]["model.therapy[0].dose"] for p in d["points"][::4]] == \
        [1.0e5, 5.0e5, 2.0e6]
    log = make_design({"axes": {"a.k": {"range": [1, 1000], "num": 4, "log": True}}})
    assert [p["values"]["a.k"] for p in log["points"]] == pytest.approx([1, 10, 100, 1000])


def test_keys_sharing_a_last_component_are_named_by_more_of_their_path():
    d = make_design({"axes": {"model.therapy[0].dose": [1.0], "model.therapy[1].dose": [2.0]}})
    assert d["points"][0]["name"] == "therapy0.dose=1_therapy1.dose=2"


def test_names_that_would_collide_are_numbered():
    d = make_design({"axes": {"a.k": [1.00001, 1.00002]}})
    assert [p["name"] for p in d["points"]] == ["p0000_k=1", "p0001_k=1"]


def test_latin_hypercube_fills_every_stratum_and_samples_logs_in_log_space():
    spec = {"sample": {"method": "lhs", "n": 20, "seed": 3,
                       "bounds": {"m.k_x": [0.1, 1.0], "m.k_y": [1, 1000]},
                       "log": ["m.k_y"]}}
    d = make_design(spec)
    x = np.array([p["values"]["m.k_x"] for p in d["points"]])
    y = np.array([p["values"]["m.k_y"] for p in d["points"]])
    assert x.min() >= 0.1 and x.max() <= 1.0 and y.min() >= 1 and y.max() <= 1000
    # one point per stratum of width 1/n, linearly for k_x, in log10 for k_y
    assert sorted(np.floor((x - 0.1) / 0.9 * 20).astype(int)) == list(range(20))
    assert sorted(np.floor(np.log10(y) / 3 * 20).astype(int)) == list(range(20))
    assert d["points"][3]["name"].startswith("p0003_k_x=")
    assert make_design(spec) == d        # the same seed, the same design
    spec["sample"]["seed"] = 4
    assert make_design(spec) != d


def test_saltelli_design_has_n_times_d_plus_2_points():
    spec = {"sample": {"method": "saltelli", "n": 8, "seed": 1,
                       "bounds": {"a": [0, 1], "b": [0, 1], "c": [1, 10]}}}
    assert len(make_design(spec)["points"]) == 8 * (3 + 2)
    spec["sample"]["second_order"] = True
    d = make_design(spec)
    assert len(d["points"]) == 8 * (2 * 3 + 2) and d["problem"]["num_vars"] == 3


@pytest.mark.parametrize("spec, message", [
    ({"axes": {"a": [1]}, "sample": {"method": "lhs"}}, "not both"),
    ({}, "needs axes"),
    ({"axes": {"a": []}}, "empty"),
    ({"axes": {"a": {"range": [0, 1]}}}, "num"),
    ({"sample": {"method": "grid", "n": 4, "bounds": {"a": [0, 1]}}}, "lhs, sobol, saltelli"),
    ({"sample": {"method": "lhs", "n": 4, "bounds": {"a": [1, 0]}}}, "not below"),
    ({"sample": {"method": "lhs", "n": 4, "bounds": {"a": [0, 1]}, "log": ["a"]}}, "positive"),
])
def test_bad_designs_are_refused(spec, message):
    with pytest.raises(SweepError, match=message):
        make_design(spec)


def test_bad_sweep_files_are_refused_before_anything_runs(tmp_path):
    (tmp_path / "s.yaml").write_text("name: x\n")
    path = write_sweep(tmp_path, "bad.yaml", {"scenario": "s.yaml", "axes": {"a": [1]},
                                              "observable": []})
    with pytest.raises(SweepError, match="unknown key.*observable"):
        sweep(path)
    path = write_sweep(tmp_path, "bad2.yaml", {"scenario": "s.yaml", "axes": {"a": [1]},
                                               "observables": [{"column": "u", "at": "2 parsecs"}]})
    with pytest.raises(SweepError, match="not a time"):
        sweep(path)
    assert not (tmp_path / "results").exists()
    r = subprocess.run([sys.executable, "-m", "lobule", "sweep", str(path)], cwd=tmp_path,
                       capture_output=True, text=True, env=_env_with_package())
    assert r.returncode == 2 and r.stderr.startswith("lobule: ")


def _env_with_package(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = PYTHON_DIR + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


# --- against the executable ------------------------------------------------------------------

def test_grid_sweep_summary_is_the_runs_own_timeseries(tmp_path, tiny):
    res = sweep(write_sweep(tmp_path, "grid.yaml", GRID), out=tmp_path / "out")
    assert res.ok and res.failed == []
    points = sorted(os.listdir(tmp_path / "out" / "points"))
    assert points == ["decay=0.5_source=0.1", "decay=0.5_source=0.2", "decay=1_source=0.1",
                      "decay=1_source=0.2"]
    header, rows = read_csv(tmp_path / "out" / "summary.csv")
    assert header == ["point", "species[0].decay", "species[0].source", "u_mean@2s",
                      "u_total_max", "lowest", "status", "wall_s", "exit_code", "error"]
    assert [r[0] for r in rows] == points          # design order
    for r in rows:
        name, decay, source = r[0], float(r[1]), float(r[2])
        run_dir = tmp_path / "out" / "points" / name
        s = series(run_dir)
        assert float(r[3]) == s["u_mean"][s["time"].index(2.0)]
        assert float(r[4]) == max(s["u_total"])
        assert float(r[5]) == min(s["u_mean"])
        assert r[6] == "done" and r[8] == "" and r[9] == ""
        # the point's values reached its run: its config and the decay law of its mean
        cfg = yaml.safe_load((run_dir / "config.yaml").read_text())
        assert cfg["species"][0]["decay"] == f"{decay:g} 1/s"
        assert float(r[3]) == pytest.approx(exact_mean(1.0, decay, source, 2.0), rel=0.02)
        rec = json.loads((run_dir / "point.json").read_text())
        assert rec["values"] == {"species[0].decay": decay, "species[0].source": source}
        assert rec["observables"]["u_mean@2s"] == float(r[3])
    # the table is summary.csv
    assert res.table["point"] == points
    assert res.table["u_mean@2s"] == [float(r[3]) for r in rows]
    assert res.table["species[0].decay"] == [0.5, 0.5, 1.0, 1.0]
    design = json.loads((tmp_path / "out" / "design.json").read_text())
    assert [p["name"] for p in design["points"]] == points


def test_branched_sweep_continues_the_shared_run(tmp_path, tiny):
    spec = {"scenario": "tiny.yaml",
            "branch": {"at": "1 s", "set": {"species[0].source": 0.0}},
            "axes": {"species[0].decay": [0.25, 2.0]},
            "set": {"species[0].source": 0.3},
            "observables": [{"column": "u_mean", "at": "1 s"}, {"column": "u_mean", "at": "2 s"},
                            {"column": "time", "stat": "first"}]}
    res = sweep(write_sweep(tmp_path, "branch.yaml", spec), out=tmp_path / "out", jobs=2)
    assert res.ok
    shared = series(tmp_path / "out" / "branch")
    assert shared["time"][-1] == 1.0
    u1 = shared["u_mean"][-1]
    assert u1 == pytest.approx(math.exp(-0.5), rel=0.01)      # no source before the branch
    for p, decay in zip(res.points, (0.25, 2.0)):
        # every point starts at the branch's time and state ...
        assert p["observables"]["time_first"] == 1.0
        assert p["observables"]["u_mean@1s"] == u1
        # ... and follows its own decay and the common source after it
        assert p["observables"]["u_mean@2s"] == pytest.approx(
            exact_mean(u1, decay, 0.3, 1.0), rel=0.02)
    # a rerun reruns nothing, the shared run included
    log = tmp_path / "out" / "branch" / "log.txt"
    before = log.stat().st_mtime_ns
    again = sweep(write_sweep(tmp_path, "branch.yaml", spec), out=tmp_path / "out")
    assert all(p["skipped"] for p in again.points) and log.stat().st_mtime_ns == before
    assert again.table == res.table


def test_a_failed_point_is_recorded_and_the_others_go_on(tmp_path, tiny):
    spec = dict(GRID, axes={"species[0].diffusivity": [10.0, -1.0]}, jobs=1)
    path = write_sweep(tmp_path, "fail.yaml", spec)
    r = subprocess.run([sys.executable, "-m", "lobule", "sweep", str(path), "--out", "out"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300,
                       env=_env_with_package())
    assert r.returncode == 1, r.stderr
    assert "lobule: 1 of 2 points failed: diffusivity=-1" in r.stderr
    header, rows = read_csv(tmp_path / "out" / "summary.csv")
    row = {r_[0]: dict(zip(header, r_)) for r_ in rows}
    bad, good = row["diffusivity=-1"], row["diffusivity=10"]
    assert bad["status"] == "failed" and bad["exit_code"] == "2" and "diffusivity" in bad["error"]
    assert bad["u_mean@2s"] == ""
    assert good["status"] == "done" and good["error"] == "" and float(good["u_mean@2s"]) > 0
    assert not (tmp_path / "out" / "points" / "diffusivity=-1" / "point.json").exists()
    # a rerun retries the failed point only
    res = sweep(path, out=tmp_path / "out")
    assert res.failed == ["diffusivity=-1"]
    assert [p["skipped"] for p in res.points] == [True, False]


WRAPPER = """#!/bin/sh
# The real lobule, then, for every `run` after the first, a long pause: the test kills the
# sweep while its second point is in progress.
"$LOBULE_REAL" "$@"
rc=$?
if [ "$1" = run ] && [ -n "$LOBULE_TEST_HOLD" ] && ! mkdir "$LOBULE_TEST_HOLD" 2>/dev/null
then
    sleep 600
fi
exit $rc
"""


def test_a_killed_sweep_resumes_without_rerunning_finished_points(tmp_path, tiny, exe,
                                                                  monkeypatch):
    wrapper = tmp_path / "lobule_wrapper.sh"
    wrapper.write_text(WRAPPER)
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    path = write_sweep(tmp_path, "grid.yaml", dict(GRID, jobs=1))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "lobule", "sweep", str(path), "--out", str(out)], cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        env=_env_with_package(LOBULE_EXE=str(wrapper), LOBULE_REAL=exe,
                              LOBULE_TEST_HOLD=str(tmp_path / "hold")))
    try:
        deadline = time.monotonic() + 300
        done = []
        while not done:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "no point finished"
            time.sleep(0.02)
            if (out / "points").is_dir():
                done = [p for p in os.listdir(out / "points")
                        if (out / "points" / p / "point.json").exists()]
        # A second sweep into the directory while this one runs is refused, naming it.
        with pytest.raises(SweepError, match=f"another sweep is running in it \\(pid {proc.pid}\\)"):
            sweep(path, out=out)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)   # the sweep and the runs it started
        proc.wait()
        proc.stderr.close()
    assert len(done) == 1
    first = out / "points" / done[0]
    kept = {f: ((first / f).stat().st_mtime_ns, (first / f).read_bytes())
            for f in ("point.json", "log.txt", "timeseries.csv")}
    assert not (out / "summary.csv").exists()

    monkeypatch.setenv("LOBULE_EXE", exe)
    res = sweep(path, out=out)
    assert res.ok and len(res.points) == 4
    assert [p["skipped"] for p in res.points] == [p["name"] == done[0] for p in res.points]
    for f, (mtime, data) in kept.items():
        assert (first / f).stat().st_mtime_ns == mtime and (first / f).read_bytes() == data, f
    header, rows = read_csv(out / "summary.csv")
    assert len(rows) == 4 and all(r[header.index("status")] == "done" for r in rows)
    for r in rows:
        s = series(out / "points" / r[0])
        assert float(r[header.index("u_mean@2s")]) == s["u_mean"][-1]
    assert not [f for f in os.listdir(first) if ".tmp." in f]


def test_a_changed_design_is_refused_and_new_observables_need_no_runs(tmp_path, tiny):
    spec = dict(GRID, axes={"species[0].decay": [0.5, 1.0]})
    path = write_sweep(tmp_path, "s.yaml", spec)
    sweep(path, out=tmp_path / "out")
    logs = {p: (tmp_path / "out" / "points" / p / "log.txt").stat().st_mtime_ns
            for p in os.listdir(tmp_path / "out" / "points")}

    changed = write_sweep(tmp_path, "s2.yaml", dict(spec, axes={"species[0].decay": [0.5, 2.0]}))
    with pytest.raises(SweepError, match="holds another sweep.*1 of the 2 points"):
        sweep(changed, out=tmp_path / "out")
    r = subprocess.run([sys.executable, "-m", "lobule", "sweep", str(changed), "--out", "out"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env=_env_with_package())
    assert r.returncode == 2 and r.stderr.startswith("lobule: ") and "another sweep" in r.stderr
    (tmp_path / "tiny.yaml").write_text((tmp_path / "tiny.yaml").read_text() + "# edited\n")
    with pytest.raises(SweepError, match="base scenario's content changed"):
        sweep(path, out=tmp_path / "out")
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(TINY, sort_keys=False))

    more = write_sweep(tmp_path, "s3.yaml", dict(spec, observables=[
        {"column": "u_mean", "at": "1 s"}]))
    res = sweep(more, out=tmp_path / "out")
    assert res.ok and all(p["skipped"] for p in res.points)
    assert res.observables == ["u_mean@1s"]
    for p in res.points:
        s = series(p["path"])
        assert p["observables"]["u_mean@1s"] == s["u_mean"][s["time"].index(1.0)]
        assert (tmp_path / "out" / "points" / p["name"] / "log.txt").stat().st_mtime_ns == \
            logs[p["name"]]


def test_sampled_sweep_feeds_sensitivity(tmp_path, tiny):
    from lobule.sensitivity import sensitivity
    spec = {"scenario": "tiny.yaml",
            "sample": {"method": "lhs", "n": 10, "seed": 2,
                       "bounds": {"species[0].decay": [0.2, 2.0],
                                  "species[0].source": [0.01, 1.0]},
                       "log": ["species[0].source"]},
            "observables": [{"column": "u_mean", "at": "2 s"}], "jobs": 2}
    res = sweep(write_sweep(tmp_path, "lhs.yaml", spec), out=tmp_path / "out")
    assert res.ok and len(res.points) == 10
    assert all(p["name"].startswith(f"p{i:04d}_decay=") for i, p in enumerate(res.points))
    sens = sensitivity(tmp_path / "out")
    t = sens["table"]
    by_input = dict(zip(t["input"], t["prcc"]))
    # more decay, less u; more source, more u
    assert by_input["species[0].decay"] < -0.5 and by_input["species[0].source"] > 0.5
    assert os.path.getsize(tmp_path / "out" / "tornado.png") > 0


def test_units_give_a_key_its_unit_in_the_runs(tmp_path, tiny):
    spec = {"scenario": "tiny.yaml", "axes": {"species[0].decay": [30, 60]},
            "units": {"species[0].decay": "1/min"},
            "observables": [{"column": "u_mean", "at": "2 s"}]}
    res = sweep(write_sweep(tmp_path, "u.yaml", spec), out=tmp_path / "out")
    assert [p["name"] for p in res.points] == ["decay=30", "decay=60"]
    assert res.table["species[0].decay"] == [30.0, 60.0]        # in the key's unit
    for p, per_s in zip(res.points, (0.5, 1.0)):
        cfg = yaml.safe_load(open(os.path.join(p["path"], "config.yaml")))
        assert cfg["species"][0]["decay"] == f"{per_s:g} 1/s"
    with pytest.raises(SweepError, match="not a key of the design"):
        sweep(dict(spec, scenario=str(tmp_path / "tiny.yaml"), units={"decay": "1/min"},
                   out=str(tmp_path / "o2")))


def test_an_observable_that_cannot_be_read_fails_the_point_but_not_its_run(tmp_path, tiny):
    spec = {"scenario": "tiny.yaml", "axes": {"species[0].decay": [0.5]},
            "observables": [{"column": "u_mean", "at": "1.2 s"}]}      # no output row there
    res = sweep(write_sweep(tmp_path, "o.yaml", spec), out=tmp_path / "out")
    (p,) = res.points
    assert p["status"] == "failed" and res.failed == ["decay=0.5"]
    assert "no row at t = 1.2 s" in p["error"] and "1 s" in p["error"]   # the nearest rows
    rec = json.loads(open(os.path.join(p["path"], "point.json")).read())
    assert rec["observable_error"] == p["error"]
    log = os.path.join(p["path"], "log.txt")
    before = os.stat(log).st_mtime_ns
    spec["observables"] = [{"column": "u_mean", "at": "1.5 s"}]
    res = sweep(write_sweep(tmp_path, "o.yaml", spec), out=tmp_path / "out")
    assert res.ok and res.points[0]["skipped"] and os.stat(log).st_mtime_ns == before
    s = series(res.points[0]["path"])
    assert res.table["u_mean@1.5s"] == [s["u_mean"][s["time"].index(1.5)]]


def test_integer_axis_values_stay_integers():
    # A key that takes only integers (a placement seed) refuses "16.0": integers in an axis list
    # reach the runs as integers, other numbers as floats.
    from lobule.sweep import _axis_values
    values = _axis_values("model.therapy[0].seed", [1, 16, 2.5])
    assert values == [1, 16, 2.5]
    assert [type(v) for v in values] == [int, int, float]
