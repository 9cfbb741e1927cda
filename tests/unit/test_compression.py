"""Large JSON payloads are deflated by the payload converter, and inflate back exactly."""

from __future__ import annotations

import json
import secrets
import zlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from temporalio.api.common.v1 import Payload

from adapters.payloads import compression
from adapters.payloads.compression import (
    DEFLATE_FROM,
    DEFLATED,
    PLAIN,
    PayloadConverter,
    PayloadCorrupt,
    deflate,
    inflate,
)
from domain.commands import Employee, Launch
from gateway.catalogue import shipped_template
from workflows.messages import ProgrammeInput

ENCODING = "encoding"


def plain(data: bytes) -> Payload:
    return Payload(metadata={ENCODING: PLAIN.encode()}, data=data)


def programme_input() -> ProgrammeInput:
    template = shipped_template("executive-6m")
    employee = Employee(id="E1", name="Alice Martin", email="alice@example.com")
    launch = Launch(programme_id="executive-6m.E1", employee=employee, template=template)
    return ProgrammeInput(launch=launch)


def test_a_programme_input_is_deflated_about_fourfold_and_converts_back() -> None:
    converter = PayloadConverter()
    value = programme_input()
    [payload] = converter.to_payloads([value])
    assert payload.metadata[ENCODING] == DEFLATED.encode()
    json_size = len(value.model_dump_json())
    assert len(payload.data) * 3 < json_size
    assert converter.from_payloads([payload], [ProgrammeInput]) == [value]


def test_small_documents_stay_plain_json() -> None:
    converter = PayloadConverter()
    [payload] = converter.to_payloads([{"key": "k1", "score": 3}])
    assert payload.metadata[ENCODING] == PLAIN.encode()
    assert json.loads(payload.data) == {"key": "k1", "score": 3}


def test_payloads_written_before_deflating_still_convert() -> None:
    value = programme_input()
    written = plain(value.model_dump_json().encode())
    assert PayloadConverter().from_payloads([written], [ProgrammeInput]) == [value]


def test_every_converter_reads_json_through_one_cache_of_type_adapters() -> None:
    """The SDK makes a converter per serialization context; each making its own pydantic
    converter rebuilt a TypeAdapter for nearly every payload (bench/README.md)."""
    first, second = PayloadConverter(), PayloadConverter()
    assert first.converters[PLAIN.encode()] is second.converters[PLAIN.encode()]
    value = programme_input()
    payloads = first.to_payloads([value])
    assert second.from_payloads(payloads, [ProgrammeInput]) == [value]
    assert first.from_payloads(payloads, [ProgrammeInput]) == [value]


def test_other_encodings_are_left_to_their_converters() -> None:
    converter = PayloadConverter()
    [null, raw] = converter.to_payloads([None, b"\x00" * 2000])
    assert null.metadata[ENCODING] == b"binary/null"
    assert raw.metadata[ENCODING] == b"binary/plain"
    assert deflate(raw) is raw
    assert converter.from_payloads([null, raw]) == [None, b"\x00" * 2000]


def test_data_that_would_not_shrink_stays_as_it_is() -> None:
    payload = plain(secrets.token_bytes(2 * DEFLATE_FROM))  # JSON text always shrinks some
    assert deflate(payload) is payload


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=60,
)


@given(json_values)
def test_whatever_is_deflated_inflates_to_the_same_json(value: Any) -> None:
    payload = plain(json.dumps(value).encode())
    packed = deflate(payload)
    assert packed.metadata[ENCODING] in (PLAIN.encode(), DEFLATED.encode())
    assert inflate(packed) == payload
    assert PayloadConverter().from_payloads([packed]) == [value]


def test_data_that_is_not_zlib_is_refused_by_name() -> None:
    bad = Payload(metadata={ENCODING: DEFLATED.encode()}, data=b"not zlib at all")
    with pytest.raises(PayloadCorrupt, match="json/zlib payload is not zlib"):
        inflate(bad)


def test_a_stream_cut_short_is_refused() -> None:
    whole = deflate(plain(json.dumps(["coaching"] * 500).encode()))
    cut = Payload(metadata=dict(whole.metadata), data=whole.data[: len(whole.data) // 2])
    with pytest.raises(PayloadCorrupt, match="cut short"):
        inflate(cut)


def test_a_stream_that_inflates_too_far_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compression, "MAX_SIZE", 10_000)
    bomb = Payload(metadata={ENCODING: DEFLATED.encode()}, data=zlib.compress(b" " * 10_001))
    with pytest.raises(PayloadCorrupt, match="inflates beyond 10000 bytes"):
        inflate(bomb)
    fits = Payload(metadata={ENCODING: DEFLATED.encode()}, data=zlib.compress(b" " * 10_000))
    assert len(inflate(fits).data) == 10_000
