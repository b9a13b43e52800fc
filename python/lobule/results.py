"""Reads a lobule run directory (config.yaml, timeseries.csv, fields.pvd and fields/*.vti) into
numpy arrays, for scripts and notebooks:

    from lobule.results import Run        # the package (pip install -e python; docs/python.md)
    run = Run("results/demo"); cpa = run.series["cpa"]; doses = run.doses()
    hep = run.fields(time="7 d", names=["hep"]).arrays["hep"]   # (nz, ny, nx)
    cpa_84 = run.value("cpa", "84 d")                           # the CSV row at exactly 84 d

A time with no output or row is an error naming the nearest ones (`nearest=True` takes the
nearest with a warning instead).

As a command it prints a summary of a run (name, output times, columns, doses, fields), and
with --field one field's shape, range and total at an output time:

    .venv/bin/python -m lobule.results results/demo
    .venv/bin/python -m lobule.results results/pulse --field tgfb --time 30
    python3 tools/lobule_results.py results/demo      # the same, for the older scripts

Everything is in the units of the run directory: seconds and micrometres. `run.series` holds the
columns of timeseries.csv by name; `run.times` the output times of fields.pvd; `run.doses()`
the therapy doses of config.yaml (model.therapy) with repeats expanded, as (time_s, agent, dose,
route) tuples sorted by time. `run.fields(...)` reads one output's cell arrays, shaped (nz, ny,
nx) (x fastest in the file); its `.origin` and `.spacing` are those of the image's points, so
cell i of an axis has its centre at origin + (i + 0.5) * spacing.

Needs numpy and PyYAML; reading fields uses the C++ reader of the binding (lobule._core) where it
is built, else VTK's Python module (Debian: python3-vtk9). A last row of timeseries.csv cut short (a full disk stopped the run)
is left out with a warning on stderr. Errors are ResultsError with a message that names what is
missing; the command prints it and exits with status 2.
"""
import argparse
import collections
import csv
import io
import os
import re
import sys
import xml.etree.ElementTree as ET

import warnings

PROG = "lobule.results"

# The liver model's timeseries.csv columns, in their order (MODEL.md, "Observables").
LIVER_COLUMNS = [
    "time", "time_d", "cpa", "collagen_mean", "collagen_x_mean", "collagen_zone1",
    "collagen_zone2", "collagen_zone3", "hep_mean", "hsc_mean", "mac1_mean", "mac2_mean",
    "msc_total", "ev_total", "ev_cargo_total", "tgfb_mean", "tnfa_mean", "il10_mean",
    "hgf_mean", "vegf_mean", "egf_mean", "mmp_mean", "timp_mean", "ev_septum_mean",
    "ev_parenchyma_mean"]


class ResultsError(Exception):
    """A run directory (or a request about it) that cannot be read: the message says why."""


# A therapy dose, expanded from model.therapy: time in seconds.
Dose = collections.namedtuple("Dose", "time agent dose route")
# One entry of model.therapy: its dose times (repeats expanded, s), agent, amount, route, and
# the interval of its repeats (s, 0 for one dose).
DoseSeries = collections.namedtuple("DoseSeries", "times agent dose route every")


def read_csv_rows(path):
    """The rows of a CSV file (lists of strings, the header first). lobule appends and flushes
    timeseries.csv a row at a time, so a full disk can stop a run in the middle of a row: a last
    line without its newline is such a cut row. It is dropped, with a warning on stderr."""
    with open(path, newline="") as f:
        text = f.read()
    if text and not text.endswith("\n") and "\n" in text:
        text = text[:text.rfind("\n") + 1]
        prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] not in ("", "-", "-c") \
            else PROG
        print(f"{prog}: warning: {path}: its last row is cut short (a full disk stopped the "
              "run?); read without it", file=sys.stderr)
    return list(csv.reader(io.StringIO(text, newline="")))


def _numpy():
    try:
        import numpy
    except ImportError:
        from ._env import wrong_interpreter
        raise ResultsError(wrong_interpreter("numpy")) from None
    return numpy


def parse_seconds(value, what="a time"):
    """A time of config.yaml ("7257600 s", "84 d", or a bare number of seconds) in seconds
    (lobule._units.parse_time); ResultsError naming `what` when it is not one."""
    from ._units import parse_time
    try:
        return parse_time(value, what)
    except ValueError as e:
        raise ResultsError(str(e)) from None


