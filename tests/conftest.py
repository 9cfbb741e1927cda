"""Settings for the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.postgres import Cluster, fresh_database, start_cluster


def pytest_configure(config: pytest.Config) -> None:
    # The suite starts hundreds of Python processes (``parcours`` commands, workers, the
    # API, pytest-xdist's workers), each importing Temporal, pydantic, FastAPI and the
    # rest. Where PYTHONDONTWRITEBYTECODE is set (as on CI), each of them compiled every
    # module anew: about half of a ``parcours`` command's start. Without it they cache
    # their bytecode as Python does by default, and only the first pays.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


# A throwaway PostgreSQL for the stores' tests (tests/postgres.py): one cluster per
# pytest-xdist process, started when a test first asks for it; a database per test.
@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    yield from start_cluster()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    yield from fresh_database(postgres_cluster)
