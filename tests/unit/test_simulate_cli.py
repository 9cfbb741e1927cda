"""``parcours simulate``: the timeline as text, JSON and an HTML page; errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gateway.cli import app

runner = CliRunner()


def test_json_has_one_object_per_event(tmp_path: Path) -> None:
    page = tmp_path / "late.html"
    done = runner.invoke(
        app,
        ["simulate", "executive-6m", "--scenario", "late", "--start", "2027-01-04", "--json",
         "--html", str(page)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    body = json.loads(done.output)
    assert body["outcome"] == "completed"
    events = body["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert {"seq", "type", "at", "stage"} <= set(events[0])
    assert events[0]["at"] == "2027-01-04T09:00:00+00:00"
    assert {e["stage"] for e in events if e["type"] == "stage_entered"} == {
        "agreement", "assessment", "goals", "coaching", "midpoint", "coaching_continued",
        "final_review", "closure",
    }  # fmt: skip
    assert any(e["type"] == "follow_up_closed" for e in events)
    html = page.read_text()
    assert html.startswith("<!doctype html>")
    assert "<svg" in html
    assert "<script" not in html
    assert html.count('<text x="8"') == 9  # one row per stage, and one for the follow-up


def test_a_scenario_file(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "base: silent\nstages:\n  kickoff: {at: P2D}\n  baseline: {at: P12D}\n", "utf-8"
    )
    done = runner.invoke(app, ["simulate", "change-adoption-3m", "--scenario", str(scenario)])
    assert done.exit_code == 0, done.output
    assert "objectives_agreed" in done.output
    assert "stage_stalled" in done.output  # silent: nobody holds the check-ins
    assert "lapsed" in done.output


def test_errors_name_what_is_wrong(tmp_path: Path) -> None:
    done = runner.invoke(app, ["simulate", "executive-6m", "--scenario", "sometimes"])
    assert done.exit_code == 2
    assert "sometimes" in done.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("stages:\n  agreement: {at: P-1D}\n", "utf-8")
    done = runner.invoke(app, ["simulate", "executive-6m", "--scenario", str(bad)])
    assert done.exit_code == 2
    assert "stages.agreement.at" in done.output
    done = runner.invoke(app, ["simulate", "executive-6m", "--start", "tomorrow"])
    assert done.exit_code == 2
