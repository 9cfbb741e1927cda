"""Frameworks as data: a company's dimensions, scale and languages, validated naming the
field and the rule; scores held to the programme's scale; evaluations on any framework."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from adapters.language.frameworks import (
    SHIPPED,
    default_framework,
    dimension_label,
    frameworks_in,
    load_framework,
)
from domain.commands import Employee, GiveFeedback, Launch
from domain.confidentiality import minimums, shown
from domain.decider import decide
from domain.errors import DomainError, TemplateError
from domain.evaluate import evaluate
from domain.evaluation import Rating
from domain.evolve import fold
from domain.framework import DEFAULT_SCALE, FIVE, FIVE_LANGUAGES, Framework
from domain.template import EvaluationKind, Role
from domain.template_parsing import parse_template
from domain.verdict import Attendance

COMPANY = Path(__file__).resolve().parents[1] / "e2e" / "company"
ACME = COMPANY / "frameworks" / "acme-leadership.yaml"
RAW: dict[str, Any] = yaml.safe_load(ACME.read_text(encoding="utf-8"))


def _refused(change: Any) -> str:
    data = copy.deepcopy(RAW)
    change(data)
    with pytest.raises(ValidationError) as info:
        Framework.model_validate(data)
    return str(info.value)


def test_the_default_framework_ships_the_methods_five_in_three_languages() -> None:
    five = default_framework()
    assert five.keys == FIVE
    assert five.scale.min == DEFAULT_SCALE.min
    assert five.scale.max == DEFAULT_SCALE.max
    assert five.languages == FIVE_LANGUAGES
    assert dimension_label(five, "areas_to_develop", "fr") == "Axes de progrès"
    assert dimension_label(five, "adaptability", "de").startswith("Anpassungsfähigkeit")
    assert dimension_label(five, "strengths", "it") == "Strengths", "else the first language"
    assert set(frameworks_in(SHIPPED)) >= {"parcours-five"}


def test_a_company_framework_loads_from_its_file() -> None:
    acme = load_framework(ACME)
    assert len(acme.keys) == 7
    assert (acme.scale.min, acme.scale.max, acme.scale.points) == (1, 4, 4)
    assert acme.scale.label(4, "fr") == "Exemplaire"
    vision = acme.dimension("vision")
    assert vision is not None
    assert [a.level for a in vision.anchors] == [1, 4]
    assert dimension_label(acme, "learning", "fr") == "Agilité d'apprentissage"


def test_it_round_trips_as_json_and_is_hashable() -> None:
    acme = load_framework(ACME)
    again = Framework.model_validate_json(acme.model_dump_json())
    assert again == acme
    assert hash(again) == hash(acme)
    assert acme.model_dump(mode="json")["dimensions"][0]["label"] == {
        "en": "Vision",
        "fr": "Vision",
    }


def test_duplicate_keys_are_refused_naming_them() -> None:
    message = _refused(lambda d: d["dimensions"][1].update(key="vision"))
    assert "dimensions: keys must be unique, repeated: vision" in message


def test_a_label_missing_for_a_declared_language_is_refused() -> None:
    message = _refused(lambda d: d["dimensions"][2]["label"].pop("fr"))
    assert "dimensions.delegation.label: missing the fr text (languages: en, fr)" in message


def test_a_text_in_an_undeclared_language_is_refused() -> None:
    message = _refused(lambda d: d["dimensions"][0]["label"].update(de="Vision"))
    assert "dimensions.vision.label: de is not a declared language (en, fr)" in message


@pytest.mark.parametrize(
    ("scale", "rule"),
    [
        ({"min": 1, "max": 2}, "1..2 has 2 points; a scale has 3 to 10 points"),
        ({"min": 0, "max": 10}, "0..10 has 11 points"),
        ({"min": 1, "max": 11}, "less than or equal to 10"),
        ({"min": 5, "max": 1}, "5..1 has -3 points"),
    ],
)
def test_a_scale_out_of_range_is_refused(scale: dict[str, int], rule: str) -> None:
    message = _refused(lambda d: d.update(scale=scale))
    assert rule in message


def test_a_label_per_point_or_none() -> None:
    message = _refused(lambda d: d["scale"]["labels"].pop())
    assert "scale.labels: 3 labels for 4 points (1..4); give one per point" in message


def test_anchors_must_be_on_the_scale() -> None:
    message = _refused(lambda d: d["dimensions"][0]["anchors"].update({5: {"en": "x", "fr": "x"}}))
    assert "dimensions.vision.anchors.5: level 5 is not on the scale 1..4" in message


@pytest.mark.parametrize(("count", "rule"), [(1, "at least 2"), (13, "at most 12")])
def test_two_to_twelve_dimensions(count: int, rule: str) -> None:
    def resize(d: dict[str, Any]) -> None:
        one = d["dimensions"][0]
        d["dimensions"] = [{**one, "key": f"d{i}"} for i in range(count)]

    assert rule in _refused(resize)


def test_plain_strings_are_the_first_language() -> None:
    framework = Framework.model_validate(
        {
            "id": "solo",
            "languages": ["fr"],
            "dimensions": [{"key": "a", "label": "Écoute"}, {"key": "b", "label": "Clarté"}],
        }
    )
    assert framework.dimensions[0].label == (("fr", "Écoute"),)


# ------------------------------------------------------------------ templates on frameworks

TEMPLATE = (COMPANY / "acme-quick.yaml").read_text(encoding="utf-8")
FRAMEWORKS = frameworks_in(COMPANY / "frameworks")


def test_a_template_names_a_framework_and_keeps_a_copy() -> None:
    template = parse_template(TEMPLATE, "acme-quick.yaml", FRAMEWORKS)
    assert template.framework == FRAMEWORKS["acme-leadership"]
    assert len(template.dimensions) == 7, "all of the framework's, none listed"
    assert template.scale.span == "1..4"
    assert template.title_in("fr") == "Programme de leadership ACME"


def test_an_unknown_framework_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(TemplateError, match=r"framework: 'nope' is not a known framework \("):
        parse_template(TEMPLATE.replace("acme-leadership", "nope"), "t.yaml", FRAMEWORKS)


def test_a_template_in_a_language_its_framework_lacks_is_refused() -> None:
    text = TEMPLATE.replace("languages: [en, fr]", "languages: [en, fr, de]")
    with pytest.raises(TemplateError, match="title: missing the de text"):
        parse_template(text, "t.yaml", FRAMEWORKS)


def test_a_template_may_write_its_framework_inline() -> None:
    data = yaml.safe_load(TEMPLATE)
    data["framework"] = RAW
    data["dimensions"] = ["vision", "courage"]
    template = parse_template(data, "inline", {})
    assert template.dimensions == ("vision", "courage")
    data["dimensions"] = ["vision", "strengths"]
    with pytest.raises(TemplateError, match="dimensions: strengths not in the framework acme"):
        parse_template(data, "inline", {})


def test_templates_that_list_dimensions_stay_on_the_methods_five() -> None:
    template = parse_template(
        (SHIPPED.parent / "templates" / "executive-6m.yaml").read_text(encoding="utf-8")
    )
    assert template.framework is None
    assert template.framework_id == "parcours-five"
    assert template.scale == DEFAULT_SCALE
    named = parse_template({**yaml.safe_load(TEMPLATE), "framework": "parcours-five"}, "t", {})
    assert named.framework is None
    assert named.dimensions == FIVE


# ------------------------------------------------------------------ programmes on frameworks

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _programme() -> Any:
    template = parse_template(TEMPLATE, "acme-quick.yaml", FRAMEWORKS)
    launch = Launch(
        programme_id="acme-quick.e1",
        employee=Employee(id="e1", name="Ada", email="ada@example.com", locale="fr"),
        template=template,
        manager_id="m1",
        rules=7,
    )
    return fold(decide(None, launch, T0))


def test_a_score_off_the_programmes_scale_is_refused_naming_the_scale() -> None:
    state = _programme()
    scores = dict.fromkeys(state.template.dimensions, 3) | {"vision": 5}
    with pytest.raises(DomainError) as info:
        decide(
            state,
            GiveFeedback(role=Role.employee, rater_id="e1", scores=scores, stage="assessment"),
            T0,
        )
    assert str(info.value) == (
        "scores: score for 'vision' must be 1..4 (the programme's scale), got 5"
    )
    scores["vision"] = 4
    events = decide(
        state,
        GiveFeedback(role=Role.employee, rater_id="e1", scores=scores, stage="assessment"),
        T0,
    )
    assert next(e.type for e in events) == "feedback_received"


def test_evaluations_and_confidentiality_on_seven_dimensions() -> None:
    state = _programme()
    keys = state.template.dimensions
    ratings = [
        Rating(Role.employee, "e1", dict.fromkeys(keys, 2)),
        Rating(Role.manager, "m1", dict.fromkeys(keys, 4)),
        Rating(Role.peer, "p1", dict.fromkeys(keys, 1)),
    ]
    ev = evaluate(
        kind=EvaluationKind.baseline,
        stage="assessment",
        dimensions=keys,
        ratings=ratings,
        baseline=None,
        progress=[],
        attendance=Attendance(held=0, missed=0),
        expected_attainment=0,
    )
    assert [s.dimension for s in ev.scores] == list(keys)
    assert ev.overall == pytest.approx((2 + 4 + 1) / 3, abs=0.01)
    shown_ev = shown(ev, minimums(state.template))
    assert all(Role.peer not in s.by_role for s in shown_ev.scores), "one peer is not shown alone"
    assert Role.peer in shown_ev.withheld or Role.peer in shown_ev.merged
