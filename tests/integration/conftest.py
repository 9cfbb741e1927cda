"""A Temporal dev server shared by the production tests (each uses its own task queue)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.temporal.dev_server import DevServer
from tests.support import free_port


@pytest.fixture(scope="session")
async def dev_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevServer]:
    server = DevServer(tmp_path_factory.mktemp("temporal"), port=free_port(), headless=True)
    async with server:
        yield server
