"""Settings for the whole suite."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # The suite starts hundreds of Python processes (``parcours`` commands, workers, the
    # API, pytest-xdist's workers), each importing Temporal, pydantic, FastAPI and the
    # rest. Where PYTHONDONTWRITEBYTECODE is set (as on CI), each of them compiled every
    # module anew: about half of a ``parcours`` command's start. Without it they cache
    # their bytecode as Python does by default, and only the first pays.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
