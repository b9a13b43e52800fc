"""Scenarios from Python: a YAML file plus overrides given as a dict.

Overrides use the command line's key paths (README, "Command line"): list entries by position
or by name, e.g. {"model.therapy[0].dose": 2e6, "time.end": "112 d",
"species.tgfb.diffusivity": "40 um^2/s", "model.therapy": []}. They become the executable's
`--set key=value` strings, so a Python run and a CLI run of the same overrides read the same
configuration.
"""
import numbers


def _text(value):
    """A value as the text of a --set (YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))  # the shortest text that reads back to the same double
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        import yaml
        return yaml.safe_dump(_plain(value), default_flow_style=True, width=1 << 30).strip()
    if value is None:
        return "null"
    raise TypeError(f"override value {value!r} ({type(value).__name__}): expected a number, "
                    "a string, a bool, a list or a dict")


def _plain(value):
    """numpy scalars and tuples as plain Python values, for YAML."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def to_sets(overrides):
    """The `--set` strings of overrides: a dict {key.path: value}, a list of such pairs, or of
    "key.path=value" strings; None gives []."""
    if overrides is None:
        return []
    items = overrides.items() if isinstance(overrides, dict) else overrides
    out = []
    for item in items:
        if isinstance(item, str):
            if "=" not in item:
                raise ValueError(f"override '{item}': expected key.path=value")
            out.append(item)
            continue
        key, value = item
        key = str(key)
        if not key or "=" in key:
            raise ValueError(f"override key '{key}': expected a key path such as time.end")
        out.append(f"{key}={_text(value)}")
    return out
