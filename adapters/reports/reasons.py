"""A verdict's reasons in the reader's language, for evaluations stored before rules 7.

Those stored their reasons as English sentences; under rules 7 they are codes, read by
``adapters.language.reasons`` through the gettext catalogues. This module stays for the
programmes recorded before, and is not to grow: new reasons get a code, not a pattern.

The domain writes each reason in English (``domain.verdict``, and the confidentiality
note of ``domain.confidentiality``), from a known set of phrases. This reads them back
(each phrase one pattern here) and writes them again from the catalogue, in French or
English, with numbers as the reader writes them. A reason no pattern knows (an older
programme's) is shown as the domain wrote it; ``tests/unit/test_reasons.py`` fails when
the domain writes one this module does not know.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from adapters.language.catalogue import text
from adapters.language.formats import Reader
from domain.template import Role

_ROLES = "|".join(sorted((r.value for r in Role), key=len, reverse=True))
_LIST = rf"(?:{_ROLES})(?:(?:, | and )(?:{_ROLES}))*"
_NUM = r"-?\d+(?:\.\d+)?"


class _Words:
    """Writes the pieces of a reason for one reader."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.lang = reader.lang

    def t(self, key: str, **fields: object) -> str:
        return text(self.lang, key, **fields)

    def num(self, value: str) -> str:
        return self.reader.number(float(value))

    def signed(self, value: str) -> str:
        return self.reader.signed(float(value))

    def pct(self, value: str) -> str:
        return self.reader.percent(float(value))

    def count(self, n: str, noun: str) -> str:
        return self.t(f"count.{noun}.{'one' if n == '1' else 'other'}", n=n)

    def roles(self, listed: str) -> str:
        names = [self.t(f"role.{r}") for r in re.split(r", | and ", listed) if r]
        if len(names) < 2:
            return "".join(names)
        return self.t("and", first=", ".join(names[:-1]), last=names[-1])

    def basis(self, words: str) -> str:
        m = re.fullmatch(
            rf"like for like(?:: the same (?P<raters>\d+) raters?| by role: (?P<roles>{_LIST})"
            rf"(?:, (?P<people>\d+) raters? the same people)?)"
            rf"(?:; (?P<new>{_LIST}) left out, none in the baseline)?"
            rf"(?:; (?P<gone>{_LIST}) left out, none this time)?",
            words,
        )
        if m is None:
            return words
        if m["raters"] is not None:
            out = self.t("basis.same_raters", raters=self.count(m["raters"], "rater"))
        else:
            out = self.t("basis.same_roles", roles=self.roles(m["roles"]))
            if m["people"]:
                out += self.t("basis.same_people", raters=self.count(m["people"], "rater"))
        if m["new"]:
            out += self.t("basis.new", roles=self.roles(m["new"]))
        if m["gone"]:
            out += self.t("basis.gone", roles=self.roles(m["gone"]))
        return out

    def plan(self, words: str) -> str:
        m = re.fullmatch(
            r"expected (?P<expected>\d+)% (?P<when>at the final evaluation|by now)"
            r"(?:; progress not recorded for (?P<u>\d+) of (?P<o>\d+), counted on the others)?",
            words,
        )
        if m is None:
            return words
        key = "plan.final" if m["when"] == "at the final evaluation" else "plan.now"
        out = self.t(key, expected=self.pct(m["expected"]))
        if m["u"]:
            out += self.t("plan.partial", unrecorded=m["u"], objectives=m["o"])
        return out

    def note_part(self, words: str) -> str | None:
        if m := re.fullmatch(
            rf"(?P<roles>{_LIST}) merged into others: too few to be shown on their own", words
        ):
            return self.t("note.merged", roles=self.roles(m["roles"]))
        if m := re.fullmatch(
            rf"(?P<role>{_ROLES}) scores withheld: (?P<n>\d+|an unknown number) answered, "
            r"(?P<needed>\d+) needed to show them",
            words,
        ):
            answered = m["n"] if m["n"].isdigit() else self.t("note.unknown")
            return self.t(
                "note.withheld", role=self.roles(m["role"]), answered=answered, needed=m["needed"]
            )
        if m := re.fullmatch(
            rf"(?P<role>{_ROLES}) like for like withheld: it would single a rater out, "
            r"(?P<needed>\d+) needed to show it",
            words,
        ):
            return self.t("note.like_for_like", role=self.roles(m["role"]), needed=m["needed"])
        if words == "the baseline's scores were merged or withheld":
            return self.t("note.baseline_hidden")
        return None


