"""The control characters a terminal would act on, taken out of what the CLI prints.

Names, reasons and objectives come from callers: ``A\\x1b[31mB`` printed raw would
repaint the terminal of whoever runs ``show``, ``list`` or ``history`` (or worse: some
terminals act on escapes that set their title or write to the clipboard). Light on
purpose: the CLI's read path prints ``list`` without rich's console
(``gateway.cli.programme_rows``); the rich console does it through
``gateway.cli.printable``."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but the line feed and the tab, DEL, and the C1 controls."""


def printable(text: str) -> str:
    """``text`` without the control characters a terminal would act on."""
    return _CONTROL.sub("", text)
