"""What a report says, section by section, in the reader's words: the Markdown and the
HTML pages lay out the same ``Page``.

Texts here are plain (unescaped); each renderer escapes them its own way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.language.catalogue import text
from adapters.language.formats import Reader
from adapters.language.frameworks import dimension_label, framework_of
from adapters.language.reasons import reasons_in
from adapters.reports.bars import bars_svg
from adapters.reports.evidence import evidence_lines, self_columns
from adapters.reports.radar import MAX_AXES, MIN_AXES, Series, radar_svg
from adapters.reports.reasons import reason_in
from adapters.reports.report import Report
from domain.evaluation import Evaluation
from domain.expectations import how_met
from domain.template import Role
from domain.verdict import Basis, Trend, Verdict


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Page:
    lang: str
    title: str
    facts: list[tuple[str, str]]
    verdict_key: str
    verdict: str
    reasons: list[str]
    objectives: Table | None
    attainment: str
    scores: Table | None
    chart: str | None
    """The radar chart's SVG (already escaped), when there are scores."""
    comments: list[tuple[str, list[str]]]
    withheld_comments: str | None
    """How many comments were withheld, and why; None when none was."""
    attendance: str
    sessions: Table | None
    expectations: list[str] | None
    next_steps: list[str]
    labels: dict[str, str]
    evidence: list[str] | None = None
    """Rules 5: what the evaluation had to judge on (``adapters.reports.evidence``)."""


def reader_for(report: Report, lang: str | None = None) -> Reader:
    """The programme's reader; ``lang`` (``?lang=``, ``--lang``) overrides its language."""
    return Reader.of(lang or report.locale, report.time_zone)


def page(report: Report, reader: Reader) -> Page:
    lang = reader.lang
    ev = report.evaluation

    def t(key: str, **fields: object) -> str:
        return text(lang, key, **fields)

    kind = t(f"kind.{ev.kind.value}")
    stage = stage_name(report, ev.stage, lang) if ev.stage else None
    evaluation = capital(kind) + (f", {t('report.stage', stage=stage)}" if stage else "")
    facts = [
        (t("report.employee"), f"{report.employee.name} ({report.employee.id})"),
        (t("report.programme"), report.programme_id),
        (t("report.template"), report.template_title),
        (t("report.evaluation"), evaluation),
        (t("report.recorded_at"), reader.when(report.recorded_at)),
        (t("report.raters"), reader.integer(ev.raters)),
    ]
    labels = {
        key: t(f"report.{key}")
        for key in (
            "why", "objectives", "scores", "chart", "comments", "attendance", "next",
            "expectations", "no_concerns", "no_comments", "footer", "evidence",
        )
    }  # fmt: skip
    return Page(
        lang=lang,
        title=t("report.title", kind=kind, name=report.employee.name),
        facts=facts,
        verdict_key=ev.verdict.value,
        verdict=t("report.verdict", verdict=t(f"verdict.{ev.verdict.value}")),
        reasons=reasons_in(ev.codes, reader)
        if ev.codes
        else [reason_in(r, reader) for r in ev.reasons],
        objectives=_objectives(report, reader),
        attainment=_attainment(ev, reader),
        scores=_scores(report, reader),
        chart=_chart(report, reader),
        comments=[
            (
                dimension_name(report, g.dimension, lang)
                if g.dimension
                else t("report.comments_general"),
                list(g.comments),
            )
            for g in report.comments
        ],
        withheld_comments=t("report.comments_withheld", n=reader.integer(report.withheld_comments))
        if report.withheld_comments
        else None,
        attendance=_attendance(ev, reader),
        sessions=_sessions(report, reader),
        expectations=expectations(ev, reader),
        next_steps=next_steps(report, reader),
        labels=labels,
        evidence=evidence_lines(ev, reader),
    )


def _objectives(report: Report, reader: Reader) -> Table | None:
    lang = reader.lang
    if not report.objectives:
        return None
    changed = any(o.changed for o in report.objectives)
    noted = any(o.note for o in report.objectives)
    rows = [
        [
            o.id,
            text(lang, f"horizon.{o.horizon}"),
            o.text,
            (
                reader.percent(o.progress)
                if o.progress is not None
                else text(lang, "report.not_recorded")
            )
            + (
                " " + text(lang, "report.target", target=reader.percent(o.target))
                if o.target != 100
                else ""
            ),
            *([o.note or ""] if noted else []),
            *([_changed(o.changed, lang)] if changed else []),
        ]
        for o in report.objectives
    ]
    header = ["#", *(text(lang, f"report.{k}") for k in ("horizon", "objective", "progress"))]
    header += [text(lang, "report.note")] if noted else []
    header += [text(lang, "report.changed")] if changed else []
    notes = [
        text(lang, "report.amendment", n=a.number, reason=a.reason)
        + (text(lang, "report.amendment_removed", ids=", ".join(a.removed)) if a.removed else "")
        for a in report.amendments
    ]
    return Table(header, rows, notes)


