"""The cluster files, checked by reading them (this machine has no Docker engine):
docker-compose.yml, the Dockerfile, .dockerignore and .env.example."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import Settings
from config.loading import ENV_NAMES, OTHER_VARIABLES
from workflows.search_attributes import ALL

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"(?<!\$)\$\{(?P<name>[A-Z0-9_]+)(?P<op>:?[-?])?(?P<rest>[^}]*)\}")
SECRET_WORDS = ("PASSWORD", "PWD", "SECRET", "TOKEN", "KEY")
PARCOURS_SERVICES = ("worker", "api")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found = compose["services"]
    assert isinstance(found, dict)
    return found


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    assert isinstance(env, dict), "environment as a mapping, so keys cannot repeat"
    return {str(k): str(v) for k, v in env.items()}


def test_the_services_and_their_images(services: dict[str, Any]) -> None:
    assert set(services) == {
        "postgresql",
        "parcours-db",
        "temporal-schema",
        "temporal",
        "temporal-setup",
        "temporal-ui",
        "worker",
        "api",
    }
    assert services["postgresql"]["image"].startswith("postgres:16")
    assert services["parcours-db"]["image"] == services["postgresql"]["image"]
    # The server alone, its schema set up beforehand by admin-tools (no auto-setup), at
    # 1.32 or later (Worker Versioning's upgrade on continue-as-new) unless told otherwise.
    server = REFERENCE.fullmatch(services["temporal"]["image"].split(":", 1)[1])
    assert services["temporal"]["image"].startswith("temporalio/server:")
    assert server is not None
    assert server.group("name") == "TEMPORAL_VERSION"
    version = server.group("rest")
    assert tuple(int(part) for part in version.split(".")[:2]) >= (1, 32), version
    for name in ("temporal-schema", "temporal-setup"):
        tools = REFERENCE.fullmatch(services[name]["image"].split(":", 1)[1])
        assert tools is not None, name
        assert (tools.group("name"), tools.group("rest")) == (
            "TEMPORAL_ADMINTOOLS_VERSION",
            version,  # from 1.30 the tools are tagged with the server's version alone
        ), name
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:2.")
    for name in PARCOURS_SERVICES:
        assert services[name]["build"] == "."
    assert services["worker"]["image"] == services["api"]["image"]
    for name, service in services.items():  # third-party images pinned, never :latest
        assert not service["image"].endswith(":latest"), name


def test_ports_only_where_people_connect(services: dict[str, Any]) -> None:
    assert services["temporal-ui"]["ports"] == ["8080:8080"]
    assert services["api"]["ports"] == ["8000:8000"]
    # Temporal's frontend has no TLS nor authorizer here: on the compose network only.
    assert services["temporal"]["expose"] == ["7233"]
    # Replicas cannot share a host port: workers publish none, metrics stay on the network.
    for name in ("postgresql", "parcours-db", "temporal-schema", "temporal", "temporal-setup"):
        assert "ports" not in services[name], name
    assert "ports" not in services["worker"]
    assert services["worker"]["expose"] == ["9464"]


def test_the_ui_can_sign_in_and_pass_its_token_to_the_codec(services: dict[str, Any]) -> None:
    env = environment(services["temporal-ui"])
    assert env["TEMPORAL_CODEC_ENDPOINT"].startswith("${PARCOURS_UI_CODEC_ENDPOINT:-")
    assert env["TEMPORAL_CODEC_PASS_ACCESS_TOKEN"] == "${UI_CODEC_PASS_ACCESS_TOKEN:-false}"
    assert env["TEMPORAL_AUTH_TYPE"] == "oidc"
    for name in ("PROVIDER_URL", "CLIENT_ID", "CLIENT_SECRET", "CALLBACK_URL"):
        assert env[f"TEMPORAL_AUTH_{name}"] == f"${{UI_AUTH_{name}:-}}", name


def test_the_ui_is_published_only_on_request_behind_sign_in_and_read_only(
    services: dict[str, Any],
) -> None:
    """Through a UI with write actions, anyone who reaches it could terminate a programme
    or signal one in plain text, past the API's roles (issue 29)."""
    ui = services["temporal-ui"]
    assert ui["profiles"] == ["ui"]
    env = environment(ui)
    assert env["TEMPORAL_AUTH_ENABLED"] == "true"
    assert env["TEMPORAL_DISABLE_WRITE_ACTIONS"] == "true"
    for name, value in env.items():  # nothing here turns either back on
        if name.startswith("TEMPORAL_") and name.endswith(("AUTH_ENABLED", "WRITE_ACTIONS")):
            assert "${" not in value, name


