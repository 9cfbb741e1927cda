"""parcours' settings: one model, read from the environment and an optional file.

Every setting is an environment variable (names below, case-insensitive). A
file in ``.env`` format named by ``PARCOURS_SETTINGS_FILE`` may give any of
them too; the environment wins over the file. An empty value counts as unset,
so ``${VAR:-}`` in a compose file is harmless.

A wrong setting fails at start, in ``config.loading.load_settings``, with every problem at
once, each naming its variable and what is wrong with it::

    invalid settings:
      PARCOURS_SMTP_PORT: must be 1..65535, got 70000
      PARCOURS_NOTIFIERS includes smtp but PARCOURS_SMTP_HOST is not set

Secrets (passwords, the webhook secret, the API key, the master key, API
tokens) are never echoed back in errors or reprs.

Workflow code never imports this module: a workflow's behaviour must not
depend on the environment of the worker that happens to replay it.

One field per variable, each with its own documentation, in this module; beside it,
one concern each: loading them (``config.loading``: ``load_settings``, the settings
file, the variables read elsewhere), the rules of single values (``config.values``),
the API's tokens and roles (``config.tokens``), the channels' lists and words
(``config.channels``), and the wording of errors (``config.errors``).
"""

from __future__ import annotations

import importlib.util
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic import model_validator as _model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from adapters.notify.choices import SmtpSecurity
from config.channels import smtp_security, split_notifiers
from config.errors import SettingsError
from config.tokens import ApiRole, parse_tokens, token_cohorts
from config.values import (
    ArchiveRetention,
    BodySize,
    BuildId,
    Grace,
    HostPort,
    HttpUrl,
    LinkTemplate,
    Name,
    PemFile,
    Port,
    RateLimit,
    Timeout,
)
from workflows.messages import TASK_QUEUE

if TYPE_CHECKING:
    from adapters.notify.smtp import SmtpConfig
    from adapters.notify.webhook import WebhookConfig

TRACING_MODULES = ("opentelemetry.sdk", "opentelemetry.exporter.otlp.proto.grpc")
UI_ORIGINS = ("http://localhost:8233", "http://127.0.0.1:8233")
"""The Temporal Web UI of ``parcours up``: allowed to call the API's ``/codec`` by default."""


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


def _env(name: str, **kwargs: Any) -> Any:
    """A field read from the environment variable ``name`` (or set by attribute name)."""
    return Field(validation_alias=name, **kwargs)