def _changed(changed: str | None, lang: str) -> str:
    """ "added 1" as the reader reads it: added by amendment 1."""
    if not changed:
        return ""
    how, n = changed.split()
    return text(lang, f"report.{how}", n=n)


def _attainment(ev: Evaluation, reader: Reader) -> str:
    expected = reader.percent(ev.expected_attainment)
    if ev.attainment is None:
        return text(reader.lang, "report.attainment_unknown", expected=expected)
    return text(
        reader.lang, "report.attainment", attained=reader.percent(ev.attainment), expected=expected
    )


def role_label(role: Role, lang: str) -> str:
    return capital(text(lang, f"role.{role.value}"))


def _role_header(report: Report, role: Role, reader: Reader) -> str:
    """A role's column: "Manager (changed on 3 May 2026)" when a former holder answered."""
    label = role_label(role, reader.lang)
    at = report.changed.get(role)
    if at is None:
        return label
    return f"{label} {text(reader.lang, 'report.changed_on', date=reader.day(at))}"


def capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def stage_name(report: Report, key: str, lang: str) -> str:
    """A stage as the reader reads it: its title in the template's language for them."""
    template = report.template
    if template is None or key not in {s.key for s in template.stages}:
        return key
    return template.stage(key).title_in(template.language_for(lang))


def dimension_name(report: Report, key: str, lang: str) -> str:
    """A dimension as the reader reads it: its label in the programme's framework."""
    return dimension_label(framework_of(report.template), key, lang)


def _scores(report: Report, reader: Reader) -> Table | None:
    lang = reader.lang
    ev = report.evaluation
    if not any(s.by_role or s.others is not None for s in ev.scores):
        return None
    present = {role for score in ev.scores for role in score.by_role}
    roles = [role for role in Role if role in present]
    others = any(score.others is not None for score in ev.scores)
    header = [text(lang, "report.dimension"), *(_role_header(report, r, reader) for r in roles)]
    header += [capital(text(lang, "report.others"))] if others else []
    header += [text(lang, "report.mean")]
    own = self_columns(ev)
    header += [text(lang, f"report.{k}") for k in ("self", "self_gap")] if own else []
    header += [text(lang, f"report.{k}") for k in ("compared", "baseline", "change")]
    rows = [
        [
            dimension_name(report, s.dimension, lang),
            *(reader.number(s.by_role.get(r)) for r in roles),
            *([reader.number(s.others)] if others else []),
            reader.number(s.mean),
            *([reader.number(s.self_score), reader.signed(s.self_gap)] if own else []),
            reader.number(s.compared),
            reader.number(s.baseline),
            reader.signed(s.change),
        ]
        for s in ev.scores
    ]
    rows.append(
        [
            text(lang, "report.overall"),
            *("" for _ in roles),
            *([""] if others else []),
            reader.number(ev.overall),
            *([reader.number(ev.self_overall), reader.signed(ev.self_gap)] if own else []),
            reader.number(ev.compared_overall),
            reader.number(ev.baseline_overall),
            reader.signed(ev.change),
        ]
    )
    notes: list[str] = [text(lang, "report.self_note")] if own else []
    if ev.comparison is not None:
        compared = ", ".join(role_label(r, lang) for r in ev.comparison.roles) or "-"
        key = (
            "report.basis.same_raters"
            if ev.comparison.basis is Basis.same_raters
            else "report.basis.same_roles"
        )
        notes.append(text(lang, key, roles=compared))
    if ev.merged:
        merged = ", ".join(role_label(r, lang) for r in ev.merged)
        notes.append(text(lang, "report.merged", roles=merged))
    for role, n in ev.withheld.items():
        answered = text(lang, "report.unknown_number") if n is None else str(n)
        notes.append(
            text(lang, "report.withheld", role=text(lang, f"role.{role.value}"), answered=answered)
        )
    return Table(header, rows, notes)


