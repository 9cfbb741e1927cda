"""Deutsch: jede Nachricht, die parcours schreibt, nach Schlüssel (``str.format``-Vorlagen)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------ notifications
    "notice.none": "nicht angegeben",
    "notice.follow_up": "Nachbewertung",
    "notice.reminder.subject": "Erinnerung: „{stage}“ ist am {deadline} fällig",
    "notice.reminder.body": (
        "Hallo {name},\n\n"
        "in Ihrem Programm „{programme}“ ist der Abschnitt „{stage}“ am {deadline} fällig.\n"
        "Bitte erledigen Sie bis dahin, was er verlangt.\n"
    ),
    "notice.escalation.subject": "Überfällig: „{stage}“ für {name} ({programme})",
    "notice.escalation.body": (
        "Im Programm „{programme}“ von {name} war der Abschnitt „{stage}“ am {deadline} "
        "fällig und ist noch offen.\n"
        "Dies ist Eskalationsstufe {step}, gerichtet an: {roles}.\n"
    ),
    "notice.session_reminder.subject": "Sitzung {session} von {programme}: {session_at}",
    "notice.session_reminder.body": (
        "Hallo {name},\n\n"
        "Sitzung {session} Ihres Programms „{programme}“ (Abschnitt „{stage}“) "
        "ist für {session_at} geplant.\n"
    ),
    "notice.evaluation_ready.subject": "Bewertung verfügbar: {programme}, {stage}",
    "notice.evaluation_ready.body": (
        "Hallo {name},\n\n"
        "Eine Bewertung des Programms „{programme}“ wurde im Abschnitt „{stage}“ erfasst.\n"
    ),
    "notice.invitation.subject": "{programme}: {sessions_short}",
    "notice.invitation.body": (
        "Hallo {name},\n\n"
        "Das Programm „{programme}“ (Phase „{stage}“) hat geplant:\n{sessions}\n"
        "Die angehängte Einladung trägt es in Ihren Kalender ein und hält es aktuell.\n"
    ),
    "notice.invitation_cancel.subject": "Abgesagt: {programme}, {sessions_short}",
    "notice.invitation_cancel.body": (
        "Hallo {name},\n\n"
        "Im Programm „{programme}“ (Phase „{stage}“) einvernehmlich abgesagt:\n"
        "{sessions}\n"
    ),
    "notice.invitation.session": "Sitzung {number}: {when}",
    "notice.link": "\nWo das Programm steht: {link}\n",
    "notice.footer": ("\n-- parcours (Programm {programme_id}, Zustellung {delivery_id})\n"),
    # ------------------------------------------------------------ Wörter
    "and": "{first} und {last}",
    "count.rater.one": "{n} Bewertende Person",
    "count.rater.other": "{n} Bewertende",
    "count.session.one": "{n} Sitzung",
    "count.session.other": "{n} Sitzungen",
    "count.objective.one": "{n} Ziel",
    "count.objective.other": "{n} Ziele",
    "kind.baseline": "Ausgangsbewertung",
    "kind.midpoint": "Zwischenbewertung",
    "kind.final": "Abschlussbewertung",
    "kind.closing": "Schlussbewertung",
    "kind.follow_up": "Nachbewertung",
    "verdict.on_track": "Auf Kurs",
    "verdict.at_risk": "Gefährdet",
    "verdict.off_track": "Vom Kurs abgekommen",
    "role.employee": "Mitarbeitende Person",
    "role.coach": "Coach",
    "role.manager": "Führungskraft",
    "role.peer": "Kolleginnen und Kollegen",
    "role.direct_report": "direkte Mitarbeitende",
    "role.sponsor": "Auftraggeber",
    "role.hr": "Personalabteilung",
    "dimension.strengths": "Stärken",
    "dimension.talents": "Talente",
    "dimension.areas_to_develop": "Entwicklungsfelder",
    "dimension.motivation": "Motivation",
    "dimension.adaptability": "Anpassungsfähigkeit an Veränderungen",
    "horizon.short_term": "kurzfristig",
    "horizon.long_term": "langfristig",
    "session.held": "gehalten",
    "session.missed": "versäumt",
    "session.unrecorded": "bis zur Frist des Abschnitts nicht erfasst",
    "session.not_needed": "nicht nötig",
    # ------------------------------------------------------------ Berichte
    "report.title": "{kind}: {name}",
    "report.employee": "Mitarbeitende Person",
    "report.programme": "Programm",
    "report.template": "Vorlage",
    "report.evaluation": "Bewertung",
    "report.stage": "Abschnitt „{stage}“",
    "report.recorded_at": "Erfasst",
    "report.raters": "Bewertende",
    "report.times": "Zeiten in {zone}",
    "report.verdict": "Urteil: {verdict}",
    "report.why": "Warum",
    "report.no_concerns": "Keine Bedenken.",
    "report.objectives": "Ziele",
    "report.objective": "Ziel",
    "report.horizon": "Horizont",
    "report.progress": "Fortschritt",
    "report.not_recorded": "nicht erfasst",
    "report.no_objectives": "Noch keine Ziele vereinbart.",
    "report.attainment": "Zielerreichung: {attained} (erwartet {expected}).",
    "report.attainment_unknown": (
        "Noch kein Fortschritt bei den Zielen erfasst (erwartet {expected}): nicht als 0 % gezählt."
    ),
    "report.scores": "Werte nach Dimension",
    "report.dimension": "Dimension",
    "report.others": "andere",
    "report.mean": "Mittelwert",
    "report.compared": "Vergleichbar",
    "report.baseline": "Ausgangswert",
    "report.change": "Veränderung",
    "report.overall": "Gesamt",
    "report.no_scores": "Keine Werte für diese Bewertung.",
    "report.basis.same_raters": "Veränderung gemessen an denselben Bewertenden: {roles}.",
    "report.basis.same_roles": "Veränderung gemessen an denselben Rollen: {roles}.",
    "report.merged": "Andere: {roles}, zu wenige, um einzeln gezeigt zu werden.",
    "report.withheld": "Werte von {role} zurückgehalten: {answered} geantwortet, zu wenige.",
    "report.unknown_number": "eine unbekannte Zahl",
    "report.chart": "Dimensionen: Ausgangswert und jetzt",
    "report.chart_baseline": "Ausgangswert",
    "report.chart_now": "Jetzt",
    "report.comments": "Kommentare",
    "report.comments_general": "Allgemein",
    "report.no_comments": "Keine Kommentare.",
    "report.attendance": "Teilnahme",
    "report.attendance_line": (
        "Gehaltene Sitzungen: {held}, versäumt: {missed} (Teilnahme {rate})."
    ),
    "report.no_sessions": "Noch keine Sitzungen erfasst.",
    "report.session": "Sitzung",
    "report.status": "Status",
    "report.date": "Datum",
    "report.notes": "Notizen",
    "report.expectations": "Die Erwartungen des Auftraggebers",
    "report.next": "Worauf als Nächstes zu achten ist",
    "report.footer": "Von parcours aus den Ereignissen des Programms erstellt.",
    # ------------------------------------------------------------ als Nächstes
    "next.no_feedback": "Bitten Sie die Bewertenden um Feedback: diese Bewertung hat keine Werte.",
    "next.scores_down": "Besprechen Sie die gesunkenen Dimensionen mit dem Coach.",
    "next.attendance": (
        "Planen Sie die kommenden Sitzungen mit dem Coach: die Teilnahme ist gering."
    ),
    "next.behind": (
        "Prüfen Sie die Ziele, die hinter dem Plan liegen, und vereinbaren Sie Schritte."
    ),
    "next.unrecorded": "Erfassen Sie den Fortschritt der Ziele ({count} noch ohne).",
    "next.no_objectives": "Vereinbaren Sie die Ziele mit dem Coach.",
    "next.lowest": "Arbeiten Sie an {dimension}, der niedrigsten Dimension ({score}).",
    "next.lowest_tied": (
        "Arbeiten Sie an {dimensions}, den niedrigsten Dimensionen, gleichauf bei {score}."
    ),
    "next.all_equal": ("Alle Dimensionen liegen bei {score}: wählen Sie mit dem Coach eine aus."),
    "next.hidden": "Mehr Bewertende derselben Rolle würden deren Werte sichtbar machen.",
    "next.keep_going": "Halten Sie das Tempo: das Programm ist auf Kurs.",
    # ------------------------------------------------------------ Gründe (domain.verdict)
    "reason.expectations_unrated": (
        "{by} hat die Erwartungen erfasst, aber noch nicht gesagt, ob sie erfüllt wurden"
    ),
    "reason.expectations_rated": "{by} sagt, die Erwartungen wurden {how}: {met}/5",
    "expectations.met": "erfüllt",
    "expectations.partly_met": "teilweise erfüllt",
    "expectations.not_met": "nicht erfüllt",
    "expectations.expected": "Erwartet von {by}: {text}",
    "expectations.rating": "Erfüllt: {met}/5 ({how})",
    "expectations.not_rated": "Noch nicht bewertet",
    "expectations.comment": "Kommentar: {text}",
    "reason.no_feedback": "niemand hat für diese Bewertung Feedback gegeben, sie hat keine Werte",
    "reason.baseline": (
        "Ausgangswert erfasst: {overall} von {raters}; spätere Bewertungen werden damit verglichen"
    ),
    "reason.overall": "gesamt {score}",
    "reason.no_overall": "kein Gesamtwert",
    "reason.no_baseline": "es gibt keinen Ausgangswert, mit dem die Werte verglichen werden können",
    "reason.not_comparable": (
        "die Werte sind nicht mit dem Ausgangswert vergleichbar: keine Rolle hat beide Male "
        "geantwortet (Ausgangswert: {roles})"
    ),
    "reason.down_off": (
        "die Werte sind seit dem Ausgangswert um {change} gesunken, 1 Punkt oder mehr ({basis})"
    ),
    "reason.down_risk": (
        "die Werte sind seit dem Ausgangswert um {change} gesunken, mehr als die erlaubten "
        "{tolerance} ({basis})"
    ),
    "reason.up": "die Werte sind seit dem Ausgangswert um {change} gestiegen ({basis})",
    "reason.steady": (
        "die Werte sind seit dem Ausgangswert stabil: {change}, innerhalb von ±{tolerance} "
        "({basis})"
    ),
    "basis.same_raters": "vergleichbar: dieselben {raters}",
    "basis.same_roles": "vergleichbar nach Rolle: {roles}",
    "basis.same_people": ", {raters} dieselben Personen",
    "basis.new": "; {roles} nicht berücksichtigt, nicht im Ausgangswert",
    "basis.gone": "; {roles} nicht berücksichtigt, diesmal nicht dabei",
    "reason.attendance": "Teilnahme {rate}: {held} von {total} gehalten",
    "reason.under": ", unter {limit}",
    "reason.no_objectives": "noch keine Ziele vereinbart",
    "reason.unrecorded": (
        "kein Fortschritt bei den {objectives} erfasst: Zielerreichung unbekannt, nicht 0 % "
        "({plan})"
    ),
    "plan.final": "erwartet {expected} bei der Abschlussbewertung",
    "plan.now": "erwartet {expected} bis jetzt",
    "plan.partial": (
        "; Fortschritt für {unrecorded} von {objectives} nicht erfasst, an den anderen gemessen"
    ),
    "reason.behind": "Ziele bei {attained}, {gap} Punkte hinter dem Plan ({plan})",
    "reason.behind_within": (
        "Ziele bei {attained}, {gap} Punkte hinter dem Plan, innerhalb von 25 ({plan})"
    ),
    "reason.on_plan": "Ziele bei {attained}, im Plan ({plan})",
    "note.merged": "{roles} unter andere zusammengefasst: zu wenige, um einzeln gezeigt zu werden",
    "note.withheld": (
        "Werte von {role} zurückgehalten: {answered} geantwortet, {needed} nötig, um sie zu zeigen"
    ),
    "note.unknown": "eine unbekannte Zahl",
    "note.baseline_hidden": (
        "die Werte des Ausgangswerts wurden zusammengefasst oder zurückgehalten"
    ),
    "note.suffix": "{parts} (die Veränderung seit dem Ausgangswert wird nicht gezeigt)",
    "calendar.name": "{programme}: {name}",
    "calendar.session": "{programme}: Sitzung {number}",
    "calendar.deadline": "{programme}: „{stage}“ fällig",
    "calendar.evaluation": "{programme}: {kind}",
    "calendar.status.held": "Gehalten",
    "calendar.status.missed": "Versäumt",
    "calendar.status.not_needed": "Nicht nötig (die verlangten Sitzungen fanden statt)",
    "calendar.status.planned": "Geplant",
    "calendar.status.tentative": "Vorläufig: verschiebt sich mit den Phasen davor",
    "calendar.status.cancelled": "Abgesagt",
    "calendar.status.met": "Eingehalten",
    "calendar.status.pending": "Ausstehend",
    "calendar.verdict": "Urteil: {verdict}",
    "calendar.description": "Phase: {stage}. {status}.",
    "calendar.description.none": "Nachbetreuung. {status}.",
    # rules 5 (verdicts), the confidentiality notes and amendments (main's keys)
    "verdict.insufficient_evidence": "Nicht genug Belege für ein Urteil",
    "report.comments_withheld": (
        "Zurückgehaltene Kommentare: {n}, aus einer Rolle mit zu wenigen Bewertenden, "
        "als dass ihre Werte gezeigt würden."
    ),
    "report.evidence": "Belege",
    "report.changed_on": "(gewechselt am {date})",
    "report.target": "(Ziel {target})",
    "report.note": "Notiz zum Stand",
    "report.self": "Selbst",
    "report.self_gap": "Selbst - andere",
    "report.self_note": (
        "Mittelwert: die Antworten der anderen (die Rollen der Schwelle außer der "
        "Mitarbeitenden Person); die Selbsteinschätzung steht daneben mit ihrer Abweichung, "
        "nie eingerechnet."
    ),
    "evidence.answers": "Antworten: {answers} (angefragt: {quorum} von {roles}).",
    "evidence.weighed": "Im Urteil gewichtet: {roles}.",
    "evidence.objectives": "Seit ihrem Ausgangspunkt gemessene Ziele: {measured} von {agreed}.",
    "evidence.sessions": "Erfasste Sitzungen: {sessions}.",
    "evidence.levels": "Belege für: {levels}.",
    "evidence.unweighed": "Außerhalb der Schwelle geantwortet (gezeigt, nicht gewichtet): {roles}.",
    "level.reaction": "Reaktion (die Erwartungen der Klientin oder des Klienten)",
    "level.behaviour": "Verhalten (was andere sahen)",
    "level.results": "Ergebnisse (die Ziele)",
    "report.changed": "Geändert",
    "report.added": "hinzugefügt durch Änderung {n}",
    "report.reworded": "umformuliert durch Änderung {n}",
    "report.amendment": "Änderung {n}: {reason}",
    "report.amendment_removed": " (entfernt: {ids})",
    "reason.ended": "vorzeitig beendet: {how} an Tag {day}{where}",
    "ended.withdrawn": "zurückgezogen",
    "ended.lapsed": "abgelaufen",
    "ended.stage": " in Phase {stage}",
    "reason.insufficient": "nicht genug Belege für ein Urteil: {missing}",
    "missing.quorum": "Antworten von {have} der {quorum} angefragten Rollen ({roles})",
    "missing.others": "keine Antwort von anderen als der Mitarbeitenden Person ({roles})",
    "missing.compare": "kein Ausgangswert der anderen, um ihre Werte zu vergleichen",
    "missing.objectives": "keine Ziele vereinbart",
    "missing.measured": "kein Ziel seit seinem Ausgangspunkt gemessen",
    "missing.sessions": "keine Sitzung erfasst",
    "missing.final": "es endete vor seiner letzten Bewertung",
    "reason.self": (
        "Selbsteinschätzung {own} neben der der anderen, {others}: eine Abweichung von {gap} "
        "(gezeigt, nicht gewichtet)"
    ),
    "reason.unweighed": "{roles} antworteten außerhalb der Schwelle: gezeigt, nicht gewichtet",
    "note.like_for_like": (
        "Vergleich unter gleichen Bedingungen für {role} zurückgehalten: er würde eine "
        "bewertende Person kenntlich machen, {needed} nötig, um ihn zu zeigen"
    ),
}
