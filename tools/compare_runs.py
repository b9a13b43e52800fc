#!/usr/bin/env python3
"""Tabulates the end points of liver-model runs side by side (therapy arms against untreated):

  python3 tools/compare_runs.py runs/untreated runs/msc_portal runs/ev_portal
  python3 tools/compare_runs.py runs/* --csv endpoints.csv --markdown endpoints.md --start 84

Writes a Markdown table to stdout (or to --markdown FILE) and, with --csv FILE, the same numbers
as CSV (full precision; "not reached" and "n/a" where there is no number). Per run:

  start         the start of treatment [d]: --start if given, else the run's first therapy
                dose (model.therapy of its config.yaml). A run without doses (untreated) takes
                the earliest first dose among the compared runs (marked † in the table,
                "earliest dose of the compared runs" in the CSV); with no dose in any run,
                give --start.
  CPA           collagen proportionate area (column cpa) in % at the start (the first output at
                or after it) and at the end (the last output), and its change in percentage
                points and relative to the start.
  scar halved   days from the start until the excess scar is halved: excess = collagen_mean +
                collagen_x_mean minus its value at the first output (day 0); the first output at
                or after the start where the excess is at most half the excess at the start;
                "not reached" when none is ("n/a" when there is no excess at the start).
  hep end       hepatocyte mass at the end (hep_mean, 1 = healthy).
  EV penetration  ev_septum_mean / ev_parenchyma_mean at the output nearest 6 h after the run's
                first EV dose, when an output lies within 1 h of that time (runs that write
                outputs every few hours); "n/a" otherwise, or without an EV dose.

All times come from the run directories (seconds), shown in days. Needs numpy and PyYAML
(Debian: python3-numpy python3-yaml). Exit status 0; 2 for bad arguments, a directory that is
not a run, a run that lacks a column, or no start of treatment.
"""
import argparse
import csv
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PROG = "compare_runs.py"
DAY = 86400.0
HOUR = 3600.0
NEEDED = ["time", "cpa", "collagen_mean", "collagen_x_mean", "hep_mean"]
NOT_REACHED = "not reached"
NA = "n/a"
FROM_OTHERS = "earliest dose of the compared runs"


def fail(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(2)


def first_at_or_after(times, t):
    """Index of the first output at or after t (1 ms of slack), or None."""
    for i, x in enumerate(times):
        if x >= t - 1e-3:
            return i
    return None


def endpoints(run, start_s, start_from):
    """The table row of one run, as a dict of numbers (float) or strings (NOT_REACHED, NA)."""
    t = run.series["time"]
    cpa = run.series["cpa"]
    i0 = first_at_or_after(t, start_s)
    if i0 is None:
        fail(f"{run.path}: the start of treatment (day {start_s / DAY:g}) is after its last "
             f"output (day {t[-1] / DAY:g})")
    row = {"start_d": start_s / DAY, "start_from": start_from, "end_d": t[-1] / DAY,
           "cpa_start_pct": 100 * cpa[i0], "cpa_end_pct": 100 * cpa[-1]}
    row["cpa_change_pp"] = row["cpa_end_pct"] - row["cpa_start_pct"]
    row["cpa_change_rel_pct"] = (100 * row["cpa_change_pp"] / row["cpa_start_pct"]
                                 if row["cpa_start_pct"] != 0 else NA)

    scar = run.series["collagen_mean"] + run.series["collagen_x_mean"]
    excess = scar - scar[0]
    half = NA
    if excess[i0] > 0:
        half = NOT_REACHED
        for i in range(i0, len(t)):
            if excess[i] <= 0.5 * excess[i0]:
                half = (t[i] - start_s) / DAY
                break
    row["scar_half_d"] = half
    row["hep_end"] = float(run.series["hep_mean"][-1])

    row["ev_penetration"], row["ev_penetration_at_d"] = NA, NA
    ev_doses = [d for d in run.doses() if d.agent == "ev"]
    if ev_doses and "ev_septum_mean" in run.series and "ev_parenchyma_mean" in run.series:
        want = ev_doses[0].time + 6 * HOUR
        i = min(range(len(t)), key=lambda k: abs(t[k] - want))
        parenchyma = run.series["ev_parenchyma_mean"][i]
        if abs(t[i] - want) <= HOUR and parenchyma > 0:
            row["ev_penetration"] = float(run.series["ev_septum_mean"][i] / parenchyma)
            row["ev_penetration_at_d"] = t[i] / DAY
    return row


def days(x):
    return f"{x:.3f}".rstrip("0").rstrip(".") if isinstance(x, float) else x


def fmt(x, spec):
    return format(x, spec) if isinstance(x, float) else x


MD_COLUMNS = [  # header, key, how to show it
    ("start [d]", "start_d", None),
    ("CPA start [%]", "cpa_start_pct", ".2f"),
    ("CPA end [%]", "cpa_end_pct", ".2f"),
    ("ΔCPA [pp]", "cpa_change_pp", "+.2f"),
    ("ΔCPA [% of start]", "cpa_change_rel_pct", "+.1f"),
    ("scar halved after [d]", "scar_half_d", None),
    ("hep_mean end", "hep_end", ".4f"),
    ("EV septum/parenchyma (6 h)", "ev_penetration", ".3g"),
]
CSV_COLUMNS = ["run", "dir", "start_d", "start_from", "end_d", "cpa_start_pct", "cpa_end_pct",
               "cpa_change_pp", "cpa_change_rel_pct", "scar_half_d", "hep_end", "ev_penetration",
               "ev_penetration_at_d"]


def markdown(names, rows):
    head = ["run"] + [h for h, _, _ in MD_COLUMNS]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] + ["---:"] * len(MD_COLUMNS)) + "|"]
    for name, row in zip(names, rows):
        cells = [name.replace("|", "\\|")]
        for _, key, spec in MD_COLUMNS:
            v = row[key]
            if key == "start_d":
                cells.append(days(v) + (" †" if row["start_from"] == FROM_OTHERS else ""))
            elif key == "scar_half_d":
                cells.append(days(v))
            else:
                cells.append(fmt(v, spec))
        lines.append("| " + " | ".join(cells) + " |")
    if any(r["start_from"] == FROM_OTHERS for r in rows):
        lines.append("")
        lines.append("† no dose in this run: the start of treatment is the earliest first dose "
                     "among the compared runs.")
    return "\n".join(lines) + "\n"