class Settings(BaseSettings):
    """Everything a parcours process is configured with."""

    model_config = SettingsConfigDict(
        populate_by_name=True,
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
        validate_default=True,
    )

    # Temporal: where, and how to authenticate (mTLS or an API key, e.g. Temporal Cloud).
    temporal_address: HostPort = _env("TEMPORAL_ADDRESS", default="localhost:7233")
    temporal_namespace: Name = _env("TEMPORAL_NAMESPACE", default="default")
    temporal_tls: bool | None = _env("TEMPORAL_TLS", default=None)
    """Force TLS on or off; by default on when a client certificate or an API key is set."""
    temporal_tls_cert: PemFile | None = _env("TEMPORAL_TLS_CERT", default=None)
    temporal_tls_key: PemFile | None = _env("TEMPORAL_TLS_KEY", default=None)
    temporal_tls_ca: PemFile | None = _env("TEMPORAL_TLS_CA", default=None)
    temporal_tls_server_name: str | None = _env("TEMPORAL_TLS_SERVER_NAME", default=None)
    temporal_api_key: SecretStr | None = _env("TEMPORAL_API_KEY", default=None)

    # parcours' own process.
    task_queue: Name = _env("PARCOURS_TASK_QUEUE", default=TASK_QUEUE)
    data_dir: Path = _env("PARCOURS_DATA_DIR", default=Path(".parcours"))
    templates_dir: Path | None = _env("PARCOURS_TEMPLATES_DIR", default=None)
    """A company's own templates, launched by id over HTTP beside the shipped ones, with
    its frameworks in a ``frameworks/`` folder inside (``gateway.catalogue``)."""
    shutdown_grace: Grace = _env("PARCOURS_SHUTDOWN_GRACE", default=20.0)
    """Seconds running activities get to finish on SIGTERM before they are cancelled."""
    log_level: LogLevel = _env("PARCOURS_LOG_LEVEL", default=LogLevel.INFO)

    # Worker Versioning (workers.deployment, docs/changing-workflows.md).
    worker_versioning: bool = _env("PARCOURS_WORKER_VERSIONING", default=True)
    """Workers run as a build of the ``parcours`` deployment and pin each run to it. On a
    Temporal older than 1.32 (no upgrade on continue-as-new) a worker runs unversioned
    by itself, and says so; off, it always does."""
    build_id: BuildId | None = _env("PARCOURS_BUILD_ID", default=None)
    """This worker's build; by default the package version and a hash of the workflow
    and domain code (``workers.deployment.default_build_id``)."""
    make_current: bool = _env("PARCOURS_MAKE_CURRENT", default=True)
    """A starting worker makes its build the deployment's current one (new programmes
    start on it, running ones move at their next continue-as-new). Off to deploy in
    steps: start the workers, ``parcours replay-check``, then ``parcours deploy``."""
    move_pinned: bool = _env("PARCOURS_MOVE_PINNED", default=False)
    """Once its build is current, a starting worker moves the programmes of its task queue
    pinned to other builds onto it, each once it replays with this code
    (``workers.moving``): for when the old build's workers are gone for good. ``parcours
    up`` always does."""

    # Notifications.
    notifiers: Annotated[tuple[str, ...], NoDecode] = _env(
        "PARCOURS_NOTIFIERS", default=("outbox",)
    )
    public_url: LinkTemplate | None = _env("PARCOURS_PUBLIC_URL", default=None)
    """Where a message's link points: the programme's page on the platform people use, a
    URL with ``{programme_id}`` in it (e.g. ``https://coaching.example.com/programmes/
    {programme_id}``). Unset: messages carry no link (the API's JSON is not a page the
    people who receive them could open)."""
    smtp_host: str | None = _env("PARCOURS_SMTP_HOST", default=None)
    smtp_port: Port | None = _env("PARCOURS_SMTP_PORT", default=None)
    """Default: 465 with ssl, 587 with starttls, 25 with none."""
    smtp_from: str | None = _env("PARCOURS_SMTP_FROM", default=None)
    smtp_user: str | None = _env("PARCOURS_SMTP_USER", default=None)
    smtp_password: SecretStr | None = _env("PARCOURS_SMTP_PASSWORD", default=None)
    smtp_tls: SmtpSecurity = _env("PARCOURS_SMTP_TLS", default=SmtpSecurity.starttls)
    smtp_timeout: Timeout = _env("PARCOURS_SMTP_TIMEOUT", default=10.0)
    smtp_ca_file: PemFile | None = _env("PARCOURS_SMTP_CA_FILE", default=None)
    webhook_url: HttpUrl | None = _env("PARCOURS_WEBHOOK_URL", default=None)
    webhook_secret: SecretStr | None = _env("PARCOURS_WEBHOOK_SECRET", default=None)
    webhook_timeout: Timeout = _env("PARCOURS_WEBHOOK_TIMEOUT", default=10.0)

    # The HTTP API and payload encryption.
    api_tokens: Annotated[dict[str, ApiRole], NoDecode] = _env(
        "PARCOURS_API_TOKENS", default_factory=dict, repr=False
    )
    """Bearer token -> role, from ``role:token,role:token`` (``cohort:token:c1+c2`` for a
    cohort reader, whose cohorts are ``api_token_cohorts``)."""
    api_token_cohorts: dict[str, tuple[str, ...]] = Field(default_factory=dict, repr=False)
    """Cohort reader's token -> the cohorts it may read, from ``PARCOURS_API_TOKENS``."""
    idempotency_ttl: Annotated[float, Field(gt=0)] = _env(
        "PARCOURS_IDEMPOTENCY_TTL", default=24 * 3600.0
    )
    """Seconds the API keeps the answer to a write sent with an Idempotency-Key."""
    master_key: SecretStr | None = _env("PARCOURS_MASTER_KEY", default=None)
    """Base64 of 32 bytes: wraps every employee's data key (``adapters.payloads.keyring``)."""
    master_key_file: Path | None = _env("PARCOURS_MASTER_KEY_FILE", default=None)
    """A file holding the master key (a mounted secret), when ``master_key`` is not set:
    read again by running processes when the key store is rotated under them."""
    rate_limit: RateLimit = _env("PARCOURS_RATE_LIMIT", default="50/second;1000/minute")
    """Requests per bearer token, to every route but ``/healthz`` (each API process)."""
    programme_rate_limit: RateLimit = _env(
        "PARCOURS_PROGRAMME_RATE_LIMIT", default="5/second;120/minute"
    )
    """Writes per programme, whichever token sends them (each API process)."""
    max_body_bytes: BodySize = _env("PARCOURS_MAX_BODY_BYTES", default=1024 * 1024)
    """The largest request body the API reads; larger ones get 413."""
    codec_cors_origins: Annotated[tuple[str, ...], NoDecode] = _env(
        "PARCOURS_CODEC_CORS_ORIGINS",
        default=UI_ORIGINS,
    )
    """Web UI origins allowed to call the API's ``/codec`` endpoint from a browser."""

    # Where parcours keeps what it keeps beside Temporal (the key store, the API's answers).
    database_url: SecretStr | None = _env("PARCOURS_DATABASE_URL", default=None, repr=False)
    """``postgresql://user:password@host:port/database``: the stores on that PostgreSQL
    database, shared by every worker and API replica. Unset: SQLite files in the data dir."""

    archive_retention: ArchiveRetention | None = _env("PARCOURS_ARCHIVE_RETENTION", default=None)
    """How long closed programmes stay in the archive (``P3Y``; years and months count on
    the calendar), enforced by ``parcours archive prune``. Unset: kept until erased."""

    # Observability.
    metrics_port: Port | None = _env("PARCOURS_METRICS_PORT", default=None)
    """Serve Prometheus metrics on this port (``/metrics``); none: no endpoint."""
    metrics_host: Name = _env("PARCOURS_METRICS_HOST", default="0.0.0.0")
    otlp_endpoint: HttpUrl | None = _env("PARCOURS_OTLP_ENDPOINT", default=None)
    """Export traces over OTLP/gRPC to this endpoint, e.g. http://otel-collector:4317."""

    # -------------------------------------------------------------- parsing

    @field_validator("notifiers", mode="before")
    @classmethod
    def _split_notifiers(cls, value: Any) -> Any:
        return split_notifiers(value)

    @field_validator("codec_cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple):
            origins = []
            for origin in value:
                parts = urlsplit(str(origin))
                if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
                    raise ValueError(
                        f"each origin must be scheme://host[:port], like "
                        f"http://localhost:8233, got {origin!r}"
                    )
                origins.append(str(origin))
            return tuple(dict.fromkeys(origins))
        return value

    @field_validator("smtp_tls", mode="before")
    @classmethod
    def _smtp_security(cls, value: Any) -> Any:
        return smtp_security(value)

    @_model_validator(mode="before")
    @classmethod
    def _token_cohorts(cls, data: Any) -> Any:
        return token_cohorts(data)

    @field_validator("api_tokens", mode="before")
    @classmethod
    def _parse_tokens(cls, value: Any) -> Any:
        return parse_tokens(value)

    @field_validator("database_url")
    @classmethod
    def _postgresql_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        parts = urlsplit(value.get_secret_value().strip())
        if parts.scheme not in ("postgresql", "postgres"):
            raise ValueError(
                "must be a postgresql://user:password@host:port/database URL, got one "
                f"starting {parts.scheme or '(no scheme)'}://"
            )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @_model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = self._cross_problems()
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _cross_problems(self) -> list[str]:
        """What is wrong between settings (each one alone is valid)."""
        problems: list[str] = []
        if "smtp" in self.notifiers:
            for name, value in (
                ("PARCOURS_SMTP_HOST", self.smtp_host),
                ("PARCOURS_SMTP_FROM", self.smtp_from),
            ):
                if not value:
                    problems.append(f"PARCOURS_NOTIFIERS includes smtp but {name} is not set")
        if (self.smtp_user is None) != (self.smtp_password is None):
            problems.append(
                "PARCOURS_SMTP_USER and PARCOURS_SMTP_PASSWORD go together: set both or neither"
            )
        if "webhook" in self.notifiers:
            if not self.webhook_url:
                problems.append(
                    "PARCOURS_NOTIFIERS includes webhook but PARCOURS_WEBHOOK_URL is not set"
                )
            if self.webhook_secret is None:
                problems.append(
                    "PARCOURS_NOTIFIERS includes webhook but PARCOURS_WEBHOOK_SECRET is not set"
                )
        if self.webhook_secret is not None and len(self.webhook_secret.get_secret_value()) < 16:
            problems.append("PARCOURS_WEBHOOK_SECRET: must be at least 16 characters")
        if (self.temporal_tls_cert is None) != (self.temporal_tls_key is None):
            problems.append(
                "TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both or neither"
            )
        if self.temporal_tls is False and (
            self.temporal_tls_cert is not None or self.temporal_api_key is not None
        ):
            problems.append(
                "TEMPORAL_TLS is false but a client certificate or TEMPORAL_API_KEY is set: "
                "those need TLS"
            )
        if self.data_dir.exists() and not self.data_dir.is_dir():
            problems.append(f"PARCOURS_DATA_DIR: {self.data_dir} exists and is not a directory")
        if self.otlp_endpoint is not None:
            missing = [m for m in TRACING_MODULES if not _importable(m)]
            if missing:
                problems.append(
                    "PARCOURS_OTLP_ENDPOINT is set but tracing needs OpenTelemetry's SDK and "
                    f"OTLP exporter ({', '.join(missing)} not installed): install "
                    "opentelemetry-sdk and opentelemetry-exporter-otlp-proto-grpc, or unset it"
                )
        return problems

    # -------------------------------------------------------------- derived

    @property
    def smtp(self) -> SmtpConfig | None:
        """The SMTP channel's configuration, when a host is set."""
        from adapters.notify.smtp import SmtpConfig

        if not self.smtp_host or not self.smtp_from:
            return None
        default_port = {SmtpSecurity.ssl: 465, SmtpSecurity.starttls: 587}.get(self.smtp_tls, 25)
        return SmtpConfig(
            host=self.smtp_host,
            port=self.smtp_port or default_port,
            sender=self.smtp_from,
            security=self.smtp_tls,
            user=self.smtp_user,
            password=reveal(self.smtp_password),
            timeout=self.smtp_timeout,
            ca_file=self.smtp_ca_file,
        )

    @property
    def webhook(self) -> WebhookConfig | None:
        """The webhook channel's configuration, when a URL and a secret are set."""
        from adapters.notify.webhook import WebhookConfig

        secret = reveal(self.webhook_secret)
        if not self.webhook_url or secret is None:
            return None
        return WebhookConfig(url=self.webhook_url, secret=secret, timeout=self.webhook_timeout)

    @property
    def metrics_address(self) -> str | None:
        """``host:port`` for the Prometheus endpoint, or None."""
        if self.metrics_port is None:
            return None
        return f"{self.metrics_host}:{self.metrics_port}"


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def reveal(secret: SecretStr | None) -> str | None:
    """A secret's value, where it is handed to what needs it (never to a log)."""
    return secret.get_secret_value() if secret is not None else None


__all__ = [
    "Settings",
    "SettingsError",
    "reveal",
]
