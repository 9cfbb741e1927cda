"""The master key: make one, and rotate the key store onto a new one.

``parcours keys new`` prints a fresh master key (base64 of 32 random bytes), for
``PARCOURS_MASTER_KEY`` or a secret manager. ``parcours keys rotate-master`` rewraps
every employee's data key under a new master key, in one transaction on the key store
(SQLite or PostgreSQL), and rewrites the store's check value with it: no payload is
re-encrypted, Temporal's history is untouched. The new key comes from
``--new-key-file`` or ``PARCOURS_NEW_MASTER_KEY`` (never from the command line, where
``ps`` and shell history would show it); the current one from ``PARCOURS_MASTER_KEY``
or the data dir, as for every command.

Where the current key is a file (``<data dir>/master.key``, ``PARCOURS_MASTER_KEY_FILE``),
the new one is written there, and running processes read it again when they find the
store rotated: no restart. A process given ``PARCOURS_MASTER_KEY`` restarts with the new
key; until then it keeps the data keys it has in memory, but cannot unwrap another nor
make one: it fails saying the master key was rotated. docs/operations.md has the whole
procedure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from gateway.cli.shell import DataDir, app, err, fail, out, settings_for

NEW_MASTER_KEY_ENV = "PARCOURS_NEW_MASTER_KEY"
"""As ``config.loading.NEW_MASTER_KEY_ENV``, named here so ``--help`` imports nothing heavy."""

keys_app = typer.Typer(help="The master key: make one, rotate to one.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("new")
def new() -> None:
    """Print a fresh master key (base64 of 32 random bytes)."""
    from adapters.payloads.master_key import generate_master_key

    out.print(generate_master_key(), highlight=False)


@keys_app.command("rotate-master")
def rotate_master(
    new_key_file: Annotated[
        Path | None,
        typer.Option(
            "--new-key-file",
            help=f"A file holding the new master key (default: ${NEW_MASTER_KEY_ENV}).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Rewrap every data key under a new master key; no payload is re-encrypted.

    Restart every worker, the API and the CLI with the new key afterwards.
    """
    from adapters.payloads.key_errors import KeyringError
    from adapters.payloads.master_key import parse_master_key
    from bootstrap.keys import rotate_master_key
    from config import SettingsError

    if new_key_file is not None:
        text, source = new_key_file.read_text(), f"--new-key-file {new_key_file}"
    elif os.environ.get(NEW_MASTER_KEY_ENV):
        text, source = os.environ[NEW_MASTER_KEY_ENV], NEW_MASTER_KEY_ENV
    else:
        fail(
            f"give the new master key in a file (--new-key-file) or in {NEW_MASTER_KEY_ENV}; "
            "`parcours keys new` makes one",
            2,
        )
    try:
        new_key = parse_master_key(text, source)
    except KeyringError as exc:
        fail(str(exc), 2)
    settings = settings_for(data_dir=data_dir)
    try:
        done = rotate_master_key(settings, new_key)
    except SettingsError as exc:
        fail(str(exc), 2)
    out.print(
        f"rewrapped {done.rewrapped} data key(s) in {done.store} under the new master key",
        highlight=False,
    )
    if done.key_file is not None:
        out.print(f"the new master key is in {done.key_file}", highlight=False)
    if done.key_file is not None:
        err.print(
            "running processes that read their key from this file take the new key "
            "themselves; restart those given PARCOURS_MASTER_KEY with the new one. "
            "Destroy the old key once they all run on the new one.",
            highlight=False,
        )
    else:
        err.print(
            "now restart every worker, the API and every CLI with the new "
            "PARCOURS_MASTER_KEY: processes still on the old one can no longer open data "
            "keys they have not cached, nor make new ones. Destroy the old key once they "
            "all run on the new one.",
            highlight=False,
        )