def _chart(report: Report, reader: Reader) -> str | None:
    ev = report.evaluation
    if not ev.scores or all(s.mean is None for s in ev.scores):
        return None
    lang = reader.lang
    axes = [dimension_name(report, s.dimension, lang) for s in ev.scores]
    series = []
    if report.baseline:
        series.append(
            Series(
                text(lang, "report.chart_baseline"),
                [report.baseline.get(s.dimension) for s in ev.scores],
                "baseline",
            )
        )
    series.append(Series(text(lang, "report.chart_now"), [s.mean for s in ev.scores], "now"))
    if uses_bars(len(axes), report.scale_min, report.scale):
        return bars_svg(axes, series, report.scale_min, report.scale, text(lang, "report.chart"))
    return radar_svg(axes, series, report.scale, text(lang, "report.chart"))


def uses_bars(dimensions: int, low: int, high: int) -> bool:
    """Bars for what a radar draws badly: two dimensions (or more than it has room for),
    or a scale other than the method's 1..5."""
    return not MIN_AXES <= dimensions <= MAX_AXES or (low, high) != (1, 5)


def _attendance(ev: Evaluation, reader: Reader) -> str:
    rate = ev.attendance.rate
    if rate is None:
        return text(reader.lang, "report.no_sessions")
    return text(
        reader.lang,
        "report.attendance_line",
        held=ev.attendance.held,
        missed=ev.attendance.missed,
        rate=reader.percent(rate * 100),
    )


def _sessions(report: Report, reader: Reader) -> Table | None:
    lang = reader.lang
    if not report.sessions:
        return None
    header = [
        text(lang, "report.session"),
        text(lang, "report.date"),
        text(lang, "report.status"),
        text(lang, "report.notes"),
    ]
    rows = [
        [
            f"{stage_name(report, s.stage, lang)} {s.number}",
            reader.short(s.at),
            text(lang, f"session.{s.status}"),
            s.notes or "",
        ]
        for s in report.sessions
    ]
    return Table(header, rows, [text(lang, "report.times", zone=reader.zone_label)])


def expectations(ev: Evaluation, reader: Reader) -> list[str] | None:
    """The client's expectations (``domain.expectations``): what was expected, and
    whether it was met; None when the evaluation reports none."""
    found = ev.expectations
    if found is None:
        return None
    lang = reader.lang
    by = text(lang, f"role.{found.by.value}")
    lines = [text(lang, "expectations.expected", by=by, text=found.expected)]
    if found.met is None:
        lines.append(text(lang, "expectations.not_rated"))
    else:
        how = text(lang, f"expectations.{how_met(found.met)}")
        lines.append(text(lang, "expectations.rating", met=found.met, how=how))
    if found.comment:
        lines.append(text(lang, "expectations.comment", text=found.comment))
    return lines


def next_steps(report: Report, reader: Reader) -> list[str]:
    """What a coach should look at next: what is wrong, most pressing first, then the
    lowest dimension to work on (or, with nothing wrong, to keep the pace)."""
    lang = reader.lang
    ev = report.evaluation
    steps: list[str] = []
    if ev.raters == 0:
        steps.append(text(lang, "next.no_feedback"))
    if ev.trend is Trend.down:
        steps.append(text(lang, "next.scores_down"))
    rate = ev.attendance.rate
    if rate is not None and rate < 0.75:
        steps.append(text(lang, "next.attendance"))
    if ev.attainment is not None and ev.expected_attainment - ev.attainment > 25:
        steps.append(text(lang, "next.behind"))
    if not report.objectives:
        steps.append(text(lang, "next.no_objectives"))
    unrecorded = sum(o.progress is None for o in report.objectives)
    if unrecorded:
        steps.append(text(lang, "next.unrecorded", count=unrecorded))
    if ev.merged or ev.withheld:
        steps.append(text(lang, "next.hidden"))
    if ev.verdict is Verdict.on_track and not steps:
        steps.append(text(lang, "next.keep_going"))
    scored = [s for s in ev.scores if s.mean is not None]
    if scored:
        low = min(s.mean or 0.0 for s in scored)
        tied = [dimension_name(report, s.dimension, lang) for s in scored if s.mean == low]
        if len(tied) == 1:
            steps.append(text(lang, "next.lowest", dimension=tied[0], score=reader.number(low)))
        elif len(tied) < len(scored):  # ties named as ties, never one of them as the lowest
            names = text(lang, "and", first=", ".join(tied[:-1]), last=tied[-1])
            steps.append(text(lang, "next.lowest_tied", dimensions=names, score=reader.number(low)))
        else:
            steps.append(text(lang, "next.all_equal", score=reader.number(low)))
    return steps