def test_temporal_runs_on_postgresql(services: dict[str, Any]) -> None:
    server = environment(services["postgresql"])
    env = environment(services["temporal"])
    assert env["DB"] == "postgres12"
    assert env["POSTGRES_SEEDS"] == "postgresql"
    assert env["POSTGRES_PWD"] == server["POSTGRES_PASSWORD"]
    assert env["POSTGRES_USER"] == server["POSTGRES_USER"]
    assert (env["DBNAME"], env["VISIBILITY_DBNAME"]) == ("temporal", "temporal_visibility")
    schema = environment(services["temporal-schema"])
    assert schema["SQL_PLUGIN"] == "postgres12"
    assert schema["SQL_HOST"] == "postgresql"
    assert (schema["SQL_USER"], schema["SQL_PASSWORD"]) == (
        server["POSTGRES_USER"],
        server["POSTGRES_PASSWORD"],
    )
    script = " ".join(services["temporal-schema"]["command"])
    for step in ("create-database", "setup-schema", "update-schema"):
        assert step in script
    for name in ("temporal", "temporal_visibility"):
        assert name in script
    assert services["temporal-schema"]["restart"] == "no"


def test_temporal_keeps_worker_versioning_on(services: dict[str, Any]) -> None:
    env = environment(services["temporal"])
    path = env["DYNAMIC_CONFIG_FILE_PATH"]
    (mount,) = [m for m in services["temporal"]["volumes"] if m.split(":")[1] == path]
    config = yaml.safe_load((ROOT / mount.split(":")[0]).read_text())
    for key in ("system.enableDeploymentVersions", "frontend.workerVersioningWorkflowAPIs"):
        assert config[key] == [{"value": True, "constraints": {}}], key


def test_parcours_keeps_its_stores_in_a_database_of_its_own(services: dict[str, Any]) -> None:
    setup = services["parcours-db"]
    env = environment(setup)
    assert env["PGHOST"] == "postgresql"
    assert env["PGPASSWORD"] == environment(services["postgresql"])["POSTGRES_PASSWORD"]
    assert env["PARCOURS_DB_PASSWORD"].startswith("${PARCOURS_DB_PASSWORD:?")
    script = " ".join(setup["command"])
    assert "CREATE ROLE parcours" in script
    assert "CREATE DATABASE parcours OWNER parcours" in script
    assert setup["restart"] == "no"
    for name in PARCOURS_SERVICES:
        url = environment(services[name])["PARCOURS_DATABASE_URL"]
        assert url.startswith("postgresql://parcours:${PARCOURS_DB_PASSWORD:?")
        assert url.endswith("}@postgresql:5432/parcours")
        # The URL parses as a setting once compose has put the password in.
        filled = REFERENCE.sub("pw", url)
        assert Settings(database_url=filled).database_url is not None


def test_workers_and_api_run_parcours_against_that_temporal(services: dict[str, Any]) -> None:
    worker, api = services["worker"], services["api"]
    assert worker["command"] == ["parcours", "worker"]
    assert api["command"] == ["parcours", "api", "--host", "0.0.0.0", "--port", "8000"]
    assert worker["deploy"]["replicas"] == 2
    for service in (worker, api):
        env = environment(service)
        assert env["TEMPORAL_ADDRESS"] == "temporal:7233"
        assert env["PARCOURS_DATA_DIR"] == "/data"
        # Nothing shared on disk: the stores are in PostgreSQL, so replicas may be anywhere.
        assert "volumes" not in service
        # One key store in the database, one master key for all: payloads are sealed.
        assert env["PARCOURS_MASTER_KEY"].startswith("${PARCOURS_MASTER_KEY:?")
        # Every variable given is a parcours setting: a typo here would be ignored.
        assert set(env) <= set(ENV_NAMES.values()), set(env) - set(ENV_NAMES.values())
    assert environment(worker)["PARCOURS_METRICS_PORT"] == "9464"


def test_a_stopping_worker_has_time_to_drain(services: dict[str, Any]) -> None:
    grace = REFERENCE.fullmatch(environment(services["worker"])["PARCOURS_SHUTDOWN_GRACE"])
    assert grace is not None
    assert grace.group("op") == ":-"
    drain = float(grace.group("rest"))
    assert drain == Settings().shutdown_grace
    stop = services["worker"]["stop_grace_period"]
    assert stop.endswith("s")
    assert float(stop[:-1]) > drain


