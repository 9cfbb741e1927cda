"""The rules of single settings: each raises ValueError with the message shown after
``VARIABLE: `` when a value is wrong."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from limits import parse_many
from pydantic import AfterValidator

from adapters.notify.choices import PROGRAMME_ID
from adapters.stores.retention import check_retention

MAX_URL = 2000
"""The longest URL template taken: links must survive mail clients and chat relays."""
MAX_TIMEOUT = 25.0
"""Seconds: a channel must answer well within the notification activity's 30 s."""


def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError(f"must be 1..65535, got {value}")
    return value


def _timeout(value: float) -> float:
    if not 0 < value <= MAX_TIMEOUT:
        raise ValueError(
            f"must be more than 0 and at most {MAX_TIMEOUT:g} seconds "
            f"(notifications must finish within 30 s), got {value:g}"
        )
    return value


def _grace(value: float) -> float:
    if value < 0:
        raise ValueError(f"must be 0 or more seconds, got {value:g}")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an http:// or https:// URL, got {value!r}")
    return value.rstrip("/")


def _host_port(value: str) -> str:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"must be host:port, like localhost:7233, got {value!r}")
    _port(int(port))
    return value


def _pem_file(value: Path) -> Path:
    path = value.expanduser()
    if not path.is_file():
        raise ValueError(f"{value} is not a file")
    try:
        head = path.read_bytes()[:4096]
    except OSError as exc:
        raise ValueError(f"{value} cannot be read: {exc.strerror}") from exc
    if b"-----BEGIN " not in head:
        raise ValueError(f"{value} is not a PEM file (no -----BEGIN line)")
    return path


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


MAX_BUILD_ID = 64
_BUILD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check_build_id(value: str) -> str:
    """A build id as Temporal takes it, trimmed; ValueError saying the rule otherwise."""
    value = value.strip()
    if not 1 <= len(value) <= MAX_BUILD_ID or not _BUILD_ID.fullmatch(value):
        raise ValueError(
            f"must be 1 to {MAX_BUILD_ID} letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return value


def _rate(value: str) -> str:
    try:
        parse_many(value)
    except ValueError:
        raise ValueError(
            f"must be limits like 10/second;300/minute (count/second|minute|hour), got {value!r}"
        ) from None
    return value.strip()


def _body_size(value: int) -> int:
    if not 1024 <= value <= 64 * 1024 * 1024:
        raise ValueError(f"must be 1024..67108864 bytes, got {value}")
    return value


Port = Annotated[int, AfterValidator(_port)]
Timeout = Annotated[float, AfterValidator(_timeout)]


def _link_template(value: str) -> str:
    if len(value) > MAX_URL:
        raise ValueError(f"must be at most {MAX_URL} characters, got {len(value)}")
    if PROGRAMME_ID not in value:
        raise ValueError(
            f"must hold {PROGRAMME_ID} where the programme's id goes, like "
            f"https://coaching.example.com/programmes/{PROGRAMME_ID}, got {value!r}"
        )
    if "{" in value.replace(PROGRAMME_ID, "") or "}" in value.replace(PROGRAMME_ID, ""):
        raise ValueError(f"{PROGRAMME_ID} is the only placeholder it may hold, got {value!r}")
    _http_url(value.replace(PROGRAMME_ID, "id"))
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
LinkTemplate = Annotated[str, AfterValidator(_link_template)]
"""An http(s) URL with ``{programme_id}`` in it (a page of the platform people use)."""
PemFile = Annotated[Path, AfterValidator(_pem_file)]
Name = Annotated[str, AfterValidator(_not_blank)]
BuildId = Annotated[str, AfterValidator(check_build_id)]
"""A worker build's id in its Worker Versioning deployment (``workers.deployment``)."""


HostPort = Annotated[str, AfterValidator(_host_port)]
Grace = Annotated[float, AfterValidator(_grace)]
RateLimit = Annotated[str, AfterValidator(_rate)]
BodySize = Annotated[int, AfterValidator(_body_size)]
ArchiveRetention = Annotated[str, AfterValidator(check_retention)]
"""An ISO 8601 period in years, months, weeks or days (``P3Y``): calendar years."""
