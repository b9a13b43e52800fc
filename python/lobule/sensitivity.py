"""Global sensitivity of a sweep's observables to its inputs: partial rank correlation (PRCC, by
pingouin) and Sobol' indices (by SALib).

    from lobule.sensitivity import prcc, sobol, sensitivity
    table = prcc(X, Y, names=["k_x", "k_y"], outputs=["cpa"])    # dict of column -> list
    table = sobol(problem, Y)                                     # a Saltelli design's outputs
    result = sensitivity("results/sweeps/dose")                   # a finished sweep

    python -m lobule sensitivity results/sweeps/dose

PRCC of input x_i with output y is the partial Spearman correlation of x_i and y controlling for
the other inputs (pingouin.partial_corr(method="spearman")): the rank correlation left once the
ranks of the other inputs have been regressed out. It measures monotone influence, lies in
[-1, 1], and is meaningful for a sampled design (Latin hypercube, Sobol' sequence, Saltelli)
with more points than inputs + 2; its p-value tests PRCC = 0. Sobol' indices (SALib.analyze.
sobol on a Saltelli design made by `lobule.sweep`, method saltelli) split the output's variance:
S1 the share of input i alone, ST its share including all interactions, each with the
half-width of its bootstrap confidence interval (S1_conf, ST_conf; 95 % by default).

Files written by `sensitivity(SWEEP_DIR)` (into SWEEP_DIR unless `out` is given):

    sensitivity.csv   one row per output and input: output, input, n (points used), prcc,
                      prcc_p, prcc_ci_low, prcc_ci_high (pingouin's 95 % interval), and for a
                      saltelli design S1, S1_conf, ST, ST_conf (empty otherwise)
    tornado.png       PRCC bars per output, inputs sorted by |PRCC|, p-values beside the bars
    sobol.png         (saltelli designs) S1 and ST per input and output with their intervals

Points that failed (status other than done in summary.csv) or whose output is not a finite
number are left out of PRCC; Sobol' indices need every point of the design and are refused when
one is missing. An output that is constant over the points has no correlation: its PRCC is
NaN (empty in sensitivity.csv), and so are the PRCCs of an output identical to one of the
inputs (pingouin refuses a covariate equal to the output).
"""
import csv
import json
import math
import os

__all__ = ["SensitivityError", "prcc", "sobol", "sensitivity", "SENSITIVITY_COLUMNS"]

SENSITIVITY_COLUMNS = ["output", "input", "n", "prcc", "prcc_p", "prcc_ci_low", "prcc_ci_high",
                       "S1", "S1_conf", "ST", "ST_conf"]


class SensitivityError(Exception):
    """Inputs that cannot be analysed (a missing sweep file, too few points, ...)."""


def _as_2d(a, what):
    import numpy as np
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise SensitivityError(f"{what}: expected a 1-D or 2-D array, got shape {a.shape}")
    return a


