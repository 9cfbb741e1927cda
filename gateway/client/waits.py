"""How long the client waits for a worker: with the standard library only, for the CLI's
read path (``gateway.cli.fast_reads``) as much as for ``ProgrammeClient``."""

from __future__ import annotations

from datetime import timedelta

QUERY_WAIT = timedelta(seconds=10)
"""How long a read of a programme (a query, answered by a worker) waits: Temporal's own
wait for a worker is about 30 s, after which it says "no poller seen"; both are 503."""
