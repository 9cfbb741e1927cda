"""What a rules-5 evaluation had to judge on, and the self-rating beside the others', as a
report shows them (``domain.evidence``). Evaluations of earlier rules have neither."""

from __future__ import annotations

from adapters.language.catalogue import text
from adapters.language.formats import Reader
from domain.evaluation import Evaluation


def evidence_lines(ev: Evaluation, reader: Reader) -> list[str] | None:
    """The evidence in a few lines: answers per role, objectives measured, sessions, the
    levels it had evidence for, and what it lacked."""
    found = ev.evidence
    if found is None:
        return None
    lang = reader.lang

    def role(r: str) -> str:
        return text(lang, f"role.{r}")

    answers = ", ".join(f"{role(r)} {n}" for r, n in found.answers.items()) or "-"
    lines = [
        text(
            lang,
            "evidence.answers",
            answers=answers,
            quorum=found.quorum,
            roles=", ".join(role(r) for r in found.roles_asked),
        ),
        text(lang, "evidence.weighed", roles=", ".join(role(r) for r in found.weighed) or "-"),
        text(lang, "evidence.objectives", measured=found.measured, agreed=found.objectives),
        text(lang, "evidence.sessions", sessions=found.sessions),
        text(
            lang,
            "evidence.levels",
            levels=", ".join(text(lang, f"level.{lv.value}") for lv in found.levels) or "-",
        ),
    ]
    if found.unweighed:
        lines.append(
            text(lang, "evidence.unweighed", roles=", ".join(role(r) for r in found.unweighed))
        )
    return lines


def self_columns(ev: Evaluation) -> bool:
    """Whether the scores table shows the self-rating and its gap beside the others'."""
    return ev.evidence is not None and any(s.self_score is not None for s in ev.scores)
