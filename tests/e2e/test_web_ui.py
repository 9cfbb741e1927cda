"""The Temporal Web UI of ``parcours up``, in a real browser: it reads what it shows.

Headless Chromium (Debian's ``chromium`` package) driven by Playwright's Python API; no
browser is downloaded. The UI calls the codec door ``parcours up`` gave it, with no
sign-in, and shows the programme's input decrypted.
"""

from __future__ import annotations

import shutil
import time

import pytest

from tests.e2e.conftest import QUICK, Parcours

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install -y chromium)"
)
COULD_NOT_CONNECT = "Codec Server could not connect"


def test_the_web_ui_shows_a_programme_decoded_with_no_sign_in(parcours: Parcours) -> None:
    from playwright.sync_api import sync_playwright

    parcours.start()
    launch = [
        "launch", "--employee", "E77", "--name", "Zoé Lambert-Quist",
        "--email", "zoe@example.com", "--template", str(QUICK),
        "--coach", "C1", "--manager", "M1",
    ]  # fmt: skip
    programme_id = parcours.cli(*launch).stdout.strip()
    url = f"http://127.0.0.1:{parcours.ui_port}/namespaces/default/workflows/{programme_id}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            codec_calls: list[int] = []
            page.on(
                "response",
                lambda r: codec_calls.append(r.status) if "/codec/" in r.url else None,
            )
            page.goto(url, wait_until="load", timeout=60_000)
            deadline = time.monotonic() + 30
            text = ""
            while time.monotonic() < deadline:  # the UI polls: networkidle never comes
                page.wait_for_timeout(1_000)
                text = page.inner_text("body")
                if "Zoé Lambert-Quist" in text:
                    break
            page.screenshot(path=str(parcours.data_dir.parent / "web-ui.png"), full_page=True)
        finally:
            browser.close()
    assert "Zoé Lambert-Quist" in text, (codec_calls, text[:2000])
    assert COULD_NOT_CONNECT not in text
    assert codec_calls, "the UI never called the codec"
    assert set(codec_calls) == {200}, codec_calls
