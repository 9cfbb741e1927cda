"""Rules 3 under the time-skipping server: a 360 that keeps two peers' scores to itself,
an unnominated rater refused while the programme runs on, a reassigned manager escalated to."""

from __future__ import annotations

from datetime import timedelta

from domain.commands import GiveFeedback, NominateRaters, Nominee, Reassign
from domain.confidentiality import shown_events
from domain.events import EVENT_LIST, EvaluationRecorded
from domain.template import Role
from gateway.catalogue import shipped_template
from tests.workflows.conftest import Harness
from tests.workflows.driver import Programme
from workflows.programme import ProgrammeWorkflow

DAY = timedelta(days=1)


async def _answer(programme: Programme, role: Role, rater: str, score: int) -> None:
    await programme.handle.signal(
        ProgrammeWorkflow.give_feedback,
        GiveFeedback(
            role=role,
            rater_id=rater,
            scores=dict.fromkeys(programme.template.dimensions, score),
            comment=f"comment from a {role}",
        ),
    )


async def test_a_360_with_two_peers_shows_no_peer_average_and_no_peer_id(
    harness: Harness,
) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    await programme.agree()
    assert (await programme.view()).stage == "assessment"
    await programme.handle.execute_update(
        ProgrammeWorkflow.nominate_raters,
        NominateRaters(raters=(Nominee(role=Role.peer, id="P1"), Nominee(role=Role.peer, id="P2"))),
    )
    await _answer(programme, Role.peer, "P9", 1)  # not nominated: refused, the run goes on
    await _answer(programme, Role.peer, "P1", 5)
    await _answer(programme, Role.peer, "P2", 1)
    await _answer(programme, Role.employee, "E123", 3)
    await _answer(programme, Role.manager, "M3", 4)

    view = await programme.view()
    assert view.stage == "goals", view.missing
    assert [r.reason for r in view.rejections] == [
        "this rater is not nominated as peer for stage assessment; "
        "nominate raters first (POST /v1/programmes/{id}/raters)"
    ]
    (baseline,) = view.evaluations
    for score in baseline.scores:
        assert set(score.by_role) == {Role.employee, Role.manager}
        assert score.others is None
        assert score.mean == 3.5
    assert baseline.withheld == {Role.peer: 2}

    raw = await programme.events()
    recorded = next(e for e in raw if isinstance(e, EvaluationRecorded))
    assert recorded.evaluation.scores[0].by_role[Role.peer] == 3.0  # ops still see it all
    platform = EVENT_LIST.dump_json(shown_events(raw)).decode()
    employee_view = view.model_dump_json()
    for readable in (platform, employee_view):
        assert '"P1"' not in readable
        assert '"P2"' not in readable
        assert '"peer":3.0' not in readable.replace(" ", "")
    assert "comment from a peer" in platform  # comments stay, unattributed


async def test_reassigning_the_manager_sends_the_next_escalation_to_the_new_one(
    harness: Harness,
) -> None:
    programme = await Programme.launch(harness, shipped_template("executive-6m"))
    await programme.handle.execute_update(
        ProgrammeWorkflow.reassign, Reassign(role=Role.manager, to="M4")
    )
    view = await programme.view()
    assert view.manager_id == "M4"
    await programme.sleep_until(await programme.now() + 22 * DAY)
    escalations = [n for _, n in harness.delivered.notifications if n.kind.value == "escalation"]
    to_manager = [n for n in escalations if Role.manager in n.to]
    assert [n.recipients[Role.manager] for n in to_manager] == ["M4"]
    to_hr = [n for n in escalations if Role.hr in n.to]
    assert [n.recipients[Role.hr] for n in to_hr] == ["H2"]
