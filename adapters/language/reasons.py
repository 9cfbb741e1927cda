"""An evaluation's reasons, stored as codes (rules 7, ``domain.reasons``), in the reader's
language through gettext catalogues.

The message ids below are English sentences with named fields; ``pybabel`` extracts them
(``N_`` and ``Np_`` mark them), the translations live in ``locale/<lang>/LC_MESSAGES/
parcours.po`` and are compiled to ``.mo``: by ``pybabel compile`` (docs/method.md,
"Frameworks"), or, when no ``.mo`` is there or it is older than its ``.po`` (a fresh
clone), in memory on first use. No pattern matching: each code says which message it is,
its parameters fill the fields, numbers as the reader writes them.

Evaluations stored before rules 7 keep their English sentences: ``adapters.reports.reasons``
reads those.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from adapters.language.catalogue import text
from adapters.language.formats import Reader
from adapters.language.zones import LANGUAGES
from domain import reasons as r
from domain.reasons import Reason

LOCALES = Path(__file__).resolve().parent / "locale"
DOMAIN = "parcours"


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    return message


def Np_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802
    return singular, plural


RATERS = Np_("{n} rater", "{n} raters")
SESSIONS = Np_("{n} session", "{n} sessions")
OBJECTIVES = Np_("{n} objective", "{n} objectives")

MESSAGES: dict[str, str] = {
    r.NO_FEEDBACK: N_("nobody gave feedback for this evaluation, so it has no scores"),
    r.BASELINE: N_(
        "baseline recorded: overall {overall} from {raters}; later evaluations are compared with it"
    ),
    r.NO_BASELINE: N_("there is no baseline to compare the scores with"),
    r.NOT_COMPARABLE: N_(
        "the scores cannot be compared with the baseline: no role answered both times "
        "(baseline: {roles})"
    ),
    r.DOWN_OFF: N_("scores are down {change} since the baseline, {drop} points or more ({basis})"),
    r.DOWN_RISK: N_(
        "scores are down {change} since the baseline, more than the {tolerance} allowed ({basis})"
    ),
    r.UP: N_("scores are up {change} since the baseline ({basis})"),
    r.STEADY: N_("scores are steady since the baseline: {change}, within ±{tolerance} ({basis})"),
    r.ATTENDANCE: N_("attendance {rate}: {held} of {sessions} held"),
    r.NO_OBJECTIVES: N_("no objectives agreed yet"),
    r.UNRECORDED: N_(
        "no progress recorded on the {objectives}: attainment unknown, not 0% ({plan})"
    ),
    r.BEHIND: N_("objectives at {attained}, {gap} points behind plan ({plan})"),
    r.BEHIND_WITHIN: N_("objectives at {attained}, {gap} points behind plan, within 25 ({plan})"),
    r.ON_PLAN: N_("objectives at {attained}, on plan ({plan})"),
    r.EXPECTATIONS_UNRATED: N_(
        "the {by} recorded their expectations; they have not said yet whether they were met"
    ),
    r.EXPECTATIONS_RATED: N_("the {by} said their expectations were {how}: {met}/5"),
    r.HIDDEN: N_("{parts} (the change since the baseline is not shown)"),
    r.LIKE_WITHHELD: N_("{parts} (the change since the baseline is not shown)"),
    r.ENDED_EARLY: N_("ended early: {how} on day {day}"),
    r.SELF_GAP: N_(
        "self-rating {own} beside others' {others}: a gap of {gap} (shown, not weighed)"
    ),
    r.UNWEIGHED: N_("{roles} answered outside the gate: shown, not weighed"),
    r.INSUFFICIENT: N_("not enough evidence to judge: {missing}"),
    r.LACKS_ANSWERS: N_("answers from {asked} of the {quorum} roles asked ({roles})"),
    r.LACKS_OTHERS: N_("no answer from others than the employee ({roles})"),
    r.LACKS_BASELINE: N_("no baseline from others to compare their scores with"),
    r.LACKS_OBJECTIVES: N_("no objectives agreed"),
    r.LACKS_MEASURE: N_("no objective measured since its starting point"),
    r.LACKS_SESSIONS: N_("no session recorded"),
    r.LACKS_LAST: N_("it ended before its last evaluation"),
}
"""One message per code (``domain.reasons.CODES``), and the pieces below."""

BASELINE_NO_OVERALL = N_(
    "baseline recorded: no overall score from {raters}; later evaluations are compared with it"
)
DOWN_ONE_POINT = N_("scores are down {change} since the baseline, 1 point or more ({basis})")
NOBODY = N_("nobody")
UNDER = N_("attendance {rate}: {held} of {sessions} held, under {limit}")
SAME_RATERS = N_("like for like: the same {raters}")
SAME_ROLES = N_("like for like by role: {roles}")
SAME_PEOPLE = N_("like for like by role: {roles}, {raters} the same people")
NEW = N_("{basis}; {roles} left out, none in the baseline")
GONE = N_("{basis}; {roles} left out, none this time")
PLAN_FINAL = N_("expected {expected} at the final evaluation")
PLAN_NOW = N_("expected {expected} by now")
PLAN_PARTIAL = N_(
    "{plan}; progress not recorded for {unrecorded} of {objectives}, counted on the others"
)
MERGED = N_("{roles} merged into others: too few to be shown on their own")
WITHHELD = N_("{role} scores withheld: {answered} answered, {needed} needed to show them")
UNKNOWN = N_("an unknown number")
BASELINE_HIDDEN = N_("the baseline's scores were merged or withheld")
PARTS = N_("{first}; {rest}")
LIKE_ROLE = N_(
    "{role} like for like withheld: it would single a rater out, {needed} needed to show it"
)
ENDED_IN_STAGE = N_("ended early: {how} on day {day} in stage {stage}")
ENDINGS = {"withdrawn": N_("withdrawn"), "lapsed": N_("lapsed")}
"""How a programme ended early (``domain.evidence.Ending.how``)."""


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue for ``lang``; none: the English ids."""
    return load(LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po", lang)


def load(po: Path, lang: str) -> NullTranslations:
    """``po``'s ``.mo`` when it is up to date, else ``po`` compiled in memory (a fresh
    clone has no ``.mo``: they are built, not kept in the repository)."""
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, DOMAIN)
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, DOMAIN)


