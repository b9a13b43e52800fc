"""Fitting model parameters to data by bounded nonlinear least squares
(scipy.optimize.least_squares), with 95 % intervals from the Jacobian.

    from lobule.calibrate import calibrate, scenario_model, read_data
    targets = read_data("data/cpa.csv")
    model = scenario_model("inputs/ccl4_4wk.yaml", targets, out="results/cal")
    fit = calibrate(model, {"model.parameters.k_deg": {"start": 0.5, "bounds": [0.1, 2.0],
                                                        "unit": "1/d", "source": "..."}},
                    targets, out="results/cal")
    fit.values, fit.intervals

    python -m lobule calibrate calibrations/k_deg.yaml

The model
---------
`model` is a callable taking a dict parameter name -> value and returning a dict
(observable, time) -> value with an entry for every target (time in seconds, or a string with
a unit). `scenario_model` makes one from a scenario: every call runs `lobule run` with the
parameters as `--set` overrides into OUT/evals/NNNN (numbered in call order) and reads each
target's observable (a column of timeseries.csv) in the row at the target's time; it writes
OUT/evals/NNNN/eval.json (parameters and values) afterwards, and a later calibration into the
same OUT that asks for the same parameters at the same number reuses it instead of running
again (the fit is deterministic, so a stopped calibration resumes without rerunning).

Data
----
A CSV file with a header line and the columns ``time, observable, mean`` and optionally ``sd``
(other columns are ignored; lines starting with # are comments)::

    time,observable,mean,sd
    28 d,cpa,0.062,0.012
    2419200,collagen_mean,0.31,0.05

``time`` is seconds or a number with a unit (ms s min h d wk). Or a list of targets: dicts
{observable, time, mean, sd} or tuples (observable, time, mean[, sd]). Either every target
has an sd > 0 or none has.

The fit
-------
Parameters are {name: {"start", "bounds": [low, high], "source", "unit", "log"}}: the start
value, the bounds (the parameter's cited range; `source` names the citation and is carried
into the outputs), an optional unit (the override becomes "VALUE UNIT", e.g. "0.5 1/d";
without it the value is in the scenario's base units) and log: true to fit log10 of the value
(for ranges over decades). Each parameter is fitted as its position u in [0, 1] between its
bounds (linear, or linear in log10), so the bounds hold at every evaluation and the
finite-difference step (``diff_step``, default 1e-3) is that share of the range, large enough
to rise above the simulation's rounding.

Residuals are (model - mean) / sd, or model - mean without sd; least_squares (method "trf",
2-point Jacobian, ftol = xtol = gtol = ``tolerance``, default 1e-6) minimises
cost = 0.5 * sum(residual^2); each iteration costs one run per parameter for the Jacobian.
No randomness is involved: the same model, data and start give the same history and result.

Intervals: with J the Jacobian of the residuals at the fit (in u), cov_u = (J^T J)^-1
(pseudo-inverse; a parameter the data do not determine gets an infinite interval). With sd
given, the sd are taken as the data's true errors: cov_u is used as it is and the 95 %
interval is u +- 1.96 sd_u. Without sd, the residuals' own scatter estimates the error: cov_u
is scaled by s^2 = 2 cost / (m - p) (m targets, p parameters) and the interval is u +- t sd_u
with t the 97.5 % quantile of Student's t with m - p degrees of freedom.
`scale_covariance=True` applies the second rule to data with sd too (sd as relative weights
only). The interval is mapped to the parameter (asymmetric for log parameters) and not clipped
to the bounds; a fitted value at a bound (at_bound) has an interval of a linearisation that
does not hold there. The reduced chi-square 2 cost / (m - p) is reported: about 1 when the sd
describe the scatter.

Files (with ``out``)
--------------------
::

    OUT/history.csv        one row per model evaluation, written as it happens: eval,
                           one column per parameter, cost
    OUT/calibration.csv    one row per parameter: parameter, start, low, high, value, stderr,
                           ci_low, ci_high, at_bound, unit, log, source
    OUT/fit.csv            one row per target: observable, time, mean, sd, model, residual
    OUT/calibration.json   all of it, with cost, reduced chi-square, covariance, the
                           optimiser's status and message
    OUT/evals/NNNN/        the runs (scenario_model)

Calibration file (YAML), run by `python -m lobule calibrate CAL.yaml` or `calibrate_file`::

    scenario: ../inputs/ccl4_4wk.yaml     # relative to the calibration file
    set: { output.every: "7 d" }          # overrides of every run (optional)
    from: ../results/base:84d             # optional: every run branches from RUN:TIME
    parameters:
      model.parameters.k_deg: { start: 0.5, bounds: [0.1, 2.0], unit: "1/d",
                                source: "a cited range", log: false }
    data: cpa.csv                         # relative to the calibration file (or a list)
    out: ../results/calibrations/k_deg    # relative to the file; default: the current
                                          # directory's results/calibrations/<file stem>
    backend: cpu                          # default: the scenario's
    diff_step: 1.0e-3                     # optional, as for calibrate()
    max_nfev: 50                          # optional: least_squares' limit on evaluations
                                          # (not counting the Jacobian's)
    tolerance: 1.0e-6                     # optional: least_squares' ftol, xtol and gtol
    scale_covariance: auto                # auto | true | false
"""
import csv
import io
import json
import math
import os
import threading

