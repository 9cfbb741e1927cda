"""The casebook as ``docs/method.md`` prints it, written from the cases themselves.

``python -m tests.casebook.book`` rewrites the casebook section of ``docs/method.md``
(everything after its ``## The casebook`` heading); ``test_casebook.py`` fails when the
page and the cases disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.casebook.cases import Case, cases, load

DOC = Path(__file__).parents[2] / "docs" / "method.md"
HEADING = "## The casebook"
INTRO = """
Each case is a data file in `tests/casebook/` run against the decider by
`tests/casebook/test_casebook.py`: the story, the facts (on programme days, from the
launch), the verdict expected and why. Cases under rules 4 show how programmes launched
before rules 5 still decide. The facts' people: the employee `E1`, coach `C1`, manager
`M1`, sponsor `S1`, HR `H1`, peers `P1`, `P2`.
"""


def fact_words(fact: dict[str, Any]) -> str:
    """One fact as a line of the casebook."""
    kind = next(k for k in fact if k not in ("day", "refused"))
    value = fact[kind]
    match kind:
        case "agree":
            words = f"objectives agreed: short-term {_list(value['short'])}"
            words += f", long-term {_list(value['long'])}" if value.get("long") else ""
            if value.get("targets"):
                aims = ", ".join(f"{k} at {v}%" for k, v in value["targets"].items())
                words += f"; targets: {aims}"
        case "amend" if "changes" in value:
            words = f"objectives amended ({value['reason']}): " + "; ".join(
                " ".join(str(c[k]) for k in ("action", "id", "horizon") if k in c)
                + (f" “{c['text']}”" if "text" in c else "")
                for c in value["changes"]
            )
        case "amend":
            words = (
                f"objectives amended ({value['reason']}): short-term "
                f"{_list(value['short'])}, long-term {_list(value['long'])}"
            )
        case "answer":
            who = value.get("rater") or value["role"]
            scores = value.get("scores") or f"{value['score']} on every dimension"
            stage = f" for stage {value['stage']}" if value.get("stage") else ""
            words = f"{value['role']} {who} answers {scores}{stage}"
        case "nominate":
            words = f"{value['id']} nominated as {value['role']}"
        case "sessions":
            words = f"every session of the stage recorded {value}"
        case "session":
            words = f"session {value['number']} recorded {value['status']}"
        case "progress":
            words = "check-in: " + ", ".join(f"{k} at {v}%" for k, v in value.items())
        case "check_in":
            words = (
                f"check-in: {value['objective']} at {value['percent']}%, noted “{value['note']}”"
            )
        case "withdraw":
            words = f"withdrawn ({value})"
        case "advance":
            words = f"stage advanced ({value})"
        case "reassign":
            words = f"the {value['role']} role given to {value['to']}"
        case "expect":
            words = f"the client's expectations recorded: {value!r}"
        case "rate":
            words = f"the client rates their expectations {value}/5"
        case "pause":
            words = f"paused for {value} days"
        case _:
            words = f"{kind}: {value}"
    refused = f" — refused: “{fact['refused']}”" if "refused" in fact else ""
    return f"day {fact['day']}: {words}{refused}"


def _list(items: list[str]) -> str:
    return "; ".join(f"“{i}”" for i in items)


def case_text(number: int, case: Case) -> str:
    lines = [f"### {number}. {case.title}", "", " ".join(case.story.split()), ""]
    rules = f"rules {case.rules}" + (" (as before rules 5)" if case.rules < 5 else "")
    lines += [f"*Template* `{case.template}`, {rules}.", ""]
    if case.scenario:
        lines += [f"*Facts*: the simulation's `{case.scenario}` scenario.", ""]
    if case.launch_refused:
        people = ", ".join(f"{k} {v}" for k, v in case.people.items())
        lines += [f"*Facts*: launched with {people} — refused: “{case.launch_refused}”.", ""]
    if case.facts:
        lines += ["*Facts*:", ""]
        lines += [f"- {fact_words(f)}" for f in case.facts]
        if case.until is not None:
            lines.append(f"- then time runs to day {case.until:g}")
        lines.append("")
    for e in case.expect:
        said = [e.verdict or ""]
        said += [f"trend {e.trend}"] if e.trend else []
        said += [f"attainment {e.attainment:g}%"] if e.attainment is not None else []
        said += [f"self-others gap {e.self_gap:+g}"] if e.self_gap is not None else []
        reasons = "; ".join(f"“{r}”" for r in e.reasons)
        lacks = "; ".join(f"“{m}”" for m in e.missing)
        line = f"*Expected, {e.evaluation} evaluation*: **{', '.join(s for s in said if s)}**"
        line += f"; it says {reasons}" if reasons else ""
        line += f"; it lacks {lacks}" if lacks else ""
        lines += [line + ".", ""]
    if case.status:
        lines += [f"*The programme ends* {case.status}.", ""]
    if case.reminded is not None:
        sent = "; ".join(f"day {r.day}, to {', '.join(r.to)}" for r in case.reminded)
        lines += [f"*The follow-up's reminders*: {sent or 'none'}.", ""]
    lines += [f"*Why*: {' '.join(case.why.split())}", ""]
    return "\n".join(lines)


def casebook() -> str:
    body = [HEADING, INTRO]
    for number, path in enumerate(cases(), 1):
        body.append(case_text(number, load(path)))
    return "\n".join(body).rstrip() + "\n"


def page_with_casebook(page: str) -> str:
    """``page`` with its casebook written anew, the sections before and after it kept."""
    head, _, rest = page.partition(HEADING)
    after = rest.find("\n## ")
    tail = rest[after:] if after >= 0 else ""
    return head + casebook().rstrip("\n") + "\n" + tail


if __name__ == "__main__":
    DOC.write_text(page_with_casebook(DOC.read_text()))