class ReasonWords:
    """Writes reasons for one reader."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.lang = reader.lang if reader.lang in LANGUAGES else "en"
        self.t = translations(self.lang)

    def _(self, message: str, **fields: object) -> str:
        return self.t.gettext(message).format(**fields)

    def count(self, forms: tuple[str, str], n: int) -> str:
        return self.t.ngettext(*forms, n).format(n=n)

    def roles(self, roles: Sequence[str]) -> str:
        names = [text(self.lang, f"role.{role}") for role in roles]
        if len(names) < 2:
            return "".join(names)
        return text(self.lang, "and", first=", ".join(names[:-1]), last=names[-1])

    def pct(self, value: int) -> str:
        return self.reader.percent(value)

    def num(self, value: float) -> str:
        return self.reader.number(value)

    def basis(self, reason: Reason) -> str:
        p = reason.get
        if p("basis") == "same_raters":
            words = self._(SAME_RATERS, raters=self.count(RATERS, p("raters")))
        elif p("raters"):
            raters = self.count(RATERS, p("raters"))
            words = self._(SAME_PEOPLE, roles=self.roles(p("roles")), raters=raters)
        else:
            words = self._(SAME_ROLES, roles=self.roles(p("roles")))
        if p("new"):
            words = self._(NEW, basis=words, roles=self.roles(p("new")))
        if p("gone"):
            words = self._(GONE, basis=words, roles=self.roles(p("gone")))
        return words

    def plan(self, reason: Reason) -> str:
        p = reason.get
        plan = self._(PLAN_FINAL if p("final") else PLAN_NOW, expected=self.pct(p("expected")))
        if p("unrecorded"):
            plan = self._(
                PLAN_PARTIAL, plan=plan, unrecorded=p("unrecorded"), objectives=p("objectives")
            )
        return plan

    def hidden(self, reason: Reason) -> str:
        p = reason.get
        parts: list[str] = []
        merged: list[str] = p("merged") or []
        if merged:
            parts.append(self._(MERGED, roles=self.roles(merged)))
        for role, answered, needed in p("withheld") or []:
            said = self._(UNKNOWN) if answered is None else str(answered)
            name = text(self.lang, f"role.{role}")
            parts.append(self._(WITHHELD, role=name, answered=said, needed=needed))
        if not parts:
            parts.append(self._(BASELINE_HIDDEN))
        return self._(MESSAGES[r.HIDDEN], parts=self.joined(parts))

    def joined(self, parts: Sequence[str]) -> str:
        joined = parts[0]
        for part in parts[1:]:
            joined = self._(PARTS, first=joined, rest=part)
        return joined

    def evidence(self, reason: Reason) -> str:
        """Rules 5's reasons (``domain.verdict.weigh``, ``domain.evidence.lacking``)."""
        p = reason.get
        code = reason.code
        if code == r.LIKE_WITHHELD:
            parts = [
                self._(LIKE_ROLE, role=text(self.lang, f"role.{role}"), needed=needed)
                for role, needed in p("roles")
            ]
            return self._(MESSAGES[code], parts=self.joined(parts))
        if code == r.ENDED_EARLY:
            how = self._(ENDINGS.get(p("how"), p("how")))
            if p("stage"):
                return self._(ENDED_IN_STAGE, how=how, day=p("day"), stage=p("stage"))
            return self._(MESSAGES[code], how=how, day=p("day"))
        if code == r.SELF_GAP:
            return self._(
                MESSAGES[code],
                own=self.num(p("self")),
                others=self.num(p("others")),
                gap=self.reader.signed(p("gap")),
            )
        if code == r.UNWEIGHED:
            return self._(MESSAGES[code], roles=self.roles(p("roles")))
        if code == r.INSUFFICIENT:
            lacked = [self.say(Reason.model_validate(m)) for m in p("missing")]
            return self._(MESSAGES[code], missing=self.joined(lacked))
        if code == r.LACKS_ANSWERS:
            return self._(
                MESSAGES[code], asked=p("asked"), quorum=p("quorum"), roles=self.roles(p("roles"))
            )
        if code == r.LACKS_OTHERS:
            return self._(MESSAGES[code], roles=self.roles(p("roles")))
        return self._(MESSAGES[code])

    def say(self, reason: Reason) -> str:
        """``reason`` in the reader's words; a code this version does not know (a newer
        one's) is said by its code, never dropped."""
        p = reason.get
        code = reason.code
        if code not in MESSAGES:
            return code.replace("_", " ")
        if code == r.BASELINE:
            raters = self.count(RATERS, p("raters"))
            if p("overall") is None:
                return self._(BASELINE_NO_OVERALL, raters=raters)
            return self._(MESSAGES[code], overall=self.num(p("overall")), raters=raters)
        if code == r.NOT_COMPARABLE:
            return self._(MESSAGES[code], roles=self.roles(p("roles")) or self._(NOBODY))
        if code in (r.DOWN_OFF, r.DOWN_RISK, r.UP, r.STEADY):
            return self._scores(reason)
        if code == r.ATTENDANCE:
            fields = {
                "rate": self.pct(p("rate")),
                "held": p("held"),
                "sessions": self.count(SESSIONS, p("total")),
            }
            if p("under"):
                return self._(UNDER, limit=self.pct(p("under")), **fields)
            return self._(MESSAGES[code], **fields)
        if code == r.UNRECORDED:
            objectives = self.count(OBJECTIVES, p("objectives"))
            return self._(MESSAGES[code], objectives=objectives, plan=self.plan(reason))
        if code in (r.BEHIND, r.BEHIND_WITHIN, r.ON_PLAN):
            return self._(
                MESSAGES[code],
                attained=self.pct(p("attained")),
                gap=p("gap"),
                plan=self.plan(reason),
            )
        if code in (r.EXPECTATIONS_UNRATED, r.EXPECTATIONS_RATED):
            by = text(self.lang, f"role.{p('by')}")
            how = text(self.lang, f"expectations.{p('how')}") if p("how") else ""
            return self._(MESSAGES[code], by=by, how=how, met=p("met"))
        if code == r.HIDDEN:
            return self.hidden(reason)
        return self.evidence(reason)

    def _scores(self, reason: Reason) -> str:
        p = reason.get
        basis = self.basis(reason)
        change = p("change")
        if reason.code == r.DOWN_OFF:
            if p("drop", 1.0) == 1:
                return self._(DOWN_ONE_POINT, change=self.num(-change + 0.0), basis=basis)
            drop = self.num(p("drop"))
            return self._(
                MESSAGES[r.DOWN_OFF], change=self.num(-change + 0.0), drop=drop, basis=basis
            )
        if reason.code == r.DOWN_RISK:
            tolerance = self.num(p("tolerance"))
            return self._(
                MESSAGES[r.DOWN_RISK],
                change=self.num(-change + 0.0),
                tolerance=tolerance,
                basis=basis,
            )
        if reason.code == r.UP:
            return self._(MESSAGES[r.UP], change=self.num(change), basis=basis)
        return self._(
            MESSAGES[r.STEADY],
            change=self.reader.signed(change),
            tolerance=self.num(p("tolerance")),
            basis=basis,
        )


def reasons_in(codes: Sequence[Reason], reader: Reader) -> list[str]:
    words = ReasonWords(reader)
    return [words.say(code) for code in codes]
