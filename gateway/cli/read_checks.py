"""What the CLI's read path (``gateway.cli.fast_reads``) checks before it prints a view as
the worker wrote it: its JSON written back the same, and every object in it with the
fields the models give it; ``Declined`` otherwise, and the full command answers."""

from __future__ import annotations

import json
from typing import Any


class Declined(Exception):
    """The read path does not answer this one: the full command does, from the start."""


FREE = "free"
"""A value of any JSON shape (a reason's figures)."""
MAP = "map"
"""An object whose keys are data (a role, a dimension), each value of the path + ``{}``."""
VIEW_FIELDS: dict[str, tuple[tuple[str, ...], ...] | str] = {
    "": (
        (
            "programme_id",
            "status",
            "stage",
            "stage_title",
            "stage_number",
            "stages",
            "events",
            "employee",
            "template_id",
            "template_version",
            "framework",
            "template_title",
            "cohort_id",
            "coach_id",
            "manager_id",
            "sponsor_id",
            "hr_id",
            "starts_at",
            "clock",
            "stage_due",
            "next_deadline",
            "stalled",
            "waiting_on",
            "missing",
            "objectives",
            "sessions",
            "held",
            "missed",
            "paused",
            "evaluations",
            "follow_up_due",
            "pending_deliveries",
            "ended_at",
            "rejections",
            "retired_objectives",
            "amendments",
            "expectations",
            "expectations_by",
            "time_zone",
        ),
    ),
    "employee": (("id", "name", "email", "locale", "time_zone"),),
    "objectives[]": (("id", "horizon", "text", "percent"),),
    "sessions[]": (("number", "at", "status"),),
    "paused": (("reason", "since", "until"),),
    "evaluations[]": (
        (
            "kind",
            "stage",
            "raters",
            "scores",
            "overall",
            "baseline_overall",
            "change",
            "compared_overall",
            "comparison",
            "trend",
            "tolerance",
            "attainment",
            "objectives_unrecorded",
            "expected_attainment",
            "attendance",
            "verdict",
            "reasons",
            "codes",
            "merged",
            "withheld",
            "expectations",
            "evidence",
            "self_overall",
            "self_gap",
        ),
    ),
    "evaluations[].scores[]": (
        (
            "dimension",
            "by_role",
            "mean",
            "baseline",
            "change",
            "compared",
            "raters",
            "self_score",
            "self_gap",
            "others",
        ),
    ),
    "evaluations[].scores[].by_role": MAP,
    "evaluations[].scores[].raters": MAP,
    "evaluations[].comparison": (("basis", "roles", "raters", "left_out"),),
    "evaluations[].attendance": (("held", "missed"),),
    "evaluations[].codes[]": (("code", "params"),),
    "evaluations[].codes[].params": MAP,
    "evaluations[].codes[].params{}": FREE,
    "evaluations[].withheld": MAP,
    "evaluations[].expectations": (("by", "expected", "met", "comment"),),
    "evaluations[].evidence": (
        (
            "answers",
            "roles_asked",
            "quorum",
            "weighed",
            "unweighed",
            "compared",
            "objectives",
            "measured",
            "sessions",
            "missing",
            "levels",
            "ended",
        ),
    ),
    "evaluations[].evidence.answers": MAP,
    "evaluations[].evidence.ended": (("how", "day", "stage"),),
    "rejections[]": (("at", "type", "key", "reason", "shown"),),
    "retired_objectives[]": (("id", "horizon", "text", "percent", "amendment"),),
    "expectations": (("by", "expected", "met", "comment"),),
}
"""Every object in a view's JSON, by path (``[]`` an item of a list, ``{}`` a value of a
map), and the fields ``domain.view.ProgrammeView`` gives it, in order (pydantic writes
all of them, so a view of other code shows here as other fields).
``tests/unit/test_cli_fast_reads.py`` keeps it equal to the models."""


def exact(text: str) -> Any:
    """``text`` parsed, when Python writes it back the same (its floats, its escapes):
    then the indented JSON is pydantic's too."""
    value = json.loads(text)
    if json.dumps(value, ensure_ascii=False, separators=(",", ":")) != text:
        raise Declined("not written back the same")
    return value


def check_shape(value: Any, path: str = "") -> None:
    """``Declined`` unless every object in ``value`` has the fields ``VIEW_FIELDS`` says."""
    if isinstance(value, list):
        for item in value:
            check_shape(item, f"{path}[]")
        return
    if not isinstance(value, dict):
        return
    shape = VIEW_FIELDS.get(path)
    if shape == FREE:
        return
    if shape == MAP:
        for item in value.values():
            check_shape(item, f"{path}{{}}")
        return
    if shape is None or tuple(value) not in shape:
        raise Declined(f"{path or 'the view'}: other fields")
    for key, item in value.items():
        check_shape(item, f"{path}.{key}" if path else key)
