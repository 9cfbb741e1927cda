"""Where a running ``parcours up`` can be reached, kept in its data dir.

``up`` may run on other ports than the defaults; it writes its addresses to
``<data dir>/addresses.json`` once everything answers, and removes the file when it
stops. A CLI command given no Temporal address (no ``--address``, no
``TEMPORAL_ADDRESS``) reads it from there, so commands in another shell reach that
``up`` without exporting anything; ``up`` still prints the line to export for other
tools (``export_line``).

Standard library only: the CLI reads this before it imports anything heavy.
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import asdict, dataclass
from pathlib import Path

ADDRESSES_FILE = "addresses.json"
MAX_BYTES = 4096
"""A larger file is not one ``up`` wrote: it is ignored, not read."""


@dataclass(frozen=True)
class Addresses:
    """What ``parcours up`` serves, and where."""

    temporal_address: str
    """Temporal's frontend, ``host:port`` (``TEMPORAL_ADDRESS``)."""
    namespace: str
    api_url: str
    """The HTTP API (``PARCOURS_API_URL`` in the export line, for scripts and curl)."""
    ui_url: str | None
    """The Temporal Web UI, when it runs."""


def write(data_dir: Path, addresses: Addresses) -> Path:
    """Write ``addresses`` into ``data_dir`` (owner-only, replaced atomically)."""
    path = data_dir / ADDRESSES_FILE
    pending = path.with_suffix(".json.new")
    descriptor = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(asdict(addresses), handle, indent=2)
        handle.write("\n")
    os.replace(pending, path)
    return path


def read(data_dir: Path) -> Addresses | None:
    """The addresses a running ``up`` wrote into ``data_dir``; None when there are none,
    or the file is not one ``up`` wrote (too large, not its JSON)."""
    path = data_dir / ADDRESSES_FILE
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        found = json.loads(path.read_text())
        addresses = Addresses(**found)
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(addresses.temporal_address, str) or not addresses.temporal_address:
        return None
    return addresses


def remove(data_dir: Path) -> None:
    (data_dir / ADDRESSES_FILE).unlink(missing_ok=True)


def export_line(addresses: Addresses, data_dir: Path) -> str:
    """The shell line that points other tools (and a CLI in another directory) at ``up``."""
    values = {
        "PARCOURS_DATA_DIR": str(data_dir.resolve()),
        "TEMPORAL_ADDRESS": addresses.temporal_address,
        "PARCOURS_API_URL": addresses.api_url,
    }
    if addresses.namespace != "default":
        values["TEMPORAL_NAMESPACE"] = addresses.namespace
    return "export " + " ".join(f"{name}={shlex.quote(value)}" for name, value in values.items())