def dose_series(config, where="config.yaml", skip_bad=False):
    """The entries of model.therapy of a config (a dict) as DoseSeries, in their order: empty
    without therapy. An entry that cannot be read is a ResultsError naming it (`where`), or
    with skip_bad=True left out."""
    model = config.get("model") if isinstance(config, dict) else None
    therapy = model.get("therapy") if isinstance(model, dict) else None
    if not therapy:
        return []
    if not isinstance(therapy, list):
        if skip_bad:
            return []
        raise ResultsError(f"{where}: model.therapy is not a list")
    out = []
    for k, entry in enumerate(therapy):
        try:
            out.append(_dose_entry(entry, f"{where}: model.therapy[{k}]"))
        except ResultsError:
            if not skip_bad:
                raise
    return out


def _dose_entry(entry, where):
    if not isinstance(entry, dict) or "at" not in entry or "agent" not in entry:
        raise ResultsError(f"{where} has no agent/at")
    at = parse_seconds(entry["at"], f"{where}.at")
    try:
        dose = float(entry.get("dose", float("nan")))
    except (TypeError, ValueError):
        raise ResultsError(f"{where}.dose: '{entry.get('dose')}' is not a number") from None
    count, every = 1, 0.0
    rep = entry.get("repeat")
    if rep:
        if not isinstance(rep, dict) or "count" not in rep:
            raise ResultsError(f"{where}.repeat has no count")
        try:
            count = int(rep["count"])
        except (TypeError, ValueError):
            raise ResultsError(f"{where}.repeat.count: '{rep['count']}' "
                               "is not a whole number") from None
        if count > 1:
            every = parse_seconds(rep.get("every", "nan"), f"{where}.repeat.every")
    return DoseSeries([at + i * every for i in range(count)], str(entry["agent"]), dose,
                      str(entry.get("route", "")), every)


class Fields:
    """The cell arrays of one output: `arrays` (name -> numpy array (nz, ny, nx)), `spacing` and
    `origin` (x, y, z in um, of the image's points), `time` (s), `index` (into run.times),
    `path` (the .vti file)."""

    def __init__(self, arrays, spacing, origin, time, index, path, shape):
        self.arrays = arrays
        self.spacing = spacing
        self.origin = origin
        self.time = time
        self.index = index
        self.path = path
        self.shape = shape  # (nz, ny, nx): cells per axis

    @property
    def voxel_volume(self):
        """The volume of one cell in um^3."""
        return self.spacing[0] * self.spacing[1] * self.spacing[2]

    def centers(self):
        """The cell centres per axis in um, as (z, y, x) 1-D arrays (matching the array axes)."""
        np = _numpy()
        nz, ny, nx = self.shape
        return tuple(self.origin[a] + (np.arange(n) + 0.5) * self.spacing[a]
                     for a, n in ((2, nz), (1, ny), (0, nx)))

    def __repr__(self):
        return (f"Fields(time={self.time:g} s, shape={self.shape}, spacing={self.spacing}, "
                f"arrays={sorted(self.arrays)})")


def _vtk():
    """vtkXMLImageDataReader and vtk_to_numpy, from the light vtkmodules packages when there."""
    try:
        from vtkmodules.vtkIOXML import vtkXMLImageDataReader
        from vtkmodules.util.numpy_support import vtk_to_numpy
    except ImportError:
        try:
            import vtk
            from vtk.util.numpy_support import vtk_to_numpy
            vtkXMLImageDataReader = vtk.vtkXMLImageDataReader
        except ImportError:
            raise ResultsError("reading fields needs VTK's Python module "
                               "(Debian: apt-get install python3-vtk9)") from None
    return vtkXMLImageDataReader, vtk_to_numpy


def _open_vti(path):
    if not os.path.isfile(path):
        raise ResultsError(f"{path} is missing (listed in fields.pvd)")
    reader_cls, _ = _vtk()
    reader = reader_cls()
    reader.SetFileName(path)
    _quiet(reader, reader.UpdateInformation)
    if reader.GetErrorCode() or reader.GetNumberOfCellArrays() == 0:
        raise ResultsError(f"{path} is not a VTK ImageData file with cell arrays")
    return reader


def _quiet(obj, call):
    """Runs call() with VTK's error and warning printing off: a broken file is reported as a
    ResultsError instead. The global setting is restored afterwards."""
    was = obj.GetGlobalWarningDisplay()
    obj.GlobalWarningDisplayOff()
    try:
        call()
    finally:
        obj.SetGlobalWarningDisplay(was)


def vti_array_names(path):
    """The names of the cell arrays of a .vti file, without reading them."""
    reader = _open_vti(path)
    return [reader.GetCellArrayName(i) for i in range(reader.GetNumberOfCellArrays())]


