"""lobule from Python: run scenarios (in-process or the executable), branch arms from a saved
state, read run directories, sweep, sensitivity and calibration. docs/python.md.

    import lobule
    base = lobule.run("inputs/regression_untreated.yaml", "results/untreated")
    arm = lobule.run("inputs/msc_portal.yaml", "results/msc", from_="results/untreated:84d")
    arm.value("cpa", "112 d")

The project's environment is <repo>/.venv (tools/install-deps.sh); another interpreter gets an
error naming it where a module is missing.
"""
try:
    import numpy  # noqa: F401
    import yaml  # noqa: F401
except ImportError as _e:  # pragma: no cover - the message is the point
    from ._env import wrong_interpreter
    raise ImportError(wrong_interpreter(_e.name or "numpy")) from None

from ._env import core, executable
from .results import Fields, ResultsError, Run
from .runner import RunError, Simulation, branch, command, run
from .scenario import to_sets
from .sweep import SweepResult, sweep  # noqa: F401 (the module loads the standard library only)

__version__ = "0.1.0"
