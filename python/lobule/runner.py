"""Running scenarios from Python: in-process through the binding, or the executable.

    import lobule
    run = lobule.run("inputs/regression_untreated.yaml", "results/untreated")
    arm = lobule.run("inputs/msc_portal.yaml", "results/msc", from_="results/untreated:84d")

engine="binding" runs in this process through lobule._core (the same C++ code as the
executable, so the same files bit for bit; the GIL is released while it steps, and
`progress(t, end, steps)` is called at every step boundary: raising in it stops the run with a
checkpoint, as SIGINT does). engine="executable" runs `lobule run` in a subprocess: what sweeps
use (several runs at once: a process each, killable, with its own signal handling and
threads). engine="auto" (default): the binding when it is built, else the executable.
"""
import os
import signal
import subprocess

from . import _env
from .results import Run
from .scenario import to_sets


class RunError(Exception):
    """A run that failed: `exit_code` as the executable's (2 input, 3 I/O, 4 numerical, 130
    interrupted; README, "Exit codes"), `message` what lobule said, `out` its directory."""

    def __init__(self, message, exit_code, out=None):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.out = out


def command(config, out=None, overrides=None, from_=None, restart=None, backend=None,
            quiet=True):
    """The `lobule run` command line of these arguments (a list; the executable first)."""
    cmd = [_env.executable(), "run", os.fspath(config)]
    if out is not None:
        cmd += ["-o", os.fspath(out)]
    for s in to_sets(overrides):
        cmd += ["--set", s]
    if from_:
        cmd += ["--from", os.fspath(from_)]
    if restart:
        cmd += ["--restart", os.fspath(restart)]
    if backend:
        cmd += ["--backend", backend]
    if quiet:
        cmd.append("-q")
    return cmd


def _run_executable(config, out, overrides, from_, restart, backend, quiet, timeout):
    cmd = command(config, out, overrides, from_, restart, backend, quiet)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)  # lobule writes a checkpoint and stops (exit code 130)
        try:
            stdout, stderr = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            stdout, stderr = p.communicate()
        raise RunError(f"stopped after the timeout of {timeout} s (a checkpoint was written: "
                       "continue with restart='latest')", 130, out) from None
    if p.returncode != 0:
        lines = [l for l in stderr.splitlines() if l.startswith("lobule:")]
        message = "\n".join(lines[-3:]) if lines else stderr.strip()[-2000:]
        raise RunError(message or f"lobule exited with status {p.returncode}", p.returncode, out)
    results = [l[len("results: "):] for l in stdout.splitlines() if l.startswith("results: ")]
    return results[-1] if results else out


def _run_binding(core, config, out, overrides, from_, restart, backend, quiet, progress):
    try:
        summary = core.run(os.fspath(config), to_sets(overrides),
                           "" if out is None else os.fspath(out), backend or "",
                           "" if restart is None else os.fspath(restart),
                           "" if from_ is None else os.fspath(from_), quiet, progress)
    except core.LobuleError as e:
        code, message = e.args if len(e.args) == 2 else (1, str(e))
        raise RunError(message, code, out) from None
    return summary["out_dir"]


def run(config, out=None, overrides=None, from_=None, restart=None, backend=None, quiet=True,
        progress=None, engine="auto", timeout=None):
    """Runs the scenario file `config` with `overrides` (a dict of key paths, see
    lobule.scenario) into `out` (default results/<name>, as the CLI) and returns its
    lobule.results.Run. from_: a branch's source, "RUN:84d" (RUN's state at day 84, tissue time
    continuing), a .ckpt or a .vti; restart: "latest" or a checkpoint of `out`. backend: None
    (the scenario's), "auto", "cpu" or "cuda". timeout (executable only): seconds, then SIGTERM.
    Raises RunError when the run fails."""
    if engine not in ("auto", "binding", "executable"):
        raise ValueError(f"engine '{engine}': expected auto, binding or executable")
    core = _env.core(required=engine == "binding") if engine != "executable" else None
    if core is not None:
        if timeout is not None:
            raise ValueError("timeout needs engine='executable' (a run in this process stops "
                             "by raising in `progress`)")
        path = _run_binding(core, config, out, overrides, from_, restart, backend, quiet,
                            progress)
    else:
        if progress is not None and engine == "executable":
            raise ValueError("progress needs the binding (engine='binding' or 'auto')")
        path = _run_executable(config, out, overrides, from_, restart, backend, quiet, timeout)
    return Run(path)


def Simulation(config, overrides=None, backend=None):
    """A scenario stepped from Python (the binding's Simulation): .advance_to(t_seconds),
    .time, .steps, .names, .field(name) -> read-only numpy view (nz, ny, nx) of the state, no
    copy on the CPU backend, valid until the next advance_to (copy() it to keep it)."""
    core = _env.core(required=True)
    return core.Simulation(os.fspath(config), to_sets(overrides), backend or "")


def shared_run(scenario, out, overrides, at, backend=None, engine="auto"):
    """The shared part of branched arms: `scenario` with `overrides` run to tissue time `at`
    (seconds or "84 d") into `out`, with every field in its outputs (a branch needs them all),
    and returned as a Run. A run already in `out` is reused when OUT/branch.json records the
    same request (scenario path and content, overrides, backend, `at`) and its output at `at`
    is there: an edited scenario or other overrides run it again."""
    import hashlib
    import json
    import math
    from .results import ResultsError, parse_seconds
    t = parse_seconds(at, "at")
    out = os.fspath(out)
    shared = {**dict(overrides or {}), "time.end": f"{t!r} s", "output.fields": "all"}
    with open(scenario, "rb") as f:
        request = {"scenario": os.path.abspath(scenario),
                   "scenario_sha256": hashlib.sha256(f.read()).hexdigest(),
                   "sets": to_sets(shared), "backend": backend, "at": t}
    record = os.path.join(out, "branch.json")
    try:
        with open(record, encoding="utf-8") as f:
            if json.load(f) == request:
                base = Run(out)
                if any(math.isclose(x, t, rel_tol=1e-9) for x in base.times):
                    return base
    except (OSError, ValueError, ResultsError):
        pass
    base = run(scenario, out, shared, backend=backend, engine=engine)
    with open(record + ".tmp", "w", encoding="utf-8") as f:
        json.dump(request, f, indent=1)
    os.replace(record + ".tmp", record)
    return base


def branch(config, at, arms, out, overrides=None, base_overrides=None, base_config=None,
           engine="auto", backend=None):
    """Runs the shared part once and every arm from it: the base (base_config or config, with
    base_overrides, to `at`; shared_run) into OUT/base, then each arm (name -> its overrides of
    config, after the common `overrides`) from OUT/base:AT into OUT/NAME, tissue time
    continuing. Returns {"base": Run, name: Run, ...}."""
    from .results import parse_seconds
    t = parse_seconds(at, "at")
    base_dir = os.path.join(os.fspath(out), "base")
    base = shared_run(os.fspath(base_config or config), base_dir, base_overrides, t,
                      backend=backend, engine=engine)
    runs = {"base": base}
    for name, own in arms.items():
        merged = {**dict(overrides or {}), **dict(own or {})}
        runs[name] = run(config, os.path.join(os.fspath(out), name), merged,
                         from_=f"{base_dir}:{t!r}s", backend=backend, engine=engine)
    return runs