class Run:
    """A lobule run directory. Raises ResultsError when `path` is not one."""

    def __init__(self, path):
        self.path = os.path.normpath(str(path))
        if not os.path.exists(self.path):
            raise ResultsError(f"{self.path}: no such directory")
        if not os.path.isdir(self.path):
            raise ResultsError(f"{self.path} is not a directory (want a run directory, "
                               "the -o of `lobule run`)")
        have = [f for f in ("config.yaml", "timeseries.csv", "fields.pvd")
                if os.path.isfile(os.path.join(self.path, f))]
        if not have:
            raise ResultsError(f"{self.path} is not a lobule run directory (no config.yaml, "
                               "timeseries.csv or fields.pvd in it)")
        self.config = self._read_config()
        name = self.config.get("name")
        self.name = str(name) if name not in (None, "") else os.path.basename(self.path)
        self.columns, self.series = self._read_series()
        self._files = self._read_pvd()
        self.times = _numpy().array([t for t, _ in self._files], dtype=float)

    def __repr__(self):
        return f"Run({self.path!r}: {self.name}, {len(self)} rows, {len(self.times)} outputs)"

    def __len__(self):
        return len(self.series[self.columns[0]]) if self.columns else 0

    # --- config.yaml -------------------------------------------------------------------------
    def _read_config(self):
        path = os.path.join(self.path, "config.yaml")
        if not os.path.isfile(path):
            raise ResultsError(f"{path} is missing (not a complete run directory)")
        try:
            import yaml
        except ImportError:
            from ._env import wrong_interpreter
            raise ResultsError(wrong_interpreter("PyYAML")) from None
        try:
            with open(path) as f:
                cfg = yaml.safe_load(f)
        except (OSError, yaml.YAMLError) as e:
            raise ResultsError(f"{path} cannot be read as YAML: {e}") from None
        if not isinstance(cfg, dict):
            raise ResultsError(f"{path} does not hold a configuration (a YAML mapping)")
        return cfg

    def doses(self):
        """The therapy doses of model.therapy, repeats expanded: [(time_s, agent, dose, route)]
        sorted by time (empty for a run without therapy or another model)."""
        out = [Dose(t, d.agent, d.dose, d.route)
               for d in dose_series(self.config, f"{self.path}/config.yaml") for t in d.times]
        return sorted(out, key=lambda d: d.time)

    # --- timeseries.csv ----------------------------------------------------------------------
    def _read_series(self):
        np = _numpy()
        path = os.path.join(self.path, "timeseries.csv")
        if not os.path.isfile(path):
            raise ResultsError(f"{path} is missing (the run wrote no time series)")
        rows = read_csv_rows(path)
        if not rows or not rows[0]:
            raise ResultsError(f"{path} is empty (no header line)")
        columns = [c.strip() for c in rows[0]]
        data = []
        for n, row in enumerate(rows[1:], start=2):
            if not row:
                continue
            if len(row) != len(columns):
                raise ResultsError(f"{path} line {n}: {len(row)} values for {len(columns)} columns")
            try:
                data.append([float(v) for v in row])
            except ValueError:
                raise ResultsError(f"{path} line {n}: a value is not a number") from None
        table = np.array(data, dtype=float).reshape(len(data), len(columns))
        return columns, {c: table[:, i] for i, c in enumerate(columns)}

    def value(self, column, at, nearest=False):
        """The value of `column` in the row at tissue time `at` (seconds, or a string with a
        unit: "84 d"). No row at that time: ResultsError naming the nearest rows, or with
        nearest=True the nearest row's value and a warning."""
        t = parse_seconds(at, "at")
        times = self.column("time")
        i = _match(times, t, f"{self.path}/timeseries.csv has no row", nearest)
        return float(self.column(column)[i])

    def column(self, name):
        """One column of timeseries.csv; ResultsError naming the columns there when it is not."""
        if name not in self.series:
            raise ResultsError(f"{self.path}/timeseries.csv has no column '{name}' "
                               f"(columns: {', '.join(self.columns)})")
        return self.series[name]

    # --- fields.pvd and fields/*.vti ---------------------------------------------------------
    def _read_pvd(self):
        path = os.path.join(self.path, "fields.pvd")
        if not os.path.isfile(path):
            return []
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as e:
            raise ResultsError(f"{path} cannot be read: {e}") from None
        files = []
        for ds in root.iter("DataSet"):
            try:
                t = float(ds.get("timestep"))
            except (TypeError, ValueError):
                raise ResultsError(f"{path}: a DataSet without a numeric timestep") from None
            if not ds.get("file"):
                raise ResultsError(f"{path}: a DataSet without a file")
            files.append((t, os.path.join(self.path, ds.get("file"))))
        return files

    def field_names(self, index=-1):
        """The cell arrays of one output (default the last), without reading them."""
        return vti_array_names(self._pick(None, index)[1])

    def _pick(self, time, index, nearest=False):
        if not self._files:
            raise ResultsError(f"{self.path} has no field outputs (no fields.pvd, "
                               "or it lists none)")
        if time is not None and index is not None:
            raise ResultsError("give time or index, not both")
        if time is not None:
            time = parse_seconds(time, "time")
            i = _match([t for t, _ in self._files], time, f"{self.path} has no output", nearest)
        else:
            i = len(self._files) - 1 if index is None else index
            if not isinstance(i, int) or not -len(self._files) <= i < len(self._files):
                raise ResultsError(f"output index {index} out of range: {self.path} has "
                                   f"{len(self._files)} outputs")
            i %= len(self._files)
        return i, self._files[i][1], self._files[i][0]

    def fields(self, time=None, index=None, names=None, nearest=False):
        """The cell arrays of one output: the one at `time` (seconds or "84 d"; no output there:
        ResultsError naming the nearest, or with nearest=True the nearest and a warning), or
        number `index` of run.times, or the last. `names`: the arrays to read (a name or a
        list; default all). Returns a Fields object; ResultsError for an unknown name, listing
        those there."""
        np = _numpy()
        i, path, t = self._pick(time, index, nearest)
        core = _core()
        if core is not None:
            if not os.path.isfile(path):
                raise ResultsError(f"{path} is missing (listed in fields.pvd)")
            wanted = None if names is None else ([names] if isinstance(names, str) else list(names))
            try:
                _, arrays, spacing, origin = core.read_vti(path, wanted or [])
            except core.LobuleError as e:
                message = e.args[1] if len(e.args) > 1 else str(e)
                have = re.search(r"no cell array '.*' \(it has: (.*)\)", message)
                if have:  # the same message as the VTK reader's
                    unknown = [n for n in wanted if n not in have.group(1).split(", ")]
                    raise ResultsError(f"no field {', '.join(repr(n) for n in unknown)} in "
                                       f"{path} (fields: {have.group(1)})") from None
                raise ResultsError(message.split(": ", 1)[-1]) from None
            shape = next(iter(arrays.values())).shape if arrays else (0, 0, 0)
            return Fields(dict(arrays), tuple(spacing), tuple(origin), t, i, path, shape)
        reader = _open_vti(path)
        available = [reader.GetCellArrayName(k) for k in range(reader.GetNumberOfCellArrays())]
        if names is None:
            wanted = list(available)
        else:
            wanted = [names] if isinstance(names, str) else list(names)
            unknown = [n for n in wanted if n not in available]
            if unknown:
                raise ResultsError(f"no field {', '.join(repr(n) for n in unknown)} in {path} "
                                   f"(fields: {', '.join(available)})")
        for n in available:
            reader.SetCellArrayStatus(n, 1 if n in wanted else 0)
        _quiet(reader, reader.Update)
        image = reader.GetOutput()
        if reader.GetErrorCode() or image is None or image.GetNumberOfCells() == 0:
            raise ResultsError(f"{path} cannot be read (a truncated or damaged file?)")
        dims = image.GetDimensions()
        nx, ny, nz = (max(d - 1, 1) for d in dims)
        _, to_numpy = _vtk()
        cells = image.GetCellData()
        arrays = {}
        for n in wanted:
            a = cells.GetArray(n)
            if a is None:
                raise ResultsError(f"{path}: the cell array '{n}' cannot be read")
            v = np.array(to_numpy(a), copy=True)
            comps = a.GetNumberOfComponents()
            if v.size != nx * ny * nz * comps:
                raise ResultsError(f"{path}: '{n}' has {v.size} values for "
                                   f"{nx}x{ny}x{nz} cells")
            arrays[n] = v.reshape((nz, ny, nx) if comps == 1 else (nz, ny, nx, comps))
        return Fields(arrays, tuple(image.GetSpacing()), tuple(image.GetOrigin()), t, i, path,
                      (nz, ny, nx))


