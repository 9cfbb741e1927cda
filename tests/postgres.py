"""A throwaway PostgreSQL cluster for the tests, on Debian's binaries.

``postgres_cluster`` (session-scoped, one per pytest-xdist process) runs ``initdb`` in a
temporary directory, starts the server with ``pg_ctl`` on a free port and a private
socket directory, and stops it and removes everything at the end. As root (CI, the dev
machines) it runs as the ``postgres`` user, which the Debian package creates: PostgreSQL
refuses to run as root. Where the binaries are missing it skips, saying so; ``.ci/run``
installs them, and sets ``PARCOURS_REQUIRE_POSTGRES=1`` so a missing server fails there
instead of skipping.

Why not pytest-postgresql: it does the same over the same binaries, but does not switch
to the ``postgres`` user when run as root, and brings a dependency for forty lines.

Each test asks ``postgres_url`` for a database of its own (``CREATE DATABASE``, a few
milliseconds), dropped afterwards.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

from tests.support import free_port

REQUIRE_ENV = "PARCOURS_REQUIRE_POSTGRES"
USER = "postgres"


@dataclass(frozen=True)
class Cluster:
    socket_dir: Path
    port: int
    user: str
    control: tuple[str, ...] = ()
    """``pg_ctl -D <data>``, as the cluster's user: to stop and start it again."""
    options: str = ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"

    def stop(self) -> None:
        """Stop the server at once (an outage); ``start`` brings it back."""
        subprocess.run([*self.control, "-m", "immediate", "stop"], capture_output=True, timeout=60)

    def start(self) -> None:
        subprocess.run(
            [*self.control, "-o", self.options, "-w", "start"],
            capture_output=True,
            timeout=120,
            check=True,
        )


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{reason}, and {REQUIRE_ENV} is set", pytrace=False)
    pytest.skip(f"{reason}: install Debian's `postgresql` package to run these tests")


def start_cluster() -> Iterator[Cluster]:
    """A running cluster, until the generator is closed."""
    binaries = _binaries()
    if binaries is None:
        _unavailable("PostgreSQL's server binaries (initdb, pg_ctl) were not found")
        return
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:
        try:
            account = pwd.getpwnam(USER)
        except KeyError:
            _unavailable(f"running as root and there is no `{USER}` user to run PostgreSQL as")
            return
        prefix = ["runuser", "-u", USER, "--"]
    root = Path(tempfile.mkdtemp(prefix="parcours-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if as_root:
        for path in (root, sockets):
            os.chown(path, account.pw_uid, account.pw_gid)
    user = USER if as_root else pwd.getpwuid(os.geteuid()).pw_name
    port = free_port()
    log = root / "server.log"

    def run(*command: str) -> None:
        done = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")

    try:
        run(
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            user,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = f"-p {port} -k {sockets} -c listen_addresses='' -c fsync=off"
        run(str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        control = (*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log))
        yield Cluster(sockets, port, user, control, options)
    finally:
        subprocess.run(
            [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


_names = count()


def fresh_database(cluster: Cluster) -> Iterator[str]:
    """The URL of a new, empty database on ``cluster``, dropped afterwards."""
    import psycopg

    name = f"t{os.getpid()}_{next(_names)}"
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        yield cluster.url(name)
    finally:
        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
