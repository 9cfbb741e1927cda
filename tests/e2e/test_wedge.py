"""One integrator cannot wedge a programme: a flood of answers against ``parcours up``.

10,000 feedback posts, from one integrator token and one rater, as fast as 20 clients
send them: half with 2,000-character comments (over the edge's limit), half within
it. The rates are raised so that hundreds of answers a second reach the programme, where the
domain's bounds (one answer per rater per stage, a few revisions) must hold on their
own. Afterwards the programme runs, reads, takes the other raters' answers and moves
on; no workflow task failed; every run's input is within the budget.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

import httpx

from adapters.temporal.history import run_histories
from bootstrap.keys import open_keyring
from bootstrap.temporal import connect
from config.loading import load_settings
from domain.events import FeedbackReceived
from tests.e2e.conftest import Parcours
from workflows.messages import INPUT_BUDGET, ProgrammeInput
from workflows.programme import ProgrammeWorkflow

POSTS = 10_000
CLIENTS = 20


def _tokens(parcours: Parcours) -> dict[str, str]:
    lines = (parcours.data_dir / "api-tokens").read_text().split()
    return dict(line.split(":", 1) for line in lines)


async def _flood(base: str, path: str, token: str) -> Counter[tuple[bool, int]]:
    """Statuses answered, by whether the comment was over the limit."""
    statuses: Counter[tuple[bool, int]] = Counter()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(POSTS):
        queue.put_nowait(number)

    async def client() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
            while not queue.empty():
                number = queue.get_nowait()
                long = number % 2 == 1
                comment = ("x" * 2000) if long else f"answer {number} " + "y" * 880
                body = {
                    "role": "peer",
                    "rater_id": "P1",
                    "scores": {"motivation": 1 + number % 5},
                    "comment": comment,
                }
                statuses[long, (await http.post(path, json=body)).status_code] += 1

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return statuses


def test_a_flood_of_answers_from_one_integrator_wedges_nothing(parcours: Parcours) -> None:
    parcours.settings = {
        # The defaults' rates per second, without the per-minute ones, so that the
        # other raters need not wait a minute once the flood is over.
        "PARCOURS_RATE_LIMIT": "50/second",
        "PARCOURS_PROGRAMME_RATE_LIMIT": "5/second",
    }
    parcours.start()
    tokens = _tokens(parcours)
    base = f"http://127.0.0.1:{parcours.api_port}"
    platform = {"Authorization": f"Bearer {tokens['platform']}"}
    integrator = {"Authorization": f"Bearer {tokens['integrator']}"}
    with httpx.Client(base_url=base, timeout=60) as http:
        for _ in range(300):  # "up" is said as the API starts listening
            try:
                http.get("/healthz")
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        launched = http.post(
            "/v1/programmes",
            headers=platform,
            json={
                "employee": {"id": "E77", "name": "Flo Odd", "email": "flo@example.com"},
                "template_id": "change-adoption-3m",
                "manager_id": "M7",
            },
        )
        assert launched.status_code == 201, launched.text
        pid = launched.json()["programme_id"]
        agreed = http.post(
            f"/v1/programmes/{pid}/objectives",
            headers=integrator,
            json={"short_term": ["Use the CRM daily"], "long_term": ["Coach the team on it"]},
        )
        assert agreed.status_code == 200, agreed.text
        # P1 may answer (rules 3): so its answer and revisions are applied and the
        # domain's own bounds refuse the rest, not the nomination.
        nominated = http.post(
            f"/v1/programmes/{pid}/raters",
            headers=platform,
            json={"raters": [{"role": "peer", "id": "P1"}]},
        )
        assert nominated.status_code == 200, nominated.text

    began = time.monotonic()
    statuses = asyncio.run(_flood(base, f"/v1/programmes/{pid}/feedback", tokens["integrator"]))
    print(f"{POSTS} posts in {time.monotonic() - began:.0f} s: {dict(statuses)}")
    assert sum(statuses.values()) == POSTS
    assert {status for _, status in statuses} <= {202, 409, 422, 429}, statuses
    assert {status for long, status in statuses if long} <= {422, 429}, statuses
    assert statuses[True, 422] >= 1, "a 2,000-character comment is refused at the edge"
    assert statuses[False, 202] >= 1, statuses

    with httpx.Client(base_url=base, timeout=60, headers=platform) as http:
        assert http.get(f"/v1/programmes/{pid}").status_code == 200
        assert http.get(f"/v1/programmes/{pid}/events").status_code == 200
    time.sleep(1.5)  # past the rates' one-second windows
    with httpx.Client(base_url=base, timeout=60, headers=integrator) as http:
        for role, rater in (("employee", "E77"), ("manager", "M7")):
            given = http.post(
                f"/v1/programmes/{pid}/feedback",
                json={
                    "role": role,
                    "rater_id": rater,
                    "scores": {"motivation": 4, "adaptability": 3},
                },
            )
            assert given.status_code == 202, given.text
    for _ in range(120):  # the answers may still queue behind the flood's
        shown = json.loads(parcours.cli("show", pid, "--json").stdout)
        if shown["stage"] != "baseline":
            break
        time.sleep(0.5)
    assert shown["status"] == "running"
    assert shown["stage"] == "check_ins", "the baseline's gate opened: it moved on"
    raw = json.loads(parcours.cli("history", pid, "--raw", "--json").stdout)
    assert not [r for r in raw if r["type"] == "workflow_task_failed"]

    async def inputs() -> tuple[list[int], int]:
        """Each run's input size, and P1's answers in the programme's whole log (the API
        shows no peer's answer while the peers are fewer than their minimum)."""
        settings = load_settings(
            temporal_address=f"127.0.0.1:{parcours.port}", data_dir=parcours.data_dir
        )
        client = await connect(settings, keyring=open_keyring(settings), metrics=False)
        sizes = []
        for history in await run_histories(client, pid):
            started = history.events[0].workflow_execution_started_event_attributes
            [decoded] = await client.data_converter.decode(started.input.payloads, [ProgrammeInput])
            sizes.append(len(decoded.model_dump_json().encode()))
        page = await client.get_workflow_handle(pid).query(ProgrammeWorkflow.events, 0)
        answers = [e for e in page.events if isinstance(e, FeedbackReceived) and e.rater_id == "P1"]
        return sizes, len(answers)

    sizes, answers = asyncio.run(inputs())
    assert sizes
    assert max(sizes) < INPUT_BUDGET, sizes
    # Read once the flood's signals were all applied: they came before the gate's answers.
    assert 1 <= answers <= 4, "P1's answer and at most three revisions"
