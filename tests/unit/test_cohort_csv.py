"""A cohort's CSV: ids, and contacts inline (``manager_name``, ``manager_email``, ...) that
fill the people directory; a bad row names its line and its column, the others go on."""

from __future__ import annotations

import pytest

from domain.people import Contact
from gateway.client.cohort import COLUMNS, Contacts, read_csv
from gateway.client.models import Participant

HEADER = "employee_id,name,email,manager_id,manager_name,manager_email,hr_id,hr_name"


def _read(*rows: str, header: str = HEADER) -> tuple[dict[int, Participant], dict[int, str]]:
    good, bad = read_csv("\n".join((header, *rows)) + "\n")
    return dict(good), {r.line or 0: r.reason or "" for r in bad}


def test_contacts_inline_are_read_with_their_ids() -> None:
    good, bad = _read(
        "E1,Ann,ann@x.io,M1,Mary Major,mary@x.io,H1,Hugo",
        "E2,Bob,bob@x.io,M1,Mary Major,mary@x.io,,",
        "E3,Cy,cy@x.io,M2,,,,",
    )
    assert bad == {}
    assert good[2].manager == Contact(id="M1", name="Mary Major", email="mary@x.io")
    assert good[2].hr == Contact(id="H1", name="Hugo")  # no email: webhook and outbox only
    assert good[2].holders().manager == "M1"
    assert good[3].manager == good[2].manager  # the same person, given twice alike
    assert good[4].manager is None
    assert good[4].holders().manager == "M2"
    assert Contacts.of(good.values()) == [good[2].manager, good[2].hr]


def test_a_bad_contact_names_its_line_and_column_and_the_others_go_on() -> None:
    good, bad = _read(
        "E1,Ann,ann@x.io,M1,Mary Major,mary@x.io,,",
        "E2,Bob,bob@x.io,,Nobody,nobody@x.io,,",  # line 3: a contact needs its id
        "E3,Cy,cy@x.io,M3,,m3@x.io,,",  # line 4: an email needs a name
        "E4,Di,di@x.io,M4,Mo,not-an-email,,",  # line 5
        "E5,Ed,ed@x.io,M1,Mary Major,other@x.io,,",  # line 6: M1 again, otherwise
        "E6,Flo,flo@x.io,M6,Mo,m6@x.io,H6,",  # line 7: fine, hr by id only
    )
    assert sorted(good) == [2, 7]
    assert bad.pop(5).startswith("manager_email: must be an email address")
    assert bad == {
        3: "manager_id: needed with manager_name and manager_email",
        4: "manager_name: needed with manager_email",
        6: "manager: M1 is given with other contacts on line 2",
    }
    assert good[7].hr is None
    assert good[7].hr_id == "H6"


@pytest.mark.parametrize("role", ["coach", "manager", "sponsor", "hr"])
def test_every_role_has_its_contact_columns(role: str) -> None:
    assert {f"{role}_id", f"{role}_name", f"{role}_email"} <= set(COLUMNS)
    header = f"employee_id,name,email,{role}_id,{role}_name,{role}_email"
    good, bad = _read("E1,Ann,ann@x.io,P1,Pat,pat@x.io", header=header)
    assert bad == {}
    assert getattr(good[2], role) == Contact(id="P1", name="Pat", email="pat@x.io")


def test_an_unknown_column_is_refused_naming_the_ones_known() -> None:
    with pytest.raises(ValueError, match=r"unknown column.*manager_phone.*manager_email"):
        read_csv("employee_id,name,email,manager_phone\nE1,Ann,ann@x.io,1\n")