def prcc(X, Y, names, outputs):
    """Partial rank correlation coefficients of every input (column of X, named by `names`)
    with every output (column of Y, named by `outputs`), each controlling for the other
    inputs. Rows with a non-finite value of the output or an input are left out for that
    output. Returns a dict of columns (lists, one row per output and input, outputs in order,
    inputs in order): output, input, n, prcc, prcc_p, prcc_ci_low, prcc_ci_high."""
    import numpy as np
    import pandas as pd
    import pingouin as pg
    X, Y = _as_2d(X, "X"), _as_2d(Y, "Y")
    names, outputs = [str(n) for n in names], [str(o) for o in outputs]
    if X.shape[1] != len(names):
        raise SensitivityError(f"X has {X.shape[1]} columns for {len(names)} names")
    if Y.shape[1] != len(outputs):
        raise SensitivityError(f"Y has {Y.shape[1]} columns for {len(outputs)} outputs")
    if X.shape[0] != Y.shape[0]:
        raise SensitivityError(f"X has {X.shape[0]} rows, Y {Y.shape[0]}")
    k = len(names)
    table = {c: [] for c in SENSITIVITY_COLUMNS[:7]}
    xcols = [f"x{i}" for i in range(k)]   # plain column names: keys hold dots and brackets
    for j, out in enumerate(outputs):
        ok = np.isfinite(Y[:, j]) & np.all(np.isfinite(X), axis=1)
        n = int(ok.sum())
        if n < k + 3:
            raise SensitivityError(
                f"PRCC of {out}: {n} usable points for {k} inputs; it needs at least "
                f"{k + 3} (more than inputs + 2), and many more for a stable estimate")
        df = pd.DataFrame({c: X[ok, i] for i, c in enumerate(xcols)})
        df["y"] = Y[ok, j]
        for i, name in enumerate(names):
            r = p = lo = hi = float("nan")
            res = None
            if np.ptp(df["y"].to_numpy()) > 0 and np.ptp(df[xcols[i]].to_numpy()) > 0:
                covar = [c for c in xcols if c != xcols[i]] or None
                try:
                    res = pg.partial_corr(data=df, x=xcols[i], y="y", covar=covar,
                                          method="spearman")
                except ValueError:   # an output equal to an input: undefined, left NaN
                    res = None
            if res is not None:
                row = res.iloc[0]
                r = float(row["r"])
                # An output that is a monotone function of this input alone (Spearman ±1)
                # makes the ranks' covariance singular, and pingouin's inverse then returns
                # ±1 with either sign: the partial coefficient is the plain one there.
                from scipy.stats import spearmanr
                plain = float(spearmanr(df[xcols[i]], df["y"]).statistic)
                if abs(plain) > 1 - 1e-12:
                    r = plain
                p = float(row["p_val"] if "p_val" in res.columns else row["p-val"])
                ci = row["CI95"] if "CI95" in res.columns else row.get("CI95%")
                if ci is not None and len(ci) == 2:
                    lo, hi = float(ci[0]), float(ci[1])
            table["output"].append(out)
            table["input"].append(name)
            table["n"].append(n)
            table["prcc"].append(r)
            table["prcc_p"].append(p)
            table["prcc_ci_low"].append(lo)
            table["prcc_ci_high"].append(hi)
    return table


