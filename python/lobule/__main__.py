"""The package's commands:

    python -m lobule sweep SWEEP.yaml [--out DIR] [--jobs N] [--quiet]
    python -m lobule sensitivity SWEEP_DIR [--out DIR] [--outputs A,B] [--no-plot]
    python -m lobule calibrate CAL.yaml [--out DIR] [--quiet]

`sweep` runs a sweep file (lobule.sweep) and prints a line per point on stderr and the summary's
path on stdout; `sensitivity` computes PRCC and (saltelli designs) Sobol' indices of a finished
sweep (lobule.sensitivity); `calibrate` runs a calibration file (lobule.calibrate) and prints
the fitted parameters with their 95 % intervals.

Exit status: 0 done; 1 a sweep point or a calibration run failed; 2 bad input (a sweep or
calibration file, a refused output directory, missing files or executable); 130 interrupted.
Errors are printed as `lobule: <message>`.
"""
import argparse
import math
import os
import sys

PROG = "lobule"


def _err(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


def _cmd_sweep(a):
    from .sweep import sweep

    def progress(done, total, p):
        if a.quiet:
            return
        if p["status"] == "done":
            how = "finished before" if p["skipped"] else \
                (f"done in {p['wall_s']:.3g} s" if p["wall_s"] is not None else "done")
        elif p["status"] == "failed":
            code = f" (exit {p['exit_code']})" if p["exit_code"] is not None else ""
            how = f"FAILED{code}: {p['error']}"
        else:
            how = p["status"]
        print(f"[{done}/{total}] {p['name']}: {how}", file=sys.stderr, flush=True)

    res = sweep(a.file, out=a.out, jobs=a.jobs, progress=progress)
    print(f"summary: {os.path.join(res.dir, 'summary.csv')}")
    if res.failed:
        _err(f"{len(res.failed)} of {len(res.points)} points failed: "
             f"{', '.join(res.failed[:5])}{' ...' if len(res.failed) > 5 else ''} "
             f"(errors in {os.path.join(res.dir, 'summary.csv')}; a rerun retries them)")
        return 1
    return 0


def _g(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def _cmd_sensitivity(a):
    from .sensitivity import sensitivity
    outputs = [o for o in a.outputs.split(",") if o] if a.outputs else None
    res = sensitivity(a.dir, outputs=outputs, out=a.out, plot=not a.no_plot)
    t = res["table"]
    cols = ["output", "input", "prcc", "prcc_p"]
    if res["method"] == "saltelli":
        cols += ["S1", "S1_conf", "ST", "ST_conf"]
    rows = [[_g(t[c][r]) for c in cols] for r in range(len(t["output"]))]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)))
    for f in res["files"]:
        print(f"wrote {f}")
    return 0


def _cmd_calibrate(a):
    from .calibrate import calibrate_file

    def progress(n, params, cost):
        if not a.quiet:
            vals = " ".join(f"{k}={v:.6g}" for k, v in params.items())
            print(f"eval {n}: cost {cost:.6g}  {vals}", file=sys.stderr, flush=True)

    res = calibrate_file(a.file, out=a.out, progress=progress)
    for n in res.names:
        lo, hi = res.intervals[n]
        flag = "  (at a bound)" if res.at_bound[n] else ""
        print(f"{n} = {res.values[n]:.6g}  95% interval [{lo:.6g}, {hi:.6g}]{flag}")
    print(f"cost {res.cost:.6g}, reduced chi-square {_g(res.chi2_reduced)}, "
          f"{res.evaluations} runs; {res.message}")
    if res.dir:
        print(f"results: {res.dir}")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog=PROG, description="lobule's sweeps, sensitivity "
                                 "analysis and calibration (python -m lobule)")
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sweep", help="run a sweep file: one run per point of a design")
    s.add_argument("file", help="sweep file (YAML)")
    s.add_argument("--out", help="output directory (default: the file's out, else "
                   "results/sweeps/<file stem>)")
    s.add_argument("--jobs", type=int, help="runs at a time (default: the file's jobs, else "
                   "the number of processors)")
    s.add_argument("--quiet", action="store_true", help="no line per point")
    s.set_defaults(func=_cmd_sweep)
    s = sub.add_parser("sensitivity", help="PRCC and Sobol indices of a finished sweep")
    s.add_argument("dir", help="the sweep's output directory")
    s.add_argument("--out", help="where to write sensitivity.csv and the plots (default: DIR)")
    s.add_argument("--outputs", help="comma-separated observables (default: all)")
    s.add_argument("--no-plot", action="store_true", help="write no plots")
    s.set_defaults(func=_cmd_sensitivity)
    s = sub.add_parser("calibrate", help="fit parameters to data (a calibration file)")
    s.add_argument("file", help="calibration file (YAML)")
    s.add_argument("--out", help="output directory (default: the file's out, else "
                   "results/calibrations/<file stem>)")
    s.add_argument("--quiet", action="store_true", help="no line per evaluation")
    s.set_defaults(func=_cmd_calibrate)
    a = ap.parse_args(argv)
    if getattr(a, "jobs", None) is not None and a.jobs < 1:
        ap.error("--jobs must be at least 1")

    from .calibrate import CalibrationError
    from .sensitivity import SensitivityError
    from .sweep import SweepError
    bad_input = (SweepError, SensitivityError, CalibrationError, FileNotFoundError,
                 NotADirectoryError, PermissionError)
    try:
        from .results import ResultsError
        bad_input += (ResultsError,)
    except ImportError:
        pass
    try:
        from .runner import RunError
    except ImportError:
        RunError = ()
    try:
        return a.func(a)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except bad_input as e:
        _err(getattr(e, "message", None) or str(e))
        return 2
    except RunError as e:
        _err(getattr(e, "message", None) or str(e))
        return 1


if __name__ == "__main__":
    sys.exit(main())