def test_start_order_waits_on_health(services: dict[str, Any]) -> None:
    def waits(service: str) -> dict[str, str]:
        return {k: v["condition"] for k, v in services[service]["depends_on"].items()}

    done = "service_completed_successfully"
    assert waits("parcours-db") == {"postgresql": "service_healthy"}
    assert waits("temporal-schema") == {"postgresql": "service_healthy"}
    assert waits("temporal") == {"temporal-schema": done}
    # The setup itself waits until the frontend answers SERVING (the server image has no
    # CLI for a healthcheck of its own).
    assert waits("temporal-setup") == {"temporal": "service_started"}
    assert "cluster health" in " ".join(services["temporal-setup"]["command"])
    assert waits("temporal-ui") == {"temporal-setup": done}
    for name in PARCOURS_SERVICES:
        assert waits(name) == {"temporal-setup": done, "parcours-db": done}


def test_healthchecks(services: dict[str, Any]) -> None:
    for name in ("postgresql", "worker", "api"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert {"interval", "timeout", "retries"} <= set(check), name
    assert "pg_isready" in " ".join(services["postgresql"]["healthcheck"]["test"])
    assert "127.0.0.1:9464/metrics" in " ".join(services["worker"]["healthcheck"]["test"])
    assert "127.0.0.1:8000/healthz" in " ".join(services["api"]["healthcheck"]["test"])


def test_the_setup_registers_every_search_attribute(services: dict[str, Any]) -> None:
    script = " ".join(services["temporal-setup"]["command"])
    for key in ALL:
        assert key.name in script
    assert "--type Keyword" in script
    assert "namespace create" in script
    assert services["temporal-setup"]["restart"] == "no"


def test_named_volumes(compose: dict[str, Any], services: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    assert declared == {"postgresql-data"}
    for name, service in services.items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("./"):  # a file of this repository, read-only
                assert mount.endswith(":ro"), f"{name}: {mount}"
                assert (ROOT / source).is_file(), f"{name}: {mount}"
                continue
            assert source in declared, f"{name}: {mount} is not a named volume"
    assert "postgresql-data:/var/lib/postgresql/data" in services["postgresql"]["volumes"]


def test_no_secret_is_written_in_the_file(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for key, value in environment(service).items():
            if not any(word in key for word in SECRET_WORDS):
                continue
            reference = REFERENCE.fullmatch(value)
            assert reference is not None, f"{name}.{key} must come from ${{...}}, not {value!r}"
            if reference.group("op") in (":-", "-"):  # a switch (pass a token?) is no secret
                assert reference.group("rest") in ("", "false"), f"{name}.{key}: default secret"


def test_env_example_gives_every_variable_the_file_reads() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    referenced = {m.group("name") for m in REFERENCE.finditer(text)}
    required = {m.group("name") for m in REFERENCE.finditer(text) if m.group("op") == ":?"}
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert required == {
        "POSTGRES_PASSWORD",
        "PARCOURS_DB_PASSWORD",
        "PARCOURS_API_TOKENS",
        "PARCOURS_MASTER_KEY",
    }
    assert referenced <= example, referenced - example
    # And nothing in it a parcours process would not understand.
    ours = {name for name in example if name.startswith(("PARCOURS_", "TEMPORAL_"))}
    known = (
        set(ENV_NAMES.values())
        | OTHER_VARIABLES
        | {"PARCOURS_IMAGE", "PARCOURS_UI_CODEC_ENDPOINT", "PARCOURS_DB_PASSWORD"}
        | {"TEMPORAL_VERSION", "TEMPORAL_ADMINTOOLS_VERSION"}  # the images' tags
    )
    assert ours <= known, ours - known
    for line in (ROOT / ".env.example").read_text().splitlines():
        if any(word in line.split("=")[0] for word in ("PASSWORD", "SECRET", "MASTER_KEY")):
            assert line.endswith("="), f"no example secret value: {line}"


def test_the_dockerfile_builds_from_the_lock_and_runs_unprivileged() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    syncs = [line for line in lines if "uv sync" in line]
    assert syncs
    assert all("--locked" in s and "--no-dev" in s for s in syncs)
    stages = [i for i, line in enumerate(lines) if line.startswith("FROM ")]
    final = lines[stages[-1] :]
    assert "slim" in final[0]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users, "the final stage must switch to a user"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert any(line.startswith("CMD") and "parcours" in line for line in final)
    assert not any(line.startswith("ADD ") for line in lines)


def test_the_build_context_leaves_out_secrets_and_clutter() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().splitlines())
    assert {".env", ".venv", ".git", ".parcours", "tests"} <= ignored
    gitignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in gitignored
