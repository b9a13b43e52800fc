"""Shared fixtures: the build under test (LOBULE_BUILD_DIR / LOBULE_EXE, which CTest sets) and
the repository's inputs."""
import os

import pytest

from lobule import _env

REPO = _env.REPO
INPUTS = os.path.join(REPO, "inputs")


# 8 x 8 x 8 voxels of 5 um, one species, uniform start: with no-flux faces the mean obeys
# du/dt = s - lambda u exactly (explicit Euler in time), u(t) = s/l + (u0 - s/l) exp(-l t).
TINY = {
    "name": "tiny",
    "grid": {"spacing": "5 um"},
    "geometry": {"kind": "box", "size": ["40 um", "40 um", "40 um"]},
    "model": {"name": "diffusion_decay"},
    "species": [{"name": "u", "diffusivity": "10 um^2/s", "decay": "0.5 1/s",
                 "source": "0.1 1/s", "initial": {"kind": "uniform", "value": 1.0}}],
    "boundaries": {"default": "no_flux"},
    "time": {"end": "2 s", "dt": "0.01 s", "scheme": "explicit"},
    "output": {"every": "0.5 s", "fields": "all"},
    "precision": "double",
    "backend": "cpu",
}


@pytest.fixture(scope="session")
def exe():
    try:
        return _env.executable()
    except FileNotFoundError as e:
        pytest.skip(str(e))


@pytest.fixture(scope="session")
def core():
    c = _env.core()
    if c is None:
        pytest.skip(f"the binding is not built in {_env.build_dir()}")
    return c
