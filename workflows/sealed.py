"""The metadata key of an opened payload, with no import: the payload codec sets it, the
programme reads it (``workflows.messages`` re-exports it), and the CLI's read path
imports the codec without the messages' models."""

from __future__ import annotations

SEALED = "parcours-sealed"
"""Metadata parcours's codec sets on a payload it opened (and strips from any other):
how a run of ``RELIABLE_REVISION`` or later tells a fact sealed by parcours from one a
client of Temporal's own sent in plain text (the Web UI, ``temporal workflow signal``),
which it refuses: personal data lives only in sealed payloads."""
