"""English: every message parcours writes, by key (``str.format`` templates)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------ notifications
    "notice.none": "not set",
    "notice.follow_up": "Follow-up",
    "notice.reminder.subject": "Reminder: {stage} is due {deadline}",
    "notice.reminder.body": (
        "Hello {name},\n\n"
        'In your programme "{programme}", the stage "{stage}" is due on {deadline}.\n'
        "Please complete what it asks before then.\n"
    ),
    "notice.escalation.subject": "Overdue: {stage} for {name} ({programme})",
    "notice.escalation.body": (
        'In the programme "{programme}" of {name}, the stage "{stage}" was due on '
        "{deadline} and is still open.\n"
        "This is escalation step {step}, addressed to: {roles}.\n"
    ),
    "notice.session_reminder.subject": "Session {session} of {programme}: {session_at}",
    "notice.session_reminder.body": (
        "Hello {name},\n\n"
        'Session {session} of your programme "{programme}" (stage "{stage}") '
        "is planned for {session_at}.\n"
    ),
    "notice.evaluation_ready.subject": "Evaluation ready: {programme}, {stage}",
    "notice.evaluation_ready.body": (
        "Hello {name},\n\n"
        'An evaluation of the programme "{programme}" has been recorded at the stage "{stage}".\n'
    ),
    "notice.invitation.subject": "{programme}: {sessions_short}",
    "notice.invitation.body": (
        "Hello {name},\n\n"
        'The programme "{programme}" (stage "{stage}") has planned:\n{sessions}\n'
        "The invitation attached puts it in your calendar and keeps it up to date.\n"
    ),
    "notice.invitation_cancel.subject": "Cancelled: {programme}, {sessions_short}",
    "notice.invitation_cancel.body": (
        "Hello {name},\n\n"
        'In the programme "{programme}" (stage "{stage}"), cancelled by agreement:\n'
        "{sessions}\n"
    ),
    "notice.invitation.session": "session {number}: {when}",
    "notice.link": "\nWhere it stands: {link}\n",
    "notice.footer": ("\n-- parcours (programme {programme_id}, delivery {delivery_id})\n"),
    # ------------------------------------------------------------ words
    "and": "{first} and {last}",
    "count.rater.one": "{n} rater",
    "count.rater.other": "{n} raters",
    "count.session.one": "{n} session",
    "count.session.other": "{n} sessions",
    "count.objective.one": "{n} objective",
    "count.objective.other": "{n} objectives",
    "kind.baseline": "Baseline",
    "kind.midpoint": "Midpoint",
    "kind.final": "Final",
    "kind.closing": "Closing",
    "kind.follow_up": "Follow-up",
    "verdict.on_track": "On track",
    "verdict.at_risk": "At risk",
    "verdict.off_track": "Off track",
    "verdict.insufficient_evidence": "Not enough evidence to judge",
    "role.employee": "employee",
    "role.coach": "coach",
    "role.manager": "manager",
    "role.peer": "peers",
    "role.direct_report": "direct reports",
    "role.sponsor": "sponsor",
    "role.hr": "HR",
    "dimension.strengths": "Strengths",
    "dimension.talents": "Talents",
    "dimension.areas_to_develop": "Areas to develop",
    "dimension.motivation": "Motivation",
    "dimension.adaptability": "Adaptability to change",
    "horizon.short_term": "short term",
    "horizon.long_term": "long term",
    "session.held": "held",
    "session.missed": "missed",
    "session.unrecorded": "not recorded by the stage deadline",
    "session.not_needed": "not needed",
    # ------------------------------------------------------------ calendar
    "calendar.name": "{programme}: {name}",
    "calendar.session": "{programme}: session {number}",
    "calendar.deadline": '{programme}: "{stage}" due',
    "calendar.evaluation": "{programme}: {kind} evaluation",
    "calendar.status.held": "Held",
    "calendar.status.missed": "Missed",
    "calendar.status.not_needed": "Not needed (the sessions the stage asks for were held)",
    "calendar.status.planned": "Planned",
    "calendar.status.tentative": "Tentative: moves with the stages before it",
    "calendar.status.cancelled": "Cancelled",
    "calendar.status.met": "Met",
    "calendar.status.pending": "To come",
    "calendar.verdict": "Verdict: {verdict}",
    "calendar.description": "Stage: {stage}. {status}.",
    "calendar.description.none": "Follow-up. {status}.",
    # ------------------------------------------------------------ reports
    "report.title": "{kind} evaluation: {name}",
    "report.employee": "Employee",
    "report.programme": "Programme",
    "report.template": "Template",
    "report.evaluation": "Evaluation",
    "report.stage": 'stage "{stage}"',
    "report.recorded_at": "Recorded",
    "report.raters": "Raters",
    "report.times": "Times in {zone}",
    "report.verdict": "Verdict: {verdict}",
    "report.why": "Why",
    "report.no_concerns": "No concerns.",
    "report.objectives": "Objectives",
    "report.objective": "Objective",
    "report.horizon": "Horizon",
    "report.progress": "Progress",
    "report.not_recorded": "not recorded",
    "report.no_objectives": "No objectives agreed yet.",
    "report.attainment": "Objectives attained: {attained} (expected {expected}).",
    "report.attainment_unknown": (
        "No progress recorded on the objectives yet (expected {expected}): not counted as 0%."
    ),
    "report.scores": "Scores by dimension",
    "report.dimension": "Dimension",
    "report.others": "others",
    "report.mean": "Mean",
    "report.compared": "Like for like",
    "report.baseline": "Baseline",
    "report.change": "Change",
    "report.overall": "Overall",
    "report.no_scores": "No scores for this evaluation.",
    "report.basis.same_raters": "Change measured on the same raters: {roles}.",
    "report.basis.same_roles": "Change measured on the same roles: {roles}.",
    "report.merged": "Others: {roles}, too few to be shown on their own.",
    "report.withheld": "Scores of {role} withheld: {answered} answered, too few to show.",
    "report.unknown_number": "an unknown number",
    "report.chart": "Dimensions: baseline and now",
    "report.chart_baseline": "Baseline",
    "report.chart_now": "Now",
    "report.comments": "Comments",
    "report.comments_general": "General",
    "report.no_comments": "No comments.",
    "report.comments_withheld": (
        "Comments withheld: {n}, from a role with too few raters for its scores to be shown."
    ),
    "report.attendance": "Attendance",
    "report.attendance_line": "Sessions held: {held}, missed: {missed} (attendance {rate}).",
    "report.no_sessions": "No sessions recorded yet.",
    "report.session": "Session",
    "report.status": "Status",
    "report.date": "Date",
    "report.notes": "Notes",
    "report.expectations": "The client's expectations",
    "report.next": "What to look at next",
    "report.evidence": "Evidence",
    "report.changed_on": "(changed on {date})",
    "report.target": "(target {target})",
    "report.note": "Check-in note",
    "report.self": "Self",
    "report.self_gap": "Self - others",
    "report.self_note": (
        "Mean: the others' answers (the gate's roles but the employee); the self-rating is "
        "shown beside it with its gap, never averaged in."
    ),
    "evidence.answers": "Answers: {answers} (asked: {quorum} of {roles}).",
    "evidence.weighed": "Weighed in the verdict: {roles}.",
    "evidence.objectives": (
        "Objectives measured since their starting point: {measured} of {agreed}."
    ),
    "evidence.sessions": "Sessions recorded: {sessions}.",
    "evidence.levels": "Evidence for: {levels}.",
    "evidence.unweighed": "Answered outside the gate (shown, not weighed): {roles}.",
    "level.reaction": "reaction (the client's expectations)",
    "level.behaviour": "behaviour (what others saw)",
    "level.results": "results (the objectives)",
    "report.changed": "Changed",
    "report.added": "added by amendment {n}",
    "report.reworded": "reworded by amendment {n}",
    "report.amendment": "Amendment {n}: {reason}",
    "report.amendment_removed": " (removed: {ids})",
    "report.footer": "Rendered by parcours from the programme's events.",
    # ------------------------------------------------------------ what to look at next
    "next.no_feedback": "Ask the raters for their feedback: this evaluation has no scores.",
    "next.scores_down": "Talk through the dimensions that went down with the coach.",
    "next.attendance": "Plan the sessions still ahead with the coach: attendance is low.",
    "next.behind": "Review the objectives that are behind plan and agree next steps.",
    "next.unrecorded": "Record progress on the objectives ({count} without any yet).",
    "next.no_objectives": "Agree the objectives with the coach.",
    "next.lowest": "Work on {dimension}, the lowest dimension ({score}).",
    "next.lowest_tied": "Work on {dimensions}, the lowest dimensions, tied at {score}.",
    "next.all_equal": "Every dimension is at {score}: pick one to work on with the coach.",
    "next.hidden": "More raters of the same role would let their scores be shown.",
    "next.keep_going": "Keep the pace: the programme is on track.",
    # ------------------------------------------------------------ reasons (domain.verdict)
    "reason.expectations_unrated": (
        "the {by} recorded their expectations; they have not said yet whether they were met"
    ),
    "reason.expectations_rated": "the {by} said their expectations were {how}: {met}/5",
    "expectations.met": "met",
    "expectations.partly_met": "partly met",
    "expectations.not_met": "not met",
    "expectations.expected": "Expected by the {by}: {text}",
    "expectations.rating": "Met: {met}/5 ({how})",
    "expectations.not_rated": "Not rated yet",
    "expectations.comment": "Comment: {text}",
    "reason.no_feedback": "nobody gave feedback for this evaluation, so it has no scores",
    "reason.baseline": (
        "baseline recorded: {overall} from {raters}; later evaluations are compared with it"
    ),
    "reason.overall": "overall {score}",
    "reason.no_overall": "no overall score",
    "reason.no_baseline": "there is no baseline to compare the scores with",
    "reason.not_comparable": (
        "the scores cannot be compared with the baseline: no role answered both times "
        "(baseline: {roles})"
    ),
    "reason.down_off": "scores are down {change} since the baseline, 1 point or more ({basis})",
    "reason.down_risk": (
        "scores are down {change} since the baseline, more than the {tolerance} allowed ({basis})"
    ),
    "reason.up": "scores are up {change} since the baseline ({basis})",
    "reason.steady": (
        "scores are steady since the baseline: {change}, within ±{tolerance} ({basis})"
    ),
    "basis.same_raters": "like for like: the same {raters}",
    "basis.same_roles": "like for like by role: {roles}",
    "basis.same_people": ", {raters} the same people",
    "basis.new": "; {roles} left out, none in the baseline",
    "basis.gone": "; {roles} left out, none this time",
    "reason.attendance": "attendance {rate}: {held} of {total} held",
    "reason.under": ", under {limit}",
    "reason.no_objectives": "no objectives agreed yet",
    "reason.unrecorded": (
        "no progress recorded on the {objectives}: attainment unknown, not 0% ({plan})"
    ),
    "plan.final": "expected {expected} at the final evaluation",
    "plan.now": "expected {expected} by now",
    "plan.partial": (
        "; progress not recorded for {unrecorded} of {objectives}, counted on the others"
    ),
    "reason.behind": "objectives at {attained}, {gap} points behind plan ({plan})",
    "reason.behind_within": (
        "objectives at {attained}, {gap} points behind plan, within 25 ({plan})"
    ),
    "reason.on_plan": "objectives at {attained}, on plan ({plan})",
    "reason.ended": "ended early: {how} on day {day}{where}",
    "ended.withdrawn": "withdrawn",
    "ended.lapsed": "lapsed",
    "ended.stage": " in stage {stage}",
    "reason.insufficient": "not enough evidence to judge: {missing}",
    "missing.quorum": "answers from {have} of the {quorum} roles asked ({roles})",
    "missing.others": "no answer from others than the employee ({roles})",
    "missing.compare": "no baseline from others to compare their scores with",
    "missing.objectives": "no objectives agreed",
    "missing.measured": "no objective measured since its starting point",
    "missing.sessions": "no session recorded",
    "missing.final": "it ended before its last evaluation",
    "reason.self": (
        "self-rating {own} beside others' {others}: a gap of {gap} (shown, not weighed)"
    ),
    "reason.unweighed": "{roles} answered outside the gate: shown, not weighed",
    "note.merged": "{roles} merged into others: too few to be shown on their own",
    "note.withheld": "{role} scores withheld: {answered} answered, {needed} needed to show them",
    "note.unknown": "an unknown number",
    "note.baseline_hidden": "the baseline's scores were merged or withheld",
    "note.like_for_like": (
        "{role} like for like withheld: it would single a rater out, {needed} needed to show it"
    ),
    "note.suffix": "{parts} (the change since the baseline is not shown)",
}
