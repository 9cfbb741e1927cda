"""``/docs`` and ``/redoc`` work with no network: their scripts and styles come from the
API itself (the fastapi-offline package's copies), none from a CDN.

``parcours api`` runs as a user starts it (its Temporal need not be up: the client
connects on first use); headless Chromium (Debian's ``chromium``, driven by Playwright,
no browser downloaded) loads each page with every request to another host refused, and
checks what rendered. The one thing ReDoc asks elsewhere is its "API docs by Redocly"
logo, an image hard-coded in its bundle: refused, it leaves an empty corner; no script,
style, font or data is asked of another host.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.conftest import PARCOURS
from tests.support import free_port

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install -y chromium)"
)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "PARCOURS_DATA_DIR": str(tmp_path / "data"),
        "PARCOURS_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "PARCOURS_API_TOKENS": f"ops:{secrets.token_urlsafe(16)}",
        "TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",  # nothing there: not needed here
        "NO_COLOR": "1",
    }
    with open(tmp_path / "api.log", "w") as log:
        process = subprocess.Popen(
            [str(PARCOURS), "api", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, (tmp_path / "api.log").read_text()
                assert time.monotonic() < deadline, "parcours api did not answer"
                time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def _load_offline(base: str, path: str, ready: str) -> tuple[str, list[str], list[str]]:
    """The page's text once ``ready`` (a CSS selector) shows, the requests made to the
    API, and those refused for going elsewhere."""
    from playwright.sync_api import Route, sync_playwright

    ours = urlsplit(base).netloc
    served: list[str] = []
    refused: list[str] = []

    def only_the_api(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == ours:
            served.append(urlsplit(url).path)
            route.continue_()
        else:
            refused.append(f"{route.request.resource_type} {url}")
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.route("**/*", only_the_api)
            page.goto(f"{base}{path}", wait_until="load", timeout=60_000)
            page.wait_for_selector(ready, timeout=30_000)
            return page.inner_text("body"), served, refused
        finally:
            browser.close()


def test_swagger_ui_renders_with_no_network(api: str) -> None:
    text, served, refused = _load_offline(api, "/docs", ".swagger-ui .opblock")
    assert refused == []
    assert "/openapi.json" in served
    assert any(path.endswith("/swagger-ui-bundle.js") for path in served), served
    assert "parcours" in text
    assert "/v1/programmes/{programme_id}/feedback" in text  # the operations are listed


def test_redoc_renders_with_no_network(api: str) -> None:
    text, served, refused = _load_offline(api, "/redoc", "h1")
    assert all(what.startswith("image https://cdn.redoc.ly/") for what in refused), refused
    assert any(path.endswith("/redoc.standalone.js") for path in served), served
    assert "parcours" in text
    assert "/v1/programmes/{programme_id}/feedback" in text
