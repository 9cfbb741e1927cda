"""A company's own framework end to end: seven dimensions on a 1..4 scale, in English and
French, from the company's templates folder (``PARCOURS_TEMPLATES_DIR``), launched over
HTTP for a French employee. Feedback, the evaluations and the HTML report run on it;
headless Chromium draws its seven axes; a 5 is refused naming the scale; and what the
employee reads (the view, the report, the notifications, the calendar) holds none of the
template's English text and no stage key."""

from __future__ import annotations

import json
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Parcours

COMPANY = Path(__file__).parent / "company"
CHROMIUM = shutil.which("chromium")
KEYS = (
    "vision", "courage", "delegation", "feedback_culture", "customer_focus", "execution",
    "learning",
)  # fmt: skip
ENGLISH = (
    "ACME leadership programme", "Agreement", "Assessment", "Final review", "Delegation",
    "Feedback culture", "Customer focus", "Execution", "Learning agility",
)  # fmt: skip
"""The template's and the framework's English texts that differ from their French."""
STAGE_KEYS = ("agreement", "assessment", "final_review")


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible(page: str) -> str:
    parsed = Text()
    parsed.feed(page)
    return " ".join(parsed.text)


def no_english_nor_keys(what: str, words: str) -> None:
    found = [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", words)]
    keys = [k for k in STAGE_KEYS if re.search(rf"\b{k}\b", words)]
    assert (found, keys) == ([], []), f"{what}: {words}"


def test_a_company_framework_in_french_over_http(parcours: Parcours) -> None:
    parcours.settings["PARCOURS_TEMPLATES_DIR"] = str(COMPANY)
    parcours.start()
    tokens = dict(
        line.split(":", 1) for line in (parcours.data_dir / "api-tokens").read_text().split()
    )
    url = f"http://127.0.0.1:{parcours.api_port}/v1"
    api = httpx.Client(  # the platform launches and reads
        base_url=url, headers={"Authorization": f"Bearer {tokens['platform']}"}, timeout=30
    )
    facts = httpx.Client(  # the integrator agrees objectives and gives feedback
        base_url=url, headers={"Authorization": f"Bearer {tokens['integrator']}"}, timeout=30
    )
    with api, facts:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the API may answer a moment after "up"
            try:
                if api.get("/../healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        launched = api.post(
            "/programmes",
            json={
                "template_id": "acme-quick",
                "employee": {"id": "E7", "name": "Léa Martin", "email": "lea@example.com",
                             "locale": "fr", "time_zone": "Europe/Paris"},
                "manager_id": "M7",
            },
        )  # fmt: skip
        assert launched.status_code == 201, launched.text
        pid = launched.json()["programme_id"]
        base = f"/programmes/{pid}"
        agreed = facts.post(
            f"{base}/objectives", json={"short_term": ["Déléguer"], "long_term": ["Diriger"]}
        )
        assert agreed.status_code < 300, agreed.text

        def feedback(rater: str, role: str, score: int, **override: int) -> httpx.Response:
            scores = dict.fromkeys(KEYS, score) | override
            time.sleep(0.3)  # within the API's 5 writes a second per programme
            return facts.post(
                f"{base}/feedback", json={"role": role, "rater_id": rater, "scores": scores}
            )

        refused = feedback("E7", "employee", 3, vision=5)
        assert refused.status_code in (409, 422), refused.text
        assert "score for 'vision' must be 1..4 (the programme's scale), got 5" in refused.text

        for score in (2, 3):  # the baseline, then the final review
            for rater, role in (("E7", "employee"), ("M7", "manager")):
                answer = feedback(rater, role, score + (role == "manager"))
                assert answer.status_code < 300, answer.text
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                listed = api.get(f"{base}/evaluations").json()
                if len(listed) == score - 1:
                    break
                time.sleep(0.5)
        listed = api.get(f"{base}/evaluations").json()
        assert [e["kind"] for e in listed] == ["baseline", "final"]
        page = api.get(f"{base}/evaluations/2", params={"format": "html"}).text
        as_json = api.get(f"{base}/evaluations/2").json()
        view = api.get(base).json()
        calendar = api.get(f"{base}/calendar.ics").text

    assert [s["dimension"] for s in as_json["evaluation"]["scores"]] == list(KEYS)
    # rules 5 and after: the mean is what others saw (the manager), the self-rating beside it
    assert as_json["evaluation"]["overall"] == pytest.approx(4.0)
    assert as_json["evaluation"]["self_overall"] == pytest.approx(3.0)
    assert (as_json["scale_min"], as_json["scale"]) == (1, 4)
    words = visible(page)
    for label in ("Vision", "Délégation", "Culture du retour", "Agilité d'apprentissage"):
        assert label in words
    assert "Programme de leadership ACME" in words
    no_english_nor_keys("report", words)
    assert view["template_title"] == "Programme de leadership ACME"
    no_english_nor_keys("view", f"{view['template_title']} {view['stage_title'] or ''}")
    summaries = [
        line for line in calendar.replace("\r\n ", "").splitlines()
        if line.startswith(("SUMMARY:", "DESCRIPTION:"))
    ]  # fmt: skip
    assert summaries, calendar
    no_english_nor_keys("calendar", " ".join(summaries))
    sent = [
        json.loads(line)["message"]
        for line in parcours.cli("outbox", "read").stdout.splitlines()
        if json.loads(line).get("programme_id") == pid
    ]
    assert sent, "the evaluations were announced"
    for message in sent:
        assert message["lang"] == "fr"
        no_english_nor_keys("notification", f"{message['subject']} {message['text']}")

    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install -y chromium): chart not drawn")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            tab = browser.new_page()
            tab.set_content(page, wait_until="load")
            axes: list[Any] = tab.eval_on_selector_all(
                "figure svg .axis",
                "els => els.map(e => { const b = e.getBBox(); return [b.width, b.height]; })",
            )
            bars: list[Any] = tab.eval_on_selector_all(
                "figure svg rect.bar",
                "els => els.map(e => e.getBBox().width)",
            )
        finally:
            browser.close()
    assert len(axes) == 7, "an axis per dimension"
    assert all(w > 0 for w, _ in axes), axes
    assert len(bars) == 14, "the baseline and the final, on each of the seven"
    assert all(w > 0 for w in bars), bars
