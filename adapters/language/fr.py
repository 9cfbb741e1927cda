"""Français : chaque message que parcours écrit, par clé (gabarits ``str.format``)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------ notifications
    "notice.none": "non précisé",
    "notice.follow_up": "Suivi",
    "notice.reminder.subject": "Rappel : « {stage} » est à rendre le {deadline}",
    "notice.reminder.body": (
        "Bonjour {name},\n\n"
        "Dans votre programme « {programme} », l'étape « {stage} » est à terminer "
        "le {deadline}.\n"
        "Merci de faire ce qu'elle demande d'ici là.\n"
    ),
    "notice.escalation.subject": "En retard : « {stage} » pour {name} ({programme})",
    "notice.escalation.body": (
        "Dans le programme « {programme} » de {name}, l'étape « {stage} » était à terminer "
        "le {deadline} et n'est toujours pas close.\n"
        "Ceci est la relance n° {step}, adressée à : {roles}.\n"
    ),
    "notice.session_reminder.subject": "Séance {session} de {programme} : {session_at}",
    "notice.session_reminder.body": (
        "Bonjour {name},\n\n"
        "La séance {session} de votre programme « {programme} » (étape « {stage} ») "
        "est prévue le {session_at}.\n"
    ),
    "notice.evaluation_ready.subject": "Évaluation disponible : {programme}, {stage}",
    "notice.evaluation_ready.body": (
        "Bonjour {name},\n\n"
        "Une évaluation du programme « {programme} » a été enregistrée à l'étape "
        "« {stage} ».\n"
    ),
    "notice.invitation.subject": "{programme} : {sessions_short}",
    "notice.invitation.body": (
        "Bonjour {name},\n\n"
        "Le programme « {programme} » (étape « {stage} ») prévoit :\n{sessions}\n"
        "L'invitation jointe le place dans votre agenda et le tient à jour.\n"
    ),
    "notice.invitation_cancel.subject": "Annulée : {programme}, {sessions_short}",
    "notice.invitation_cancel.body": (
        "Bonjour {name},\n\n"
        "Dans le programme « {programme} » (étape « {stage} »), annulée d'un commun "
        "accord :\n{sessions}\n"
    ),
    "notice.invitation.session": "séance {number} : {when}",
    "notice.link": "\nOù en est le programme : {link}\n",
    "notice.footer": ("\n-- parcours (programme {programme_id}, envoi {delivery_id})\n"),
    # ------------------------------------------------------------ mots
    "and": "{first} et {last}",
    "count.rater.one": "{n} évaluateur",
    "count.rater.other": "{n} évaluateurs",
    "count.session.one": "{n} séance",
    "count.session.other": "{n} séances",
    "count.objective.one": "{n} objectif",
    "count.objective.other": "{n} objectifs",
    "kind.baseline": "initiale",
    "kind.midpoint": "intermédiaire",
    "kind.final": "finale",
    "kind.closing": "de clôture",
    "kind.follow_up": "de suivi",
    "verdict.on_track": "En bonne voie",
    "verdict.at_risk": "À surveiller",
    "verdict.off_track": "En difficulté",
    "verdict.insufficient_evidence": "Pas assez d'éléments pour juger",
    "role.employee": "salarié",
    "role.coach": "coach",
    "role.manager": "manager",
    "role.peer": "pairs",
    "role.direct_report": "collaborateurs directs",
    "role.sponsor": "commanditaire",
    "role.hr": "RH",
    "dimension.strengths": "Forces",
    "dimension.talents": "Talents",
    "dimension.areas_to_develop": "Axes de progrès",
    "dimension.motivation": "Motivation",
    "dimension.adaptability": "Adaptabilité au changement",
    "horizon.short_term": "court terme",
    "horizon.long_term": "long terme",
    "session.held": "tenue",
    "session.missed": "manquée",
    "session.unrecorded": "non enregistrée avant l'échéance de l'étape",
    "session.not_needed": "non nécessaire",
    # ------------------------------------------------------------ calendrier
    "calendar.name": "{programme} : {name}",
    "calendar.session": "{programme} : séance {number}",
    "calendar.deadline": "{programme} : échéance de l'étape « {stage} »",
    "calendar.evaluation": "{programme} : évaluation {kind}",
    "calendar.status.held": "Tenue",
    "calendar.status.missed": "Manquée",
    "calendar.status.not_needed": "Non nécessaire (les séances demandées par l'étape ont eu lieu)",
    "calendar.status.planned": "Prévue",
    "calendar.status.tentative": "Provisoire : suit les étapes précédentes",
    "calendar.status.cancelled": "Annulée",
    "calendar.status.met": "Respectée",
    "calendar.status.pending": "À venir",
    "calendar.verdict": "Verdict : {verdict}",
    "calendar.description": "Étape : {stage}. {status}.",
    "calendar.description.none": "Suivi. {status}.",
    # ------------------------------------------------------------ rapports
    "report.title": "Évaluation {kind} : {name}",
    "report.employee": "Salarié",
    "report.programme": "Programme",
    "report.template": "Modèle",
    "report.evaluation": "Évaluation",
    "report.stage": "étape « {stage} »",
    "report.recorded_at": "Enregistrée le",
    "report.raters": "Évaluateurs",
    "report.times": "Heures en {zone}",
    "report.verdict": "Verdict : {verdict}",
    "report.why": "Pourquoi",
    "report.no_concerns": "Rien à signaler.",
    "report.objectives": "Objectifs",
    "report.objective": "Objectif",
    "report.horizon": "Horizon",
    "report.progress": "Avancement",
    "report.not_recorded": "non renseigné",
    "report.no_objectives": "Aucun objectif convenu pour l'instant.",
    "report.attainment": "Objectifs atteints : {attained} (attendu : {expected}).",
    "report.attainment_unknown": (
        "Aucun avancement renseigné sur les objectifs (attendu : {expected}) : "
        "ce n'est pas compté comme 0 %."
    ),
    "report.scores": "Notes par dimension",
    "report.dimension": "Dimension",
    "report.others": "autres",
    "report.mean": "Moyenne",
    "report.compared": "À périmètre égal",
    "report.baseline": "Initiale",
    "report.change": "Évolution",
    "report.overall": "Ensemble",
    "report.no_scores": "Aucune note pour cette évaluation.",
    "report.basis.same_raters": "Évolution mesurée sur les mêmes évaluateurs : {roles}.",
    "report.basis.same_roles": "Évolution mesurée sur les mêmes rôles : {roles}.",
    "report.merged": "Autres : {roles}, trop peu nombreux pour être montrés à part.",
    "report.withheld": "Notes des {role} non montrées : {answered} réponses, trop peu.",
    "report.unknown_number": "un nombre inconnu de",
    "report.chart": "Dimensions : évaluation initiale et maintenant",
    "report.chart_baseline": "Initiale",
    "report.chart_now": "Maintenant",
    "report.comments": "Commentaires",
    "report.comments_general": "Général",
    "report.no_comments": "Aucun commentaire.",
    "report.comments_withheld": (
        "Commentaires non montrés : {n}, d'un rôle trop peu nombreux pour que ses notes"
        " soient montrées."
    ),
    "report.attendance": "Assiduité",
    "report.attendance_line": ("Séances tenues : {held}, manquées : {missed} (assiduité {rate})."),
    "report.no_sessions": "Aucune séance enregistrée pour l'instant.",
    "report.session": "Séance",
    "report.status": "Statut",
    "report.date": "Date",
    "report.notes": "Notes",
    "report.expectations": "Les attentes du client",
    "report.next": "Points d'attention pour la suite",
    "report.evidence": "Éléments",
    "report.changed_on": "(changé le {date})",
    "report.target": "(cible {target})",
    "report.note": "Note du point",
    "report.self": "Soi",
    "report.self_gap": "Soi - autres",
    "report.self_note": (
        "Moyenne : les réponses des autres (les rôles de l'étape hors le salarié) ; "
        "l'auto-évaluation est montrée à côté avec son écart, jamais moyennée avec elles."
    ),
    "evidence.answers": "Réponses : {answers} (demandé : {quorum} parmi {roles}).",
    "evidence.weighed": "Pris en compte dans le verdict : {roles}.",
    "evidence.objectives": (
        "Objectifs mesurés depuis leur point de départ : {measured} sur {agreed}."
    ),
    "evidence.sessions": "Séances enregistrées : {sessions}.",
    "evidence.levels": "Éléments pour : {levels}.",
    "evidence.unweighed": "Ont répondu hors du périmètre (montrés, non pris en compte) : {roles}.",
    "level.reaction": "réaction (les attentes du client)",
    "level.behaviour": "comportement (ce que les autres ont vu)",
    "level.results": "résultats (les objectifs)",
    "report.changed": "Modifié",
    "report.added": "ajouté par l'avenant {n}",
    "report.reworded": "reformulé par l'avenant {n}",
    "report.amendment": "Avenant {n} : {reason}",
    "report.amendment_removed": " (retirés : {ids})",
    "report.footer": "Produit par parcours à partir des événements du programme.",
    # ------------------------------------------------------------ pour la suite
    "next.no_feedback": (
        "Demander leurs retours aux évaluateurs : cette évaluation n'a aucune note."
    ),
    "next.scores_down": "Revoir avec le coach les dimensions en baisse.",
    "next.attendance": "Planifier avec le coach les séances à venir : l'assiduité est faible.",
    "next.behind": "Revoir les objectifs en retard sur le plan et convenir de la suite.",
    "next.unrecorded": "Renseigner l'avancement des objectifs ({count} sans aucun pour l'instant).",
    "next.no_objectives": "Convenir des objectifs avec le coach.",
    "next.lowest": "Travailler la dimension « {dimension} », la plus basse ({score}).",
    "next.lowest_tied": (
        "Travailler {dimensions}, les dimensions les plus basses, à égalité à {score}."
    ),
    "next.all_equal": (
        "Toutes les dimensions sont à {score} : en choisir une à travailler avec le coach."
    ),
    "next.hidden": "Davantage d'évaluateurs du même rôle permettraient de montrer leurs notes.",
    "next.keep_going": "Garder le rythme : le programme est en bonne voie.",
    # ------------------------------------------------------------ raisons (domain.verdict)
    "reason.expectations_unrated": (
        "le {by} a exprimé ses attentes ; il n'a pas encore dit si elles ont été satisfaites"
    ),
    "reason.expectations_rated": "selon le {by}, ses attentes ont été {how} : {met}/5",
    "expectations.met": "satisfaites",
    "expectations.partly_met": "en partie satisfaites",
    "expectations.not_met": "non satisfaites",
    "expectations.expected": "Attendu par le {by} : {text}",
    "expectations.rating": "Satisfaction : {met}/5 ({how})",
    "expectations.not_rated": "Pas encore évaluées",
    "expectations.comment": "Commentaire : {text}",
    "reason.no_feedback": "personne n'a donné de retour pour cette évaluation : aucune note",
    "reason.baseline": (
        "évaluation initiale enregistrée : {overall}, par {raters} ; les évaluations "
        "suivantes lui seront comparées"
    ),
    "reason.overall": "note d'ensemble {score}",
    "reason.no_overall": "pas de note d'ensemble",
    "reason.no_baseline": "il n'y a pas d'évaluation initiale à laquelle comparer les notes",
    "reason.not_comparable": (
        "les notes ne peuvent pas être comparées à l'évaluation initiale : aucun rôle n'a "
        "répondu les deux fois (initiale : {roles})"
    ),
    "reason.down_off": (
        "les notes baissent de {change} depuis l'évaluation initiale, 1 point ou plus ({basis})"
    ),
    "reason.down_risk": (
        "les notes baissent de {change} depuis l'évaluation initiale, plus que les "
        "{tolerance} tolérés ({basis})"
    ),
    "reason.up": "les notes progressent de {change} depuis l'évaluation initiale ({basis})",
    "reason.steady": (
        "les notes sont stables depuis l'évaluation initiale : {change}, dans la marge de "
        "±{tolerance} ({basis})"
    ),
    "basis.same_raters": "à périmètre égal : les mêmes {raters}",
    "basis.same_roles": "à périmètre égal par rôle : {roles}",
    "basis.same_people": ", mêmes personnes pour {raters}",
    "basis.new": " ; écartés : {roles}, absents de l'évaluation initiale",
    "basis.gone": " ; écartés : {roles}, absents cette fois",
    "reason.attendance": "assiduité {rate} : {held} sur {total} tenues",
    "reason.under": ", sous {limit}",
    "reason.no_objectives": "aucun objectif convenu pour l'instant",
    "reason.unrecorded": (
        "aucun avancement renseigné sur les {objectives} : atteinte inconnue, pas 0 % ({plan})"
    ),
    "plan.final": "{expected} attendus à l'évaluation finale",
    "plan.now": "{expected} attendus à ce stade",
    "plan.partial": (
        " ; avancement non renseigné pour {unrecorded} sur {objectives}, calculé sur les autres"
    ),
    "reason.behind": "objectifs atteints à {attained}, {gap} points de retard sur le plan ({plan})",
    "reason.behind_within": (
        "objectifs atteints à {attained}, {gap} points de retard sur le plan, moins de 25 ({plan})"
    ),
    "reason.on_plan": "objectifs atteints à {attained}, conformes au plan ({plan})",
    "reason.ended": "arrêté avant son terme : {how} le jour {day}{where}",
    "ended.withdrawn": "retiré",
    "ended.lapsed": "expiré",
    "ended.stage": ", à l'étape {stage}",
    "reason.insufficient": "pas assez d'éléments pour juger : {missing}",
    "missing.quorum": "réponses de {have} des {quorum} rôles demandés ({roles})",
    "missing.others": "aucune réponse d'autres que le salarié ({roles})",
    "missing.compare": "pas d'évaluation initiale des autres à laquelle comparer leurs notes",
    "missing.objectives": "aucun objectif convenu",
    "missing.measured": "aucun objectif mesuré depuis son point de départ",
    "missing.sessions": "aucune séance enregistrée",
    "missing.final": "il s'est arrêté avant sa dernière évaluation",
    "reason.self": (
        "auto-évaluation {own} à côté de {others} pour les autres : un écart de {gap} "
        "(montré, non pris en compte)"
    ),
    "reason.unweighed": "{roles} ont répondu hors du périmètre : montrés, non pris en compte",
    "note.merged": (
        "regroupés dans « autres » : {roles}, trop peu nombreux pour être montrés à part"
    ),
    "note.withheld": (
        "notes des {role} non montrées : {answered} réponses, {needed} nécessaires pour les montrer"
    ),
    "note.unknown": "un nombre inconnu de",
    "note.baseline_hidden": "les notes de l'évaluation initiale ont été regroupées ou masquées",
    "note.like_for_like": (
        "comparaison à personnes égales des {role} non montrée : elle isolerait une personne,"
        " {needed} nécessaires pour la montrer"
    ),
    "note.suffix": "{parts} (l'évolution depuis l'évaluation initiale n'est pas montrée)",
}
