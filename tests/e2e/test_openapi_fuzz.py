"""Bad input at scale: schemathesis drives every operation of ``/openapi.json``.

Over real HTTP, against the same topology as ``test_api.py`` (a Temporal dev
server, a ``parcours worker`` and a ``parcours api``, each its own process).
Every generated request, valid or not, must get an answer the OpenAPI document
promises: no 5xx, a documented status code, a body matching its model,
invalid input refused with a 4xx, and nothing done without a valid token. The
run is bounded and reproducible: a fixed number of examples per operation,
derandomized.

Every operation is fuzzed with every role's token, in turn: well-formed requests
by each role allowed to do it (the 2xx paths), and by each role that is not, which
must be refused before they reach anything (403; never a 2xx, nor a 404 or 409 that
says the programme was reached). Malformed requests carry a token drawn among the
roles; negative data includes requests schemathesis sends without the token the
OpenAPI requires (the 401s). About 500 requests in all. Most requests aimed at a programme name a
real one, launched before the fuzzing starts, so they reach the workflow and
not only 404s; most valid launches name a shipped template.

schemathesis' own pytest integration (``schemathesis.pytest.from_fixture``) does
not run on pytest 9 (it sets ``Function._nodeid``), so each operation and
generation mode is a hypothesis test over ``operation.as_strategy()``, run as a
subtest, with ``case.call_and_validate`` doing the checks.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter, defaultdict
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, BaseSchema, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# the module-scoped cluster fixture: this module gets its own dev server, worker and API
from gateway.catalogue import shipped_ids
from tests.e2e.test_api import TOKENS, Cluster, cluster  # noqa: F401

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]
"""``positive_data_acceptance`` is left out on purpose: well-formed input is refused
by the rules (409 for a command the programme refuses, 404 for an unknown one, 422
for a template that is not shipped), and the schema cannot say which."""

READ = ("platform", "ops")
EVERYONE = ("platform", "integrator", "ops", "cohort")
PROGRAMME = "/v1/programmes/{programme_id}"
ALLOWED = {
    ("GET", "/healthz"): EVERYONE,
    ("POST", "/v1/programmes"): ("platform",),
    ("GET", "/v1/programmes"): READ,
    ("GET", PROGRAMME): READ,
    ("GET", f"{PROGRAMME}/events"): READ,
    ("GET", f"{PROGRAMME}/evaluations"): READ,
    ("GET", f"{PROGRAMME}/evaluations/{{n}}"): READ,
    ("GET", f"{PROGRAMME}/calendar.ics"): READ,
    ("POST", "/v1/cohorts"): ("platform",),
    ("GET", "/v1/cohorts/{cohort_id}/report"): (*READ, "cohort"),
    ("POST", f"{PROGRAMME}/objectives"): ("integrator",),
    ("POST", f"{PROGRAMME}/expectations"): ("platform", "integrator"),
    ("POST", f"{PROGRAMME}/feedback"): ("integrator",),
    ("POST", f"{PROGRAMME}/sessions"): ("integrator",),
    ("POST", f"{PROGRAMME}/progress"): ("integrator",),
    ("POST", f"{PROGRAMME}/pause"): ("integrator", "ops"),
    ("POST", f"{PROGRAMME}/resume"): ("integrator", "ops"),
    ("POST", f"{PROGRAMME}/sessions/{{number}}/reschedule"): ("platform", "integrator", "ops"),
    ("POST", f"{PROGRAMME}/sessions/{{number}}/cancel"): ("platform", "integrator", "ops"),
    ("POST", f"{PROGRAMME}/withdraw"): ("platform", "ops"),
    ("POST", f"{PROGRAMME}/advance"): ("platform", "ops"),
    ("POST", f"{PROGRAMME}/raters"): ("platform", "ops"),
    ("POST", f"{PROGRAMME}/people"): ("platform", "ops"),
    ("POST", "/v1/employees/{employee_id}/erase"): ("ops",),
    ("PUT", "/v1/people/{person_id}"): ("platform",),
    ("POST", "/codec/decode"): ("ops",),
    ("POST", "/codec/encode"): ("ops",),
    ("POST", "/v1/templates/simulate"): READ,
    ("POST", "/v1/migrations"): ("ops",),
}
"""Who may do what, as docs/api.md and the README say: written out here, not read from
the code, so a route that lets one role too many through fails below. Every operation
of the OpenAPI must be listed (a new one is checked as soon as it exists)."""
REFUSED = frozenset({401, 403, 413, 422, 429})
"""What a role that may not do something may get: refused at the door (422 only for a
body that is not even JSON, read before the role), never an answer from behind it."""

SEEN: defaultdict[str, defaultdict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
"""Status codes answered, per operation and role: what the fuzzing reached."""

SENT: Counter[str] = Counter()
"""Requests sent, per role."""

SHIPPED = tuple(shipped_ids())

PROGRAMMES: list[str] = []
"""Real programmes, launched by the fixture; path parameters mostly name one of them."""


def _launch_some(cluster: Cluster) -> list[str]:  # noqa: F811
    """A few programmes at different points, so commands meet different states."""
    ids = []
    with cluster.http("platform") as platform, cluster.http("integrator") as integrator:
        for n, template in enumerate([SHIPPED[0], *SHIPPED]):
            body = {
                "employee": {"id": f"FUZZ{n}", "name": f"Fuzz {n}", "email": f"f{n}@x.io"},
                "template_id": template,
                "manager_id": "M1",
            }
            launched = platform.post("/v1/programmes", json=body)
            assert launched.status_code in (200, 201), launched.text
            ids.append(launched.json()["programme_id"])
        # the second one at its weekly check-ins: sessions 1..10 can be recorded
        objectives = {"short_term": ["Use it daily"], "long_term": ["Teach it"]}
        agreed = integrator.post(f"/v1/programmes/{ids[1]}/objectives", json=objectives)
        assert agreed.status_code == 200, agreed.text
        for role in ("employee", "manager"):
            scores = {"adaptability": 3, "motivation": 4}
            rater = {"employee": ids[1].split(".", 1)[1], "manager": "M1"}[role]
            body = {"role": role, "rater_id": rater, "scores": scores}
            answer = integrator.post(f"/v1/programmes/{ids[1]}/feedback", json=body)
            assert answer.status_code == 202, answer.text
    return ids


@pytest.fixture(scope="module")
def api_schema(cluster: Cluster) -> BaseSchema:  # noqa: F811
    PROGRAMMES[:] = _launch_some(cluster)
    return schemathesis.openapi.from_url(
        f"http://127.0.0.1:{cluster.api_port}/openapi.json", wait_for_schema=30
    )


EXAMPLES = {"allowed": 4, "refused": 2, "malformed": 6}
"""Examples per operation: per role allowed (well-formed requests), per role refused,
and malformed ones (roles drawn). Bounded (about 500 requests), the same every run."""


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def _fuzz(
    operation: APIOperation, mode: GenerationMode, roles_given: tuple[str, ...], examples: int
) -> None:
    allowed = ALLOWED[(operation.method.upper(), operation.path)]
    roles = st.sampled_from(roles_given)
    # mostly a real programme (the workflow answers), sometimes the fuzzed id (the 404s)
    targets = st.sampled_from([*PROGRAMMES, None])
    # valid launches mostly name a shipped template, or they would all be 422s
    templates = st.sampled_from([*SHIPPED, None])

    @_settings(examples)
    @given(
        case=operation.as_strategy(generation_mode=mode),
        role=roles,
        target=targets,
        template=templates,
    )
    def run(case: Case, role: str, target: str | None, template: str | None) -> None:
        if target is not None and "programme_id" in (case.path_parameters or {}):
            case.path_parameters["programme_id"] = target
        body = case.body
        if template is not None and mode.is_positive and isinstance(body, dict):
            body.update({"template_id": template} if "template_id" in body else {})
        began = time.monotonic()
        # A case whose headers are the malformed part (no token, or a garbled one) is
        # sent as generated: given a real token, it would be a valid request after all.
        headers = {} if _headers_mutated(case) else {"Authorization": f"Bearer {TOKENS[role]}"}
        response = case.call_and_validate(headers=headers, checks=CHECKS, timeout=60)
        took = time.monotonic() - began
        SEEN[operation.label][role].add(response.status_code)
        SENT[role] += 1
        assert took < 30, f"{case.method} {case.formatted_path} took {took:.0f} s"
        if role not in allowed:  # no role reaches what it must not
            assert response.status_code in REFUSED, (
                f"the {role} role got {response.status_code} for {case.method} "
                f"{case.formatted_path}: {response.text[:300]}"
            )

    run()


def _headers_mutated(case: Case) -> bool:
    component = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return component is not None and component.mode is GenerationMode.NEGATIVE


def test_every_answer_is_one_the_openapi_document_promises(
    api_schema: BaseSchema, subtests: pytest.Subtests
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    listed = {(o.method.upper(), o.path) for o in operations}
    assert listed == set(ALLOWED), ("operations and ALLOWED differ", listed ^ set(ALLOWED))
    for operation in operations:
        allowed = ALLOWED[(operation.method.upper(), operation.path)]
        for role in TOKENS:  # every role's token, well-formed requests
            examples = EXAMPLES["allowed" if role in allowed else "refused"]
            with subtests.test(operation=operation.label, role=role):
                _fuzz(operation, GenerationMode.POSITIVE, (role,), examples)
        with subtests.test(operation=operation.label, mode="negative"):
            others = tuple(r for r in TOKENS if r not in allowed)
            # Unsatisfiable: nothing to get wrong (no body, no parameter with a rule to break)
            with contextlib.suppress(Unsatisfiable):
                # mostly a role allowed (past the door), sometimes one that is not
                roles = allowed * 3 + others
                _fuzz(operation, GenerationMode.NEGATIVE, roles, EXAMPLES["malformed"])
    for label, by_role in SEEN.items():
        print(label, {role: sorted(codes) for role, codes in by_role.items()})
    print("requests per role:", dict(SENT), "in all:", SENT.total())
    # the fuzzing went past the gate: the workflow answered, and every guard was tried
    answered = {
        label
        for label, by_role in SEEN.items()
        if any(200 <= c < 300 for codes in by_role.values() for c in codes)
    }
    assert len(answered) >= 8, SEEN
    everything = {c for by_role in SEEN.values() for codes in by_role.values() for c in codes}
    assert {401, 403, 404, 409, 422} <= everything, everything
    # every role was tried on every operation, and each refused role was refused
    for operation in operations:
        allowed = ALLOWED[(operation.method.upper(), operation.path)]
        by_role = SEEN[operation.label]
        assert set(TOKENS) <= set(by_role), (operation.label, dict(by_role))
        for role in set(TOKENS) - set(allowed):
            assert by_role[role] <= REFUSED, (operation.label, role, by_role[role])


def test_what_the_fuzzing_found_stays_fixed(cluster: Cluster) -> None:  # noqa: F811
    """Each answered 500, a status the OpenAPI did not list, or an error naming no field."""
    with (
        cluster.http("integrator") as integrator,
        cluster.http("ops") as ops,
        cluster.http("platform") as platform,
    ):
        pid = PROGRAMMES[0] if PROGRAMMES else "change-adoption-3m.nobody"
        pause = f"/v1/programmes/{pid}/pause"

        def error_of(response: httpx.Response) -> dict[str, Any]:
            assert response.status_code == 422, response.text
            body: dict[str, Any] = response.json()
            assert set(body) == {"error"}
            assert body["error"]["code"] == "invalid"
            return dict(body["error"])

        empty_key = integrator.post(pause, json={"reason": "x"}, headers={"Idempotency-Key": ""})
        assert error_of(empty_key)["field"] == "Idempotency-Key"  # was a 500

        json_type = {"Content-Type": "application/json"}
        not_utf8 = integrator.post(pause, content=b"9\x11\xfb", headers=json_type)
        assert error_of(not_utf8) == {  # was FastAPI's own 400
            "code": "invalid",
            "message": "body: must be JSON, in UTF-8",
            "field": "body",
        }
        cut_short = error_of(integrator.post(pause, content=b'{"reason": ', headers=json_type))
        assert cut_short["field"] == "body"  # was "11", the offset
        assert cut_short["message"].startswith("body: not valid JSON")
        missing = error_of(integrator.post(pause, headers=json_type))
        assert missing == {"code": "invalid", "message": "body: Field required", "field": "body"}

        # a made-up page token was a 409 "something went wrong, please retry"
        made_up = ops.get("/v1/programmes", params={"page_token": "Zm9v"})
        assert error_of(made_up)["field"] == "page_token"

        # an employee id of 64 characters made a programme id too long for its rule: a 500
        long_id = "E" * 63 + "L"
        employee = {"id": long_id, "name": "Long Id", "email": "long@x.io"}
        launched = platform.post(
            "/v1/programmes", json={"employee": employee, "template_id": "executive-6m"}
        )
        assert launched.status_code == 201, launched.text
        assert launched.json()["programme_id"] == f"executive-6m.{long_id}"
        participant = {**employee, "id": "C" * 64}
        body = {
            "cohort_id": "long-ids",
            "template_id": "team-cohort-4m",
            "participants": [participant],
        }
        launched_cohort = platform.post("/v1/cohorts", json=body)
        assert launched_cohort.status_code == 200, launched_cohort.text
        assert launched_cohort.json()["launched"] == 1
