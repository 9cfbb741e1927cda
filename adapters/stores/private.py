"""Files in the data dir are for parcours' own user only: the dir 0700, every file 0600.

What parcours writes there is sealed or ids (see ``adapters.payloads.keyring.seal``), but
the modes are the first line: nobody else on the host may even read the ciphertext. The
process umask is made 0077 (so whatever parcours and the dev server it starts create,
SQLite's ``-wal`` and ``-shm`` files included, is private), and the files parcours opens
itself are created 0600 and tightened if they were made looser by an older version.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """``path`` made (with its parents) and set to 0700; the umask becomes 0077."""
    os.umask(0o077)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` made if missing, 0600 either way (its folder 0700 if parcours makes it)."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE))
    os.chmod(path, FILE_MODE)
    return path


def private_sqlite(path: Path) -> None:
    """After SQLite opened ``path``: it and its companions (``-wal``, ``-shm``) 0600."""
    for candidate in (path, *(path.with_name(path.name + end) for end in SQLITE_COMPANIONS)):
        try:
            os.chmod(candidate, FILE_MODE)
        except FileNotFoundError:
            continue
