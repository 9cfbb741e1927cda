"""Charts that read at any size: a radar for 3 to 12 dimensions on the method's 1..5,
bars for two dimensions or another scale; ties named as ties."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from adapters.language.formats import Reader
from adapters.reports.bars import LEFT, RIGHT, bars_svg, x_of
from adapters.reports.radar import Series, radar_svg
from adapters.reports.report import Report, ReportEmployee
from adapters.reports.sections import next_steps, uses_bars
from domain.evaluation import DimensionScore, Evaluation
from domain.template import EvaluationKind
from domain.verdict import Attendance, Verdict


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize(
    ("dimensions", "low", "high", "bars"),
    [(2, 1, 5, True), (3, 1, 5, False), (12, 1, 5, False), (13, 1, 5, True), (7, 1, 4, True),
     (5, 0, 9, True), (5, 1, 5, False)],
)  # fmt: skip
def test_bars_for_two_dimensions_or_another_scale(
    dimensions: int, low: int, high: int, bars: bool
) -> None:
    assert uses_bars(dimensions, low, high) is bars


@pytest.mark.parametrize("n", range(3, 13))
def test_the_radar_draws_three_to_twelve_axes(n: int) -> None:
    svg = radar_svg([f"d{i}" for i in range(n)], [Series("now", [3.0] * n, "now")], 5, "t")
    parsed = Tags()
    parsed.feed(svg)
    assert parsed.tags.count("line") == n
    assert [t for t in parsed.text if t.startswith("d")] == [f"d{i}" for i in range(n)]


def test_bars_sit_on_the_scale_from_its_bottom() -> None:
    assert x_of(1, 1, 4) == LEFT
    assert x_of(4, 1, 4) == RIGHT
    assert x_of(9, 1, 4) == RIGHT, "clamped"
    svg = bars_svg(["Vision", "<b>Courage</b>"], [Series("Now", [2.5, None], "now")], 1, 4, "t")
    parsed = Tags()
    parsed.feed(svg)
    assert parsed.tags.count("rect") == 1, "no bar for an unscored dimension"
    assert svg.count('class="axis"') == 2, "an axis per dimension"
    assert "b" not in parsed.tags, "labels escaped"
    assert [t for t in parsed.text if t in "1234"] == ["1", "2", "3", "4"]


def _report(means: list[float], lang: str = "en") -> Report:
    scores = tuple(
        DimensionScore(dimension=key, by_role={}, mean=mean)
        for key, mean in zip(("motivation", "adaptability", "strengths"), means, strict=False)
    )
    evaluation = Evaluation(
        kind=EvaluationKind.baseline,
        stage="assessment",
        raters=2,
        scores=scores,
        overall=None,
        attainment=None,
        expected_attainment=0,
        attendance=Attendance(held=0, missed=0),
        verdict=Verdict.on_track,
        reasons=(),
    )
    return Report(
        n=1,
        programme_id="p",
        template_title="t",
        employee=ReportEmployee(id="e", name="E"),
        locale=lang,
        recorded_at="2027-01-04T08:00:00Z",  # type: ignore[arg-type]
        evaluation=evaluation,
    )


def test_ties_are_named_as_ties() -> None:
    steps = next_steps(_report([4.0, 4.0, 4.5]), Reader.of("en", "UTC"))
    assert steps[-1] == (
        "Work on Motivation and Adaptability to change, the lowest dimensions, tied at 4.00."
    )
    assert "the lowest dimension (" not in " ".join(steps)


def test_one_lowest_is_named_alone_and_all_equal_says_so() -> None:
    assert next_steps(_report([3.0, 4.0]), Reader.of("en", "UTC"))[-1] == (
        "Work on Motivation, the lowest dimension (3.00)."
    )
    assert next_steps(_report([4.0, 4.0]), Reader.of("fr", "UTC"))[-1].startswith(
        "Toutes les dimensions sont à 4,00"
    )
