"""lobule.run and lobule.Simulation against the executable: the same files bit for bit, a
branch equal to the uninterrupted run, the progress callback, errors with the CLI's exit codes,
exact-time lookups, the wrong interpreter named."""
import filecmp
import os
import subprocess
import sys

import numpy as np
import pytest
import yaml

import lobule
from lobule import runner
from conftest import INPUTS, REPO

UNTREATED = os.path.join(INPUTS, "regression_untreated.yaml")
MSC = os.path.join(INPUTS, "msc_portal.yaml")
PULSE = os.path.join(INPUTS, "pulse.yaml")
SHORT = {"time.end": "90 d", "backend": "cpu"}


# config.yaml's record of how a run was made: the command, machine and times differ by design.
VOLATILE = ("command", "host", "started", "finished", "wall_seconds")


def resolved(path):
    """config.yaml without the keys that record when and by which command the run was made."""
    c = yaml.safe_load(open(os.path.join(path, "config.yaml")))
    for k in VOLATILE:
        c["build"].pop(k)
    return c


def same_outputs(a, b):
    """timeseries.csv, fields.pvd and every .vti byte-identical; config.yaml the same but for
    its record of the command and times."""
    for name in ("timeseries.csv", "fields.pvd"):
        assert filecmp.cmp(os.path.join(a, name), os.path.join(b, name), shallow=False), name
    assert resolved(a) == resolved(b)
    fa = sorted(os.listdir(os.path.join(a, "fields")))
    assert fa == sorted(os.listdir(os.path.join(b, "fields")))
    for f in fa:
        assert filecmp.cmp(os.path.join(a, "fields", f), os.path.join(b, "fields", f),
                           shallow=False), f


def test_binding_run_equals_the_cli_run_bit_for_bit(tmp_path, exe, core):
    overrides = {"model.therapy[0].dose": 2e6, **SHORT, "time.end": "86 d"}
    cli = tmp_path / "cli"
    cmd = [exe, "run", MSC, "-o", str(cli), "-q"] + sum((["--set", s] for s in
                                                        lobule.to_sets(overrides)), [])
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    py = lobule.run(MSC, tmp_path / "py", overrides, engine="binding")
    assert py.path == str(tmp_path / "py")
    same_outputs(str(cli), py.path)
    ex = lobule.run(MSC, tmp_path / "ex", overrides, engine="executable")
    same_outputs(str(cli), ex.path)
    assert py.value("time_d", "86 d") == 86
    # each records what made it
    assert py.config["build"]["command"].startswith("lobule._core.run(" + MSC)
    assert ex.config["build"]["command"].startswith(exe + " run " + MSC)


def test_branch_from_day_84_equals_the_uninterrupted_run(tmp_path, core):
    whole = lobule.run(MSC, tmp_path / "whole", SHORT)
    runs = lobule.branch(MSC, "84 d", {"msc": {}, "none": {"model.therapy": []}},
                         tmp_path / "arms", overrides=SHORT,
                         base_overrides={"model.therapy": [], "backend": "cpu"},
                         base_config=UNTREATED)
    arm = runs["msc"]
    assert arm.series["time_d"][0] == 84 and arm.series["time_d"][-1] == 90
    t84 = whole.series["time"] >= 84 * 86400
    for col in whole.columns:
        np.testing.assert_array_equal(whole.series[col][t84], arm.series[col], err_msg=col)
    np.testing.assert_array_equal(whole.fields(time="90 d").arrays["collagen"],
                                  arm.fields(time="90 d").arrays["collagen"])
    # The untreated arm differs from the treated one after the dose, not before it.
    none = runs["none"]
    assert none.value("cpa", "84 d") == arm.value("cpa", "84 d")
    assert none.value("msc_total", "90 d") == 0 < arm.value("msc_total", "85 d")
    # The base is reused: a second call runs only the arms.
    base_mtime = os.path.getmtime(os.path.join(runs["base"].path, "timeseries.csv"))
    lobule.branch(MSC, "84 d", {"msc": {}}, tmp_path / "arms", overrides=SHORT,
                  base_overrides={"model.therapy": [], "backend": "cpu"}, base_config=UNTREATED)
    assert os.path.getmtime(os.path.join(runs["base"].path, "timeseries.csv")) == base_mtime
    # Other base overrides: the base runs again (a stale base would give wrong arms).
    again = lobule.branch(MSC, "84 d", {"msc": {}}, tmp_path / "arms", overrides=SHORT,
                          base_overrides={"model.therapy": [], "backend": "cpu",
                                          "model.parameters.k_deg": "1.2 1/d"},
                          base_config=UNTREATED)
    assert os.path.getmtime(os.path.join(runs["base"].path, "timeseries.csv")) != base_mtime
    base_cfg = yaml.safe_load(open(os.path.join(again["base"].path, "config.yaml")))
    assert base_cfg["model"]["parameters"]["k_deg"] == f"{1.2 / 86400!r} 1/s"


