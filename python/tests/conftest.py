"""Shared fixtures: the build under test (LOBULE_BUILD_DIR / LOBULE_EXE, which CTest sets) and
the repository's inputs."""
import os

import pytest

from lobule import _env

REPO = _env.REPO
INPUTS = os.path.join(REPO, "inputs")


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
