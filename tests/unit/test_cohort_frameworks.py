"""A cohort across frameworks: programmes of one framework are summarised together, and
a cohort whose programmes are on several frameworks has them reported apart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.language.frameworks import frameworks_in
from domain.cohort_summary import summarise
from domain.commands import Employee, Launch
from domain.decider import decide
from domain.evaluate import evaluate
from domain.evaluation import Rating
from domain.evolve import fold
from domain.template import EvaluationKind, Role, Template
from domain.template_parsing import parse_template
from domain.verdict import Attendance
from domain.view import ProgrammeView, view_of

COMPANY = Path(__file__).resolve().parents[1] / "e2e" / "company"
ACME = parse_template(
    (COMPANY / "acme-quick.yaml").read_text(), "acme", frameworks_in(COMPANY / "frameworks")
)
QUICK = parse_template((COMPANY.parent / "quick.yaml").read_text())
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _view(template: Template, n: int, then: int, now: int) -> ProgrammeView:
    employee = Employee(id=f"e{n}", name="X", email="x@example.com")
    launch = Launch(programme_id=f"{template.id}.e{n}", employee=employee, template=template)
    state = fold(decide(None, launch, T0))
    keys = template.dimensions

    def rated(score: int) -> list[Rating]:
        return [Rating(Role.manager, "m", dict.fromkeys(keys, score))]

    common = {"progress": [], "attendance": Attendance(held=0, missed=0), "dimensions": keys}
    baseline = evaluate(
        kind=EvaluationKind.baseline, stage=None, ratings=rated(then), baseline=None,
        expected_attainment=0, **common,  # type: ignore[arg-type]
    )  # fmt: skip
    final = evaluate(
        kind=EvaluationKind.final, stage=None, ratings=rated(now), baseline=baseline,
        baseline_ratings=rated(then), expected_attainment=100, **common,  # type: ignore[arg-type]
    )  # fmt: skip
    return view_of(state, T0).model_copy(update={"evaluations": (baseline, final)})


def test_mixed_frameworks_are_reported_apart() -> None:
    views = [_view(QUICK, n, 2, 4) for n in range(3)] + [_view(ACME, n, 1, 2) for n in range(3)]
    summary = summarise("c1", views)
    finals = {e.framework: e for e in summary.evaluations if e.kind is EvaluationKind.final}
    assert set(finals) == {"parcours-five", "acme-leadership"}
    assert finals["parcours-five"].overall_change.mean == 2.0
    assert finals["acme-leadership"].overall_change.mean == 1.0
    assert set(finals["acme-leadership"].by_dimension) == set(ACME.dimensions)
    assert set(finals["parcours-five"].by_dimension) == set(QUICK.dimensions)
    assert all(e.programmes == 3 for e in summary.evaluations)


def test_one_framework_is_one_summary_per_kind() -> None:
    summary = summarise("c2", [_view(ACME, n, 2, 3) for n in range(4)])
    assert [(e.framework, e.kind) for e in summary.evaluations] == [
        ("acme-leadership", EvaluationKind.baseline),
        ("acme-leadership", EvaluationKind.final),
    ]