from ._units import load_yaml, parse_time

__all__ = ["CalibrationError", "CalibrationResult", "Parameter", "Target", "calibrate",
           "calibrate_file", "read_data", "scenario_model", "parameters_from"]

FILE_KEYS = ("scenario", "set", "from", "parameters", "data", "out", "backend", "engine",
             "diff_step", "max_nfev", "tolerance", "scale_covariance")


class CalibrationError(Exception):
    """Bad calibration input (parameters, data, file); the message says why."""


class Target:
    """One data point: `observable` at `time` (seconds) has `mean` (and `sd`, or None).
    `time_text` keeps the time as written."""

    def __init__(self, observable, time, mean, sd=None, time_text=None):
        self.observable, self.time, self.mean, self.sd = observable, time, mean, sd
        self.time_text = time_text if time_text is not None else time

    @property
    def key(self):
        return (self.observable, self.time)

    def __repr__(self):
        return f"Target({self.observable} at {self.time_text}: {self.mean} +- {self.sd})"


class Parameter:
    """A fitted parameter: start value, bounds (low, high), optional unit, log and source."""

    def __init__(self, name, start, bounds, source=None, unit=None, log=False):
        self.name, self.start, self.source, self.unit, self.log = name, start, source, unit, log
        self.low, self.high = bounds

    def to_value(self, u):
        if self.log:
            a, b = math.log10(self.low), math.log10(self.high)
            return 10.0 ** (a + u * (b - a))
        return self.low + u * (self.high - self.low)

    def to_u(self, value):
        if self.log:
            a, b = math.log10(self.low), math.log10(self.high)
            return (math.log10(value) - a) / (b - a)
        return (value - self.low) / (self.high - self.low)

    def dvalue_du(self, u):
        if self.log:
            a, b = math.log10(self.low), math.log10(self.high)
            return self.to_value(u) * math.log(10.0) * (b - a)
        return self.high - self.low