_Rule = tuple[re.Pattern[str], Callable[[_Words, re.Match[str]], str | None]]


def _note(w: _Words, m: re.Match[str]) -> str | None:
    parts = [w.note_part(part) for part in m["parts"].split("; ")]
    if any(p is None for p in parts):
        return None
    return w.t("note.suffix", parts=" ; ".join(parts) if w.lang == "fr" else "; ".join(parts))  # type: ignore[arg-type]


def _attendance(w: _Words, m: re.Match[str]) -> str:
    out = w.t(
        "reason.attendance",
        rate=w.pct(m["rate"]),
        held=m["held"],
        total=w.count(m["total"], "session"),
    )
    if m["limit"]:
        out += w.t("reason.under", limit=w.pct(m["limit"]))
    return out


def _objectives(key: str) -> Callable[[_Words, re.Match[str]], str]:
    def write(w: _Words, m: re.Match[str]) -> str:
        gap = {"gap": m["gap"]} if "gap" in m.re.groupindex else {}
        return w.t(key, attained=w.pct(m["attained"]), plan=w.plan(m["plan"]), **gap)

    return write


def _scores(key: str) -> Callable[[_Words, re.Match[str]], str]:
    def write(w: _Words, m: re.Match[str]) -> str:
        groups = m.groupdict()
        change = w.signed(groups["change"]) if key == "reason.steady" else w.num(groups["change"])
        tolerance = w.num(groups["tolerance"]) if groups.get("tolerance") else ""
        return w.t(key, change=change, tolerance=tolerance, basis=w.basis(groups["basis"]))

    return write


def _missing(w: _Words, part: str) -> str | None:
    if m := re.fullmatch(
        rf"answers from (?P<have>\d+) of the (?P<quorum>\d+) roles asked \((?P<roles>{_LIST})\)",
        part,
    ):
        return w.t("missing.quorum", have=m["have"], quorum=m["quorum"], roles=w.roles(m["roles"]))
    if m := re.fullmatch(rf"no answer from others than the employee \((?P<roles>{_LIST})?\)", part):
        return w.t("missing.others", roles=w.roles(m["roles"] or ""))
    fixed = {
        "no baseline from others to compare their scores with": "missing.compare",
        "no objectives agreed": "missing.objectives",
        "no objective measured since its starting point": "missing.measured",
        "no session recorded": "missing.sessions",
        "it ended before its last evaluation": "missing.final",
    }
    return w.t(fixed[part]) if part in fixed else None


def _insufficient(w: _Words, m: re.Match[str]) -> str | None:
    parts = [_missing(w, part) for part in m["missing"].split("; ")]
    if any(p is None for p in parts):
        return None
    return w.t("reason.insufficient", missing=" ; ".join(p for p in parts if p))


def _ended(w: _Words, m: re.Match[str]) -> str:
    where = w.t("ended.stage", stage=m["stage"]) if m["stage"] else ""
    return w.t("reason.ended", how=w.t(f"ended.{m['how']}"), day=m["day"], where=where)


