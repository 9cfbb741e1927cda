"""The README's tour, run as written against ``parcours up``.

The block after ``<!-- tour -->`` in README.md, then the one after ``<!-- tour, continued
-->`` in docs/method.md (a 360 that goes on where the tour stops), are run in one bash,
command by command in their order, from a directory that stands for a clone (its ``.venv``
and ``examples/`` are the repository's; ``parcours up`` keeps its data in its
``.parcours``). Each command must exit 0, or the status its comment names (``# exits 1:
...``), and every "quoted" piece of its comment must appear in what it prints (stdout and
stderr). A comment that tells what a command prints is therefore a claim this test checks.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.conftest import Parcours
from tests.support import free_port

ROOT = Path(__file__).parents[2]
TOUR = (
    (ROOT / "README.md", "<!-- tour -->"),
    (ROOT / "docs" / "method.md", "<!-- tour, continued -->"),
)
_END = re.compile(r"^@@tour (\d+) (\d+)@@$", re.MULTILINE)
_EXITS = re.compile(r"\bexits (\d+)\b")
_QUOTED = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class Step:
    """One command of the tour (continuation lines included) and its comment's claims."""

    text: str
    status: int
    claims: tuple[str, ...]


def _comment(line: str) -> str:
    """The comment ending a shell line: a ``#`` after a space, outside quotes."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[index + 1 :]
    return ""


def tour_block(path: Path, marker: str) -> str:
    """The fenced block right after the marker."""
    after = path.read_text(encoding="utf-8").split(marker, 1)
    assert len(after) == 2, f"{path.name} has no {marker} marker"
    found = re.match(r"\s*```sh\n(.*?)\n```", after[1], re.DOTALL)
    assert found, f"no ```sh block right after {marker} in {path.name}"
    return found.group(1)


def steps(block: str) -> list[Step]:
    """The block's commands: lines joined while they end with a backslash."""
    found: list[Step] = []
    pending: list[str] = []
    for line in block.splitlines():
        if not pending and not line.strip():
            continue
        pending.append(line)
        if line.endswith("\\"):
            continue
        comment = _comment(line)
        exits = _EXITS.search(comment)
        found.append(
            Step(
                text="\n".join(pending),
                status=int(exits.group(1)) if exits else 0,
                claims=tuple(_QUOTED.findall(comment)),
            )
        )
        pending = []
    assert not pending, "the tour ends on a continuation line"
    return found


def test_the_tour_is_read_as_commands_with_claims() -> None:
    """The parser itself, on a block shaped like the tour's."""
    block = (
        'A=$(echo "x # y" \\\n   --z)\n\n'
        'ls "a b"   # "alice.ics", "#2"\n'
        "false   # exits 1: refused\n"
    )
    assert steps(block) == [
        Step('A=$(echo "x # y" \\\n   --z)', 0, ()),
        Step('ls "a b"   # "alice.ics", "#2"', 0, ("alice.ics", "#2")),
        Step("false   # exits 1: refused", 1, ()),
    ]


def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / ".venv").symlink_to(Path(sys.executable).parents[1])
    (clone / "examples").symlink_to(ROOT / "examples")
    data_dir = clone / ".parcours"
    data_dir.mkdir()
    temporary = tmp_path / "tmp"  # the tour's `mktemp -d` lands here
    temporary.mkdir()

    tour = [step for path, marker in TOUR for step in steps(tour_block(path, marker))]
    script = "".join(
        f"{step.text}\nprintf '\\n@@tour %d %d@@\\n' {index} $?\n"
        for index, step in enumerate(tour)
    )
    up = Parcours(data_dir, free_port(), free_port(), free_port())
    up.start()
    try:
        # The tour says where the data dir is; the CLI finds `up`'s ports there, as a
        # reader's does when `up` runs on other ports than the defaults.
        said = ("PARCOURS_DATA_DIR", "VIRTUAL_ENV", "TEMPORAL_ADDRESS", "PARCOURS_API_URL")
        env = {key: value for key, value in up.env.items() if key not in said}
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=clone,
            env={**env, "TMPDIR": str(temporary), "COLUMNS": "120"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=900,
        )
    finally:
        up.stop()
    output = done.stdout
    ends = list(_END.finditer(output))
    assert [int(end.group(1)) for end in ends] == list(range(len(tour))), output[-3000:]
    start = 0
    for end, step in zip(ends, tour, strict=True):
        printed = output[start : end.start()]
        start = end.end()
        where = f"\n$ {step.text}\n{printed}"
        assert int(end.group(2)) == step.status, f"exit status {end.group(2)}:{where}"
        for claim in step.claims:
            assert claim in printed, f"{claim!r} not printed:{where}"
    written = [path for path in temporary.iterdir() if path.is_dir()]
    assert len(written) == 1, "the tour works in one temporary directory"
    assert sorted(path.name for path in written[0].iterdir()) == ["alice.ics", "report.html"]
    left = {path.name for path in clone.iterdir()} - {".venv", "examples", ".parcours"}
    assert left <= {"up.log", "up.stdout"}, "nothing written where the tour started"
