"""Settings: read from the environment and a file; a wrong one names its variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from temporalio.service import TLSConfig

import config as settings_module
from adapters.notify.smtp import SmtpSecurity
from adapters.temporal.connection import Connection
from bootstrap.temporal import connection_for
from config import Settings, SettingsError
from config.loading import load_settings
from config.tokens import ApiRole

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No PARCOURS_*/TEMPORAL_* from the machine running the tests."""
    for name in list(os.environ):
        if name.upper().startswith(("PARCOURS_", "TEMPORAL_")):
            monkeypatch.delenv(name)
    return monkeypatch


def problems(monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith("invalid settings:\n")
    return caught.value.problems


def test_the_defaults_run_parcours_on_one_machine() -> None:
    settings = load_settings()

    assert settings.notifiers == ("outbox",)
    assert settings.temporal_address == "localhost:7233"
    assert settings.temporal_namespace == "default"
    assert settings.task_queue == "parcours"
    assert settings.data_dir == Path(".parcours")
    assert settings.smtp is None
    assert settings.webhook is None
    assert settings.metrics_address is None
    assert settings.api_tokens == {}
    assert connection_for(settings) == Connection("localhost:7233", "default", tls=False)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PARCOURS_SMTP_PORT": "70000"}, "PARCOURS_SMTP_PORT: must be 1..65535, got 70000"),
        (
            {"PARCOURS_NOTIFIERS": "outbox,smtp", "PARCOURS_SMTP_FROM": "noreply@x.example"},
            "PARCOURS_NOTIFIERS includes smtp but PARCOURS_SMTP_HOST is not set",
        ),
        (
            {"PARCOURS_NOTIFIERS": "outbox, fax"},
            "PARCOURS_NOTIFIERS: unknown notifier(s) fax; choose among outbox, smtp, webhook",
        ),
        ({"PARCOURS_NOTIFIERS": " , "}, "PARCOURS_NOTIFIERS: give at least one of"),
        (
            {"PARCOURS_NOTIFIERS": "webhook", "PARCOURS_WEBHOOK_SECRET": "0123456789abcdef"},
            "PARCOURS_NOTIFIERS includes webhook but PARCOURS_WEBHOOK_URL is not set",
        ),
        (
            {"PARCOURS_NOTIFIERS": "webhook", "PARCOURS_WEBHOOK_URL": "https://hooks.example"},
            "PARCOURS_NOTIFIERS includes webhook but PARCOURS_WEBHOOK_SECRET is not set",
        ),
        (
            {"PARCOURS_WEBHOOK_URL": "ftp://hooks.example"},
            "PARCOURS_WEBHOOK_URL: must be an http:// or https:// URL, got 'ftp://hooks.example'",
        ),
        (
            {"PARCOURS_METRICS_PORT": "ninety"},
            "PARCOURS_METRICS_PORT: must be a whole number, got 'ninety'",
        ),
        (
            {"TEMPORAL_ADDRESS": "temporal.internal"},
            "TEMPORAL_ADDRESS: must be host:port, like localhost:7233, got 'temporal.internal'",
        ),
        ({"TEMPORAL_ADDRESS": "temporal:99999"}, "TEMPORAL_ADDRESS: must be 1..65535, got 99999"),
        (
            {"PARCOURS_SMTP_TLS": "maybe"},
            "PARCOURS_SMTP_TLS: must be starttls, ssl or none, got 'maybe'",
        ),
        (
            {"PARCOURS_API_TOKENS": "platform:tok-1,boss:tok-2"},
            "PARCOURS_API_TOKENS: entry 2: unknown role 'boss'; roles are platform, integrator,",
        ),
        (
            {"PARCOURS_API_TOKENS": "platform:tok-1,cohort:tok-2"},
            "PARCOURS_API_TOKENS: entry 2: a cohort token names its cohorts, cohort:token:",
        ),
        ({"PARCOURS_SHUTDOWN_GRACE": "-1"}, "PARCOURS_SHUTDOWN_GRACE: must be 0 or more seconds"),
        (
            {"PARCOURS_WEBHOOK_TIMEOUT": "60"},
            "PARCOURS_WEBHOOK_TIMEOUT: must be more than 0 and at most 25 seconds",
        ),
        ({"PARCOURS_LOG_LEVEL": "loud"}, "PARCOURS_LOG_LEVEL: must be one of"),
        (
            {"PARCOURS_CODEC_CORS_ORIGINS": "http://ui.example/path"},
            "PARCOURS_CODEC_CORS_ORIGINS: each origin must be scheme://host[:port]",
        ),
        ({"TEMPORAL_TLS": "sometimes"}, "TEMPORAL_TLS: must be true or false, got 'sometimes'"),
        (
            {"PARCOURS_PUBLIC_URL": "http://localhost:8000"},
            "PARCOURS_PUBLIC_URL: must hold {programme_id} where the programme's id goes",
        ),
        (
            {"PARCOURS_PUBLIC_URL": "https://x.example/{programme_id}/{stage}"},
            "PARCOURS_PUBLIC_URL: {programme_id} is the only placeholder it may hold",
        ),
        (
            {"PARCOURS_PUBLIC_URL": "ftp://x.example/{programme_id}"},
            "PARCOURS_PUBLIC_URL: must be an http:// or https:// URL",
        ),
        (
            {"PARCOURS_PUBLIC_URL": "https://x.example/{programme_id}?" + "a" * 2000},
            "PARCOURS_PUBLIC_URL: must be at most 2000 characters, got 2033",
        ),
        (
            {"TEMPORAL_TLS_CERT": "/no/such/cert.pem"},
            "TEMPORAL_TLS_CERT: /no/such/cert.pem is not a file",
        ),
        (
            {"PARCOURS_SMTP_USER": "parcours"},
            "PARCOURS_SMTP_USER and PARCOURS_SMTP_PASSWORD go together: set both or neither",
        ),
        (
            {"TEMPORAL_TLS": "false", "TEMPORAL_API_KEY": "key"},
            "TEMPORAL_TLS is false but a client certificate or TEMPORAL_API_KEY is set",
        ),
    ],
)
def test_a_wrong_setting_names_its_variable(
    clean_env: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    found = problems(clean_env, **env)
    assert any(line.startswith(expected) for line in found), found


def test_every_wrong_value_is_listed_at_once(clean_env: pytest.MonkeyPatch) -> None:
    found = problems(
        clean_env,
        PARCOURS_SMTP_PORT="0",
        PARCOURS_METRICS_PORT="70000",
        PARCOURS_NOTIFIERS="pigeon",
        TEMPORAL_NAMESPACE=" ",
    )
    assert sorted(line.split(":")[0] for line in found) == [
        "PARCOURS_METRICS_PORT",
        "PARCOURS_NOTIFIERS",
        "PARCOURS_SMTP_PORT",
        "TEMPORAL_NAMESPACE",
    ]


def test_secrets_are_never_echoed(clean_env: pytest.MonkeyPatch) -> None:
    found = problems(
        clean_env,
        PARCOURS_WEBHOOK_SECRET="hunter2",
        PARCOURS_API_TOKENS="platform:tok-secret,ops",
    )
    text = "\n".join(found)
    assert "PARCOURS_API_TOKENS: entry 2 is not role:token" in text
    assert "tok-secret" not in text

    clean_env.setenv("PARCOURS_WEBHOOK_SECRET", "hunter2")
    clean_env.delenv("PARCOURS_API_TOKENS")
    [line] = problems(clean_env)
    assert line == "PARCOURS_WEBHOOK_SECRET: must be at least 16 characters"
    assert "hunter2" not in line

    clean_env.delenv("PARCOURS_WEBHOOK_SECRET")
    shown = repr(
        Settings(
            smtp_user="u",
            smtp_password="p4ssw0rd",
            api_tokens={"tok-secret": ApiRole.ops},
            temporal_api_key="k3y",
            master_key="m4ster",
        )
    )
    assert not {"p4ssw0rd", "tok-secret", "k3y", "m4ster"} & set(shown.replace("'", " ").split())


def test_tracing_without_its_packages_fails_at_start(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setattr(settings_module, "_importable", lambda module: False)
    [line] = problems(clean_env, PARCOURS_OTLP_ENDPOINT="http://collector:4317")
    assert line.startswith("PARCOURS_OTLP_ENDPOINT is set but tracing needs OpenTelemetry's SDK")
    assert "opentelemetry-exporter-otlp-proto-grpc" in line


def test_channels_and_tokens_are_read_into_their_shapes(clean_env: pytest.MonkeyPatch) -> None:
    for name, value in {
        "PARCOURS_NOTIFIERS": "Webhook, outbox,smtp,outbox",
        "PARCOURS_SMTP_HOST": "mail.example.com",
        "PARCOURS_SMTP_FROM": "parcours <noreply@example.com>",
        "PARCOURS_SMTP_TLS": "ssl",
        "PARCOURS_SMTP_USER": "parcours",
        "PARCOURS_SMTP_PASSWORD": "p4ss",
        "PARCOURS_WEBHOOK_URL": "https://platform.example.com/hooks/",
        "PARCOURS_WEBHOOK_SECRET": "0123456789abcdef",
        "PARCOURS_API_TOKENS": "platform:tok-p, integrator:tok-i,ops:tok-o,ops:tok-o2",
        "PARCOURS_METRICS_PORT": "9464",
        "PARCOURS_SMTP_PORT": "",  # empty means unset: the default for ssl
    }.items():
        clean_env.setenv(name, value)

    settings = load_settings()

    assert settings.notifiers == ("webhook", "outbox", "smtp")
    smtp = settings.smtp
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.security) == ("mail.example.com", 465, SmtpSecurity.ssl)
    assert (smtp.user, smtp.password) == ("parcours", "p4ss")
    assert settings.webhook is not None
    assert settings.webhook.url == "https://platform.example.com/hooks"
    assert settings.api_tokens == {
        "tok-p": ApiRole.platform,
        "tok-i": ApiRole.integrator,
        "tok-o": ApiRole.ops,
        "tok-o2": ApiRole.ops,
    }
    assert settings.metrics_address == "0.0.0.0:9464"


def test_a_settings_file_is_read_and_the_environment_wins(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "parcours.env"
    path.write_text(
        "TEMPORAL_ADDRESS=temporal.internal:7233\n"
        "PARCOURS_DATA_DIR=/var/lib/parcours\n"
        "PARCOURS_PUBLIC_URL=https://parcours.example.com/p/{programme_id}\n"
        "POSTGRES_PASSWORD=not-ours-ignored\n"
    )
    clean_env.setenv("PARCOURS_SETTINGS_FILE", str(path))
    clean_env.setenv("PARCOURS_DATA_DIR", str(tmp_path / "data"))

    settings = load_settings()

    assert settings.temporal_address == "temporal.internal:7233"
    assert settings.public_url == "https://parcours.example.com/p/{programme_id}"
    assert settings.data_dir == tmp_path / "data"
    assert load_settings(data_dir=tmp_path / "cli").data_dir == tmp_path / "cli"
    with pytest.raises(TypeError, match="dat_dir"):
        load_settings(dat_dir=tmp_path)


def test_a_settings_file_with_a_typo_or_missing_fails(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "parcours.env"
    path.write_text("PARCOURS_SMTP_HOTS=mail.example.com\n")
    [typo] = problems(clean_env, PARCOURS_SETTINGS_FILE=str(path))
    assert typo == f"PARCOURS_SMTP_HOTS (in {path}): not a parcours setting; a typo?"

    [missing] = problems(clean_env, PARCOURS_SETTINGS_FILE=str(tmp_path / "nope.env"))
    assert missing == f"PARCOURS_SETTINGS_FILE: {tmp_path / 'nope.env'} is not a file"


def test_temporal_cloud_with_an_api_key_or_mtls(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("TEMPORAL_ADDRESS", "eu-west-1.aws.api.temporal.io:7233")
    clean_env.setenv("TEMPORAL_NAMESPACE", "parcours.a1b2c")
    clean_env.setenv("TEMPORAL_API_KEY", "key-123")
    assert connection_for(load_settings()) == Connection(
        "eu-west-1.aws.api.temporal.io:7233", "parcours.a1b2c", tls=True, api_key="key-123"
    )

    clean_env.delenv("TEMPORAL_API_KEY")
    cert, key = tmp_path / "client.pem", tmp_path / "client.key"
    cert.write_text(PEM)
    key.write_text(PEM.replace("CERTIFICATE", "PRIVATE KEY"))
    clean_env.setenv("TEMPORAL_TLS_CERT", str(cert))
    clean_env.setenv("TEMPORAL_TLS_KEY", str(key))
    tls = connection_for(load_settings()).tls
    assert isinstance(tls, TLSConfig)
    assert tls.client_cert == PEM.encode()
    assert tls.client_private_key is not None
    assert tls.client_private_key.startswith(b"-----BEGIN PRIVATE KEY")

    key.write_text("not a key")
    [line] = problems(clean_env)
    assert line == f"TEMPORAL_TLS_KEY: {key} is not a PEM file (no -----BEGIN line)"
