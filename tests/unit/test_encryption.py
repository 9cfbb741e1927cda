"""The payload codec: sealed with the employee's key, tamper-evident, erasable."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.converter import ActivitySerializationContext, WorkflowSerializationContext
from temporalio.exceptions import ApplicationError

from adapters.payloads.encryption import (
    ENCRYPTED,
    KEY_ID,
    PROGRAMME,
    PayloadTampered,
    PersonalDataCodec,
    data_converter,
    owner_of,
)
from adapters.payloads.key_errors import DataErased
from adapters.payloads.keyring import SYSTEM, Keyring
from adapters.payloads.master_key import generate_master_key
from domain.commands import Employee
from workflows.messages import SEALED

ALICE = Employee(id="E123", name="Alice Martin", email="alice@example.com")


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(tmp_path / "keys.db", base64.b64decode(generate_master_key()))


def context(workflow_id: str) -> WorkflowSerializationContext:
    return WorkflowSerializationContext(namespace="default", workflow_id=workflow_id)


def test_whose_key_seals_a_payload() -> None:
    assert owner_of("change-adoption-3m.E123") == "employee:E123"
    assert owner_of("executive-6m.jane.doe@example.com") == "employee:jane.doe@example.com"
    assert owner_of("no-dot-here") == SYSTEM
    assert owner_of("Upper.E1") == SYSTEM
    assert owner_of(None) == SYSTEM
    assert owner_of("") == SYSTEM


async def test_a_roundtrip_hides_the_data_and_names_the_key(keyring: Keyring) -> None:
    converter = data_converter(keyring).with_context(context("change-adoption-3m.E123"))
    [sealed] = await converter.encode([ALICE])
    assert sealed.metadata["encoding"] == ENCRYPTED
    assert sealed.metadata[KEY_ID].decode() == keyring.key_for("E123")[0]
    assert b"Alice" not in sealed.SerializeToString()
    assert b"alice@example.com" not in sealed.SerializeToString()
    # Decoding needs no context: the key id says which key.
    [back] = await data_converter(keyring).decode([sealed], [Employee])
    assert back == ALICE


async def test_each_employee_has_their_own_key_and_activities_use_the_workflow_s(
    keyring: Keyring,
) -> None:
    codec = PersonalDataCodec(keyring)
    plain = [Payload(metadata={"encoding": b"json/plain"}, data=b'"x"')]
    alice = await codec.with_context(context("executive-6m.E123")).encode(plain)
    bob = await codec.with_context(context("executive-6m.E7")).encode(plain)
    activity = ActivitySerializationContext(
        namespace="default",
        activity_id="1",
        activity_type="send_notification",
        activity_task_queue="q",
        workflow_id="executive-6m.E123",
        workflow_type="ProgrammeWorkflow",
        is_local=False,
    )
    in_activity = await codec.with_context(activity).encode(plain)
    system = await codec.encode(plain)
    ids = [p[0].metadata[KEY_ID] for p in (alice, bob, in_activity, system)]
    assert ids[0] == ids[2]
    assert len({ids[0], ids[1], ids[3]}) == 3
    assert ids[3].decode() == keyring.key_for(SYSTEM)[0]


async def test_plaintext_payloads_pass_through(keyring: Keyring) -> None:
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"a": 1}')
    assert await PersonalDataCodec(keyring).decode([plain]) == [plain]


async def test_a_changed_payload_does_not_decode(keyring: Keyring) -> None:
    codec = PersonalDataCodec(keyring, "E123")
    [sealed] = await codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b"1")])
    flipped = bytearray(sealed.data)
    flipped[-1] ^= 1
    changed = Payload(metadata=dict(sealed.metadata), data=bytes(flipped))
    with pytest.raises(PayloadTampered):
        await codec.decode([changed])
    # Nor does one moved under another key id.
    other_id, _ = keyring.key_for("E7")
    moved = Payload(metadata={**sealed.metadata, KEY_ID: other_id.encode()}, data=sealed.data)
    with pytest.raises(PayloadTampered):
        await codec.decode([moved])


async def test_an_erased_employee_s_payloads_no_longer_decode_nor_encode(
    keyring: Keyring,
) -> None:
    codec = PersonalDataCodec(keyring)
    plain = [Payload(metadata={"encoding": b"json/plain"}, data=b'"x"')]
    alice = await codec.with_context(context("executive-6m.E123")).encode(plain)
    bob = await codec.with_context(context("executive-6m.E7")).encode(plain)
    keyring.erase("E123")
    with pytest.raises(DataErased, match="employee E123's data was erased"):
        await codec.decode(alice)
    with pytest.raises(DataErased, match="employee E123's data was erased"):
        await codec.with_context(context("executive-6m.E123")).encode(plain)
    assert _opened(await codec.decode(bob)) == plain


async def test_failure_messages_are_sealed_too(keyring: Keyring) -> None:
    """A delivery error may name an email address: it must not reach Temporal in clear."""
    converter = data_converter(keyring).with_context(context("executive-6m.E123"))
    failure = Failure()
    error = ApplicationError("smtp: recipient refused: alice@example.com", type="Refused")
    await converter.encode_failure(error, failure)
    assert b"alice@example.com" not in failure.SerializeToString()
    assert failure.encoded_attributes.metadata[KEY_ID].decode() == keyring.key_for("E123")[0]
    back = await data_converter(keyring).decode_failure(failure)
    assert isinstance(back, ApplicationError)
    assert (back.message, back.type) == (error.message, "Refused")


async def test_the_programme_is_bound_and_a_payload_moved_to_another_does_not_open(
    keyring: Keyring,
) -> None:
    codec = PersonalDataCodec(keyring)
    plain = [Payload(metadata={"encoding": b"json/plain"}, data=b'"x"')]
    [sealed] = await codec.with_context(context("executive-6m.E123")).encode(plain)
    assert sealed.metadata[PROGRAMME] == b"executive-6m.E123"
    # Same employee, same key, another programme: refused in that programme's context.
    with pytest.raises(PayloadTampered, match=r"sealed for 'executive-6m\.E123'"):
        await codec.with_context(context("change-adoption-3m.E123")).decode([sealed])
    # Rewriting the programme it names breaks the associated data.
    moved = Payload(
        metadata={**sealed.metadata, PROGRAMME: b"change-adoption-3m.E123"}, data=sealed.data
    )
    with pytest.raises(PayloadTampered, match="does not decrypt"):
        await codec.decode([moved])
    assert _opened(await codec.with_context(context("executive-6m.E123")).decode([sealed])) == plain


async def test_payloads_sealed_before_the_programme_was_bound_still_open(
    keyring: Keyring,
) -> None:
    """As every recorded history was: the key id alone as associated data."""
    inner = Payload(metadata={"encoding": b"json/plain"}, data=b'"x"')
    key_id, key = keyring.key_for("E123")
    nonce = b"\0" * 12
    old = Payload(
        metadata={"encoding": ENCRYPTED, KEY_ID: key_id.encode()},
        data=nonce + key.encrypt(nonce, inner.SerializeToString(), key_id.encode()),
    )
    assert _opened(await PersonalDataCodec(keyring).decode([old])) == [inner]
    codec = PersonalDataCodec(keyring).with_context(context("executive-6m.E123"))
    assert _opened(await codec.decode([old])) == [inner]


def _opened(payloads: list[Payload]) -> list[Payload]:
    """Payloads the codec opened, each marked so, without the mark."""
    unmarked = []
    for payload in payloads:
        assert payload.metadata[SEALED] == b"1"
        copy = Payload()
        copy.CopyFrom(payload)
        del copy.metadata[SEALED]
        unmarked.append(copy)
    return unmarked


async def test_only_what_the_codec_opened_says_it_was_sealed(keyring: Keyring) -> None:
    """A plain payload passes through unmarked, and a mark forged on one is taken off:
    a programme refuses a fact whose payload does not carry it (``workflows.programme``)."""
    codec = PersonalDataCodec(keyring).for_workflow("executive-6m.E123")
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'"x"')
    forged = Payload(metadata={"encoding": b"json/plain", SEALED: b"1"}, data=b'"x"')
    assert await codec.decode([plain, forged]) == [plain, plain]
    [opened] = await codec.decode(await codec.encode([plain]))
    assert opened.metadata[SEALED] == b"1"
