"""Rules 4 (``domain.rules.COLLECTION``): a feedback stage collects until every nominee
answered or its due date, with the quorum as the minimum; answers kept for a later stage
count for it; programmes on rules 3 decide as before."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import rules
from domain.commands import AdvanceStage, AgreeObjectives, GiveFeedback, NominateRaters, Nominee
from domain.errors import DomainError
from domain.events import (
    CollectionDue,
    EscalationDue,
    EvaluationRecorded,
    Event,
    FeedbackReceived,
    ProgrammeLapsed,
    StageCompleted,
    StageEntered,
)
from domain.gates import SELF_NOMINATED, gate_status, stage_nominees
from domain.template import Role, Stage, Template
from domain.template_parsing import parse_template
from domain.view import NAMES_A_RATER, Rejection, shown_rejections, view_of
from tests.unit.test_rules import T0, Programme, refused

SHIPPED = [
    parse_template(path.read_text())
    for path in sorted((Path(__file__).resolve().parents[2] / "templates").glob("*.yaml"))
]
EXECUTIVE = next(t for t in SHIPPED if t.id == "executive-6m")
HOLDERS = {Role.employee: "emp-1", Role.coach: "coach-1", Role.manager: "mgr-1"}
PEERS = ("P1", "P2", "P3")


def feedback_stages(template: Template) -> list[Stage]:
    return [s for s in template.stages if s.gate.feedback is not None]


def answer(role: Role, rater: str, template: Template, **fields: object) -> GiveFeedback:
    scores = dict.fromkeys(template.dimensions, 4)
    return GiveFeedback(role=role, rater_id=rater, scores=scores, **fields)  # type: ignore[arg-type]


def at_stage(template: Template, key: str, rules_: int = rules.COLLECTION) -> Programme:
    """A programme of ``template`` under ``rules_``, advanced into stage ``key``."""
    programme = Programme(template, rules_)
    programme.do(AgreeObjectives(short_term=["a"], long_term=["b"]))
    while (progress := programme.state.stage_progress) is not None and progress.key != key:
        programme.do(AdvanceStage(reason="on"), programme.now + timedelta(minutes=1))
    assert programme.state.stage_progress is not None, f"never reached {key}"
    return programme


def nominees(template: Template, stage: Stage, peers: int) -> list[tuple[Role, str]]:
    """Who a stage of ``template`` asks to answer with ``peers`` peers nominated."""
    assert stage.gate.feedback is not None
    found = [(r, HOLDERS[r]) for r in stage.gate.feedback.roles if r in HOLDERS]
    if Role.peer in stage.gate.feedback.roles:
        found += [(Role.peer, p) for p in PEERS[:peers]]
    return found


def nominate(programme: Programme, peers: int, stage: str | None = None) -> None:
    if peers:
        raters = tuple(Nominee(role=Role.peer, id=p) for p in PEERS[:peers])
        programme.do(NominateRaters(stage=stage, raters=raters))


def completed(programme: Programme, key: str) -> StageCompleted | None:
    return next(
        (e for e in programme.log if isinstance(e, StageCompleted) and e.stage == key), None
    )


def of_stage(log: list[Event], key: str) -> list[Event]:
    """The events from entering stage ``key`` to its completion."""
    start = next(i for i, e in enumerate(log) if isinstance(e, StageEntered) and e.stage == key)
    end = next(
        (i for i, e in enumerate(log) if isinstance(e, StageCompleted) and e.stage == key),
        len(log) - 1,
    )
    return log[start : end + 1]


# ---------------------------------------------------------------- the gate


@pytest.mark.parametrize(
    ("template", "stage"),
    [(t, s) for t in SHIPPED for s in feedback_stages(t)],
    ids=lambda v: getattr(v, "key", None) or getattr(v, "id", ""),
)
def test_the_stage_waits_for_every_nominee_then_closes(template: Template, stage: Stage) -> None:
    programme = at_stage(template, stage.key)
    nominate(
        programme,
        2 if Role.peer in (stage.gate.feedback.roles if stage.gate.feedback else ()) else 0,
    )
    asked = nominees(template, stage, 2)
    assert set(stage_nominees(programme.state, stage.key, stage.gate.feedback.roles)) == set(asked)  # type: ignore[union-attr]
    for role, rater in asked[:-1]:
        programme.do(answer(role, rater, template))
        assert completed(programme, stage.key) is None, f"closed before {asked[-1]} answered"
    status = gate_status(programme.state)
    assert not status.open
    assert asked[-1][0] in status.waiting_on
    assert not any(
        rater in " ".join(status.missing) for _, rater in asked if rater not in HOLDERS.values()
    )
    programme.do(answer(*asked[-1], template))
    done = completed(programme, stage.key)
    assert done is not None
    assert done.forced_by is None
    assert not any(isinstance(e, CollectionDue) for e in programme.log)


def test_a_fourth_baseline_answer_counts_for_the_baseline() -> None:
    programme = at_stage(EXECUTIVE, "assessment")
    nominate(programme, 2)
    for role, rater in [(Role.employee, "emp-1"), (Role.manager, "mgr-1"), (Role.peer, "P1")]:
        programme.do(answer(role, rater, EXECUTIVE))
    assert completed(programme, "assessment") is None  # the quorum is met, P2 is still asked
    programme.do(answer(Role.peer, "P2", EXECUTIVE))
    assert completed(programme, "assessment") is not None
    baseline = programme.state.baseline()
    assert baseline is not None
    assert baseline.stage == "assessment"
    assert baseline.raters == 4


def test_under_rules_3_the_quorum_closes_the_stage_at_once() -> None:
    programme = at_stage(EXECUTIVE, "assessment", rules.PEOPLE)
    nominate(programme, 2)
    for role, rater in [(Role.employee, "emp-1"), (Role.manager, "mgr-1"), (Role.peer, "P1")]:
        programme.do(answer(role, rater, EXECUTIVE))
    assert completed(programme, "assessment") is not None
    with pytest.raises(DomainError, match="not nominated as peer for stage goals"):
        programme.do(answer(Role.peer, "P2", EXECUTIVE))
    baseline = programme.state.baseline()
    assert baseline is not None
    assert baseline.raters == 3


# ---------------------------------------------------------------- the due date


def _asks_more_than_its_quorum(template: Template, stage: Stage) -> bool:
    """Whether one answer per role, up to the quorum, leaves a nominee still asked."""
    assert stage.gate.feedback is not None
    asked = nominees(template, stage, 3)
    return len(asked) > min(len({role for role, _ in asked}), stage.gate.feedback.quorum)


@pytest.mark.parametrize(
    ("template", "stage"),
    [(t, s) for t in SHIPPED for s in feedback_stages(t) if _asks_more_than_its_quorum(t, s)],
    ids=lambda v: getattr(v, "key", None) or getattr(v, "id", ""),
)
def test_at_the_due_date_a_stage_with_its_quorum_closes_without_escalating(
    template: Template, stage: Stage
) -> None:
    assert stage.gate.feedback is not None
    programme = at_stage(template, stage.key)
    nominate(programme, 3 if Role.peer in stage.gate.feedback.roles else 0)
    asked = nominees(template, stage, 3)
    covered: set[Role] = set()
    for role, rater in asked:  # one rater per role, up to the quorum
        if role not in covered and len(covered) < stage.gate.feedback.quorum:
            programme.do(answer(role, rater, template))
            covered.add(role)
    assert len(covered) < len(asked)
    assert completed(programme, stage.key) is None
    due = programme.due()
    programme.live(due + timedelta(days=30))
    done = completed(programme, stage.key)
    assert done is not None
    assert programme.wall(done.clock) == due
    during = of_stage(programme.log, stage.key)
    assert not any(isinstance(e, EscalationDue | ProgrammeLapsed) for e in during)
    closing = [e for e in during if isinstance(e, CollectionDue)]
    assert len(closing) == 1
    assert closing[0].quorum_met
    assert closing[0].answered == len(covered)
    assert closing[0].nominees == len(asked)


def test_at_the_due_date_without_the_quorum_the_stage_escalates_then_closes_on_it() -> None:
    programme = at_stage(EXECUTIVE, "assessment")
    nominate(programme, 2)
    programme.do(answer(Role.employee, "emp-1", EXECUTIVE))
    due = programme.due()
    programme.live(due + timedelta(hours=1))
    closing = [e for e in programme.log if isinstance(e, CollectionDue)]
    assert len(closing) == 1
    assert not closing[0].quorum_met
    assert any(isinstance(e, EscalationDue) and e.stage == "assessment" for e in programme.log)
    assert completed(programme, "assessment") is None
    programme.do(answer(Role.manager, "mgr-1", EXECUTIVE))
    assert completed(programme, "assessment") is None  # two roles of three
    programme.do(answer(Role.peer, "P1", EXECUTIVE))  # the quorum alone closes it now
    assert completed(programme, "assessment") is not None


def test_the_due_date_closes_before_a_lapse_at_the_same_instant() -> None:
    # objectives agreed at once: the assessment runs from 0 to its due date, day 21
    template = EXECUTIVE.model_copy(update={"max_duration": timedelta(days=21)})
    programme = Programme(template, rules.COLLECTION)
    programme.do(AgreeObjectives(short_term=["a"], long_term=["b"]), T0)
    assert programme.state.stage_progress is not None
    assert programme.state.stage_progress.key == "assessment"
    assert programme.due() == programme.wall(template.max_duration)
    for role, rater in [(Role.employee, "emp-1"), (Role.manager, "mgr-1")]:
        programme.do(answer(role, rater, template))
    nominate(programme, 2)
    programme.do(answer(Role.peer, "P1", template))
    programme.live(programme.due() + timedelta(days=1))
    types = [e.type for e in programme.log]
    assert types.index("collection_due") < types.index("programme_lapsed")
    assert completed(programme, "assessment") is not None


# ---------------------------------------------------------------- answers kept


def test_an_answer_before_its_stage_opened_counts_for_that_stage() -> None:
    programme = Programme(EXECUTIVE, rules.COLLECTION)
    assert programme.state.stage_progress is not None
    assert programme.state.stage_progress.key == "agreement"
    nominate(programme, 1, stage="assessment")
    kept = programme.do(answer(Role.peer, "P1", EXECUTIVE, stage="assessment"))
    assert [e.stage for e in kept if isinstance(e, FeedbackReceived)] == ["assessment"]
    programme.do(answer(Role.employee, "emp-1", EXECUTIVE, stage="assessment"))
    programme.do(AgreeObjectives(short_term=["a"], long_term=["b"]))
    assert programme.state.stage_progress is not None
    assert programme.state.stage_progress.key == "assessment"
    status = gate_status(programme.state)
    assert status.waiting_on == (Role.manager,)
    programme.do(answer(Role.manager, "mgr-1", EXECUTIVE))
    assert completed(programme, "assessment") is not None
    baseline = programme.state.baseline()
    assert baseline is not None
    assert baseline.raters == 3


def test_an_answer_kept_for_a_later_evaluation_counts_after_an_earlier_one() -> None:
    programme = at_stage(EXECUTIVE, "assessment")
    programme.do(answer(Role.coach, "coach-1", EXECUTIVE, stage="midpoint"))
    programme = _through(programme, "midpoint")
    programme.do(answer(Role.employee, "emp-1", EXECUTIVE))
    programme.do(answer(Role.manager, "mgr-1", EXECUTIVE))
    assert completed(programme, "midpoint") is not None
    midpoint = [e for e in programme.log if isinstance(e, EvaluationRecorded)][-1].evaluation
    assert midpoint.stage == "midpoint"
    assert midpoint.raters == 3


def _through(programme: Programme, key: str) -> Programme:
    while (progress := programme.state.stage_progress) is not None and progress.key != key:
        programme.do(AdvanceStage(reason="on"), programme.now + timedelta(minutes=1))
    return programme


def test_a_kept_answer_is_refused_with_a_reason() -> None:
    programme = at_stage(EXECUTIVE, "goals")
    assert "is over" in refused(
        programme, answer(Role.employee, "emp-1", EXECUTIVE, stage="assessment")
    )
    assert "coaching does not take feedback" in refused(
        programme, answer(Role.employee, "emp-1", EXECUTIVE, stage="coaching")
    )
    assert "nowhere is not a stage" in refused(
        programme, answer(Role.employee, "emp-1", EXECUTIVE, stage="nowhere")
    )
    assert "not nominated as peer for stage final_review" in refused(
        programme, answer(Role.peer, "P1", EXECUTIVE, stage="final_review")
    )
    assert "may not answer as manager" in refused(
        programme, answer(Role.manager, "mgr-9", EXECUTIVE, stage="final_review")
    )
    # the current stage takes no feedback, a later one does: kept for it
    kept = programme.do(answer(Role.employee, "emp-1", EXECUTIVE, stage="final_review"))
    assert [e.stage for e in kept if isinstance(e, FeedbackReceived)] == ["final_review"]


def test_rules_3_takes_no_stage() -> None:
    programme = at_stage(EXECUTIVE, "assessment", rules.PEOPLE)
    reason = refused(programme, answer(Role.employee, "emp-1", EXECUTIVE, stage="midpoint"))
    assert "rules 3" in reason
    assert "without stage" in reason
    # naming the current stage is the same as naming none
    events = programme.do(answer(Role.employee, "emp-1", EXECUTIVE, stage="assessment"))
    assert [e.stage for e in events if isinstance(e, FeedbackReceived)] == ["assessment"]


# ---------------------------------------------------------------- properties


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from([(t, s) for t in SHIPPED for s in feedback_stages(t)]),
    st.integers(min_value=0, max_value=3),
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=5), st.floats(min_value=0, max_value=40)),
        max_size=8,
    ),
)
def test_the_collection_closes_on_every_nominee_or_at_the_due_date_never_below_the_quorum(
    case: tuple[Template, Stage], peers: int, answers: list[tuple[int, float]]
) -> None:
    template, stage = case
    gate = stage.gate.feedback
    assert gate is not None
    peers = peers if Role.peer in gate.roles else 0
    programme = at_stage(template, stage.key)
    nominate(programme, peers)
    asked = nominees(template, stage, peers)
    entered = programme.now
    due = programme.due()
    counted: list[str] = []
    for which, day in sorted(answers, key=lambda a: a[1]):
        role, rater = asked[which % len(asked)]
        programme.live(entered + timedelta(days=day))
        if completed(programme, stage.key) is not None:
            break
        if rater in counted:
            continue  # a revised answer: the revision rules are rules 2's
        programme.do(answer(role, rater, template))
        counted.append(rater)
    programme.live(due + timedelta(days=60))
    done = completed(programme, stage.key)
    answered = set(counted)
    roles = {role for role, rater in asked if rater in answered}
    if len(roles) < gate.quorum:
        assert done is None  # never below the quorum (only the lapse ends it)
        return
    assert done is not None
    closed_at = programme.wall(done.clock)
    last = max(e.at for e in programme.log if isinstance(e, FeedbackReceived))
    if closed_at < due:
        assert answered == {rater for _, rater in asked}, "closed early without everyone"
        assert closed_at == last
    else:
        assert closed_at == max(due, last)  # at the due date, or the answer giving the quorum
        assert any(isinstance(e, CollectionDue) for e in of_stage(programme.log, stage.key))
    if stage.evaluation is not None:
        evaluation = next(
            e.evaluation
            for e in programme.log
            if isinstance(e, EvaluationRecorded) and e.evaluation.stage == stage.key
        )
        assert evaluation.raters == len(answered)  # every answer given while it was open


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([(t, s) for t in SHIPPED for s in feedback_stages(t)]),
    st.lists(st.sampled_from(sorted(HOLDERS.items())), max_size=4),
)
def test_under_rules_3_the_first_quorum_closes_the_stage(
    case: tuple[Template, Stage], answers: list[tuple[Role, str]]
) -> None:
    template, stage = case
    assert stage.gate.feedback is not None
    programme = at_stage(template, stage.key, rules.PEOPLE)
    covered: set[Role] = set()
    for role, rater in answers:
        if completed(programme, stage.key) is not None:
            break
        try:
            programme.do(answer(role, rater, template))
        except DomainError:
            continue
        if role in stage.gate.feedback.roles:
            covered.add(role)
        assert (completed(programme, stage.key) is not None) == (
            len(covered) >= stage.gate.feedback.quorum
        )
    programme.live(programme.now + timedelta(days=400))
    assert not any(isinstance(e, CollectionDue) for e in programme.log)


def test_the_programme_nominates_its_own_people() -> None:
    programme = at_stage(EXECUTIVE, "midpoint")
    roles = (Role.employee, Role.manager, Role.coach, Role.sponsor, Role.hr, Role.peer)
    assert stage_nominees(programme.state, "midpoint", roles) == [
        (Role.employee, "emp-1"),
        (Role.manager, "mgr-1"),
        (Role.coach, "coach-1"),
    ]  # no sponsor held, HR is not nominated, no peer nominated
    assert Role.hr not in SELF_NOMINATED


# ---------------------------------------------------------------- rater ids in refusals


def test_a_refusal_that_names_a_rater_says_it_without_the_id_for_the_platform() -> None:
    programme = at_stage(EXECUTIVE, "assessment")
    with pytest.raises(DomainError) as info:
        programme.do(answer(Role.manager, "P9", EXECUTIVE))
    assert "'P9'" in str(info.value)
    assert "mgr-1" in str(info.value)
    assert "P9" not in info.value.shown
    assert "mgr-1" not in info.value.shown
    with pytest.raises(DomainError) as plain:
        programme.do(answer(Role.peer, "P9", EXECUTIVE))
    assert plain.value.shown == str(plain.value)  # no rater id: the same for everyone
    kept = (
        Rejection(
            at=T0, type="give_feedback", key=None, reason=str(info.value), shown=info.value.shown
        ),
        Rejection(at=T0, type="give_feedback", key="k", reason="rater 'P9' may not answer"),
        Rejection(at=T0, type="record_session", key=None, reason="session 9 is not in"),
    )
    shown = shown_rejections(kept)
    assert [r.reason for r in shown] == [info.value.shown, NAMES_A_RATER, "session 9 is not in"]
    assert all("P9" not in r.model_dump_json() for r in shown)


def test_the_view_says_who_is_waited_on_by_role_never_by_id() -> None:
    programme = at_stage(EXECUTIVE, "assessment")
    nominate(programme, 3)
    for role, rater in [(Role.employee, "emp-1"), (Role.manager, "mgr-1"), (Role.peer, "P1")]:
        programme.do(answer(role, rater, EXECUTIVE))
    view = view_of(programme.state, programme.now)
    assert view.waiting_on == (Role.peer,)
    assert view.missing == (
        "every nominee's answer, until the due date: 3 of 5 answered, waiting on peer",
    )