def _number(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise CalibrationError(f"{what}: {v!r} is not a finite number")
    return float(v)


def parameters_from(params):
    """[Parameter] from {name: {"start", "bounds", "source", "unit", "log"}} (or Parameter
    objects, or {name: (start, low, high)}), or a list of Parameter."""
    if isinstance(params, (list, tuple)) and params and \
            all(isinstance(p, Parameter) for p in params):
        return list(params)
    if not isinstance(params, dict) or not params:
        raise CalibrationError("parameters: expected { key.path: { start: X, bounds: [low, "
                               "high], source: \"...\" }, ... }")
    out = []
    for name, p in params.items():
        what = f"parameters: {name}"
        if isinstance(p, Parameter):
            out.append(p)
            continue
        if isinstance(p, (tuple, list)) and len(p) == 3:
            p = {"start": p[0], "bounds": [p[1], p[2]]}
        if not isinstance(p, dict):
            raise CalibrationError(f"{what}: expected {{ start, bounds, source }}")
        extra = set(p) - {"start", "bounds", "source", "unit", "log"}
        if extra:
            raise CalibrationError(f"{what}: unknown key(s) {', '.join(sorted(map(str, extra)))}"
                                   " (start, bounds, source, unit, log)")
        if "start" not in p or "bounds" not in p:
            raise CalibrationError(f"{what}: start and bounds are required")
        b = p["bounds"]
        if not isinstance(b, (list, tuple)) or len(b) != 2:
            raise CalibrationError(f"{what}: bounds are [low, high]")
        lo, hi = _number(b[0], what + " bounds"), _number(b[1], what + " bounds")
        start = _number(p["start"], what + " start")
        if not lo < hi:
            raise CalibrationError(f"{what}: low bound {lo} is not below high bound {hi}")
        if not lo <= start <= hi:
            raise CalibrationError(f"{what}: start {start} lies outside its bounds [{lo}, {hi}]")
        log = p.get("log", False)
        if not isinstance(log, bool):
            raise CalibrationError(f"{what}: log is true or false")
        if log and lo <= 0:
            raise CalibrationError(f"{what}: log: true needs positive bounds")
        unit = p.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise CalibrationError(f"{what}: unit is a string such as \"1/d\"")
        source = p.get("source")
        out.append(Parameter(str(name), start, (lo, hi), None if source is None else str(source),
                             unit, log))
    return out


def _target(observable, time, mean, sd, what):
    if not isinstance(observable, str) or not observable.strip():
        raise CalibrationError(f"{what}: observable is missing")
    try:
        t = parse_time(time, f"{what}: time")
    except ValueError as e:
        raise CalibrationError(str(e)) from None
    m = _number(mean, f"{what}: mean")
    if sd is not None:
        sd = _number(sd, f"{what}: sd")
        if sd <= 0:
            raise CalibrationError(f"{what}: sd {sd} must be > 0")
    return Target(observable.strip(), t, m, sd, time)


def read_data(data):
    """[Target] from a CSV file path or a list of targets (see the module's docstring)."""
    if isinstance(data, (list, tuple)):
        targets = []
        for i, d in enumerate(data):
            what = f"data[{i}]"
            if isinstance(d, Target):
                targets.append(d)
            elif isinstance(d, dict):
                extra = set(d) - {"observable", "time", "mean", "sd"}
                if extra:
                    raise CalibrationError(f"{what}: unknown key(s) "
                                           f"{', '.join(sorted(map(str, extra)))}")
                targets.append(_target(d.get("observable"), d.get("time"), d.get("mean"),
                                       d.get("sd"), what))
            elif isinstance(d, (list, tuple)) and len(d) in (3, 4):
                targets.append(_target(d[0], d[1], d[2], d[3] if len(d) == 4 else None, what))
            else:
                raise CalibrationError(f"{what}: expected {{observable, time, mean, sd}} or "
                                       "(observable, time, mean[, sd])")
    else:
        path = os.fspath(data)
        try:
            with open(path, newline="", encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise CalibrationError(f"{path}: cannot read the data ({e.strerror})") from None
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        rows = list(csv.reader(io.StringIO("\n".join(lines))))
        if not rows:
            raise CalibrationError(f"{path}: no header line (time, observable, mean, sd)")
        header = [h.strip() for h in rows[0]]
        need = [c for c in ("time", "observable", "mean") if c not in header]
        if need:
            raise CalibrationError(f"{path}: the header lacks {', '.join(need)} (columns: time, "
                                   "observable, mean and optionally sd; found "
                                   f"{', '.join(header)})")
        col = {c: header.index(c) for c in header}
        targets = []
        for n, row in enumerate(rows[1:], start=2):
            what = f"{path} data row {n - 1}"
            if len(row) != len(header):
                raise CalibrationError(f"{what}: {len(row)} values for {len(header)} columns")
            sd = row[col["sd"]].strip() if "sd" in col else ""
            try:
                mean = float(row[col["mean"]])
                sdv = float(sd) if sd else None
            except ValueError:
                raise CalibrationError(f"{what}: mean or sd is not a number") from None
            time_text = row[col["time"]].strip()
            try:
                time = float(time_text)
            except ValueError:
                time = time_text
            targets.append(_target(row[col["observable"]], time, mean, sdv, what))
    if not targets:
        raise CalibrationError("the data hold no targets")
    with_sd = sum(t.sd is not None for t in targets)
    if 0 < with_sd < len(targets):
        raise CalibrationError(f"{with_sd} of the {len(targets)} targets have an sd: give every "
                               "target an sd, or none (then the residuals' scatter sets the "
                               "error)")
    keys = [t.key for t in targets]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        o, t = sorted(dup)[0]
        raise CalibrationError(f"two targets of {o} at t = {t:g} s: combine them into one mean "
                               "and sd")
    return targets


class CalibrationResult:
    """A finished fit. names: parameter names; values, start, stderr: dicts name -> float;
    intervals: name -> (low, high), the 95 % interval; at_bound: name -> bool; covariance:
    p x p numpy array (parameter units, by the delta method; inf where not determined);
    cost (0.5 sum of squared residuals), chi2_reduced, dof (targets - parameters), success,
    status, message (least_squares'), nfev (least_squares' count), evaluations (model calls),
    history: [{"eval", <parameters>, "cost"}], table: calibration.csv as a dict of columns,
    fit: fit.csv as a dict of columns, sd_given, scaled (covariance scaled by the residual
    variance), dir (OUT or None)."""

    def __repr__(self):
        vals = ", ".join(f"{n}={self.values[n]:.4g} [{self.intervals[n][0]:.4g}, "
                         f"{self.intervals[n][1]:.4g}]" for n in self.names)
        return f"CalibrationResult({vals}; cost {self.cost:.4g})"


def _fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _write_csv(path, table, cols):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in range(len(table[cols[0]])):
            w.writerow([_fmt(table[c][r]) for c in cols])
    os.replace(tmp, path)


def calibrate(model, params, data, out=None, diff_step=1e-3, max_nfev=None, tolerance=1e-6,
              scale_covariance="auto", progress=None):
    """Fits `params` (see parameters_from) so that model(params) matches `data` (read_data's
    input) by scipy.optimize.least_squares; returns a CalibrationResult and, with `out`, writes
    the files listed in the module's docstring. `progress(eval, params, cost)` is called after
    each model evaluation. `tolerance` is least_squares' ftol, xtol and gtol (its default
    1e-8 spends many runs on digits a simulation does not hold). See the module's docstring
    for the residuals and intervals."""
    import numpy as np
    from scipy import optimize, stats
    pars = parameters_from(params)
    targets = read_data(data)
    names = [p.name for p in pars]
    m, npar = len(targets), len(pars)
    sd_given = targets[0].sd is not None
    if scale_covariance == "auto":
        scaled = not sd_given
    elif isinstance(scale_covariance, bool):
        scaled = scale_covariance
    else:
        raise CalibrationError(f"scale_covariance: {scale_covariance!r}; auto, true or false")
    sd = np.array([t.sd if sd_given else 1.0 for t in targets])
    mean = np.array([t.mean for t in targets])
    if out is not None:
        out = os.fspath(out)
        os.makedirs(out, exist_ok=True)
    history = []
    hist_file = None
    if out is not None:
        hist_file = open(os.path.join(out, "history.csv"), "w", newline="", encoding="utf-8")
        hist_writer = csv.writer(hist_file, lineterminator="\n")
        hist_writer.writerow(["eval"] + names + ["cost"])
        hist_file.flush()
    cache = {}

    def values_of(u):
        return {p.name: p.to_value(float(min(1.0, max(0.0, x)))) for p, x in zip(pars, u)}

    def evaluate(u):
        key = tuple(float(x) for x in u)
        if key in cache:
            return cache[key][0]
        pv = values_of(u)
        result = model(dict(pv))
        if not isinstance(result, dict):
            raise CalibrationError("the model returned no dict of (observable, time) -> value")
        got = {}
        for (obs, t), v in result.items():
            try:
                got[(obs, parse_time(t))] = float(v)
            except (ValueError, TypeError):
                raise CalibrationError(f"the model's entry ({obs}, {t}) has no time or number") \
                    from None
        model_vals = np.empty(m)
        for i, tg in enumerate(targets):
            v = got.get(tg.key)
            if v is None:  # times computed in another way: match to 1e-9 relative
                near = [val for (o, t), val in got.items() if o == tg.observable and
                        abs(t - tg.time) <= 1e-9 * max(1.0, abs(tg.time))]
                if not near:
                    raise CalibrationError(f"the model gave no value of {tg.observable} at "
                                           f"t = {tg.time:g} s")
                v = near[0]
            model_vals[i] = v
        r = (model_vals - mean) / sd
        if not np.all(np.isfinite(r)):
            bad = [targets[i] for i in np.flatnonzero(~np.isfinite(r))]
            raise CalibrationError(f"the model's value is not finite for {bad[0]} with "
                                   f"parameters {pv}")
        cost = 0.5 * float(r @ r)
        row = {"eval": len(history), **pv, "cost": cost}
        history.append(row)
        if hist_file is not None:
            hist_writer.writerow([row["eval"]] + [repr(float(pv[n])) for n in names] +
                                 [repr(cost)])
            hist_file.flush()
        if progress:
            progress(row["eval"], pv, cost)
        cache[key] = (r, model_vals)
        return r

    u0 = np.array([p.to_u(p.start) for p in pars], dtype=float)
    try:
        res = optimize.least_squares(evaluate, u0, bounds=(np.zeros(npar), np.ones(npar)),
                                     method="trf", jac="2-point", diff_step=diff_step,
                                     x_scale=1.0, max_nfev=max_nfev, ftol=tolerance,
                                     xtol=tolerance, gtol=tolerance)
    finally:
        if hist_file is not None:
            hist_file.close()
    u = np.clip(res.x, 0.0, 1.0)
    r, model_vals = cache.get(tuple(float(x) for x in res.x)) or (res.fun, None)
    if model_vals is None:
        r = evaluate(u)
        model_vals = cache[tuple(float(x) for x in u)][1]
    cost = 0.5 * float(r @ r)
    dof = m - npar
    chi2_red = 2.0 * cost / dof if dof > 0 else float("nan")

    # cov_u = (J^T J)^-1 by the pseudo-inverse, as scipy.optimize.curve_fit does
    J = np.asarray(res.jac, dtype=float)
    _, s, vt = np.linalg.svd(J, full_matrices=False)
    tol = np.finfo(float).eps * max(J.shape) * (s[0] if s.size else 0.0)
    keep = s > tol
    cov_u = (vt[keep].T / s[keep] ** 2) @ vt[keep]
    if keep.sum() < npar:
        cov_u = np.full((npar, npar), np.inf)
    if scaled:
        if dof > 0:
            cov_u = cov_u * chi2_red
            mult = float(stats.t.ppf(0.975, dof))
        else:
            cov_u = np.full((npar, npar), np.inf)
            mult = float("inf")
    else:
        mult = float(stats.norm.ppf(0.975))
    sd_u = np.sqrt(np.diag(cov_u))
    D = np.array([p.dvalue_du(x) for p, x in zip(pars, u)])
    with np.errstate(invalid="ignore"):
        cov = cov_u * np.outer(D, D)
    if not np.all(np.isfinite(cov_u)):
        cov = np.full((npar, npar), np.inf)

    fitted = {p.name: p.to_value(float(x)) for p, x in zip(pars, u)}
    result = CalibrationResult()
    result.names = names
    result.values = fitted
    result.start = {p.name: p.start for p in pars}
    result.stderr = {p.name: float(abs(d) * su) for p, d, su in zip(pars, D, sd_u)}
    result.intervals = {}
    result.at_bound = {}
    for p, x, su in zip(pars, u, sd_u):
        if math.isfinite(su) and math.isfinite(mult):
            lo, hi = p.to_value(x - mult * su), p.to_value(x + mult * su)
        else:
            lo, hi = -math.inf, math.inf
            if p.log:
                lo = 0.0
        result.intervals[p.name] = (float(lo), float(hi))
        result.at_bound[p.name] = bool(x <= 1e-6 or x >= 1 - 1e-6)
    result.covariance = cov
    result.cost, result.dof, result.chi2_reduced = cost, dof, chi2_red
    result.success, result.status, result.message = bool(res.success), int(res.status), \
        str(res.message)
    result.nfev, result.evaluations = int(res.nfev), len(history)
    result.history = history
    result.sd_given, result.scaled = sd_given, scaled
    result.dir = out
    result.table = {
        "parameter": names, "start": [p.start for p in pars], "low": [p.low for p in pars],
        "high": [p.high for p in pars], "value": [fitted[n] for n in names],
        "stderr": [result.stderr[n] for n in names],
        "ci_low": [result.intervals[n][0] for n in names],
        "ci_high": [result.intervals[n][1] for n in names],
        "at_bound": [result.at_bound[n] for n in names], "unit": [p.unit for p in pars],
        "log": [p.log for p in pars], "source": [p.source for p in pars]}
    result.fit = {
        "observable": [t.observable for t in targets], "time": [t.time for t in targets],
        "mean": [t.mean for t in targets], "sd": [t.sd for t in targets],
        "model": [float(v) for v in model_vals], "residual": [float(x) for x in r]}
    if out is not None:
        _write_csv(os.path.join(out, "calibration.csv"), result.table, list(result.table))
        _write_csv(os.path.join(out, "fit.csv"), result.fit, list(result.fit))
        doc = {"parameters": [{k: result.table[k][i] for k in result.table}
                              for i in range(npar)],
               "cost": cost, "dof": dof, "chi2_reduced": _finite_or_none(chi2_red),
               "sd_given": sd_given, "covariance_scaled": scaled,
               "interval": "95 %, " + (f"Student t ({dof} dof)" if scaled else "normal"),
               "covariance": [[_finite_or_none(float(x)) for x in row] for row in cov],
               "success": result.success, "status": result.status, "message": result.message,
               "nfev": result.nfev, "evaluations": result.evaluations,
               "targets": [{k: result.fit[k][i] for k in result.fit} for i in range(m)]}
        tmp = os.path.join(out, "calibration.json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(_json_safe(doc), f, indent=1)
            f.write("\n")
        os.replace(tmp, os.path.join(out, "calibration.json"))
    return result


def _finite_or_none(x):
    return x if isinstance(x, float) and math.isfinite(x) else None


def _json_safe(obj):
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj


def _sha256(path):
    """The SHA-256 of a file's content ("" when it cannot be read: the run then says why)."""
    import hashlib
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return ""


def scenario_model(scenario, targets, out, set=None, units=None, from_=None, backend=None,
                   engine="executable"):
    """A model callable (for calibrate) that runs `scenario` with `set` and the parameters as
    overrides (with units[name] appended when given: "0.5 1/d") into OUT/evals/NNNN and returns
    each target's observable at its time (lobule.results.Run.value). `from_` branches every run
    from RUN:TIME. Evaluations already in OUT with the same parameters are reused (module
    docstring). A failing run raises lobule.runner.RunError; an observable or time not in the
    run's timeseries.csv raises lobule.results.ResultsError naming what is there."""
    from . import results, runner
    targets = read_data(targets)
    common = dict(set or {})
    units = dict(units or {})
    evals = os.path.join(os.fspath(out), "evals")
    counter = [0]
    lock = threading.Lock()

    def model(params):
        with lock:
            n = counter[0]
            counter[0] += 1
        d = os.path.join(evals, f"{n:04d}")
        record = os.path.join(d, "eval.json")
        wanted = {k: float(v) for k, v in params.items()}
        overrides = dict(common)
        for k, v in wanted.items():
            overrides[k] = f"{v!r} {units[k]}" if units.get(k) else v
        # What the run computes: an evaluation is reused only when all of it is the same (the
        # scenario's content too: an edited scenario must not reuse stale runs).
        identity = {"params": wanted, "overrides": _json_safe(overrides),
                    "scenario_sha256": _sha256(scenario), "from": from_,
                    "targets": [[t.observable, t.time] for t in targets]}
        try:
            with open(record, encoding="utf-8") as f:
                old = json.load(f)
            if all(old.get(k) == v for k, v in identity.items()):
                return {(o, t): v for o, t, v in old["values"]}
        except (OSError, ValueError, AttributeError, TypeError):
            pass
        if os.path.exists(record):
            os.remove(record)
        os.makedirs(evals, exist_ok=True)
        runner.run(scenario, d, overrides=overrides, from_=from_, backend=backend, quiet=True,
                   engine=engine)
        run = results.Run(d)
        vals = [[t.observable, t.time, run.value(t.observable, t.time)] for t in targets]
        tmp = record + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({**identity, "values": vals}, f, indent=1)
            f.write("\n")
        os.replace(tmp, record)
        return {(o, t): v for o, t, v in vals}

    return model


def calibrate_file(path, out=None, progress=None):
    """Runs the calibration file `path` (module docstring); `out` overrides its out."""
    import yaml
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            spec = load_yaml(f)
    except OSError as e:
        raise CalibrationError(f"{path}: cannot read the calibration file ({e.strerror})") \
            from None
    except yaml.YAMLError as e:
        raise CalibrationError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(spec, dict):
        raise CalibrationError(f"{path}: a calibration file is a mapping (scenario:, "
                               "parameters:, data:, ...)")
    unknown = [k for k in spec if k not in FILE_KEYS]
    if unknown:
        raise CalibrationError(f"{path}: unknown key(s) {', '.join(map(str, unknown))} "
                               f"(known: {', '.join(FILE_KEYS)})")
    for k in ("scenario", "parameters", "data"):
        if k not in spec:
            raise CalibrationError(f"{path}: {k}: is required")
    base = os.path.dirname(os.path.abspath(path))
    if not isinstance(spec["scenario"], str):
        raise CalibrationError(f"{path}: scenario: a file path")
    scenario = os.path.normpath(os.path.join(base, spec["scenario"]))
    if not os.path.isfile(scenario):
        raise CalibrationError(f"{path}: scenario: {scenario} does not exist")
    common = spec.get("set") or {}
    if not isinstance(common, dict):
        raise CalibrationError(f"{path}: set: a mapping of key paths to values")
    data = spec["data"]
    if isinstance(data, str):
        data = os.path.join(base, data)
    targets = read_data(data)
    pars = parameters_from(spec["parameters"])
    from_ = spec.get("from")
    if from_ is not None:
        if not isinstance(from_, str) or ":" not in from_:
            raise CalibrationError(f"{path}: from: RUN:TIME, e.g. ../results/base:84d")
        run_dir, when = from_.rsplit(":", 1)
        from_ = f"{os.path.normpath(os.path.join(base, run_dir))}:{when}"
    if out is None:
        if "out" in spec:
            out = os.path.join(base, str(spec["out"]))
        else:
            stem = os.path.splitext(os.path.basename(path))[0]
            out = os.path.join("results", "calibrations", stem)
    model = scenario_model(scenario, targets, out, set=common,
                           units={p.name: p.unit for p in pars if p.unit}, from_=from_,
                           backend=spec.get("backend"),
                           engine=spec.get("engine", "executable"))
    kwargs = {}
    if "diff_step" in spec:
        kwargs["diff_step"] = _number(spec["diff_step"], "diff_step")
    if "max_nfev" in spec:
        kwargs["max_nfev"] = spec["max_nfev"]
    if "tolerance" in spec:
        kwargs["tolerance"] = _number(spec["tolerance"], "tolerance")
    sc = spec.get("scale_covariance", "auto")
    return calibrate(model, pars, targets, out=out, scale_covariance=sc, progress=progress,
                     **kwargs)