def csv_text(names, runs, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for name, run, row in zip(names, runs, rows):
        full = dict(row, run=name, dir=run.path)
        w.writerow([f"{full[c]:.10g}" if isinstance(full[c], float) else full[c]
                    for c in CSV_COLUMNS])
    return buf.getvalue()


def write(path, text):
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError as e:
        fail(f"cannot write {path}: {e.strerror}")


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", metavar="RUN", help="run directories (lobule run -o RUN)")
    ap.add_argument("--start", type=float, metavar="DAYS",
                    help="start of treatment [d] for every run (default: each run's first dose; "
                         "a run without doses takes the earliest first dose among the compared "
                         "runs)")
    ap.add_argument("--markdown", metavar="FILE", help="write the Markdown table here, not to stdout")
    ap.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    args = ap.parse_args()
    if args.start is not None and not args.start >= 0:
        fail(f"--start {args.start:g}: want a day >= 0")

    try:
        from lobule_results import Run, ResultsError, display_names
    except ImportError as e:
        fail(f"cannot import tools/lobule_results.py: {e}")
    runs, firsts = [], []
    for path in args.runs:
        try:
            run = Run(path)
            for c in NEEDED:
                run.column(c)
            doses = run.doses()
        except ResultsError as e:
            fail(str(e))
        if len(run) == 0:
            fail(f"{run.path}/timeseries.csv has no rows")
        runs.append(run)
        firsts.append(doses[0].time if doses else None)

    known = [f for f in firsts if f is not None]
    if args.start is None and not known:
        fail("no run has a therapy dose (model.therapy): give the start of treatment "
             "with --start DAYS")
    rows = []
    for run, first in zip(runs, firsts):
        if args.start is not None:
            start, source = args.start * DAY, "--start"
        elif first is not None:
            start, source = first, "first dose"
        else:
            start, source = min(known), FROM_OTHERS
        rows.append(endpoints(run, start, source))

    names = display_names(runs)
    table = markdown(names, rows)
    if args.csv:
        write(args.csv, csv_text(names, runs, rows))
        print(f"{PROG}: wrote {args.csv}", file=sys.stderr)
    if args.markdown:
        write(args.markdown, table)
        print(f"{PROG}: wrote {args.markdown}", file=sys.stderr)
    else:
        sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
