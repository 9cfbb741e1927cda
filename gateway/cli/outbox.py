"""Reading the outbox: its lines keep only ids in the clear, the rest sealed per employee.

A mail or chat relay runs ``parcours outbox read --follow`` and gets every notification
as one JSON line on stdout, opened with the key store in the data dir (so it needs the
master key, like every parcours process); an erased employee's lines come out as their
ids and ``"erased": true``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from gateway.cli.shell import DataDir, app, fail, settings_for

outbox_app = typer.Typer(help="The outbox a relay tails: read it opened.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")


@outbox_app.command("read")
def read(
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep reading lines as they are appended.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Print the outbox's notifications, opened, one JSON object a line."""
    from bootstrap.notifying import outbox as open_outbox
    from config import SettingsError

    settings = settings_for(data_dir=data_dir)
    try:
        notifier = open_outbox(settings)
    except SettingsError as exc:
        fail(str(exc), 2)
    path: Path = notifier.path
    offset = 0
    while True:
        if path.exists():
            with path.open("rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
            end = chunk.rfind(b"\n")
            if end >= 0:
                for raw in chunk[:end].split(b"\n"):
                    try:
                        record = json.loads(raw)
                    except ValueError:
                        continue
                    if isinstance(record, dict):
                        line = json.dumps(notifier.open_line(record), ensure_ascii=False)
                        sys.stdout.write(line + "\n")
                sys.stdout.flush()
                offset += end + 1
        if not follow:
            return
        time.sleep(0.5)
