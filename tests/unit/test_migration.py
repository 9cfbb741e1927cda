"""Migrating a running programme onto another template version: the preview, the
refusals, and the migration doing what its preview said."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.language.frameworks import default_framework
from domain.commands import (
    AdvanceStage,
    AgreeObjectives,
    Employee,
    GiveFeedback,
    Launch,
    MigrateTemplate,
    Tick,
)
from domain.decider import decide_and_evolve
from domain.errors import DomainError
from domain.events import Event, TemplateMigrated
from domain.evolve import fold
from domain.migration import _notices, preview
from domain.rules import RULES
from domain.state import ProgrammeState
from domain.template import Dimension, Role, Template
from gateway.catalogue import shipped_template

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def version_2(template: Template, **changes: Any) -> Template:
    """executive-6m@2: ``coaching`` renamed ``coaching_sessions``, with one session more."""
    data = template.model_dump(mode="json")
    data["version"] = 2
    for stage in data["stages"]:
        if stage["key"] == "coaching":
            stage["key"] = "coaching_sessions"
            stage["sessions"]["count"] += 1
    data.update(changes)
    return Template.model_validate(data)


def programme_in(stage: str) -> tuple[list[Event], datetime]:
    """An executive-6m programme advanced by hand into ``stage``; its events and now."""
    template = shipped_template("executive-6m")
    launch = Launch(
        programme_id="executive-6m.E1",
        employee=Employee(id="E1", name="Ada", email="ada@example.com"),
        template=template,
        rules=RULES,
    )
    now = START
    events, state = decide_and_evolve(None, launch, now)
    log = list(events)
    while state.stage_progress is not None and state.stage_progress.key != stage:
        now += timedelta(days=1)
        more, state = decide_and_evolve(state, AdvanceStage(reason="test"), now)
        log += more
    return log, now + timedelta(hours=1)


def test_the_preview_says_where_it_lands_and_what_the_calendar_gains() -> None:
    events, now = programme_in("coaching")
    v2 = version_2(shipped_template("executive-6m"))
    seen = preview(events, v2, {"coaching": "coaching_sessions"}, now)

    assert seen.outcome == "migrate"
    assert (seen.from_template, seen.to_template) == ("executive-6m@1", "executive-6m@2")
    assert (seen.stage_before, seen.stage_after) == ("coaching", "coaching_sessions")
    [added] = seen.sessions
    assert added.before is None
    assert added.after is not None
    assert seen.due_after is not None
    assert seen.due_before is not None
    assert seen.due_after - seen.due_before == timedelta(days=14)  # one period more
    assert any(n.type == "session_reminder_due" for n in seen.notices_added)
    assert "coaching_continued" in seen.stages_ahead_after
    assert not seen.evaluation_differs


def test_migrating_does_what_the_preview_said() -> None:
    events, now = programme_in("coaching")
    v2 = version_2(shipped_template("executive-6m"))
    mapping = {"coaching": "coaching_sessions"}
    seen = preview(events, v2, mapping, now)
    command = MigrateTemplate(to=v2, mapping=mapping, reason="fix", by="ops-1")
    done, state = decide_and_evolve(fold(events), command, now)

    [migrated] = [e for e in done if isinstance(e, TemplateMigrated)]
    assert (migrated.from_template, migrated.by, migrated.mapping) == (
        "executive-6m@1",
        "ops-1",
        mapping,
    )
    assert state.template == v2
    assert state.stage_progress is not None
    assert state.stage_progress.key == seen.stage_after
    assert state.clock.wall(state.stage_progress.due or timedelta(0)) == seen.due_after
    planned = {s.number: state.clock.wall(s.clock) for s in state.stage_progress.sessions}
    assert all(planned[m.number] == m.after for m in seen.sessions if m.after is not None)
    after = _notices(state, now)
    assert all(n in after for n in seen.notices_added)
    assert not any(n in after for n in seen.notices_removed)
    # The migrated programme folds from its events like any other.
    assert fold([*events, *done]) == state


def test_a_stage_removed_without_a_mapping_is_refused_saying_which() -> None:
    events, now = programme_in("coaching")
    seen = preview(events, version_2(shipped_template("executive-6m")), {}, now)
    assert seen.outcome == "refused"
    assert seen.reason is not None
    assert "'coaching'" in seen.reason
    assert "--map coaching=" in seen.reason


def test_a_programme_in_a_stage_kept_needs_no_mapping() -> None:
    events, now = programme_in("agreement")
    seen = preview(events, version_2(shipped_template("executive-6m")), {}, now)
    assert (seen.outcome, seen.stage_after) == ("migrate", "agreement")
    assert seen.sessions == []


def test_a_framework_change_is_refused_once_there_are_answers() -> None:
    template = shipped_template("executive-6m")
    other = version_2(template, dimensions=["strengths", "motivation"])
    events, now = programme_in("assessment")
    assert preview(events, other, {"coaching": "coaching_sessions"}, now).outcome == "migrate"

    state: ProgrammeState = fold(events)
    scores = dict.fromkeys(template.dimensions, 3)
    answered, state = decide_and_evolve(
        state,
        GiveFeedback(role=Role.employee, rater_id="E1", scores=scores, occurred_at=now),
        now,
    )
    seen = preview([*events, *answered], other, {"coaching": "coaching_sessions"}, now)
    assert seen.outcome == "refused"
    assert "dimensions" in (seen.reason or "")
    assert Dimension.strengths in other.dimensions


def test_the_same_version_is_unchanged_and_another_template_refused() -> None:
    events, now = programme_in("agreement")
    template = shipped_template("executive-6m")
    assert preview(events, template, {}, now).outcome == "unchanged"
    other = shipped_template("team-cohort-4m")
    assert preview(events, other, {}, now).outcome == "refused"
    with pytest.raises(DomainError, match="mapping: 'nowhere'"):
        decide_and_evolve(
            fold(events),
            MigrateTemplate(to=version_2(template), mapping={"nowhere": "agreement"}, reason="x"),
            now,
        )


def test_an_ended_programme_is_not_migrated() -> None:
    events, now = programme_in("agreement")
    state = fold(events)
    _, state = decide_and_evolve(state, AgreeObjectives(short_term=["a"], long_term=["b"]), now)
    _, state = decide_and_evolve(state, Tick(), now + timedelta(days=400))
    assert state.ended
    command = MigrateTemplate(to=version_2(shipped_template("executive-6m")), reason="late")
    with pytest.raises(DomainError, match="cannot migrate"):
        decide_and_evolve(state, command, now + timedelta(days=401))


def test_a_scale_change_is_refused_once_there_are_answers() -> None:
    """Frameworks (rules 7): the same dimensions on another scale are another framework."""
    template = shipped_template("executive-6m")
    five = default_framework().model_dump(mode="json")
    five["scale"] = {"min": 1, "max": 7}
    other = version_2(template, framework=five)
    assert set(other.dimensions) == set(template.dimensions)
    events, now = programme_in("assessment")
    seen = preview(events, other, {"coaching": "coaching_sessions"}, now)
    assert (seen.outcome, seen.evaluation_differs) == ("migrate", True)

    state: ProgrammeState = fold(events)
    answered, state = decide_and_evolve(
        state,
        GiveFeedback(
            role=Role.employee,
            rater_id="E1",
            scores=dict.fromkeys(template.dimensions, 3),
            occurred_at=now,
        ),
        now,
    )
    seen = preview([*events, *answered], other, {"coaching": "coaching_sessions"}, now)
    assert seen.outcome == "refused"
    assert "1..7" in (seen.reason or "")
    assert "1..5" in (seen.reason or "")
    with pytest.raises(DomainError, match="cannot change framework"):
        decide_and_evolve(
            state,
            MigrateTemplate(to=other, mapping={"coaching": "coaching_sessions"}, reason="test"),
            now,
        )
