"""The published projection, case by case: differencing, a rater who left, three groups,
lone comments, answers as the platform reads them (issue #25)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.language.formats import Reader
from adapters.language.reasons import reasons_in
from adapters.reports import render_html, render_markdown, reports_of
from adapters.reports.reasons import known, reason_in
from domain import published
from domain.disclosure import refusal, singles_out
from domain.events import EvaluationRecorded, FeedbackReceived
from domain.reasons import said
from domain.rules import EVIDENCE, FRAMEWORKS
from domain.template import Role
from domain.view import view_of
from tests.unit.test_confidentiality_adversary import (
    DIFFERENCING,
    LEFT,
    THREE_SETS,
    Answer,
    lone,
    peers,
    play,
)

ROOT = Path(__file__).resolve().parents[2]


def test_a_group_is_refused_below_its_minimum_or_one_rater_from_another() -> None:
    three, four = frozenset("ABC"), frozenset("ABCD")
    assert refusal([], frozenset("AB"), 3) == "2 raters, fewer than 3"
    assert refusal([four], three, 3) == "it differs from another published group by 1"
    assert refusal([three], four, 3) == "it differs from another published group by 1"
    assert refusal([three], frozenset("DEF"), 3) is None  # other people altogether
    assert refusal([frozenset("ABCDEF")], three, 3) is None  # three and three
    assert refusal([three], three, 3) is None  # the same group again


def test_three_groups_that_pass_pairwise_are_caught_by_the_exact_check() -> None:
    everyone, first, second = frozenset("ABCDEFG"), frozenset("ABC"), frozenset("DEF")
    assert refusal([everyone, first], second, 3) is not None
    assert singles_out([everyone, first, second])
    assert not singles_out([everyone, first])


@pytest.mark.parametrize("rules", [EVIDENCE, FRAMEWORKS])
def test_differencing_withholds_the_comparison_and_says_why_in_both_languages(rules: int) -> None:
    """Said as rules 5 stored it, and under rules 7 as a code read in French."""
    log, state = play(DIFFERENCING, rules)
    final = published.evaluations(state.evaluations, state.feedback, state.template)[-1]
    raw = state.evaluations[-1]
    assert raw.change is not None  # ops still see it
    assert final.change is None
    assert final.comparison is None
    assert all(s.compared is None and s.baseline is None for s in final.scores)
    assert all(Role.peer in s.by_role for s in final.scores)  # the group means stay
    note = next(r for r in said(final) if "like for like withheld" in r)
    assert note == (
        "peer like for like withheld: it would single a rater out, 3 needed to show it"
        " (the change since the baseline is not shown)"
    )
    if rules < FRAMEWORKS:
        assert known(note)
        assert "isolerait une personne" in reason_in(note, Reader("fr"))
    else:
        assert final.reasons == ()
        assert any("isolerait une personne" in w for w in reasons_in(final.codes, Reader("fr")))
    report = reports_of(log)[-1]
    assert report.evaluation == final
    assert "would single a rater out" in render_markdown(report, "en")
    assert "isolerait une personne" in render_html(report, "fr")


def test_a_peer_who_left_after_the_baseline_withholds_the_comparison() -> None:
    _, state = play(LEFT)
    final = published.evaluations(state.evaluations, state.feedback, state.template)[-1]
    assert final.change is None


def test_the_same_peers_both_times_keep_the_comparison() -> None:
    _, state = play((peers("123", 3), (), peers("123", 4)))
    final = published.evaluations(state.evaluations, state.feedback, state.template)[-1]
    assert final.change is not None
    assert final.comparison is not None


def test_the_midpoint_comparison_may_stand_and_then_the_final_s_is_withheld() -> None:
    _, state = play(THREE_SETS)
    shown = published.evaluations(state.evaluations, state.feedback, state.template)
    assert shown[1].change is not None  # baseline minus P1-P3: four raters
    assert shown[2].change is None  # P4-P6 as well would leave P7 alone


def test_a_lone_peer_s_comment_is_withheld_and_counted_and_its_answer_not_read() -> None:
    lone_peer = (Answer(Role.peer, "P9", (1, 1), comment="my manager is a bully"),)
    log, _ = play((lone_peer, (), ()))
    baseline = reports_of(log)[0]
    assert baseline.withheld_comments == 1
    assert "bully" not in baseline.model_dump_json()
    assert "Comments withheld: 1" in render_markdown(baseline, "en")
    assert "Commentaires non montrés : 1" in render_html(baseline, "fr")
    platform = published.events(log)
    assert not [e for e in platform if isinstance(e, FeedbackReceived) and e.role is Role.peer]


def test_an_answer_reaches_the_platform_without_rater_key_exact_time_or_peer_scores() -> None:
    log, _ = play((lone(peers("12", 3, comment="fine"), "P3", (2, 2)), (), ()))
    raw = [e for e in log if isinstance(e, FeedbackReceived)]
    shown = [e for e in published.events(log) if isinstance(e, FeedbackReceived)]
    assert len(shown) == len(raw)
    for before, after in zip(raw, shown, strict=True):
        assert after.rater_id == ""
        assert after.key is None
        assert after.recorded_at is None
        assert after.at == before.at.replace(hour=0, minute=0, second=0, microsecond=0)
        assert after.clock == timedelta(days=before.clock.days)
        if after.role is Role.peer:
            assert after.scores == {}
            assert after.comment is None
        else:
            assert after.scores == before.scores


def test_the_view_the_events_and_the_reports_publish_the_same_evaluations() -> None:
    log, state = play(DIFFERENCING)
    view = view_of(state, datetime(2027, 6, 1, tzinfo=UTC))
    events = [e.evaluation for e in published.events(log) if isinstance(e, EvaluationRecorded)]
    reports = [r.evaluation for r in reports_of(log)]
    assert list(view.evaluations) == events == reports


def test_the_platform_learns_which_roles_are_waited_on_not_who() -> None:
    waiting = {Role.peer: ("P1", "P2"), Role.manager: ("M1",), Role.direct_report: ()}
    assert published.waiting_roles(waiting) == (Role.manager, Role.peer)


def test_a_cohort_withholds_a_mean_one_programme_from_another() -> None:
    from domain.cohort_summary import summarise

    _, state = play((peers("123", 3), (), peers("123", 4)))
    view = view_of(state, datetime(2027, 6, 1, tzinfo=UTC))
    final = view.evaluations[-1]
    assert final.change is not None
    first = final.scores[0].model_copy(update={"change": None, "compared": None})
    partial = final.model_copy(update={"scores": (first, *final.scores[1:])})
    views = [view.model_copy(update={"programme_id": f"p{n}"}) for n in range(4)]
    views[3] = views[3].model_copy(update={"evaluations": (*view.evaluations[:-1], partial)})
    [*_, summary] = summarise("c", views).evaluations
    assert summary.overall_change.programmes == 4
    assert summary.overall_change.mean is not None
    dimension = final.scores[0].dimension
    assert summary.by_dimension[dimension].programmes == 3
    assert summary.by_dimension[dimension].mean is None  # 4 - 3: the fourth's change
    other = final.scores[1].dimension
    assert summary.by_dimension[other].mean is not None  # the same four
    three = summarise("c", views[:3]).evaluations[-1]
    assert three.by_dimension[dimension].mean is not None


def test_a_template_asking_fewer_than_three_peers_is_refused_at_load_naming_the_field() -> None:
    import pytest

    from domain.errors import TemplateError
    from domain.template_parsing import parse_template

    shipped = (ROOT / "templates" / "executive-6m.yaml").read_text()
    for asked, field in (
        ("{peer: 2}", "minimums.peer"),
        ("{direct_report: 1}", "minimums.direct_report"),
    ):
        with pytest.raises(TemplateError, match=f"{field}: must be 3..10"):
            parse_template(shipped.replace("title:", f"minimums: {asked}\ntitle:", 1))
    raised = parse_template(shipped.replace("title:", "minimums: {peer: 4}\ntitle:", 1))
    assert raised.minimums.peer == 4


def test_three_who_joined_keep_the_comparison_as_docs_method_says() -> None:
    _, state = play((peers("123", 3), (), peers("123456", 4)))
    final = published.evaluations(state.evaluations, state.feedback, state.template)[-1]
    assert final.change is not None
