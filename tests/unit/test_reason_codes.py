"""Reasons as codes (rules 7): stored as codes with their figures, read through gettext
catalogues in English, French and German; the catalogues complete and up to date; the
English sentences of the programmes before rules 7 unchanged."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from adapters.language.formats import Reader
from adapters.language.reasons import LOCALES, MESSAGES, load, reasons_in
from domain import reasons as r
from domain.confidentiality import minimums, shown
from domain.evaluate import evaluate
from domain.evaluation import Evaluation, Rating
from domain.expectations import Expectations
from domain.reasons import CODES, Reason, english
from domain.template import EvaluationKind, Role
from domain.verdict import Attendance

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("en", "fr", "de")


def _po(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "parcours.po"


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_message_is_translated_in_each_shipped_catalogue(lang: str) -> None:
    with _po(lang).open("rb") as fp:
        catalog = read_po(fp, locale=lang)
    with (LOCALES / "parcours.pot").open("rb") as fp:
        template = read_po(fp)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    given = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    assert wanted - set(given) == set(), f"{lang}: not in the catalogue (pybabel update)"
    untranslated = [
        key
        for key, message in given.items()
        if not all(message.string)
        if isinstance(message.string, tuple) or not message.string or "fuzzy" in message.flags
    ]
    assert untranslated == [], f"{lang}: no translation"


def test_the_template_holds_every_message_the_code_marks(tmp_path: Path) -> None:
    """Extracted again, the messages are those of the shipped template (pybabel extract)."""
    pybabel = shutil.which("pybabel", path=str(Path(sys.executable).parent))
    assert pybabel is not None
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [pybabel, "extract", "-F", "babel.cfg", "-k", "Np_:1,2", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    ids = []
    for path in (out, LOCALES / "parcours.pot"):
        with path.open("rb") as fp:
            ids.append({str(m.id) for m in read_po(fp) if m.id})
    assert ids[0] == ids[1]


def test_every_code_has_a_message() -> None:
    assert set(CODES) <= set(MESSAGES)


def test_a_fresh_clone_compiles_its_catalogue_on_first_use(tmp_path: Path) -> None:
    po = tmp_path / "parcours.po"
    shutil.copy(_po("fr"), po)
    assert not po.with_suffix(".mo").exists()
    assert load(po, "fr").gettext("nobody") == "personne"


def _evaluation(codes: bool, **kw: Any) -> Evaluation:
    keys = ("vision", "courage")
    then = [
        Rating(Role.employee, "e", dict.fromkeys(keys, 3)),
        Rating(Role.manager, "m", dict.fromkeys(keys, 3)),
    ]
    now = [
        Rating(Role.employee, "e", dict.fromkeys(keys, 2)),
        Rating(Role.manager, "m", dict.fromkeys(keys, 2)),
    ]
    baseline = evaluate(
        kind=EvaluationKind.baseline, stage="a", dimensions=keys, ratings=then, baseline=None,
        progress=[], attendance=Attendance(held=0, missed=0), expected_attainment=0, codes=codes,
    )  # fmt: skip
    return evaluate(
        kind=EvaluationKind.final, stage="b", dimensions=keys, ratings=now, baseline=baseline,
        baseline_ratings=then, progress=[40, None], attendance=Attendance(held=1, missed=3),
        expected_attainment=100, codes=codes,
        expectations=Expectations(by=Role.sponsor, expected="x", met=2), **kw,
    )  # fmt: skip


def test_under_rules_7_reasons_are_codes_and_the_english_is_as_before() -> None:
    before = _evaluation(codes=False)
    after = _evaluation(codes=True)
    assert after.codes
    assert not after.reasons
    assert tuple(english(c) for c in after.codes) == before.reasons
    assert [c.code for c in after.codes] == [
        r.DOWN_OFF,
        r.ATTENDANCE,
        r.BEHIND,
        r.EXPECTATIONS_RATED,
    ]


def test_the_fall_that_is_off_track_follows_the_scale() -> None:
    """A fall of 1.00: off track on 1..5; on 1..4 under rules 7, 0.75 is already off."""
    ev = _evaluation(codes=True, drop=0.75)
    (down, *_) = ev.codes
    assert (down.code, down.params["drop"]) == (r.DOWN_OFF, 0.75)
    assert english(down).startswith("scores are down 1.00 since the baseline, 0.75 points or more")


EN = [
    "scores are down 1.00 since the baseline, 1 point or more (like for like: the same 2 raters)",
    "attendance 25%: 1 of 4 sessions held, under 50%",
]
FR = [
    "scores en baisse de 1,00 depuis le point de départ, 1 point ou plus "
    "(à périmètre égal : les mêmes 2 évaluateurs)",
    "assiduité 25 % : 1 sur 4 séances tenues, sous 50 %",
]
DE = [
    "die Werte sind seit dem Ausgangswert um 1,00 gesunken, 1 Punkt oder mehr "
    "(vergleichbar: dieselben 2 Bewertende)",
    "Teilnahme 25 %: 1 von 4 Sitzungen gehalten, unter 50 %",
]


@pytest.mark.parametrize(("lang", "words"), [("en", EN), ("fr", FR), ("de", DE)])
def test_codes_read_in_the_readers_language(lang: str, words: list[str]) -> None:
    said = reasons_in(_evaluation(codes=True).codes, Reader.of(lang, "UTC"))
    assert [s.replace("\u202f", " ").replace("\xa0", " ") for s in said[:2]] == words
    if lang != "en":
        assert not any("baseline" in s or "behind plan" in s or "held" in s for s in said)


def test_the_hidden_note_is_a_code_too() -> None:
    ev = _evaluation(codes=True)
    least = minimums(None) | {Role.manager: 2}
    hidden = shown(ev, least)
    codes = [c.code for c in hidden.codes]
    assert r.DOWN_OFF not in codes
    assert codes[-1] == r.HIDDEN
    assert hidden.reasons == ()
    (note,) = reasons_in(hidden.codes[-1:], Reader.of("fr", "UTC"))
    assert note.startswith("scores retenus (manager) : 1 réponses, 2 nécessaires")


def test_an_unknown_code_is_said_not_dropped() -> None:
    assert reasons_in([Reason(code="self_others_gap")], Reader.of("fr", "UTC")) == [
        "self others gap"
    ]
