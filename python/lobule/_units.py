"""Times with units, as the scenario files write them ("84 d", "2 h", "0.5 s", "84d"), in
seconds; shared by the sweep, sensitivity and calibration modules."""
import math
import re

# The time units of the scenario files (README, "Scenario files").
TIME_UNITS = {"ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0, "wk": 604800.0}

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*$")


def parse_time(value, what="a time"):
    """`value` in seconds: a number (seconds) or a string "NUMBER [UNIT]" with UNIT one of
    ms s min h d wk (no unit: seconds). Raises ValueError naming `what` otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what}: {value!r} is not a time (write e.g. \"84 d\" or seconds)")
    if isinstance(value, (int, float)):
        t = float(value)
    else:
        m = _QUANTITY.match(str(value))
        if not m or (m.group(2) and m.group(2) not in TIME_UNITS):
            raise ValueError(f"{what}: {value!r} is not a time (a number with one of the units "
                             f"{' '.join(TIME_UNITS)}, e.g. \"84 d\", or seconds)")
        t = float(m.group(1)) * TIME_UNITS.get(m.group(2) or "s")
    if not math.isfinite(t):
        raise ValueError(f"{what}: {value!r} is not a finite time")
    return t


def time_label(value):
    """A short label of a time for column names: "112 d" -> "112d", 30.0 -> "30s"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):g}s"
    return re.sub(r"\s+", "", str(value))


def _yaml_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        """YAML 1.1 reads 1.0e5 (no sign in the exponent) and 1e5 as strings; the scenario
        files (and YAML 1.2) read them as numbers, and so does this loader."""

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
        list("-+0123456789."))
    return Loader


def load_yaml(stream):
    """yaml.safe_load, except that 1.0e5 and 1e5 are numbers (see _yaml_loader)."""
    import yaml
    return yaml.load(stream, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
