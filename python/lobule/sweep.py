"""Parameter sweeps: one scenario run at every point of a design, in parallel, resumable, with a
summary table of chosen observables.

    from lobule.sweep import sweep
    result = sweep("sweeps/dose.yaml", jobs=2)     # or a dict of the same form
    result.table["cpa@112d"]                       # one observable, in design order
    result.failed                                  # names of the points whose run failed

    python -m lobule sweep sweeps/dose.yaml [--out DIR] [--jobs N]

Sweep file (YAML)
-----------------
::

    scenario: ../inputs/msc_portal.yaml   # base scenario, relative to the sweep file
    set: { time.end: "112 d" }            # overrides of every run (optional)
    branch:                               # optional: a shared run that every point starts from
      at: "84 d"                          #   tissue time of the branch
      set: { model.therapy: [] }          #   overrides of the shared run only (it ends at `at`)
    axes:                                 # a full factorial design over these keys ...
      model.therapy[0].dose: [1.0e5, 5.0e5, 2.0e6]                      # a list of values
      model.parameters.k_x: { range: [0.1, 1.0], num: 4, log: false }   # linspace / logspace
    sample:                               # ... or a sampled design
      method: lhs                         # lhs | sobol | saltelli
      n: 16                               # points (saltelli: base samples, see below)
      seed: 1                             # default 0; the same seed gives the same design
      bounds: { model.parameters.k_x: [0.1, 1.0], model.parameters.k_y: [1, 10] }
      log: [model.parameters.k_y]         # sampled uniformly in log10 space
      second_order: false                 # saltelli only: also the design for second-order indices
    units: { model.parameters.k_y: "1/d" }   # optional: the unit of a key's numbers (below)
    observables:                          # the summary's columns
      - { column: cpa, at: "112 d" }      # the column's value at that output time ("cpa@112d")
      - { column: collagen_mean, stat: max }   # min | max | first | last | mean over the rows
                                               # ("collagen_mean_max"); `name:` sets the column
    out: ../results/sweeps/dose           # relative to the sweep file; default: the current
                                          # directory's results/sweeps/<sweep file stem>
    jobs: 2                               # runs at a time (default: the number of processors)
    backend: cpu                          # the runs' --backend (default: the scenario's)

Keys are the scenario's dotted key paths, as `lobule run --set` takes them; values are numbers
in the scenario's base units (um, s) or strings with units ("2 h"), and lists or mappings for
list or mapping keys. ``units`` gives a key's numbers a unit: its bounds, ranges and values are
then in that unit (design.json and summary.csv too) and a run gets "VALUE UNIT" (e.g.
``model.parameters.k_deg: "1/d"`` runs 1.6 as "1.6 1/d"). A point's values override `set`.
Designs:

- ``axes``: every combination, the first axis varying slowest. ``range`` gives ``num`` values
  from the first bound to the second, evenly spaced, or evenly spaced in log10 with
  ``log: true`` (numpy.linspace / numpy.geomspace).
- ``lhs``: a Latin hypercube of ``n`` points (scipy.stats.qmc.LatinHypercube, ``seed``).
- ``sobol``: ``n`` points of a scrambled Sobol' sequence (scipy.stats.qmc.Sobol, ``seed``; ``n``
  a power of 2 keeps its balance).
- ``saltelli``: SALib's Saltelli design for Sobol' indices (SALib.sample.sobol.sample, ``seed``):
  ``n * (d + 2)`` points for d keys, ``n * (2 d + 2)`` with ``second_order: true``; ``n`` a
  power of 2. `lobule.sensitivity` computes the indices from its summary.

Keys in ``log`` are sampled uniformly in log10 between their (positive) bounds.

With ``branch``, the shared run (scenario + ``set`` + ``branch.set``, ``time.end`` = ``at``,
all fields written) goes to OUT/branch first; every point then starts from its state at ``at``
(``lobule run --from OUT/branch:AT``), tissue time continuing, so a point's timeseries.csv
begins at ``at``. The points' values must not change what happens before ``at`` (`lobule run`
refuses an arm whose doses before the branch differ from the source's).

Output directory
----------------
::

    OUT/design.json          the design: every point's name and values, the base scenario's
                             SHA-256, `set`, `branch`, `units`, the method and, for
                             sampled designs, the bounds, log keys, seed and (saltelli)
                             SALib's problem
    OUT/branch/              the shared run (with `branch`); OUT/branch/branch.json once done
    OUT/points/NAME/         one run directory per point (config.yaml, timeseries.csv, ...)
    OUT/points/NAME/point.json   written atomically when the point's run has finished:
                             {"name", "values", "observables": {column: value},
                              "observable_specs", "observable_error", "wall_s", "finished"}
    OUT/summary.csv          one row per point in design order: point, one column per key
                             (its value), one per observable, status (done | failed | not run),
                             wall_s, exit_code and error (the failure's message)

Point names are made of the keys' last components and the values at 4 significant digits,
``dose=5e+05_k_x=0.1``; when two keys end alike their last components are extended until they
differ (``therapy0.dose=...``); sampled points are numbered, ``p0003_k_x=0.2345_k_y=4.567``
(and so are grid points whose short names would collide).

Resuming and failures
---------------------
A rerun into the same OUT skips the points that have point.json (their observables are read
again from their run directory only when the observables of the sweep file changed) and the
shared run when OUT/branch/branch.json records the same request and its output at ``at`` exists; unfinished
points are run again from the start. A rerun whose design differs (other points, values, base
scenario content, `set`, `branch` or `units`) is refused with SweepError: use another OUT or
remove it. A point whose run fails (lobule.runner.RunError) is recorded in summary.csv (status
failed, exit_code, error) and gets no point.json, so a rerun tries it again; a point whose run
finished but whose observables cannot be read (no such column, no row at that time) is recorded
as failed too, and its point.json keeps the message ("observable_error"): a rerun reads the
observables again without running it. The other points go on. `SweepResult.failed` lists them and
``python -m lobule sweep`` then exits with status 1.

Runs are subprocesses of the `lobule` executable (lobule.runner.run, engine "executable"),
``jobs`` at a time from a thread pool; another engine runs one point at a time. Unless
OMP_NUM_THREADS is set, each run gets cores / jobs OpenMP threads (at least 1). An interrupt
(Ctrl-C) stops the points not yet started, waits for the running ones (lobule stops them at a
checkpoint) and writes summary.csv before raising KeyboardInterrupt.
"""
import concurrent.futures
import csv
import datetime
import hashlib
import itertools
import json
import math
import os
import re
import threading
import time

