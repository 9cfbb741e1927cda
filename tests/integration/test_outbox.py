"""The outbox notifier: one line per delivery id, whatever retries and restarts do."""

from __future__ import annotations

import asyncio
import json
import secrets
import stat
from datetime import UTC, datetime
from pathlib import Path

from adapters.notify.outbox import OutboxNotifier
from adapters.payloads.keyring import Keyring
from domain.commands import Employee
from domain.notices import NoticeKind, Notification
from domain.template import Role

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def notification(delivery_id: str = "prog-1:7") -> Notification:
    return Notification(
        delivery_id=delivery_id,
        kind=NoticeKind.reminder,
        programme_id="prog-1",
        template_title="Executive coaching, six months",
        employee=Employee(id="emp-42", name="Ada Lovelace", email="ada@example.com"),
        to=(Role.employee, Role.coach),
        recipients={Role.employee: "ada@example.com", Role.coach: "coach-7"},
        stage="agreement",
        stage_title="Coaching agreement and objectives",
        due_at=datetime(2025, 3, 17, 9, 0, tzinfo=UTC),
        created_at=NOW,
    )


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_a_notification_becomes_one_json_line(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    sent = notification()

    detail = await OutboxNotifier(path).send(sent)

    assert detail == f"outbox: {path}#1"
    [record] = lines(path)
    assert datetime.fromisoformat(str(record.pop("sent_at"))).tzinfo is not None
    assert record.pop("employee_id") == "emp-42"
    message = record.pop("message")
    assert message["lang"] == "en"
    assert message["subject"].startswith("Reminder: ")
    assert Notification.model_validate(record) == sent


async def test_with_a_keyring_a_line_holds_ids_and_a_body_sealed_for_the_employee(
    tmp_path: Path,
) -> None:
    path = tmp_path / "outbox.jsonl"
    keyring = Keyring(tmp_path / "keys.db", secrets.token_bytes(32))
    notifier = OutboxNotifier(path, keyring)
    sent = notification()

    await notifier.send(sent)
    again = await notifier.send(sent)

    assert again.startswith("already sent")
    raw = path.read_bytes()
    for personal in (b"Ada Lovelace", b"ada@example.com", b"Executive coaching"):
        assert personal not in raw
    [record] = lines(path)
    assert set(record) == {
        "delivery_id", "kind", "programme_id", "employee_id", "stage", "sent_at", "sealed"
    }  # fmt: skip
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [opened] = notifier.read()
    opened.pop("sent_at")
    opened.pop("employee_id")
    assert "Ada Lovelace" in opened.pop("message")["text"]
    assert Notification.model_validate(opened) == sent

    keyring.erase("emp-42")
    [erased] = OutboxNotifier(path, keyring).read()
    assert erased["erased"] is True
    assert (erased["delivery_id"], erased["employee_id"]) == ("prog-1:7", "emp-42")
    assert "employee" not in erased


async def test_the_same_notification_twice_is_written_once(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    notifier = OutboxNotifier(path)

    first = await notifier.send(notification())
    again = await notifier.send(notification())

    assert first == f"outbox: {path}#1"
    assert again.startswith("already sent")
    assert again.endswith("#1")
    assert len(lines(path)) == 1


async def test_dedup_holds_across_notifiers_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "outbox.jsonl"
    before_restart = OutboxNotifier(path)
    await before_restart.send(notification("prog-1:1"))
    await before_restart.send(notification("prog-1:2"))

    # A new process: reads the ids already sent from the file.
    after_restart = OutboxNotifier(path)
    assert (await after_restart.send(notification("prog-1:2"))).startswith("already sent")
    assert await after_restart.send(notification("prog-1:3")) == f"outbox: {path}#3"
    # And the first notifier sees what the second one appended meanwhile.
    assert (await before_restart.send(notification("prog-1:3"))).startswith("already sent")

    assert [r["delivery_id"] for r in lines(path)] == ["prog-1:1", "prog-1:2", "prog-1:3"]


async def test_concurrent_sends_of_distinct_ids_all_land(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    notifier = OutboxNotifier(path)
    ids = [f"prog-1:{n}" for n in range(50)]

    details = await asyncio.gather(
        *(notifier.send(notification(i)) for i in ids),
        *(notifier.send(notification(i)) for i in ids[:10]),  # retries racing the originals
    )

    records = lines(path)
    assert sorted(r["delivery_id"] for r in records) == sorted(ids)
    assert sum(d.startswith("already sent") for d in details) == 10
    assert len({d for d in details if not d.startswith("already")}) == 50


async def test_a_torn_last_line_does_not_swallow_the_next(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    await OutboxNotifier(path).send(notification("prog-1:1"))
    with path.open("a") as handle:
        handle.write('{"delivery_id": "prog-1:2", "kin')  # a crash mid-write

    detail = await OutboxNotifier(path).send(notification("prog-1:2"))

    assert detail == f"outbox: {path}#3"
    *_, last = path.read_text().splitlines()
    assert json.loads(last)["delivery_id"] == "prog-1:2"


async def test_a_message_links_to_the_platform_page_the_template_names(tmp_path: Path) -> None:
    template = "https://coaching.example.com/programmes/{programme_id}/overview"
    path = tmp_path / "outbox.jsonl"
    await OutboxNotifier(path, public_url=template).send(
        notification("prog-1:3").model_copy(update={"programme_id": "prog 1/x"})
    )
    [record] = lines(path)
    message = record["message"]
    assert isinstance(message, dict)
    link = "https://coaching.example.com/programmes/prog%201%2Fx/overview"  # the id quoted
    assert message["link"] == link
    assert f"Where it stands: {link}\n" in message["text"]


async def test_without_a_link_template_a_message_carries_no_link(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    await OutboxNotifier(path).send(notification())
    [record] = lines(path)
    message = record["message"]
    assert isinstance(message, dict)
    assert message["link"] is None
    assert "http" not in message["text"]
    assert "Where it stands" not in message["text"]
    assert message["text"].rstrip().endswith("delivery prog-1:7)")
