"""parcours' own metrics: their names, and counting them from inside an activity.

They go through Temporal's metric meter, so they are exported wherever the
worker's ``Runtime`` exports the SDK's metrics (a Prometheus endpoint when
``PARCOURS_METRICS_PORT`` is set) and carry its attributes (namespace, task
queue, activity type). Outside an activity (a test calling a notifier
directly) counting does nothing.

Counts are at least once: a worker that dies after the work and before
Temporal hears of it does the work, and counts it, again on the retry.
"""

from __future__ import annotations

from collections.abc import Mapping

from temporalio import activity

PROGRAMMES_LAUNCHED = "parcours_programmes_launched"
STAGE_TRANSITIONS = "parcours_stage_transitions"
NOTIFICATIONS_SENT = "parcours_notifications_sent"
NOTIFICATIONS_FAILED = "parcours_notifications_failed"
ESCALATIONS = "parcours_escalations"
EVALUATIONS = "parcours_evaluations"

DESCRIPTIONS: Mapping[str, str] = {
    PROGRAMMES_LAUNCHED: "Programmes launched (first run only, not continue-as-new), by template",
    STAGE_TRANSITIONS: "Stages entered, by template and stage",
    NOTIFICATIONS_SENT: "Notifications delivered, by channel and kind (retries not counted)",
    NOTIFICATIONS_FAILED: "Notification attempts that failed, by channel, kind and outcome "
    "(failed: retried; refused: final)",
    ESCALATIONS: "Escalation notices delivered, by stage and step",
    EVALUATIONS: "Evaluation reports filed, by kind and verdict",
}


def count(name: str, **attributes: str) -> None:
    """Add one to the counter ``name`` when running in an activity."""
    if not activity.in_activity():
        return
    counter = activity.metric_meter().create_counter(name, DESCRIPTIONS[name])
    counter.add(1, attributes)
