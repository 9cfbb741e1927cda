"""Templates: the shipped ones load, invalid ones are refused naming the field and the rule."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from domain.errors import TemplateError
from domain.template import Dimension, EvaluationKind, Role, Template
from domain.template_parsing import describe_errors, parse_template
from gateway import catalogue
from gateway.catalogue import SHIPPED as TEMPLATES
from gateway.catalogue import shipped_ids

SHIPPED = [TEMPLATES / f"{template_id}.yaml" for template_id in shipped_ids()]

VALID: dict[str, Any] = {
    "id": "small",
    "version": 1,
    "title": "Small programme",
    "dimensions": ["motivation", "adaptability"],
    "max_duration": "P60D",
    "stages": [
        {
            "key": "agreement",
            "due": "P10D",
            "gate": {"objectives_agreed": True},
            "remind_before_due": ["P5D", "P2D"],
            "escalate_after_due": [{"after": "P0D", "to": "coach"}, {"after": "P3D", "to": "hr"}],
        },
        {
            "key": "assessment",
            "due": "P7D",
            "gate": {"feedback": {"roles": ["employee", "manager"], "quorum": 2}},
            "evaluation": "baseline",
        },
        {
            "key": "coaching",
            "sessions": {"count": 3, "every": "P7D", "remind_before": ["P1D"]},
            "gate": {"sessions_held": 2},
        },
    ],
    "follow_up": {"after": "P30D"},
}


def test_the_catalogue_finds_every_shipped_template_by_its_id() -> None:
    assert SHIPPED, "no template is shipped"
    assert [template.id for template in catalogue.shipped()] == shipped_ids()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_template_loads(path: Path) -> None:
    template = parse_template(path.read_text(), origin=path.name)
    assert template.id == path.stem
    assert template.version >= 1
    assert template.title
    assert template.stages
    assert template.max_duration > timedelta(0)
    # every stage has a deadline, explicit or from its calendar, so reminders can be planned
    for stage in template.stages:
        assert stage.allowed is not None, stage.key
    # the stages fit in the hard stop
    assert sum((s.allowed or timedelta(0) for s in template.stages), timedelta(0)) <= (
        template.max_duration
    )


def test_executive_template_reads_as_designed() -> None:
    template = parse_template((TEMPLATES / "executive-6m.yaml").read_text())
    assert template.dimensions == tuple(Dimension)
    assert template.max_duration == timedelta(days=270)
    agreement = template.stage("agreement")
    assert agreement.due == timedelta(days=14)
    assert agreement.gate.objectives_agreed
    assert agreement.remind_before_due == (timedelta(days=7), timedelta(days=2))
    assert [(s.after, s.to) for s in agreement.escalate_after_due] == [
        (timedelta(0), Role.coach),
        (timedelta(days=3), Role.manager),
        (timedelta(days=7), Role.hr),
    ]
    assessment = template.stage("assessment")
    assert assessment.gate.feedback is not None
    assert assessment.gate.feedback.quorum == 3
    assert assessment.evaluation is EvaluationKind.baseline
    coaching = template.stage("coaching")
    assert coaching.sessions is not None
    assert coaching.sessions.count == 4
    assert coaching.due is None
    # a calendar's default deadline is one period past its last session
    assert coaching.allowed == timedelta(days=14 * 5)
    assert template.follow_up is not None
    assert template.follow_up.after == timedelta(days=90)
    assert template.follow_up.evaluation is EvaluationKind.follow_up
    with pytest.raises(KeyError):
        template.stage("nope")


def test_template_round_trips_through_json() -> None:
    template = parse_template(VALID)
    assert Template.model_validate_json(template.model_dump_json()) == template
    assert '"max_duration":"P60D"' in template.model_dump_json()


def test_stage_display_falls_back_to_key() -> None:
    template = parse_template(VALID)
    assert template.stage("agreement").display == "Agreement"


def _with(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    change(data)
    return data


def _refused(data: dict[str, Any] | str) -> str:
    with pytest.raises(TemplateError) as info:
        parse_template(data, origin="bad.yaml")
    message = str(info.value)
    assert message.startswith("bad.yaml: ")
    return message


def test_months_are_refused_at_the_field() -> None:
    message = _refused(_with(lambda d: d["stages"][1].update(due="P1M")))
    assert "stages.1.due: duration 'P1M' uses years or months" in message


def test_months_are_refused_in_max_duration() -> None:
    message = _refused(_with(lambda d: d.update(max_duration="P6M")))
    assert "max_duration: duration 'P6M' uses years or months" in message


def test_quorum_larger_than_roles() -> None:
    message = _refused(_with(lambda d: d["stages"][1]["gate"]["feedback"].update(quorum=3)))
    assert "stages.1.gate.feedback: quorum 3 is more than the 2 roles named" in message


def test_repeated_roles() -> None:
    message = _refused(
        _with(lambda d: d["stages"][1]["gate"]["feedback"].update(roles=["manager", "manager"]))
    )
    assert "stages.1.gate.feedback: roles must not repeat" in message


def test_sessions_held_more_than_planned() -> None:
    message = _refused(_with(lambda d: d["stages"][2]["gate"].update(sessions_held=4)))
    assert "stages.2: gate.sessions_held 4 is more than the 3 sessions planned" in message


def test_sessions_held_needs_a_calendar() -> None:
    message = _refused(_with(lambda d: d["stages"][1]["gate"].update(sessions_held=1)))
    assert "stages.1: gate.sessions_held needs a sessions calendar" in message


def test_duplicate_stage_keys() -> None:
    message = _refused(_with(lambda d: d["stages"][2].update(key="agreement")))
    assert "stage keys must be unique, repeated: agreement" in message


def test_reminder_not_before_due() -> None:
    message = _refused(_with(lambda d: d["stages"][0].update(remind_before_due=["P10D"])))
    assert "stages.0: each remind_before_due must be shorter than due" in message


def test_reminder_longer_than_due() -> None:
    message = _refused(_with(lambda d: d["stages"][0].update(remind_before_due=["P11D"])))
    assert "stages.0: each remind_before_due must be shorter than due" in message


def test_repeated_reminder_offsets() -> None:
    message = _refused(_with(lambda d: d["stages"][0].update(remind_before_due=["P2D", "P2D"])))
    assert "stages.0: remind_before_due must not repeat an offset" in message


def test_session_reminder_not_shorter_than_period() -> None:
    message = _refused(_with(lambda d: d["stages"][2]["sessions"].update(remind_before=["P7D"])))
    assert "stages.2.sessions: each remind_before must be shorter than every" in message


def test_reminders_need_a_deadline() -> None:
    message = _refused(_with(lambda d: d["stages"][1].update(due=None, remind_before_due=["P1D"])))
    assert "stages.1: remind_before_due and escalate_after_due need a due" in message


def test_escalation_ladder_in_order() -> None:
    ladder = [{"after": "P3D", "to": "hr"}, {"after": "P0D", "to": "coach"}]
    message = _refused(_with(lambda d: d["stages"][0].update(escalate_after_due=ladder)))
    assert "stages.0: escalate_after_due steps must be in order of after" in message


def test_unknown_role() -> None:
    message = _refused(_with(lambda d: d["stages"][0]["escalate_after_due"][0].update(to="ceo")))
    assert "stages.0.escalate_after_due.0.to: Input should be 'employee'" in message


def test_unknown_key_in_a_stage() -> None:
    message = _refused(_with(lambda d: d["stages"][0].update(colour="red")))
    assert "stages.0.colour: Extra inputs are not permitted" in message


def test_unknown_key_at_the_top() -> None:
    message = _refused(_with(lambda d: d.update(stagse=[])))
    assert "stagse: Extra inputs are not permitted" in message


def test_unknown_key_in_a_gate() -> None:
    message = _refused(_with(lambda d: d["stages"][0]["gate"].update(objectives=True)))
    assert "stages.0.gate.objectives: Extra inputs are not permitted" in message


def test_zero_due_refused() -> None:
    message = _refused(_with(lambda d: d["stages"][1].update(due="PT0S")))
    assert "stages.1.due: duration must be longer than zero, got PT0S" in message


def test_negative_due_refused() -> None:
    message = _refused(_with(lambda d: d["stages"][1].update(due="-P1D")))
    assert "stages.1.due: duration must not be negative, got -P1D" in message


def test_number_instead_of_duration() -> None:
    message = _refused(_with(lambda d: d["stages"][1].update(due=7)))
    assert "stages.1.due: expected an ISO 8601 duration string like P14D, got 7" in message


def test_bad_stage_key() -> None:
    message = _refused(_with(lambda d: d["stages"][1].update(key="Bad Key")))
    assert "stages.1.key: String should match pattern" in message


def test_unknown_dimension() -> None:
    message = _refused(_with(lambda d: d.update(dimensions=["motivation", "charisma"])))
    assert "dimensions: charisma not in the framework parcours-five (strengths, " in message


def test_repeated_dimension() -> None:
    message = _refused(_with(lambda d: d.update(dimensions=["motivation", "motivation"])))
    assert "dimensions must not repeat" in message


def test_no_stages() -> None:
    message = _refused(_with(lambda d: d.update(stages=[])))
    assert "stages: " in message


def test_missing_required_field() -> None:
    message = _refused(_with(lambda d: d.pop("max_duration")))
    assert "max_duration: Field required" in message


def test_every_problem_is_reported_once_each() -> None:
    def two_problems(d: dict[str, Any]) -> None:
        d["stages"][1]["due"] = "P1M"
        d["stages"][0]["colour"] = "red"

    message = _refused(_with(two_problems))
    assert "stages.1.due: " in message
    assert "stages.0.colour: " in message
    assert message.count("stages.") == 2


def test_invalid_yaml() -> None:
    assert "not valid YAML" in _refused("id: [")


def test_yaml_that_is_not_a_mapping() -> None:
    assert "a template is a mapping" in _refused("- just\n- a list\n")


def test_yaml_text_and_mapping_give_the_same_template() -> None:
    assert parse_template(yaml.safe_dump(VALID)) == parse_template(VALID)


def test_describe_errors_names_the_path() -> None:
    with pytest.raises(ValidationError) as info:
        Template.model_validate(_with(lambda d: d["stages"][1].update(due="P1Y")))
    assert describe_errors(info.value).startswith("stages.1.due: duration 'P1Y'")
