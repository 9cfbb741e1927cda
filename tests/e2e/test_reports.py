"""A French programme end to end: its report over HTTP as one HTML page (parsed, then
drawn by headless Chromium), and its reminders in the outbox, in French."""

from __future__ import annotations

import json
import shutil
import time
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import QUICK, Parcours

CHROMIUM = shutil.which("chromium")
OBJECTIVE = "Déléguer le <reporting> hebdomadaire"


class Parsed(HTMLParser):
    """The page through the standard library's parser: its tags and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.refs: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [v for k, v in attrs if k in ("src", "href")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def outbox(parcours: Parcours, programme_id: str) -> list[dict[str, Any]]:
    lines = parcours.cli("outbox", "read").stdout.splitlines()
    found = [json.loads(line) for line in lines]
    return [n for n in found if n.get("programme_id") == programme_id]


def test_a_french_programme_reports_and_reminds_in_french(parcours: Parcours) -> None:
    parcours.start()
    programme_id = parcours.cli(
        "launch", "--employee", "E51", "--name", "Zoé <b>Lambert</b>",
        "--email", "zoe@example.com", "--template", str(QUICK), "--coach", "C1",
        "--manager", "M1", "--locale", "fr", "--tz", "Europe/Paris",
    ).stdout.strip()  # fmt: skip
    shown = json.loads(parcours.cli("show", programme_id, "--json").stdout)
    assert (shown["employee"]["locale"], shown["employee"]["time_zone"]) == ("fr", "Europe/Paris")
    assert "time zone: Europe/Paris" in parcours.cli("show", programme_id).stdout

    parcours.cli("objectives", programme_id, "--short", OBJECTIVE, "--long", "Mener l'équipe")
    for role, rater in (("employee", "E51"), ("manager", "M1")):
        parcours.cli(
            "feedback", programme_id, "--role", role, "--rater", rater,
            "--score", "motivation=2", "--score", "adaptability=3",
        )  # fmt: skip
    deadline = time.monotonic() + 60
    reminders: list[dict[str, Any]] = []
    while not reminders and time.monotonic() < deadline:  # the sessions' reminders, 1 s ahead
        reminders = [n for n in outbox(parcours, programme_id) if n["kind"] == "session_reminder"]
        time.sleep(0.5)
    assert reminders, "no session reminder reached the outbox"
    message = reminders[0]["message"]
    assert message["lang"] == "fr"
    assert message["subject"].startswith("Séance 1 de Quick demo programme : ")
    assert "Europe/Paris" in message["subject"]
    assert message["text"].startswith("Bonjour Zoé <b>Lambert</b>,")

    for number, notes in ((1, "Un bon départ"), (2, "Plan d'action revu")):
        parcours.cli(
            "session", programme_id, "--number", str(number), "--status", "held", "--notes", notes
        )
    parcours.cli("progress", programme_id, "--objective", "S1", "--percent", "60")
    for role, rater in (("employee", "E51"), ("manager", "M1")):
        parcours.cli(
            "feedback", programme_id, "--role", role, "--rater", rater, "--score", "motivation=4",
            "--score", "adaptability=4", "--comment", "<script>alert(1)</script> nettement mieux",
        )  # fmt: skip

    token = dict(
        line.split(":", 1) for line in (parcours.data_dir / "api-tokens").read_text().split()
    )["platform"]
    base = f"http://127.0.0.1:{parcours.api_port}/v1/programmes/{programme_id}/evaluations"
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as api:
        listed: list[dict[str, Any]] = []
        deadline = time.monotonic() + 60
        while len(listed) < 2 and time.monotonic() < deadline:
            listed = api.get(base).json()
            time.sleep(0.5)
        assert [(e["n"], e["kind"]) for e in listed] == [(1, "baseline"), (2, "final")]
        assert all("delivery_id" not in e for e in listed)
        answer = api.get(f"{base}/2", params={"format": "html"})
        as_json = api.get(f"{base}/2").json()
        in_english = api.get(f"{base}/2", params={"format": "md", "lang": "en"}).text
        by_accept = api.get(f"{base}/2", headers={"Accept": "text/html"})

    assert answer.headers["content-type"].startswith("text/html")
    assert by_accept.text == answer.text
    page = answer.text
    parsed = Parsed()
    parsed.feed(page)
    words = " ".join(parsed.text)
    assert "svg" in parsed.tags
    assert "rect" in parsed.tags  # two dimensions are drawn as bars, not a radar
    assert not {"script", "b"} & set(parsed.tags), "user text is escaped"
    assert parsed.refs == [], "one self-contained file"
    assert OBJECTIVE in words
    assert "Mener l'équipe" in words
    assert "Évaluation finale : Zoé <b>Lambert</b>" in words
    assert "Un bon départ" in words
    assert "<script>alert(1)</script> nettement mieux" in words
    assert "Points d'attention pour la suite" in words
    assert "delivery_id" not in json.dumps(as_json)
    assert [o["text"] for o in as_json["objectives"]] == [OBJECTIVE, "Mener l'équipe"]
    assert in_english.startswith("# Final evaluation: Zoé")

    html_file = parcours.cli("report", programme_id, "--format", "html").stdout
    assert html_file == page
    assert "# Évaluation finale" in parcours.cli("report", programme_id).stdout

    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install -y chromium): chart not drawn")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            tab = browser.new_page()
            tab.set_content(page, wait_until="load")
            bars = tab.eval_on_selector_all(
                "svg.bars rect.bar",
                "els => els.map(e => { const b = e.getBBox();"
                " return [e.dataset.series, b.width, b.height]; })",
            )
            shown_text = tab.inner_text("body")
            tab.screenshot(path=str(parcours.data_dir.parent / "report.png"), full_page=True)
        finally:
            browser.close()
    assert len({series for series, _, _ in bars}) == 2, "the baseline and the final evaluation"
    assert len(bars) == 4, "each of them on both dimensions"
    assert all(w > 0 and h > 0 for _, w, h in bars), bars
    assert OBJECTIVE in shown_text
