"""A refused answer's reason names its rater for ops only: the platform reads the
programme's view with the reason said without the rater's id."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from adapters.stores.idempotency import IdempotencyStore
from config.tokens import ApiRole
from domain.commands import Employee, Launch
from domain.decider import decide_and_evolve
from domain.view import ProgrammeView, Rejection, view_of
from gateway.client import ProgrammeClient
from gateway.http.app import create_app
from tests.unit.test_collection import EXECUTIVE

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
FULL = "rater 'P9' may not answer as manager: only the programme's manager (mgr-1) does"
SHOWN = "this rater may not answer as manager: only the programme's manager does"


class OneView(ProgrammeClient):
    """A client that answers one view, with the rejections a programme kept."""

    def __init__(self, view: ProgrammeView) -> None:
        self.found = view

    async def view(self, programme_id: str) -> ProgrammeView:
        return self.found


def _view() -> ProgrammeView:
    launch = Launch(
        programme_id="executive-6m.E1",
        employee=Employee(id="E1", name="Ada", email="ada@example.org"),
        template=EXECUTIVE,
        manager_id="mgr-1",
    )
    state = decide_and_evolve(None, launch, AT).state
    rejections = (
        Rejection(at=AT, type="give_feedback", key="k1", reason=FULL, shown=SHOWN),
        Rejection(at=AT, type="record_session", key="k2", reason="session 9 is not in"),
    )
    return view_of(state, AT).model_copy(update={"rejections": rejections})


def test_the_platform_reads_refusals_without_rater_ids_and_ops_read_them_whole(
    tmp_path: Path,
) -> None:
    app = create_app(
        OneView(_view()),
        {"ops-token": ApiRole.ops, "platform-token": ApiRole.platform},
        IdempotencyStore(tmp_path / "answers.db"),
    )
    with TestClient(app) as api:
        reasons: dict[str, list[str]] = {}
        for role in ("ops", "platform"):
            answer = api.get(
                "/v1/programmes/executive-6m.E1",
                headers={"Authorization": f"Bearer {role}-token"},
            )
            assert answer.status_code == 200, answer.text
            reasons[role] = [r["reason"] for r in answer.json()["rejections"]]
            if role == "platform":
                assert "P9" not in answer.text
    assert reasons["ops"] == [FULL, "session 9 is not in"]
    assert reasons["platform"] == [SHOWN, "session 9 is not in"]
