"""What the CLI prints holds no terminal escapes but its own.

Names, reasons and objectives come from callers: ``A\\x1b[31mB`` printed raw would
repaint the terminal of whoever runs ``show``, ``list`` or ``history`` (or worse: some
terminals act on escapes that set their title or write to the clipboard). Every console
of the CLI renders through ``Printable``: the text of what rich renders loses its control
characters (a line break and a tab stay), while the styles rich turns into escapes of its
own are untouched, so colours still work."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
from rich.segment import Segment

from gateway.cli.controls import printable


class _Printable:
    def __init__(self, inner: ConsoleRenderable) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.inner, options):
            if segment.control:  # rich's own cursor moves and the like
                yield segment
            else:
                yield Segment(printable(segment.text), segment.style)


class Printable(RenderHook):
    """A render hook: push it on a console to print through ``printable``."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Printable(r) for r in renderables]


def console(**options: object) -> Console:
    """A rich console whose output holds no escapes from the data it prints."""
    made = Console(**options)  # type: ignore[arg-type]
    made.push_render_hook(Printable())
    return made


__all__ = ["Printable", "console", "printable"]
