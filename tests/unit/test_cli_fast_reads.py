"""The CLI's read path (``gateway.cli.fast_reads``) keeps to what the full command does:
the views' fields, the filters' query, the settings it may read, the command lines it
serves. What it prints is compared with the typer app's in
``tests/e2e/test_cli_fast_reads.py``."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import pydantic_core
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from config import SettingsError
from config.loading import ENV_NAMES, OTHER_VARIABLES, SETTINGS_FILE_ENV, load_settings
from domain import ids
from domain.state import Status
from domain.view import ProgrammeView
from gateway.cli import fast_reads, read_checks
from gateway.cli.fast_reads import Reading
from gateway.cli.read_checks import FREE, MAP, Declined
from gateway.client.models import Filters
from tests.unit.test_cohort_frameworks import QUICK, _view
from workflows import search_attributes as sa
from workflows.messages import WORKFLOW_NAME

Shapes = dict[str, tuple[tuple[str, ...], ...] | str]


def shapes(annotation: Any, path: str = "", table: Shapes | None = None) -> Shapes:
    """Every object a model's JSON holds, by path, with its fields in order."""
    table = {} if table is None else table
    origin = get_origin(annotation)
    if origin is Annotated:
        shapes(get_args(annotation)[0], path, table)
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            shapes(arg, path, table)
    elif origin in (tuple, list):
        for arg in get_args(annotation):
            if arg is not Ellipsis:
                shapes(arg, f"{path}[]", table)
    elif origin is dict:
        table[path] = MAP
        shapes(get_args(annotation)[1], f"{path}{{}}", table)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = tuple(annotation.model_fields)
        known = table.get(path, ())
        assert isinstance(known, tuple)
        if fields not in known:
            table[path] = (*known, fields)
        for name, field in annotation.model_fields.items():
            shapes(field.annotation, f"{path}.{name}" if path else name, table)
    elif annotation is Any or "JsonValue" in repr(annotation):
        table[path] = FREE
    return table


def test_the_views_fields_are_the_models() -> None:
    assert shapes(ProgrammeView) == read_checks.VIEW_FIELDS


def test_a_view_of_other_fields_is_declined() -> None:
    written = _view(QUICK, 1, 2, 4).model_dump_json()  # as the worker answers the query
    view = read_checks.exact(written)  # evaluations' floats, maps and reasons written back
    read_checks.check_shape(view)
    older = {k: v for k, v in view.items() if k != "time_zone"}
    with pytest.raises(Declined):
        read_checks.check_shape(older)
    newer = {**view, "employee": {**view["employee"], "pronouns": "she"}}
    with pytest.raises(Declined):
        read_checks.check_shape(newer)


def test_json_python_would_write_otherwise_is_declined() -> None:
    written = pydantic_core.to_json({"mean": 3.25, "name": "Zoé \x1b", "n": 7}).decode()
    assert read_checks.exact(written) == {"mean": 3.25, "name": "Zoé \x1b", "n": 7}
    for value in (1e-7, 1e16, float("inf")):  # pydantic writes 1e-7, Python 1e-07
        written = pydantic_core.to_json({"mean": value}, inf_nan_mode="constants").decode()
        if json.dumps({"mean": value}, separators=(",", ":")) != written:
            with pytest.raises(Declined):
                read_checks.exact(written)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"stage": "agreement"},
        {"status": "running", "cohort": "c1"},
        {"stage": "s", "status": "paused", "cohort": "c", "employee": "E1", "template": "t"},
    ],
)
def test_the_query_is_the_filters(filters: dict[str, str]) -> None:
    given_ = tuple(
        (attribute, filters[option.removeprefix("--")])
        for option, attribute in fast_reads.FILTERS
        if option.removeprefix("--") in filters
    )
    assert fast_reads.query(given_) == Filters.model_validate(filters).query()


def test_the_constants_are_the_models() -> None:
    assert tuple(status.value for status in Status) == fast_reads.STATUSES
    assert fast_reads.WORKFLOW_NAME == WORKFLOW_NAME
    keys = (sa.PROGRAMME_STAGE, sa.PROGRAMME_STATUS, sa.COHORT_ID, sa.EMPLOYEE_ID, sa.TEMPLATE_ID)
    assert [attribute for _, attribute in fast_reads.FILTERS] == [key.name for key in keys]
    assert set(fast_reads.SERVED_SETTINGS) <= set(ENV_NAMES.values())
    # The identifiers' patterns, copied so that the read path does not import pydantic.
    assert f"^{fast_reads._VALUE.pattern}$" == ids.IDENTIFIER_PATTERN
    assert f"^{fast_reads._PROGRAMME.pattern}$" == ids._ANY_PROGRAMME_ID.pattern
    settings = {name for name in ENV_NAMES.values() if name.startswith(("PARCOURS_", "TEMPORAL_"))}
    assert set(fast_reads.SETTINGS) == settings | {SETTINGS_FILE_ENV}


