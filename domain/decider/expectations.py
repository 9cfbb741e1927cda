"""The client's expectations of the programme: recorded at the start, rated at closure."""

from __future__ import annotations

from domain import rules as r
from domain.commands import RateExpectations, RecordExpectations
from domain.decider.draft import Draft, require_open, require_within
from domain.errors import DomainError
from domain.events import ExpectationsRated, ExpectationsRecorded
from domain.expectations import rated_from
from domain.state import ProgrammeState, Status
from domain.template import Role


def record_expectations(draft: Draft, command: RecordExpectations) -> None:
    state = draft.state
    require_open(state, "record expectations")
    by = _client_role(state, command.person_id, "record the expectations")
    require_within("expected", command.expected, r.MAX_TEXT)
    before = state.expectations
    revision = 0
    if before is not None:
        if before.met is not None:
            raise DomainError("the expectations were already rated; they are not changed now")
        if state.expectations_revisions >= r.MAX_REVISIONS:
            raise DomainError(
                f"the expectations were already replaced {r.MAX_REVISIONS} times, the most allowed"
            )
        revision = state.expectations_revisions + 1
    draft.emit(
        ExpectationsRecorded,
        by=by,
        person_id=command.person_id,
        expected=command.expected,
        revision=revision,
    )


def rate_expectations(draft: Draft, command: RateExpectations) -> None:
    state = draft.state
    if state.ended:
        raise DomainError(f"cannot rate the expectations: the programme is {state.status}")
    by = _client_role(state, command.person_id, "rate the expectations")
    if state.expectations is None:
        raise DomainError("no expectations were recorded, so there are none to rate")
    progress = state.stage_progress
    first = rated_from(state.template)
    if state.status is not Status.completed and (progress is None or progress.index < first):
        where = f"stage {progress.key}" if progress is not None else f"{state.status}"
        raise DomainError(
            "expectations are rated at closure: from stage "
            f"{state.template.stages[first].key} on, and the programme is in {where}"
        )
    if state.expectations_ratings > r.MAX_REVISIONS:
        raise DomainError(
            f"the expectations were already rated again {r.MAX_REVISIONS} times, the most allowed"
        )
    require_within("comment", command.comment, r.MAX_COMMENT)
    draft.emit(
        ExpectationsRated,
        by=by,
        person_id=command.person_id,
        met=command.met,
        comment=command.comment,
        revision=state.expectations_ratings,
    )


def _client_role(state: ProgrammeState, person_id: str, doing: str) -> Role:
    """The template's client role (whose expectations the programme records), once
    ``person_id`` is shown to hold it; DomainError otherwise."""
    by = state.template.expectations.by
    holder = state.holder(by)
    if holder is None:
        raise DomainError(
            f"nobody holds the {by} role in this programme, whose expectations it records: "
            f"nobody may {doing}"
        )
    if person_id != holder:
        raise DomainError(
            f"person_id: {person_id!r} may not {doing}: this programme records its {by}'s "
            f"expectations, and only its {by} ({holder}) says them"
        )
    return by
