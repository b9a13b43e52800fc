"""Where the package finds the project: its environment, the executable and the binding.

The project's Python environment is <repo>/.venv (tools/install-deps.sh makes it and installs
this package into it, editable). The build it drives is $LOBULE_BUILD_DIR, else <repo>/build
(the README's `cmake --preset release`), else <repo>/build-cpu; the executable is $LOBULE_EXE,
else BUILD/lobule; the binding BUILD/python/lobule/_core*.so.
"""
import glob
import importlib.util
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_PYTHON = os.path.join(REPO, ".venv", "bin", "python")


def wrong_interpreter(missing):
    """The message for a module the interpreter lacks: which interpreter to use instead."""
    return (f"{missing} is not installed for this interpreter ({sys.executable}). lobule's "
            f"Python tools run with the project's environment: {VENV_PYTHON} (made by "
            "`bash tools/install-deps.sh`; or `source .venv/bin/activate` first)")


def in_project_env():
    """True when this interpreter is the project's .venv."""
    return os.path.realpath(sys.prefix) == os.path.realpath(os.path.join(REPO, ".venv"))


def build_dir():
    """The build the package drives (see the module's docstring)."""
    env = os.environ.get("LOBULE_BUILD_DIR")
    if env:
        return os.path.abspath(env)
    for name in ("build", "build-cpu"):
        d = os.path.join(REPO, name)
        if os.path.isfile(os.path.join(d, "lobule")):
            return d
    return os.path.join(REPO, "build")


def executable():
    """The lobule executable; FileNotFoundError saying how to build it."""
    exe = os.environ.get("LOBULE_EXE") or os.path.join(build_dir(), "lobule")
    if not os.path.isfile(exe):
        raise FileNotFoundError(
            f"no lobule executable at {exe}: build it (cmake --preset release && cmake --build "
            "build), or set LOBULE_EXE or LOBULE_BUILD_DIR")
    return exe


_core_module = None


def core(required=False):
    """The binding lobule._core of the build, or None where it is not built (required=True:
    ImportError saying how to build it)."""
    global _core_module
    if _core_module is not None:
        return _core_module
    found = sorted(glob.glob(os.path.join(build_dir(), "python", "lobule", "_core*.so")))
    if not found:
        if required:
            raise ImportError(
                f"the binding lobule._core is not built in {build_dir()}: run "
                "`bash tools/install-deps.sh` (it makes .venv with pybind11), then configure and "
                "build again (cmake --preset release && cmake --build build)")
        return None
    spec = importlib.util.spec_from_file_location("lobule._core", found[0])
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError as e:  # built for another interpreter
        if required:
            raise ImportError(f"{found[0]} cannot be loaded by {sys.executable} ({e}); it is "
                              f"built for the project's environment, {VENV_PYTHON}") from None
        return None
    sys.modules["lobule._core"] = module
    _core_module = module
    return module