@given(st.text(min_size=1, max_size=40))
def test_an_address_it_takes_the_settings_take_as_it_is(address: str) -> None:
    if not fast_reads._host_port(address):
        return
    try:
        settings = load_settings(temporal_address=address)
    except SettingsError as exc:
        pytest.fail(f"{address!r} taken here, refused by the settings: {exc}")
    assert settings.temporal_address == address


@pytest.mark.parametrize(
    ("args", "reading"),
    [
        (["show", "p.E1", "--json"], Reading("show", True, programme_id="p.E1")),
        (
            ["show", "--json", "--address=h:1", "p.E1", "--namespace", "n"],
            Reading("show", True, programme_id="p.E1", address="h:1", namespace="n"),
        ),
        (["list"], Reading("list", False)),
        (
            ["list", "--status", "running", "--stage=s1", "--page-size", "5", "--json"],
            Reading(
                "list",
                True,
                filters=(("ProgrammeStage", "s1"), ("ProgrammeStatus", "running")),
                page_size=5,
            ),
        ),
        (
            ["list", "--cohort", "a", "--cohort", "b"],
            Reading("list", False, filters=(("CohortId", "b"),)),
        ),
    ],
)
def test_the_command_lines_it_serves(args: list[str], reading: Reading) -> None:
    assert fast_reads.parse(args) == reading


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["launch"],
        ["show", "p.E1"],
        ["show", "p.E1", "--json", "--help"],
        ["show", "p.E1", "p.E2", "--json"],
        ["show", "-x", "--json"],
        ["list", "--count"],
        ["list", "--closed"],
        ["list", "--stage"],
        ["list", "--stage", "--json"],
        ["list", "--stage", ""],
        ["list", "--stage", "a b"],
        ["list", "--status", "bogus"],
        ["list", "--page-size", "0"],
        ["list", "--page-size", "5_0"],
        ["list", "--page-token", "not a token"],
        ["list", "extra"],
        ["list", "--json=1"],
        ["list", "--raw"],
    ],
)
def test_what_it_declines(args: list[str]) -> None:
    assert fast_reads.parse(args) is None


def _where(environ: dict[str, str], reading: Reading | None = None) -> fast_reads.Where:
    return fast_reads.settings(reading or Reading("list", False), environ)


def test_the_settings_it_reads(tmp_path: Path) -> None:
    where = _where(
        {
            "TEMPORAL_ADDRESS": "temporal:7233",
            "parcours_data_dir": str(tmp_path),
            "PARCOURS_MASTER_KEY": "k",
            "PARCOURS_API_URL": "http://x",
            # not settings: the settings ignore them, and so does the read path
            **dict.fromkeys(OTHER_VARIABLES - {SETTINGS_FILE_ENV}, "1"),
            "PARCOURS_REQUIRE_POSTGRES": "1",  # the test suite's, as CI sets it
            "PARCOURS_SMTP_HOST": "",  # empty: unset
            "HOME": "/root",
        }
    )
    assert where == fast_reads.Where("temporal:7233", "default", tmp_path, "k", None)
    given_ = Reading("list", False, address="other:1", namespace="ns")
    assert _where({"TEMPORAL_ADDRESS": "temporal:7233"}, given_).address == "other:1"
    assert _where({}).address == "localhost:7233"


@pytest.mark.parametrize(
    "environ",
    [
        {"PARCOURS_SETTINGS_FILE": "settings.env"},
        {"PARCOURS_SMTP_HOST": "mail"},
        {"TEMPORAL_API_KEY": "k"},
        {"temporal_tls": "true"},
        {"PARCOURS_DATABASE_URL": "postgresql://x"},
        {"PARCOURS_TASK_QUEUE": "q"},
        {"TEMPORAL_ADDRESS": "a:1", "temporal_address": "b:2"},
        {"TEMPORAL_ADDRESS": "nowhere"},
        {"TEMPORAL_ADDRESS": "h:99999"},
        {"TEMPORAL_NAMESPACE": " ns"},
    ],
)
def test_settings_it_leaves_to_the_full_command(environ: dict[str, str]) -> None:
    with pytest.raises(Declined):
        _where(environ)


def test_a_data_dir_that_is_a_file_is_left_to_the_full_command(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("")
    with pytest.raises(Declined):
        _where({"PARCOURS_DATA_DIR": str(file)})


def test_the_read_path_imports_neither_typer_nor_pydantic() -> None:
    script = (
        "import sys\n"
        "from gateway.cli import fast_reads\n"
        "fast_reads.parse(['list', '--status', 'running'])\n"
        "import adapters.payloads.compression, adapters.payloads.encryption\n"
        "import adapters.temporal.connection, gateway.client.pages, gateway.client.waits\n"
        "import gateway.cli.programme_rows, gateway.cli.printable, gateway.addresses\n"
        "import adapters.stores.keys, adapters.payloads.keyring, domain.programme_ids\n"
        "import workflows.search_attributes\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(done.stdout.split())
    heavy = (
        "typer",
        "pydantic",
        "pydantic_settings",
        "config",
        "domain.view",
        "workflows.messages",
    )
    assert not [name for name in heavy if name in loaded]