from ._units import load_yaml, parse_time, time_label

__all__ = ["SweepError", "SweepResult", "sweep", "load_spec", "make_design", "STATS"]

STATS = ("min", "max", "first", "last", "mean")
SPEC_KEYS = ("scenario", "set", "branch", "axes", "sample", "observables", "units", "out",
             "jobs", "backend")
METHODS = ("lhs", "sobol", "saltelli")
FORMAT = 1
# Entries of design.json that a rerun may change (everything else must be equal).
_NOT_IDENTITY = ("format", "created", "scenario")


class SweepError(Exception):
    """A sweep file, design or output directory that cannot be used; the message says why."""


class Observable:
    """One summary column: `column` of timeseries.csv at time `at` (seconds), or its `stat`."""

    def __init__(self, name, column, at=None, at_text=None, stat=None):
        self.name, self.column, self.at, self.at_text, self.stat = name, column, at, at_text, stat

    def spec(self):
        return {"name": self.name, "column": self.column, "at": self.at, "stat": self.stat}

    def value(self, run):
        """The observable of a lobule.results.Run."""
        series = run.series
        if self.column not in series:
            raise KeyError(f"timeseries.csv has no column '{self.column}' "
                           f"(columns: {', '.join(series)})")
        if self.at is not None:
            return float(run.value(self.column, self.at))
        import numpy as np
        v = np.asarray(series[self.column], dtype=float)
        if v.size == 0:
            raise ValueError("timeseries.csv has no rows")
        return float({"min": np.min, "max": np.max, "mean": np.mean,
                      "first": lambda a: a[0], "last": lambda a: a[-1]}[self.stat](v))


