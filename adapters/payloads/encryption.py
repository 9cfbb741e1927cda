"""Payload encryption: every payload parcours gives Temporal is sealed with a data key.

``PersonalDataCodec`` is a Temporal payload codec. Temporal tells it, through the
serialization context, which workflow a payload belongs to (on the worker for
workflow tasks and activities, on the client for start, signal, update and
query). A programme's workflow id is ``<template>.<employee>``, so the payload
is sealed with that employee's data key (``adapters.payloads.keyring``); a payload with no
programme around it uses the ``system`` key.

A sealed payload: metadata ``encoding: binary/encrypted``,
``encryption-key-id: <key id>`` and ``encryption-programme: <workflow id>`` (empty for
a payload of no workflow); data ``nonce || AES-256-GCM(original Payload proto)``, with
``parcours/v2``, the key id and the workflow id as associated data, so a payload cannot
be moved under another key, nor into another programme's history: decoding in a
workflow's context refuses one sealed for another workflow. Decoding needs no context
(the key id says which key, the metadata which programme) and passes through any
payload that is not ``binary/encrypted``: histories written before encryption still
replay. What it opened carries ``workflows.messages.SEALED`` in its metadata, and what
it passed through never does, so a programme can refuse a fact sent in plain text.
Payloads sealed before the programme was bound (no ``encryption-programme``)
open with the key id alone as associated data, as they were sealed.

``data_converter(keyring)`` is the one data converter of parcours: pydantic's
JSON with large documents deflated (``adapters.payloads.compression``), this codec, and
failures' messages and stack traces moved into an encoded payload too (a
delivery error may name an email address). The worker, the client, the CLI,
the API and the tests use it.

Deflating before encrypting lets a payload's stored size depend on how alike
its parts are. Someone who could both put text into a programme's payloads and
read their sizes in Temporal's database might learn something of the rest of a
large payload over many tries; parcours accepts that for a fourfold smaller
input and history (docs/operations.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Self

from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
)

from adapters.payloads.compression import ENCODING_KEY, PayloadConverter
from adapters.payloads.key_errors import KeyringError
from adapters.payloads.keyring import EMPLOYEE, SYSTEM, Keyring
from domain.programme_ids import employee_of
from workflows.sealed import SEALED

ENCRYPTED = b"binary/encrypted"
KEY_ID = "encryption-key-id"
PROGRAMME = "encryption-programme"
NONCE = 12
AAD_VERSION = b"parcours/v2"


class PayloadTampered(KeyringError):
    """A sealed payload does not open: changed, truncated, or under another key id."""


def owner_of(workflow_id: str | None) -> str:
    """Whose data key seals a payload of ``workflow_id``: ``employee:<its employee>``, or
    ``system``; namespaced, so a programme of an employee called ``system`` (refused
    since, but one may have been launched before) never gets the system key."""
    employee = employee_of(workflow_id) if workflow_id else None
    return EMPLOYEE + employee if employee is not None else SYSTEM


class PersonalDataCodec(PayloadCodec, WithSerializationContext):
    """Seals payloads with the data key of the employee they are about."""

    def __init__(self, keyring: Keyring, owner: str = SYSTEM, programme: str | None = None) -> None:
        self.keyring = keyring
        self.owner = owner
        self.programme = programme
        """The workflow id payloads are sealed for, and checked against when opened."""

    def with_context(self, context: SerializationContext) -> Self:
        return self.for_workflow(getattr(context, "workflow_id", None))

    def for_workflow(self, workflow_id: str | None) -> Self:
        """This codec as it seals and opens the payloads of ``workflow_id``."""
        return type(self)(self.keyring, owner_of(workflow_id), workflow_id or None)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return self.seal(payloads)

    def seal(self, payloads: Sequence[Payload]) -> list[Payload]:
        """``encode``, synchronously (for a thread off the event loop)."""
        if not payloads:
            return []
        key_id, key = self.keyring.key_for(self.owner)  # DataErased for an erased employee
        programme = (self.programme or "").encode()
        aad = _aad(key_id.encode(), programme)
        sealed: list[Payload] = []
        for payload in payloads:
            nonce = secrets.token_bytes(NONCE)
            data = nonce + key.encrypt(nonce, payload.SerializeToString(), aad)
            sealed.append(
                Payload(
                    metadata={
                        ENCODING_KEY: ENCRYPTED,
                        KEY_ID: key_id.encode(),
                        PROGRAMME: programme,
                    },
                    data=data,
                )
            )
        return sealed

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.open(payload) for payload in payloads]

    def open(self, payload: Payload) -> Payload:
        """One payload, decrypted; as it is when it was not encrypted.

        Raises ``DataErased`` when its key was destroyed, ``KeyringError`` when
        the key is unknown, ``PayloadTampered`` when it does not decrypt.
        """
        if payload.metadata.get(ENCODING_KEY) != ENCRYPTED:
            if SEALED not in payload.metadata:
                return payload
            forged = Payload()  # only this codec says a payload was sealed
            forged.CopyFrom(payload)
            del forged.metadata[SEALED]
            return forged
        key_id = payload.metadata.get(KEY_ID, b"").decode()
        if not key_id:
            raise PayloadTampered(f"an encrypted payload without {KEY_ID}")
        programme = payload.metadata.get(PROGRAMME)
        if programme and self.programme and programme.decode() != self.programme:
            raise PayloadTampered(
                f"a payload sealed for {programme.decode()!r} found in {self.programme!r}"
            )
        key = self.keyring.key_by_id(key_id)
        data = payload.data
        # Sealed before the programme was bound: the key id alone, as it was sealed.
        aad = key_id.encode() if programme is None else _aad(key_id.encode(), programme)
        try:
            plain = key.decrypt(data[:NONCE], data[NONCE:], aad)
        except InvalidTag as exc:
            raise PayloadTampered(f"a payload under data key {key_id} does not decrypt") from exc
        opened = Payload()
        opened.ParseFromString(plain)
        opened.metadata[SEALED] = b"1"
        return opened


def _aad(key_id: bytes, programme: bytes) -> bytes:
    return b"\n".join((AAD_VERSION, key_id, programme))


def data_converter(
    keyring: Keyring, payload_converter_class: type[CompositePayloadConverter] = PayloadConverter
) -> DataConverter:
    """parcours' data converter: pydantic's JSON, large documents deflated, every payload
    sealed with the employee's key, failure messages sealed with them.

    ``payload_converter_class``: ``compression.RawPayloadConverter`` reads JSON as its
    text, for the CLI's read path (``gateway.cli.fast_reads``), which prints it."""
    return DataConverter(
        payload_converter_class=payload_converter_class,
        payload_codec=PersonalDataCodec(keyring),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def keyring_of(converter: DataConverter) -> Keyring | None:
    """The key store behind a data converter built by ``data_converter``, if it is one."""
    codec = converter.payload_codec
    return codec.keyring if isinstance(codec, PersonalDataCodec) else None


__all__ = [
    "ENCRYPTED",
    "KEY_ID",
    "PROGRAMME",
    "PayloadTampered",
    "PersonalDataCodec",
    "data_converter",
    "keyring_of",
    "owner_of",
]