def test_progress_callback_and_stopping_a_run(tmp_path, core):
    seen = []
    lobule.run(PULSE, tmp_path / "p", {"time.end": "5 s", "backend": "cpu"},
               progress=lambda t, end, steps: seen.append((t, end, steps)))
    assert len(seen) == 100 and seen[-1][0] == pytest.approx(5.0) and seen[0][1] == 5.0
    assert all(b[0] > a[0] and b[2] == a[2] + 1 for a, b in zip(seen, seen[1:]))

    def stop(t, end, steps):
        if steps == 20:
            raise KeyboardInterrupt
    with pytest.raises(runner.RunError) as e:
        lobule.run(PULSE, tmp_path / "s", {"time.end": "5 s", "backend": "cpu"}, progress=stop)
    assert e.value.exit_code == 130 and "progress" in e.value.message
    assert os.listdir(tmp_path / "s" / "checkpoints")  # a checkpoint was written first
    # It continues from there to the same end as an uninterrupted run.
    lobule.run(PULSE, tmp_path / "s", {"time.end": "5 s", "backend": "cpu"}, restart="latest")
    same_outputs(str(tmp_path / "p"), str(tmp_path / "s"))


def test_errors_carry_the_cli_exit_codes(tmp_path, core):
    for engine in ("binding", "executable"):
        with pytest.raises(runner.RunError) as e:
            lobule.run(PULSE, tmp_path / engine, {"time.nonsense": 1}, engine=engine)
        assert e.value.exit_code == 2 and "nonsense" in e.value.message
        with pytest.raises(runner.RunError) as e:
            lobule.run(PULSE, tmp_path / engine, {"time.end": "1 s"},
                       from_=str(tmp_path / "nowhere") + ":3s", engine=engine)
        assert e.value.exit_code == 2 and "not a run directory" in e.value.message


def test_simulation_views_equal_the_outputs(tmp_path, core):
    ref = lobule.run(PULSE, tmp_path / "ref", {"time.end": "10 s", "backend": "cpu"})
    sim = lobule.Simulation(PULSE, {"time.end": "10 s", "backend": "cpu"})
    assert sim.names == ["tgfb", "ev"] and sim.time == 0
    sim.advance_to(10.0)
    assert sim.time == 10.0 and sim.steps == 200
    u = sim.field("tgfb")
    assert u.shape == (40, 40, 40) and u.dtype == np.float32 and not u.flags.writeable
    assert np.shares_memory(u, sim.field("tgfb"))  # a view of the state, not a copy
    np.testing.assert_array_equal(u, ref.fields(time=10).arrays["tgfb"].astype(np.float32))
    with pytest.raises(core.LobuleError):
        sim.field("nope")


def test_exact_times_or_a_message(tmp_path, core):
    run = lobule.run(PULSE, tmp_path / "r", {"time.end": "20 s", "backend": "cpu"})
    assert run.value("tgfb_total", "10 s") == run.series["tgfb_total"][1]
    with pytest.raises(lobule.ResultsError, match=r"no row at t = 12 s \(nearest: .*10 s"):
        run.value("tgfb_total", 12)
    with pytest.raises(lobule.ResultsError, match="no output at t = 12 s"):
        run.fields(time=12)
    with pytest.warns(UserWarning, match="using the nearest, 10 s"):
        assert run.fields(time=12, nearest=True).time == 10


def test_another_interpreter_is_told_which_to_use():
    code = ("import sys; sys.modules['numpy'] = None; sys.path.insert(0, %r); import lobule"
            % os.path.join(REPO, "python"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert os.path.join(REPO, ".venv", "bin", "python") in r.stderr
    assert "install-deps.sh" in r.stderr


def test_the_executable_hands_sweeps_to_the_package(tmp_path, exe):
    sweep = tmp_path / "s.yaml"
    sweep.write_text(f"""scenario: {PULSE}
set: {{ time.end: "1 s", backend: cpu, output.every: "0.5 s" }}
axes:
  species[0].half_life: ["10 s", "20 s"]
observables: [{{ column: tgfb_total, at: "1 s" }}]
out: {tmp_path / 'out'}
""")
    r = subprocess.run([exe, "sweep", str(sweep), "--quiet"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    rows = (tmp_path / "out" / "summary.csv").read_text().splitlines()
    assert len(rows) == 3
    # the shorter half-life leaves less: exp(-ln2 * 1/10) vs exp(-ln2 * 1/20)
    a, b = (float(row.split(",")[2]) for row in rows[1:])
    assert a / b == pytest.approx(np.exp(-np.log(2) * (1 / 10 - 1 / 20)), rel=2e-3)
    env = dict(os.environ, LOBULE_PYTHON=str(tmp_path / "no-python"))
    r = subprocess.run([exe, "sweep", str(sweep)], capture_output=True, text=True, timeout=60,
                       env=env)
    assert r.returncode == 2 and "install-deps.sh" in r.stderr and "no-python" in r.stderr