def sobol(problem, Y, outputs=None, second_order=False, conf_level=0.95, num_resamples=1000,
          seed=1):
    """First-order and total Sobol' indices of the outputs Y (rows in the order of the Saltelli
    design made for `problem`, SALib's {"num_vars", "names", "bounds"}; `second_order` as the
    design was made) by SALib.analyze.sobol, with bootstrap confidence intervals (conf_level,
    num_resamples resamples drawn with `seed`, a positive integer: the same seed, the same
    intervals; None draws them unseeded). Returns a dict of columns, one row per output
    and input: output, input, S1, S1_conf, ST, ST_conf (the *_conf are half-widths)."""
    import numpy as np
    from SALib.analyze import sobol as salib_sobol
    Y = _as_2d(Y, "Y")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 1):
        # SALib seeds its bootstrap only for a true value: 0 would silently mean unseeded
        raise SensitivityError(f"seed: {seed!r}; a positive integer (or None)")
    d = int(problem["num_vars"])
    names = list(problem.get("names") or [f"x{i}" for i in range(d)])
    outputs = [str(o) for o in (outputs or [f"y{j}" for j in range(Y.shape[1])])]
    if len(outputs) != Y.shape[1]:
        raise SensitivityError(f"Y has {Y.shape[1]} columns for {len(outputs)} outputs")
    per = 2 * d + 2 if second_order else d + 2
    if Y.shape[0] == 0 or Y.shape[0] % per:
        raise SensitivityError(
            f"a Saltelli design of {d} inputs has a multiple of {per} points "
            f"(N * ({'2d' if second_order else 'd'} + 2)); Y has {Y.shape[0]} rows")
    table = {c: [] for c in ("output", "input", "S1", "S1_conf", "ST", "ST_conf")}
    for j, out in enumerate(outputs):
        y = Y[:, j]
        if not np.all(np.isfinite(y)):
            raise SensitivityError(
                f"Sobol indices of {out}: {int((~np.isfinite(y)).sum())} of the {y.size} "
                "points have no value (failed runs?); the estimators need every point of the "
                "Saltelli design (rerun the sweep to complete it)")
        if np.ptp(y) == 0:
            s = {key: [float("nan")] * d for key in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            s = salib_sobol.analyze(dict(problem), y, calc_second_order=second_order,
                                    conf_level=conf_level, num_resamples=num_resamples,
                                    seed=seed)
        for i, name in enumerate(names):
            table["output"].append(out)
            table["input"].append(name)
            for key in ("S1", "S1_conf", "ST", "ST_conf"):
                table[key].append(float(s[key][i]))
    return table


# --- a finished sweep --------------------------------------------------------------------------

def _read_sweep(sweep_dir):
    design_path = os.path.join(sweep_dir, "design.json")
    summary_path = os.path.join(sweep_dir, "summary.csv")
    for p in (design_path, summary_path):
        if not os.path.isfile(p):
            raise SensitivityError(f"{p} is missing: {sweep_dir} is not a finished sweep "
                                   "(python -m lobule sweep writes design.json and summary.csv)")
    try:
        with open(design_path, encoding="utf-8") as f:
            design = json.load(f)
    except (OSError, ValueError) as e:
        raise SensitivityError(f"{design_path} cannot be read: {e}") from None
    with open(summary_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise SensitivityError(f"{summary_path} is empty")
    header = rows[0]
    keys = design.get("keys") or []
    if "status" not in header or header[:1 + len(keys)] != ["point"] + keys:
        raise SensitivityError(f"{summary_path} does not match {design_path} (columns point, "
                               f"{', '.join(keys)}, the observables, status, ...)")
    outputs = header[1 + len(keys):header.index("status")]
    by_name = {r[0]: dict(zip(header, r)) for r in rows[1:] if r}
    return design, outputs, by_name


def _float(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return float("nan")


def sensitivity(sweep_dir, outputs=None, out=None, plot=True, conf_level=0.95,
                num_resamples=1000, seed=1):
    """PRCC (any design with enough finished points) and, for a saltelli design, Sobol' indices
    of a finished sweep's observables (all of them, or `outputs`) with respect to its keys.
    Writes OUT/sensitivity.csv, OUT/tornado.png and (saltelli) OUT/sobol.png, OUT =
    `out` or the sweep directory. Returns {"table": dict of columns (SENSITIVITY_COLUMNS),
    "files": [paths written], "method": the design's method, "n": points used}."""
    import numpy as np
    sweep_dir = os.fspath(sweep_dir)
    design, all_outputs, rows = _read_sweep(sweep_dir)
    keys = design["keys"]
    outputs = list(outputs) if outputs else all_outputs
    missing = [o for o in outputs if o not in all_outputs]
    if missing:
        raise SensitivityError(f"{', '.join(missing)}: not an observable of the sweep "
                               f"(observables: {', '.join(all_outputs) or 'none'})")
    if not outputs:
        raise SensitivityError(f"{sweep_dir}: the sweep has no observables to analyse")
    points = design["points"]
    X = np.array([[_float(p["values"][k]) if not isinstance(p["values"][k], str) else np.nan
                   for k in keys] for p in points], dtype=float)
    Y = np.full((len(points), len(outputs)), np.nan)
    for i, p in enumerate(points):
        r = rows.get(p["name"])
        if r is not None and r.get("status") == "done":
            Y[i] = [_float(r.get(o)) for o in outputs]
    if not np.all(np.isfinite(X)):
        raise SensitivityError("the design has values that are not numbers (strings or lists);"
                               " sensitivity needs numeric inputs")
    table = prcc(X, Y, keys, outputs)
    n_used = max(table["n"]) if table["n"] else 0
    rowsout = len(table["output"])
    for c in ("S1", "S1_conf", "ST", "ST_conf"):
        table[c] = [None] * rowsout
    sob = None
    if design.get("method") == "saltelli":
        sob = sobol(design["problem"], Y, outputs, second_order=design.get("second_order", False),
                    conf_level=conf_level, num_resamples=num_resamples, seed=seed)
        index = {(o, i): n for n, (o, i) in enumerate(zip(sob["output"], sob["input"]))}
        for r in range(rowsout):
            n = index[(table["output"][r], table["input"][r])]
            for c in ("S1", "S1_conf", "ST", "ST_conf"):
                table[c][r] = sob[c][n]
    out = os.fspath(out) if out is not None else sweep_dir
    os.makedirs(out, exist_ok=True)
    files = [os.path.join(out, "sensitivity.csv")]
    _write_csv(files[0], table)
    if plot:
        files.append(os.path.join(out, "tornado.png"))
        tornado(table, files[-1])
        if sob is not None:
            files.append(os.path.join(out, "sobol.png"))
            sobol_plot(table, files[-1], conf_level)
    return {"table": table, "files": files, "method": design.get("method"), "n": n_used}


def _write_csv(path, table):
    cols = [c for c in SENSITIVITY_COLUMNS if c in table]
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in range(len(table[cols[0]])):
            w.writerow(["" if table[c][r] is None or (isinstance(table[c][r], float) and
                                                       math.isnan(table[c][r]))
                        else (repr(table[c][r]) if isinstance(table[c][r], float)
                              else table[c][r]) for c in cols])
    os.replace(tmp, path)


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def tornado(table, path):
    """A tornado plot of the PRCC column of a prcc()/sensitivity() table: one panel per output,
    a horizontal bar per input (largest |PRCC| on top; red positive, blue negative), the
    p-value beside each bar."""
    plt = _pyplot()
    outputs = list(dict.fromkeys(table["output"]))
    inputs = list(dict.fromkeys(table["input"]))
    fig, axes = plt.subplots(len(outputs), 1, squeeze=False,
                             figsize=(7.5, 0.9 + (0.45 * len(inputs) + 0.8) * len(outputs)))
    for ax, out in zip(axes[:, 0], outputs):
        rows = [r for r in range(len(table["output"])) if table["output"][r] == out]
        rows.sort(key=lambda r: -abs(table["prcc"][r]) if not math.isnan(table["prcc"][r])
                  else 0.0)
        rows = rows[::-1]   # barh draws bottom-up: the largest last, on top
        vals = [0.0 if math.isnan(table["prcc"][r]) else table["prcc"][r] for r in rows]
        ax.barh(range(len(rows)), vals,
                color=["#c0392b" if v >= 0 else "#2e6da4" for v in vals])
        ax.set_yticks(range(len(rows)))
        # "model.parameters.k_deg" -> "k_deg": the key path's last part names the parameter
        ax.set_yticklabels([str(table["input"][r]).split(".")[-1] for r in rows])
        for y, r in enumerate(rows):
            p = table["prcc_p"][r]
            v = vals[y]
            label = "n/a" if math.isnan(table["prcc"][r]) else \
                (f"p={p:.2g}" if not math.isnan(p) else "")
            # beside the bar on the side of zero, where there is always room
            ax.text(0.03 if v < 0 else -0.03, y, label, va="center",
                    ha="left" if v < 0 else "right", fontsize=8)
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_xlim(-1.1, 1.1)
        ax.set_xlabel("PRCC (partial rank correlation coefficient)")
        ax.set_ylabel("parameter")
        ax.set_title(f"output: {out}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def sobol_plot(table, path, conf_level=0.95):
    """Bars of S1 and ST per input (with their confidence intervals), one panel per output."""
    plt = _pyplot()
    import numpy as np
    outputs = list(dict.fromkeys(table["output"]))
    fig, axes = plt.subplots(len(outputs), 1, squeeze=False, figsize=(7.5, 3.2 * len(outputs)))
    for ax, out in zip(axes[:, 0], outputs):
        rows = [r for r in range(len(table["output"])) if table["output"][r] == out]
        x = np.arange(len(rows))
        ax.bar(x - 0.2, [table["S1"][r] for r in rows], 0.4,
               yerr=[table["S1_conf"][r] for r in rows], capsize=3, label="S1 (first order)")
        ax.bar(x + 0.2, [table["ST"][r] for r in rows], 0.4,
               yerr=[table["ST_conf"][r] for r in rows], capsize=3, label="ST (total)")
        ax.set_xticks(x)
        ax.set_xticklabels([table["input"][r] for r in rows], rotation=20, ha="right")
        ax.set_xlabel("input")
        ax.set_ylabel(f"Sobol index ({conf_level:.0%} interval)")
        ax.set_title(f"output: {out}", fontsize=10)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