class SweepResult:
    """A finished (or interrupted) sweep.

    dir: the output directory. points: one dict per point in design order, with "name",
    "values" (key -> value), "observables" (name -> value), "status" ("done", "failed" or
    "not run"), "skipped" (True when a previous run of the sweep had finished it), "wall_s",
    "exit_code", "error" and "path" (its run directory). table: summary.csv as a dict of
    column -> list. keys: the design's keys; observables: the observable column names;
    failed: names of the failed points; method: grid | lhs | sobol | saltelli."""

    def __init__(self, dir, points, table, keys, observables, method):
        self.dir, self.points, self.table = dir, points, table
        self.keys, self.observables, self.method = keys, observables, method
        self.failed = [p["name"] for p in points if p["status"] == "failed"]

    @property
    def ok(self):
        """True when every point finished."""
        return all(p["status"] == "done" for p in self.points)

    def __repr__(self):
        done = sum(p["status"] == "done" for p in self.points)
        return (f"SweepResult({self.dir!r}: {done}/{len(self.points)} points done, "
                f"{len(self.failed)} failed)")


# --- the sweep file ----------------------------------------------------------------------------

def load_spec(spec_or_path):
    """(spec dict, base directory of its relative paths, default output directory). A path is
    read as YAML (paths in it relative to its directory, default out results/sweeps/<stem>); a
    dict is taken as it is (paths relative to the current directory, `out` required)."""
    if isinstance(spec_or_path, dict):
        spec, base, default_out = dict(spec_or_path), os.getcwd(), None
    else:
        path = os.fspath(spec_or_path)
        import yaml
        try:
            with open(path, encoding="utf-8") as f:
                spec = load_yaml(f)
        except OSError as e:
            raise SweepError(f"{path}: cannot read the sweep file ({e.strerror})") from None
        except yaml.YAMLError as e:
            raise SweepError(f"{path}: not valid YAML: {e}") from None
        if not isinstance(spec, dict):
            raise SweepError(f"{path}: a sweep file is a mapping (scenario:, axes: or sample:, "
                             "observables:, ...)")
        base = os.path.dirname(os.path.abspath(path))
        stem = os.path.splitext(os.path.basename(path))[0]
        default_out = os.path.join("results", "sweeps", stem)
    unknown = [k for k in spec if k not in SPEC_KEYS]
    if unknown:
        raise SweepError(f"unknown key(s) in the sweep file: {', '.join(map(str, unknown))} "
                         f"(known: {', '.join(SPEC_KEYS)})")
    return spec, base, default_out