_RULES: list[_Rule] = [
    (
        re.compile(
            r"ended early: (?P<how>withdrawn|lapsed) on day (?P<day>\d+)"
            r"(?: in stage (?P<stage>[a-z][a-z0-9_]*))?"
        ),
        _ended,
    ),
    (re.compile(r"not enough evidence to judge: (?P<missing>.+)"), _insufficient),
    (
        re.compile(
            rf"self-rating (?P<self>{_NUM}) beside others' (?P<others>{_NUM}): a gap of "
            rf"(?P<gap>[+-]{_NUM[2:]}) \(shown, not weighed\)"
        ),
        lambda w, m: w.t(
            "reason.self", own=w.num(m["self"]), others=w.num(m["others"]), gap=w.signed(m["gap"])
        ),
    ),
    (
        re.compile(rf"(?P<roles>{_LIST}) answered outside the gate: shown, not weighed"),
        lambda w, m: w.t("reason.unweighed", roles=w.roles(m["roles"])),
    ),
    (
        re.compile(r"nobody gave feedback for this evaluation, so it has no scores"),
        lambda w, m: w.t("reason.no_feedback"),
    ),
    (
        re.compile(
            rf"baseline recorded: (?:overall (?P<overall>{_NUM})|no overall score) from "
            r"(?P<raters>\d+) raters?; later evaluations are compared with it"
        ),
        lambda w, m: w.t(
            "reason.baseline",
            overall=w.t("reason.overall", score=w.num(m["overall"]))
            if m["overall"]
            else w.t("reason.no_overall"),
            raters=w.count(m["raters"], "rater"),
        ),
    ),
    (
        re.compile(r"there is no baseline to compare the scores with"),
        lambda w, m: w.t("reason.no_baseline"),
    ),
    (
        re.compile(
            r"the scores cannot be compared with the baseline: no role answered both times "
            rf"\(baseline: (?P<roles>{_LIST}|nobody)\)"
        ),
        lambda w, m: w.t(
            "reason.not_comparable",
            roles=w.roles(m["roles"]) if m["roles"] != "nobody" else "-",
        ),
    ),
    (
        re.compile(
            rf"scores are down (?P<change>{_NUM}) since the baseline, 1 point or more "
            r"\((?P<basis>.+)\)"
        ),
        _scores("reason.down_off"),
    ),
    (
        re.compile(
            rf"scores are down (?P<change>{_NUM}) since the baseline, more than the "
            rf"(?P<tolerance>{_NUM}) allowed \((?P<basis>.+)\)"
        ),
        _scores("reason.down_risk"),
    ),
    (
        re.compile(rf"scores are up (?P<change>{_NUM}) since the baseline \((?P<basis>.+)\)"),
        _scores("reason.up"),
    ),
    (
        re.compile(
            rf"scores are steady since the baseline: (?P<change>[+-]?{_NUM[2:]}), within "
            rf"±(?P<tolerance>{_NUM}) \((?P<basis>.+)\)"
        ),
        _scores("reason.steady"),
    ),
    (
        re.compile(
            r"attendance (?P<rate>\d+)%: (?P<held>\d+) of (?P<total>\d+) sessions? held"
            r"(?:, under (?P<limit>\d+)%)?"
        ),
        _attendance,
    ),
    (re.compile(r"no objectives agreed yet"), lambda w, m: w.t("reason.no_objectives")),
    (
        re.compile(
            r"no progress recorded on the (?P<n>\d+) objectives?: attainment unknown, not 0% "
            r"\((?P<plan>.+)\)"
        ),
        lambda w, m: w.t(
            "reason.unrecorded", objectives=w.count(m["n"], "objective"), plan=w.plan(m["plan"])
        ),
    ),
    (
        re.compile(
            r"objectives at (?P<attained>\d+)%, (?P<gap>\d+) points behind plan, within 25 "
            r"\((?P<plan>.+)\)"
        ),
        _objectives("reason.behind_within"),
    ),
    (
        re.compile(
            r"objectives at (?P<attained>\d+)%, (?P<gap>\d+) points behind plan \((?P<plan>.+)\)"
        ),
        _objectives("reason.behind"),
    ),
    (
        re.compile(r"objectives at (?P<attained>\d+)%, on plan \((?P<plan>.+)\)"),
        _objectives("reason.on_plan"),
    ),
    (
        re.compile(
            r"the (?P<by>employee|sponsor) recorded their expectations; they have not said "
            r"yet whether they were met"
        ),
        lambda w, m: w.t("reason.expectations_unrated", by=w.t(f"role.{m['by']}")),
    ),
    (
        re.compile(
            r"the (?P<by>employee|sponsor) said their expectations were (?P<how>met|partly met"
            r"|not met): (?P<met>\d)/5"
        ),
        lambda w, m: w.t(
            "reason.expectations_rated",
            by=w.t(f"role.{m['by']}"),
            how=w.t(f"expectations.{m['how'].replace(' ', '_')}"),
            met=m["met"],
        ),
    ),
    (
        re.compile(r"(?P<parts>.+) \(the change since the baseline is not shown\)"),
        _note,
    ),
]


def known(reason: str) -> bool:
    """Whether this module can write ``reason`` again in another language."""
    return _translate(reason, _Words(Reader("fr"))) is not None


def reason_in(reason: str, reader: Reader) -> str:
    """``reason`` in the reader's language; as written when it is not a known phrase (or
    the reader reads English: the domain's own words, as the verdict gave them)."""
    if reader.lang == "en":
        return reason
    return _translate(reason, _Words(reader)) or reason


def _translate(reason: str, words: _Words) -> str | None:
    for pattern, write in _RULES:
        if m := pattern.fullmatch(reason):
            return write(words, m)
    return None