def _match(times, t, what, nearest):
    """The index of the entry of `times` at t (to 1e-9 relative); else ResultsError naming the
    nearest entries, or with nearest=True the nearest with a warning."""
    if not len(times):
        raise ResultsError(f"{what}s at all")
    order = sorted(range(len(times)), key=lambda k: abs(times[k] - t))
    i = order[0]
    if abs(times[i] - t) <= 1e-9 * max(1.0, abs(t)):
        return i
    if nearest:
        warnings.warn(f"{what} at t = {_days(t)}; using the nearest, {_days(times[i])}",
                      stacklevel=3)
        return i
    near = ", ".join(_days(times[k]) for k in sorted(order[:4], key=lambda k: times[k]))
    raise ResultsError(f"{what} at t = {_days(t)} (nearest: {near}); ask for one of those, or "
                       "pass nearest=True")


def _core():
    """The binding's module (its C++ .vti reader), or None where it is not built."""
    try:
        from ._env import core
        return core()
    except ImportError:
        return None


def display_names(runs):
    """Names to tell runs apart in legends and tables: run.name, with the directory's name added
    where two runs share a name (several arms of one scenario made with --set), or the whole
    path where those are the same too."""
    names = [r.name for r in runs]
    out = []
    for r in runs:
        if names.count(r.name) == 1:
            out.append(r.name)
            continue
        base = os.path.basename(r.path)
        same = sum(1 for o in runs if o.name == r.name and os.path.basename(o.path) == base)
        out.append(f"{r.name} ({base if same == 1 else r.path})")
    return out