def _number(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise SweepError(f"{what}: {v!r} is not a finite number")
    return float(v)


def _overrides(v, what):
    if v is None:
        return {}
    if not isinstance(v, dict) or not all(isinstance(k, str) and k for k in v):
        raise SweepError(f"{what}: expected a mapping of key paths to values, e.g. "
                         "{ time.end: \"112 d\" }")
    return dict(v)


def _axis_values(key, v):
    what = f"axes: {key}"
    if isinstance(v, list):
        if not v:
            raise SweepError(f"{what}: the list of values is empty")
        out = []
        for x in v:
            if x is None or isinstance(x, bool):
                raise SweepError(f"{what}: {x!r} is not a value to sweep over")
            # Values as written: a key that takes only integers (a seed) refuses "16.0".
            out.append(x)
        return out
    if isinstance(v, dict) and "range" in v:
        extra = set(v) - {"range", "num", "log"}
        if extra:
            raise SweepError(f"{what}: unknown key(s) {', '.join(sorted(extra))} "
                             "(range, num, log)")
        r = v["range"]
        if not isinstance(r, list) or len(r) != 2:
            raise SweepError(f"{what}: range is [first, last]")
        a, b = _number(r[0], what + " range"), _number(r[1], what + " range")
        num = v.get("num")
        if isinstance(num, bool) or not isinstance(num, int) or num < 1:
            raise SweepError(f"{what}: num (the number of values) must be an integer >= 1")
        log = v.get("log", False)
        if not isinstance(log, bool):
            raise SweepError(f"{what}: log is true or false")
        import numpy as np
        if log:
            if a <= 0 or b <= 0:
                raise SweepError(f"{what}: a log range needs positive bounds, got [{a}, {b}]")
            xs = np.geomspace(a, b, num)
        else:
            xs = np.linspace(a, b, num)
        return [float(x) for x in xs]
    raise SweepError(f"{what}: expected a list of values or {{ range: [a, b], num: N, "
                     "log: false }")


def _label_components(key):
    return [re.sub(r"\[(\d+)\]", r"\1", c) for c in key.split(".") if c]


def _labels(keys):
    """Short, distinct labels of the keys: their last components, extended leftwards where two
    would be equal."""
    parts = {k: _label_components(k) for k in keys}
    depth = {k: 1 for k in keys}
    while True:
        labels = {k: ".".join(parts[k][-depth[k]:]) for k in keys}
        seen = {}
        for k, lab in labels.items():
            seen.setdefault(lab, []).append(k)
        clash = [ks for ks in seen.values() if len(ks) > 1]
        if not clash:
            return {k: _safe(lab) for k, lab in labels.items()}
        grown = False
        for ks in clash:
            for k in ks:
                if depth[k] < len(parts[k]):
                    depth[k] += 1
                    grown = True
        if not grown:  # equal keys are refused earlier; cannot happen
            return {k: _safe(k) for k in keys}


def _safe(text):
    s = re.sub(r"[^A-Za-z0-9.+=-]+", "_", str(text)).strip("_")
    return s or "x"


def _short(v):
    if isinstance(v, float):
        return _safe(f"{v:.4g}")
    if isinstance(v, (list, dict)):
        return _safe(json.dumps(v, separators=(",", ":")))
    return _safe(v)


def _names(points, keys, numbered):
    labels = _labels(keys)
    width = max(4, len(str(len(points) - 1)))
    base = ["_".join(f"{labels[k]}={_short(p[k])}" for k in keys) for p in points]
    if not numbered and len(set(base)) < len(base):
        numbered = True
    names = []
    for i, b in enumerate(base):
        if numbered:
            n = f"p{i:0{width}d}_{b}"
            names.append(n if len(n) <= 200 else f"p{i:0{width}d}")
        else:
            names.append(b if len(b) <= 200 else f"p{i:0{width}d}")
    if not numbered and len(set(names)) < len(names):
        return [f"p{i:0{width}d}" for i in range(len(points))]
    return names


def make_design(spec):
    """The design of a sweep spec (dict): {"method", "keys", "points": [{"name", "values"}],
    and for sampled designs "n", "seed", "bounds", "log" and, saltelli, "problem" (SALib's
    problem in the sampled space: log10 bounds for log keys) and "second_order"}."""
    axes, sample = spec.get("axes"), spec.get("sample")
    if axes is not None and sample is not None:
        raise SweepError("give either axes (a full factorial design) or sample (a sampled "
                         "design), not both")
    if axes is None and sample is None:
        raise SweepError("a sweep needs axes: (values per key) or sample: (a sampled design)")
    if axes is not None:
        if not isinstance(axes, dict) or not axes:
            raise SweepError("axes: expected a mapping of key paths to lists or ranges")
        keys = [str(k) for k in axes]
        values = [_axis_values(k, axes[k]) for k in keys]
        points = [dict(zip(keys, combo)) for combo in itertools.product(*values)]
        names = _names(points, keys, numbered=False)
        return {"method": "grid", "keys": keys,
                "points": [{"name": n, "values": p} for n, p in zip(names, points)]}

    if not isinstance(sample, dict):
        raise SweepError("sample: expected a mapping (method, n, seed, bounds, log)")
    extra = set(sample) - {"method", "n", "seed", "bounds", "log", "second_order"}
    if extra:
        raise SweepError(f"sample: unknown key(s) {', '.join(sorted(map(str, extra)))} "
                         "(method, n, seed, bounds, log, second_order)")
    method = sample.get("method")
    if method not in METHODS:
        raise SweepError(f"sample.method: {method!r}; expected one of {', '.join(METHODS)}")
    n = sample.get("n")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise SweepError("sample.n: the number of samples must be an integer >= 1")
    seed = sample.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SweepError("sample.seed: a non-negative integer")
    bounds = sample.get("bounds")
    if not isinstance(bounds, dict) or not bounds:
        raise SweepError("sample.bounds: expected { key.path: [low, high], ... }")
    keys = [str(k) for k in bounds]
    bnd = {}
    for k in keys:
        b = bounds[k]
        if not isinstance(b, list) or len(b) != 2:
            raise SweepError(f"sample.bounds: {k}: expected [low, high]")
        lo, hi = _number(b[0], f"sample.bounds: {k}"), _number(b[1], f"sample.bounds: {k}")
        if not lo < hi:
            raise SweepError(f"sample.bounds: {k}: low {lo} is not below high {hi}")
        bnd[k] = [lo, hi]
    log = sample.get("log", [])
    if not isinstance(log, list) or any(k not in bnd for k in log):
        raise SweepError("sample.log: a list of keys of sample.bounds")
    for k in log:
        if bnd[k][0] <= 0:
            raise SweepError(f"sample.log: {k} has bound {bnd[k][0]}; log sampling needs "
                             "positive bounds")
    second = sample.get("second_order", False)
    if not isinstance(second, bool):
        raise SweepError("sample.second_order: true or false")
    if second and method != "saltelli":
        raise SweepError("sample.second_order applies to method saltelli only")

    import numpy as np
    lo = np.array([math.log10(bnd[k][0]) if k in log else bnd[k][0] for k in keys])
    hi = np.array([math.log10(bnd[k][1]) if k in log else bnd[k][1] for k in keys])
    d = len(keys)
    problem = None
    if method == "lhs":
        from scipy.stats import qmc
        u = qmc.LatinHypercube(d, rng=seed).random(n)
        x = lo + u * (hi - lo)
    elif method == "sobol":
        from scipy.stats import qmc
        u = qmc.Sobol(d, scramble=True, rng=seed).random(n)
        x = lo + u * (hi - lo)
    else:
        from SALib.sample import sobol as salib_sobol
        problem = {"num_vars": d, "names": keys,
                   "bounds": [[float(a), float(b)] for a, b in zip(lo, hi)]}
        x = salib_sobol.sample(problem, n, calc_second_order=second, seed=seed)
    for j, k in enumerate(keys):
        if k in log:
            x[:, j] = 10.0 ** x[:, j]
    points = [{k: float(x[i, j]) for j, k in enumerate(keys)} for i in range(x.shape[0])]
    names = _names(points, keys, numbered=True)
    design = {"method": method, "keys": keys, "n": n, "seed": seed, "bounds": bnd,
              "log": list(log), "points": [{"name": nm, "values": p}
                                            for nm, p in zip(names, points)]}
    if problem is not None:
        design["problem"] = problem
        design["second_order"] = second
    return design


def _observables(spec):
    obs = spec.get("observables", [])
    if obs is None:
        obs = []
    if not isinstance(obs, list):
        raise SweepError("observables: expected a list of { column: NAME, at: TIME } or "
                         "{ column: NAME, stat: min|max|first|last|mean }")
    out = []
    for i, o in enumerate(obs):
        what = f"observables[{i}]"
        if not isinstance(o, dict) or not isinstance(o.get("column"), str):
            raise SweepError(f"{what}: expected {{ column: NAME, at: TIME }} or "
                             "{ column: NAME, stat: ... }")
        extra = set(o) - {"column", "at", "stat", "name"}
        if extra:
            raise SweepError(f"{what}: unknown key(s) {', '.join(sorted(map(str, extra)))} "
                             "(column, at, stat, name)")
        if ("at" in o) == ("stat" in o):
            raise SweepError(f"{what}: give either at: (an output time) or stat: "
                             f"({' | '.join(STATS)})")
        col = o["column"]
        if "at" in o:
            try:
                at = parse_time(o["at"], f"{what}.at")
            except ValueError as e:
                raise SweepError(str(e)) from None
            name = o.get("name") or f"{col}@{time_label(o['at'])}"
            out.append(Observable(str(name), col, at=at, at_text=o["at"]))
        else:
            if o["stat"] not in STATS:
                raise SweepError(f"{what}.stat: {o['stat']!r}; expected one of "
                                 f"{', '.join(STATS)}")
            name = o.get("name") or f"{col}_{o['stat']}"
            out.append(Observable(str(name), col, stat=o["stat"]))
    names = [o.name for o in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SweepError(f"observables: the column name(s) {', '.join(dup)} appear twice; "
                         "give one of them a name:")
    return out


# --- files ---------------------------------------------------------------------------------------

def _atomic_write(path, text):
    tmp = f"{path}.tmp.{os.getpid()}.{threading.get_ident()}"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _json_text(obj):
    return json.dumps(obj, indent=1, allow_nan=True) + "\n"


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _canonical(obj):
    """obj as it reads back from JSON (tuples -> lists, ints as written)."""
    return json.loads(json.dumps(obj, allow_nan=True))


def _describe_difference(old, new):
    what = []
    if old.get("scenario_sha256") != new.get("scenario_sha256"):
        what.append("the base scenario's content changed")
    for k, label in (("set", "set"), ("branch", "branch"), ("units", "units"),
                     ("method", "design method"), ("keys", "keys")):
        if old.get(k) != new.get(k):
            what.append(f"{label}: {json.dumps(old.get(k))} before, {json.dumps(new.get(k))} now")
    op, np_ = old.get("points") or [], new.get("points") or []
    if op != np_:
        if len(op) != len(np_):
            what.append(f"{len(op)} points before, {len(np_)} now")
        else:
            diff = sum(a != b for a, b in zip(op, np_))
            what.append(f"{diff} of the {len(op)} points have other values")
    for k in ("n", "seed", "bounds", "log", "second_order"):
        if old.get(k) != new.get(k):
            what.append(f"sample.{k}: {json.dumps(old.get(k))} before, "
                        f"{json.dumps(new.get(k))} now")
    return "; ".join(what) or "the design differs"


# --- running -------------------------------------------------------------------------------------

def _point_done(pdir, values):
    rec = _read_json(os.path.join(pdir, "point.json"))
    if not isinstance(rec, dict) or rec.get("format") != FORMAT:
        return None
    if _canonical(rec.get("values")) != _canonical(values):
        return None
    return rec


def _read_observables(pdir, observables):
    """({name: value}, error message or None) of a finished run directory."""
    if not observables:
        return {}, None
    from . import results
    try:
        run = results.Run(pdir)
    except Exception as e:  # noqa: BLE001 - any reader error is the point's error
        return {o.name: None for o in observables}, f"reading {pdir}: {_message(e)}"
    vals, errors = {}, []
    for o in observables:
        try:
            vals[o.name] = o.value(run)
        except Exception as e:  # noqa: BLE001
            vals[o.name] = None
            errors.append(f"observable {o.name}: {_message(e)}")
    return vals, ("; ".join(errors) or None)


def _message(e):
    if getattr(e, "message", None):
        return str(e.message)
    if isinstance(e, KeyError) and e.args:
        return str(e.args[0])
    return str(e) or type(e).__name__


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _point_record(name, values, observables, obs_values, obs_error, wall):
    return {"format": FORMAT, "name": name, "values": values, "observables": obs_values,
            "observable_specs": [o.spec() for o in observables],
            "observable_error": obs_error, "wall_s": wall, "finished": _now()}


def _write_summary(path, keys, observables, points):
    cols = ["point"] + keys + [o.name for o in observables] + \
        ["status", "wall_s", "exit_code", "error"]
    table = {c: [] for c in cols}
    for p in points:
        row = {"point": p["name"], **p["values"], **p["observables"], "status": p["status"],
               "wall_s": None if p["wall_s"] is None else round(p["wall_s"], 3),
               "exit_code": p["exit_code"], "error": p["error"]}
        for c in cols:
            table[c].append(row.get(c))

    def cell(v):
        if v is None:
            return ""
        if isinstance(v, float):
            return repr(v)
        if isinstance(v, (list, dict)):
            return json.dumps(v, separators=(",", ":"))
        return str(v)

    import io
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for i in range(len(points)):
        w.writerow([cell(table[c][i]) for c in cols])
    _atomic_write(path, buf.getvalue())
    return table


def _lock_sweep(out):
    """One sweep at a time in a directory: an exclusive lock on OUT/.sweep.lock (released when
    the returned file is closed, or the process ends); SweepError naming the other process."""
    import fcntl
    f = open(os.path.join(out, ".sweep.lock"), "a+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.seek(0)
        other = f.read().strip() or "another process"
        f.close()
        raise SweepError(f"{out}: another sweep is running in it ({other}); wait for it, or "
                         "write to another directory (--out)") from None
    f.seek(0)
    f.truncate()
    f.write(f"pid {os.getpid()}")
    f.flush()
    return f


def sweep(spec_or_path, out=None, jobs=None, engine="executable", progress=None):
    """Runs a sweep (a sweep file's path or a dict of the same form; see the module's
    docstring) and returns its SweepResult. `out` and `jobs` override the file's. `progress`,
    when given, is called in the calling thread as progress(done, total, point) after each
    point (point: the dict of SweepResult.points), skipped points first. Raises SweepError for
    a bad sweep file or a refused output directory; failed runs are recorded, not raised."""
    spec, base, default_out = load_spec(spec_or_path)
    if "scenario" not in spec or not isinstance(spec["scenario"], str):
        raise SweepError("scenario: the base scenario file (a path) is required")
    scenario = os.path.normpath(os.path.join(base, spec["scenario"]))
    try:
        with open(scenario, "rb") as f:
            scenario_sha = hashlib.sha256(f.read()).hexdigest()
    except OSError as e:
        raise SweepError(f"scenario: cannot read {scenario} ({e.strerror})") from None
    common = _overrides(spec.get("set"), "set")
    branch = spec.get("branch")
    branch_at = None
    if branch is not None:
        if not isinstance(branch, dict) or "at" not in branch:
            raise SweepError("branch: expected { at: TIME, set: { ... } }")
        extra = set(branch) - {"at", "set"}
        if extra:
            raise SweepError(f"branch: unknown key(s) {', '.join(sorted(map(str, extra)))} "
                             "(at, set)")
        try:
            branch_at = parse_time(branch["at"], "branch.at")
        except ValueError as e:
            raise SweepError(str(e)) from None
        if branch_at <= 0:
            raise SweepError("branch.at: the branch time must be after the start (t > 0)")
        branch = {"at": branch["at"], "set": _overrides(branch.get("set"), "branch.set")}
    observables = _observables(spec)
    design = make_design(spec)
    keys = design["keys"]
    units = spec.get("units") or {}
    if not isinstance(units, dict) or not all(isinstance(u, str) and u.strip()
                                              for u in units.values()):
        raise SweepError("units: expected { key.path: \"UNIT\" }, e.g. "
                         "{ model.parameters.k_deg: \"1/d\" }")
    stray = [k for k in units if k not in keys]
    if stray:
        raise SweepError(f"units: {', '.join(map(str, stray))} is not a key of the design "
                         f"(keys: {', '.join(keys)})")
    dup = [o.name for o in observables if o.name in keys or o.name in
           ("point", "status", "wall_s", "exit_code", "error")]
    if dup:
        raise SweepError(f"observables: the name(s) {', '.join(dup)} are taken by other "
                         "summary columns; give a name:")

    if out is None:
        if "out" in spec:
            if not isinstance(spec["out"], str):
                raise SweepError("out: a directory path")
            out = os.path.join(base, spec["out"])
        elif default_out is not None:
            out = default_out
        else:
            raise SweepError("out: a sweep given as a dict needs an output directory "
                             "(out: in the dict, or the out argument)")
    out = os.path.abspath(os.fspath(out))
    if jobs is None:
        jobs = spec.get("jobs", os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise SweepError(f"jobs: {jobs!r}; expected an integer >= 1")
    if engine != "executable":
        jobs = 1
    backend = spec.get("backend")
    if backend is not None and backend not in ("auto", "cpu", "cuda"):
        raise SweepError(f"backend: {backend!r}; expected auto, cpu or cuda")

    identity = _canonical({"scenario_sha256": scenario_sha, "set": common, "branch": branch,
                           "units": units, **design})
    design_path = os.path.join(out, "design.json")
    if os.path.exists(out) and not os.path.isdir(out):
        raise SweepError(f"{out} exists and is not a directory")
    old = _read_json(design_path) if os.path.exists(design_path) else None
    if os.path.exists(design_path):
        if not isinstance(old, dict) or old.get("format") != FORMAT:
            raise SweepError(f"{design_path} cannot be read as a sweep design; remove {out} or "
                             "choose another output directory")
        old_identity = {k: v for k, v in old.items() if k not in _NOT_IDENTITY}
        if old_identity != identity:
            raise SweepError(
                f"{out} holds another sweep ({_describe_difference(old_identity, identity)}); "
                f"its finished points would not belong to this design. Write to another "
                f"directory (--out) or remove {out}")
    os.makedirs(os.path.join(out, "points"), exist_ok=True)
    lock = _lock_sweep(out)  # noqa: F841 - held until this function returns
    if old is None:
        _atomic_write(design_path, _json_text(
            {"format": FORMAT, "created": _now(), "scenario": scenario, **identity}))

    from . import runner
    total = len(design["points"])
    points = []
    for p in design["points"]:
        points.append({"name": p["name"], "values": p["values"],
                       "observables": {o.name: None for o in observables},
                       "status": "not run", "skipped": False, "wall_s": None,
                       "exit_code": None, "error": None,
                       "path": os.path.join(out, "points", p["name"])})
    obs_specs = _canonical([o.spec() for o in observables])
    done = 0
    todo = []
    for p in points:
        rec = _point_done(p["path"], p["values"])
        if rec is None:
            todo.append(p)
            continue
        p["skipped"], p["wall_s"] = True, rec.get("wall_s")
        if _canonical(rec.get("observable_specs")) == obs_specs and \
                not rec.get("observable_error"):
            p["observables"].update(rec.get("observables") or {})
            err = None
        else:
            vals, err = _read_observables(p["path"], observables)
            p["observables"].update(vals)
            _atomic_write(os.path.join(p["path"], "point.json"), _json_text(
                _point_record(p["name"], p["values"], observables, vals, err, p["wall_s"])))
        p["status"], p["error"] = ("failed", err) if err else ("done", None)
        done += 1
        if progress:
            progress(done, total, p)

    if todo and engine == "executable":
        from ._env import executable
        executable()   # FileNotFoundError saying how to build it, before any point fails
    summary_path = os.path.join(out, "summary.csv")
    saved_omp = os.environ.get("OMP_NUM_THREADS")
    if saved_omp is None and todo and jobs > 1:
        os.environ["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // min(jobs, len(todo))))
    try:
        from_spec = None
        if branch is not None and todo:
            bdir = os.path.join(out, "branch")
            from_spec = f"{bdir}:{branch_at!r}s"
            error = _ensure_branch(runner, scenario, bdir, common, branch, branch_at, backend,
                                   engine)
            if error is not None:
                for p in todo:
                    p["status"], p["exit_code"] = "failed", error[1]
                    p["error"] = f"the shared branch run ({bdir}) failed: {error[0]}"
                    done += 1
                    if progress:
                        progress(done, total, p)
                todo = []

        stop = threading.Event()

        def run_point(p):
            if stop.is_set():
                return
            t0 = time.monotonic()
            try:
                runner.run(scenario, p["path"], overrides={**common, **_with_units(p["values"],
                                                                                  units)},
                           from_=from_spec, backend=backend, quiet=True, engine=engine)
            except Exception as e:  # noqa: BLE001 - RunError, or a run that could not start
                p["status"], p["exit_code"] = "failed", getattr(e, "exit_code", None)
                p["error"] = _message(e) if isinstance(e, runner.RunError) else \
                    f"{type(e).__name__}: {_message(e)}"
                p["wall_s"] = time.monotonic() - t0
                return
            wall = time.monotonic() - t0
            vals, err = _read_observables(p["path"], observables)
            p["observables"].update(vals)
            p["wall_s"] = wall
            _atomic_write(os.path.join(p["path"], "point.json"), _json_text(
                _point_record(p["name"], p["values"], observables, vals, err, wall)))
            p["status"], p["error"] = ("failed", err) if err else ("done", None)

        pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
        try:
            futures = {pool.submit(run_point, p): p for p in todo}
            for f in concurrent.futures.as_completed(futures):
                f.result()
                done += 1
                if progress:
                    progress(done, total, futures[f])
        except BaseException:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            _write_summary(summary_path, keys, observables, points)
            raise
        pool.shutdown(wait=True)
    finally:
        if saved_omp is None:
            os.environ.pop("OMP_NUM_THREADS", None)

    table = _write_summary(summary_path, keys, observables, points)
    return SweepResult(out, points, table, keys, [o.name for o in observables],
                       design["method"])


def _with_units(values, units):
    """The run's overrides of a point's values: numbers of keys with a unit as "VALUE UNIT"."""
    return {k: (f"{v!r} {units[k]}"
                if k in units and isinstance(v, (int, float)) and not isinstance(v, bool) else v)
            for k, v in values.items()}


def _ensure_branch(runner, scenario, bdir, common, branch, at, backend, engine):
    """Runs the shared part unless it is there (runner.shared_run); None, or (message, exit
    code) on failure."""
    try:
        runner.shared_run(scenario, bdir, {**common, **branch["set"]}, at, backend=backend,
                          engine=engine)
    except runner.RunError as e:
        return _message(e), getattr(e, "exit_code", None)
    return None