# --- the command -----------------------------------------------------------------------------
def _days(t):
    return f"{t / 86400:.4g} d" if abs(t) >= 86400 else f"{t:g} s"


def summary(run):
    lines = [f"run:     {run.path}", f"name:    {run.name}"]
    model = run.config.get("model")
    if isinstance(model, dict) and model.get("name"):
        lines.append(f"model:   {model['name']}")
    rows = len(run)
    if rows and "time" in run.series:
        t = run.series["time"]
        lines.append(f"rows:    {rows} ({_days(t[0])} .. {_days(t[-1])})")
    else:
        lines.append(f"rows:    {rows}")
    lines.append(f"columns: {', '.join(run.columns)}")
    if len(run.times):
        lines.append(f"outputs: {len(run.times)} ({_days(run.times[0])} .. {_days(run.times[-1])})")
        try:
            lines.append(f"fields:  {', '.join(run.field_names())}")
        except ResultsError as e:
            lines.append(f"fields:  ({e})")
    else:
        lines.append("outputs: none (no fields.pvd)")
    doses = run.doses()
    if doses:
        for d in doses:
            lines.append(f"dose:    {_days(d.time)}  {d.agent} {d.dose:g} ({d.route})")
    else:
        lines.append("doses:   none")
    return "\n".join(lines)


def field_summary(run, name, time, nearest=False):
    """One field at the output at `time` (default the last): shape, range, total."""
    np = _numpy()
    f = run.fields(time=time, names=[name], nearest=nearest)
    a = f.arrays[name].astype(float)
    day = f" (day {f.time / 86400:.4g})" if f.time >= 86400 else ""
    return (f"{name} at t = {f.time:g} s{day}, output {f.index} ({f.path}):\n"
            f"  cells (nz, ny, nx) = {f.shape}, spacing {f.spacing} um, origin {f.origin} um\n"
            f"  min {np.nanmin(a):.6g}, max {np.nanmax(a):.6g}, mean {np.nanmean(a):.6g}, "
            f"sum x voxel volume {np.nansum(a) * f.voxel_volume:.10g}")


def main(argv=None, prog=PROG):
    ap = argparse.ArgumentParser(prog=prog, description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", metavar="RUN", help="a run directory (lobule run -o RUN)")
    ap.add_argument("--field", metavar="NAME",
                    help="also print one field's shape, range and total (sum x voxel volume)")
    ap.add_argument("--time", metavar="T",
                    help="with --field: the output at this time (seconds or e.g. '84 d'; "
                         "default the last)")
    ap.add_argument("--nearest", action="store_true",
                    help="with --time: take the nearest output when none is at that time")
    args = ap.parse_args(argv)
    if args.time is not None and args.field is None:
        print(f"{prog}: --time needs --field", file=sys.stderr)
        return 2
    for k, path in enumerate(args.runs):
        try:
            run = Run(path)
            text = summary(run)
            if args.field is not None:
                text += "\n" + field_summary(run, args.field, args.time, args.nearest)
        except ResultsError as e:
            print(f"{prog}: {e}", file=sys.stderr)
            return 2
        print(("\n" if k else "") + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
